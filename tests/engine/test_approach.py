"""Surgical approach, first matching rule wins (RULES.md section 4), for both rule sets."""

from datetime import date

import pytest

from guidelines import RUPTURE_CHECKLIST, CaseFacts, assess

RULESETS = ["esmo-2022", "csco-2020"]


def approach(ruleset="esmo-2022", **kwargs):
    kwargs.setdefault("site", "stomach")
    # histology confirmed keeps ESMO small nodules on the resection pathway
    kwargs.setdefault("histology_confirmed", True)
    result = assess(CaseFacts(**kwargs), ruleset, today=date(2026, 3, 1))
    assert result.pathway in ("resection", "neoadjuvant_then_resection")
    approach_ids = [r for r in result.recommendation_ids() if r.startswith("approach.")]
    assert len(approach_ids) == 1
    return result.approach, approach_ids[0]


# Rules 1-3 come before the site rules.
@pytest.mark.parametrize("ruleset", RULESETS)
def test_unclear_boundary_is_open(ruleset):
    assert approach(ruleset, size_cm=3.0, gastric_location="greater_curvature", boundary_clear=False) == (
        "open",
        "approach.open_unclear_boundary",
    )


@pytest.mark.parametrize("ruleset", RULESETS)
def test_adhesion_is_open(ruleset):
    assert approach(ruleset, site="jejunum", size_cm=3.0, adherent_to_adjacent_organs=True) == (
        "open",
        "approach.open_adhesion",
    )


@pytest.mark.parametrize("ruleset", RULESETS)
def test_over_10_cm_is_open(ruleset):
    assert approach(ruleset, size_cm=10.1, gastric_location="greater_curvature") == (
        "open",
        "approach.open_over_10cm",
    )


def test_boundary_rule_wins_over_adhesion_and_size():
    assert approach(size_cm=12.0, boundary_clear=False, adherent_to_adjacent_organs=True)[1] == (
        "approach.open_unclear_boundary"
    )


# Rule 4: stomach and EGJ.
@pytest.mark.parametrize(
    "location", ["greater_curvature", "lesser_curvature", "posterior_wall", "cardia", "pylorus"]
)
def test_esmo_small_gastric_adverse_is_endoscopic_or_laparoscopic(location):
    assert approach(size_cm=1.5, gastric_location=location, eus_features=("ulceration",))[0] == (
        "endoscopic_or_laparoscopic"
    )


@pytest.mark.parametrize(
    ("site", "location", "expected"),
    [
        ("stomach", "lesser_curvature", "endoscopic_or_laparoscopic"),
        ("stomach", "posterior_wall", "endoscopic_or_laparoscopic"),
        ("stomach", "cardia", "endoscopic_or_laparoscopic"),
        ("egj", None, "endoscopic_or_laparoscopic"),
        ("stomach", "greater_curvature", "open_or_laparoscopic"),
        ("stomach", "antrum", "open_or_laparoscopic"),
        ("stomach", "pylorus", "open_or_laparoscopic"),
    ],
)
def test_csco_small_gastric_adverse(site, location, expected):
    result = approach(
        "csco-2020", site=site, size_cm=1.5, gastric_location=location, clinical_features=("bleeding",)
    )
    assert result[0] == expected


def test_csco_small_gastric_adverse_without_location_is_open_or_laparoscopic():
    # Issue 17.2 (RULES.md 4.4): CSCO's class I open or laparoscopic resection applies whatever the location;
    # only the class II endoscopic alternative needs one (lesser curvature, posterior wall, cardia/EGJ).
    assert approach("csco-2020", size_cm=1.5, eus_features=("ulceration",)) == (
        "open_or_laparoscopic",
        "approach.small_gastric_open_or_laparoscopic",
    )


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize(("site", "location"), [("stomach", "cardia"), ("stomach", "pylorus"), ("egj", None)])
@pytest.mark.parametrize("size", [3.0, 8.0])
def test_cardia_egj_pylorus_is_open(ruleset, site, location, size):
    assert approach(ruleset, site=site, size_cm=size, gastric_location=location) == (
        "open",
        "approach.open_cardia_pylorus",
    )


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("size", [2.0, 4.0, 5.0])
@pytest.mark.parametrize(
    "location", ["fundus", "greater_curvature", "lesser_curvature", "anterior_wall", "antrum"]
)
def test_gastric_up_to_5_cm_is_laparoscopic(ruleset, size, location):
    assert approach(ruleset, size_cm=size, gastric_location=location) == (
        "laparoscopic",
        "approach.laparoscopic_gastric",
    )


@pytest.mark.parametrize("location", ["greater_curvature", "antrum", "anterior_wall", "fundus"])
def test_esmo_gastric_5_to_10_cm_is_open(location):
    assert approach(size_cm=5.1, gastric_location=location, growth_pattern="exophytic") == (
        "open",
        "approach.open_gastric_5_10",
    )


@pytest.mark.parametrize(
    ("location", "growth", "expected"),
    [
        ("greater_curvature", "endophytic", "laparoscopic"),
        ("greater_curvature", None, "laparoscopic"),
        ("antrum", "endophytic", "laparoscopic"),
        ("anterior_wall", "exophytic", "laparoscopic"),
        ("anterior_wall", "endophytic", "open"),
        ("anterior_wall", "dumbbell", "open"),
        ("lesser_curvature", "exophytic", "open"),
        ("posterior_wall", "exophytic", "open"),
        ("fundus", "endophytic", "open"),
    ],
)
def test_csco_gastric_5_to_10_cm(location, growth, expected):
    assert approach("csco-2020", size_cm=8.0, gastric_location=location, growth_pattern=growth)[0] == expected


def test_gastric_location_unknown_gives_no_default():
    assert approach(size_cm=4.0) == (None, "approach.gastric_location_needed")


# Review finding: under ESMO every gastric tumour of more than 5 and up to 10 cm is open whatever its location
# (cardia/EGJ or pylorus: open; 5-10 cm: ESMO open), so an unknown location must not withhold "open".
@pytest.mark.parametrize("size", [5.1, 8.0, 10.0])
def test_esmo_gastric_5_to_10_cm_unknown_location_is_open(size):
    assert approach(size_cm=size) == ("open", "approach.open_gastric_5_10")


def test_csco_gastric_5_to_10_cm_unknown_location_still_needs_location():
    # CSCO: greater curvature or antrum would be laparoscopic, elsewhere open: the location decides.
    assert approach("csco-2020", size_cm=8.0) == (None, "approach.gastric_location_needed")


# Rule 5: jejunum / ileum / small intestine.
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("site", ["jejunum", "ileum", "small_intestine"])
@pytest.mark.parametrize(
    ("size", "expected"), [(1.0, "laparoscopic"), (5.0, "laparoscopic"), (5.1, "open"), (10.0, "open")]
)
def test_small_bowel(ruleset, site, size, expected):
    assert approach(ruleset, site=site, size_cm=size)[0] == expected


# Rule 6: duodenum.
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize(
    ("location", "size", "growth", "expected"),
    [
        ("lateral_wall", 1.5, None, "local_excision"),
        ("lateral_wall", 4.0, "exophytic", "local_excision"),
        ("lateral_wall", 4.0, "endophytic", "open"),
        ("medial_wall", 1.5, "exophytic", "open"),
        ("other", 3.0, None, "open"),
        (None, 3.0, None, "open"),
    ],
)
def test_duodenum(ruleset, location, size, growth, expected):
    assert approach(
        ruleset, site="duodenum", size_cm=size, duodenal_location=location, growth_pattern=growth
    )[0] == (expected)


# Rule 7: colon and rectum.
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize(
    ("site", "level", "expected"),
    [
        ("colon", None, ("laparoscopic", "approach.laparoscopic_colorectal")),
        ("rectum", "mid", ("laparoscopic", "approach.laparoscopic_colorectal")),
        ("rectum", "high", ("laparoscopic", "approach.laparoscopic_colorectal")),
        ("rectum", "low", ("local_excision", "approach.rectal_local_excision")),
        ("rectum", None, (None, "approach.rectal_level_needed")),
    ],
)
def test_colon_and_rectum(ruleset, site, level, expected):
    assert approach(ruleset, site=site, size_cm=3.0, rectal_level=level) == expected


# Rule 8: no default.
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("site", ["esophagus", "mesentery", "omentum", "peritoneum", "other"])
def test_individualised_sites(ruleset, site):
    assert approach(ruleset, site=site, size_cm=4.0) == (None, "approach.individualised")
    result = assess(CaseFacts(site=site, size_cm=4.0), ruleset)
    rec = {r.id: r for r in result.recommendations}["approach.individualised"]
    assert "individualised by the MDT" in rec.text


# Surgical principles and the rupture checklist.
@pytest.mark.parametrize("pathway_kwargs", [{}, {"r0_feasible": False}])
def test_checklist_and_principles_whenever_surgery_is_planned(pathway_kwargs):
    result = assess(CaseFacts(site="stomach", size_cm=6.0, gastric_location="antrum", **pathway_kwargs))
    assert result.checklist == RUPTURE_CHECKLIST
    assert len(result.checklist) == 7
    ids = result.recommendation_ids()
    assert {"surgery.principles", "surgery.lymph_nodes", "surgery.rupture_checklist"} <= set(ids)
    rec = {r.id: r for r in result.recommendations}["surgery.rupture_checklist"]
    assert "Extract the specimen in a bag." in rec.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"size_cm": 1.0},  # watched nodule
        {"size_cm": 6.0, "presentation": "metastatic"},
        {"size_cm": 6.0, "resected": True, "surgery_date": date(2026, 1, 1), "mitoses_per_5mm2": 2},
    ],
)
def test_no_checklist_without_planned_surgery(kwargs):
    result = assess(CaseFacts(site="stomach", **kwargs))
    assert result.checklist == ()
    assert result.approach is None
    assert "surgery.rupture_checklist" not in result.recommendation_ids()


def test_sdh_deficient_lymph_nodes():
    result = assess(
        CaseFacts(site="stomach", size_cm=4.0, gastric_location="antrum", genotype="sdh_deficient")
    )
    assert "surgery.lymph_nodes_sdh" in result.recommendation_ids()
    assert "surgery.lymph_nodes" not in result.recommendation_ids()
