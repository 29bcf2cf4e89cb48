"""Risk schemes against the published tables (RULES.md section 2). Expected values are typed here from
RULES.md, independently of ``guidelines/rulesets/risk_tables.py``."""

import pytest

from guidelines import CaseFacts, assess, assess_risk, explain_disagreement
from guidelines.risk import afip, modified_nih, nih_2002, tnm

# --- AFIP (Miettinen 2006), all 32 cells ----------------------------------------------------------------
# (mitoses, size_cm, site, category, progression_pct); one representative size per band and site per column.
AFIP_CELLS = [
    # mitoses <= 5, size <= 2
    (5, 2.0, "stomach", "none", 0),
    (5, 2.0, "duodenum", "none", 0),
    (5, 2.0, "jejunum", "none", 0),
    (5, 2.0, "rectum", "none", 0),
    # mitoses <= 5, > 2 - <= 5
    (3, 4.0, "stomach", "very_low", 1.9),
    (3, 4.0, "duodenum", "low", 8.3),
    (3, 4.0, "ileum", "low", 4.3),
    (3, 4.0, "rectum", "low", 8.5),
    # mitoses <= 5, > 5 - <= 10
    (0, 7.0, "stomach", "low", 3.6),
    (0, 7.0, "duodenum", "insufficient_data", None),
    (0, 7.0, "small_intestine", "moderate", 24),
    (0, 7.0, "rectum", "insufficient_data", None),
    # mitoses <= 5, > 10
    (5, 12.0, "stomach", "moderate", 10),
    (5, 12.0, "duodenum", "high", 34),
    (5, 12.0, "jejunum", "high", 52),
    (5, 12.0, "rectum", "high", 57),
    # mitoses > 5, <= 2
    (6, 1.5, "stomach", "none", None),
    (6, 1.5, "duodenum", "insufficient_data", None),
    (6, 1.5, "jejunum", "high", None),
    (6, 1.5, "rectum", "high", 54),
    # mitoses > 5, > 2 - <= 5
    (8, 5.0, "stomach", "moderate", 16),
    (8, 5.0, "duodenum", "high", 50),
    (8, 5.0, "jejunum", "high", 73),
    (8, 5.0, "rectum", "high", 52),
    # mitoses > 5, > 5 - <= 10
    (20, 10.0, "stomach", "high", 55),
    (20, 10.0, "duodenum", "insufficient_data", None),
    (20, 10.0, "ileum", "high", 85),
    (20, 10.0, "rectum", "insufficient_data", None),
    # mitoses > 5, > 10
    (6, 30.0, "stomach", "high", 86),
    (6, 30.0, "duodenum", "high", 86),
    (6, 30.0, "jejunum", "high", 90),
    (6, 30.0, "rectum", "high", 71),
]


@pytest.mark.parametrize(("mitoses", "size", "site", "category", "pct"), AFIP_CELLS)
def test_afip_cell(mitoses, size, site, category, pct):
    result = afip(size, mitoses, site)
    assert (result.category, result.progression_pct) == (category, pct)


def test_afip_table_has_32_distinct_cells():
    assert len({(m > 5, s, site) for m, s, site, _, _ in AFIP_CELLS}) == 32


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        # gastric column: stomach, EGJ, omentum
        ("egj", ("high", 55)),
        ("omentum", ("high", 55)),
        # jejunum/ileum column for the whole intestinal group
        ("esophagus", ("high", 85)),
        ("colon", ("high", 85)),
        ("mesentery", ("high", 85)),
        ("peritoneum", ("high", 85)),
        ("other", ("high", 85)),
    ],
)
def test_afip_site_groups(site, expected):
    result = afip(7.0, 8, site)
    assert (result.category, result.progression_pct) == expected


@pytest.mark.parametrize(
    ("size", "mitoses", "expected"),
    [
        (2.0, 5, "none"),
        (2.01, 5, "very_low"),
        (5.0, 5, "very_low"),
        (5.1, 5, "low"),
        (10.0, 5, "low"),
        (10.1, 5, "moderate"),
        (5.0, 6, "moderate"),
    ],
)
def test_afip_band_boundaries_gastric(size, mitoses, expected):
    assert afip(size, mitoses, "stomach").category == expected


def test_duodenal_column_is_not_swapped_with_jejunal():
    # NCI PDQ swaps these headers; the jejunum/ileum cohort has data where the duodenal one has none.
    assert afip(7.0, 3, "duodenum").category == "insufficient_data"
    assert afip(7.0, 3, "jejunum").progression_pct == 24
    assert afip(12.0, 8, "rectum").progression_pct == 71  # not "7"


# --- Modified NIH (Joensuu 2008) --------------------------------------------------------------------------
# (size_cm, mitoses, gastric category, non-gastric category)
MODIFIED_NIH_ROWS = [
    (1.0, 0, "very_low", "very_low"),
    (2.0, 5, "very_low", "very_low"),
    # Joensuu 2008 Table 1: "< 2.0 cm, 6-10 mitoses, any site: intermediate" (RULES.md 2.1, corrected
    # 2026-12-02; the earlier table graded the non-gastric cell high).
    (2.0, 6, "intermediate", "intermediate"),
    (2.0, 10, "intermediate", "intermediate"),
    (2.0, 11, "high", "high"),
    (2.1, 5, "low", "low"),
    (2.1, 6, "intermediate", "high"),
    (5.0, 5, "low", "low"),
    (5.0, 6, "intermediate", "high"),
    (5.0, 10, "intermediate", "high"),
    (5.0, 11, "high", "high"),
    (5.1, 0, "intermediate", "high"),
    (5.1, 5, "intermediate", "high"),
    (5.1, 6, "high", "high"),
    (10.0, 5, "intermediate", "high"),
    (10.0, 6, "high", "high"),
    (10.0, 11, "high", "high"),
    (10.1, 0, "high", "high"),
    (10.1, 5, "high", "high"),
    (3.0, 12, "high", "high"),  # RULES.md: gastric 3 cm with 12 mitoses is high (highest row wins)
    (25.0, 0, "high", "high"),
]


@pytest.mark.parametrize(("size", "mitoses", "gastric", "non_gastric"), MODIFIED_NIH_ROWS)
@pytest.mark.parametrize("site", ["stomach", "egj", "omentum"])
def test_modified_nih_gastric_group(size, mitoses, gastric, non_gastric, site):
    assert modified_nih(size, mitoses, site, False) == gastric


@pytest.mark.parametrize(("size", "mitoses", "gastric", "non_gastric"), MODIFIED_NIH_ROWS)
@pytest.mark.parametrize("site", ["duodenum", "jejunum", "rectum", "colon", "esophagus", "mesentery"])
def test_modified_nih_non_gastric(size, mitoses, gastric, non_gastric, site):
    assert modified_nih(size, mitoses, site, False) == non_gastric


@pytest.mark.parametrize("site", ["stomach", "jejunum", "rectum"])
def test_modified_nih_rupture_is_always_high(site):
    assert modified_nih(1.0, 0, site, True) == "high"


# --- NIH 2002 (Fletcher), project convention ------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "mitoses", "expected"),
    [
        (1.9, 4, "very_low"),
        (2.0, 5, "very_low"),  # convention: exactly 2 cm / 5 mitoses in the lower band
        (2.1, 5, "low"),
        (5.0, 5, "low"),
        (5.1, 5, "intermediate"),
        (10.0, 5, "intermediate"),
        (10.1, 0, "high"),
        (4.0, 6, "intermediate"),
        (4.0, 10, "intermediate"),
        (4.0, 11, "high"),
        (1.0, 11, "high"),
        (5.1, 6, "high"),
    ],
)
def test_nih_2002_convention(size, mitoses, expected):
    assert nih_2002(size, mitoses) == expected


def test_nih_2002_ignores_site_and_rupture():
    risk = assess_risk(CaseFacts(site="jejunum", size_cm=7.0, mitoses_per_5mm2=3, rupture=True))
    assert risk.nih_2002 == "intermediate"
    assert risk.modified_nih == "high"


# --- TNM (AJCC 8th) --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "mitoses", "t", "rate", "stage"),
    [
        (1.5, 3, "T1", "low", "IA"),
        (2.0, 5, "T1", "low", "IA"),
        (2.1, 5, "T2", "low", "IA"),
        (5.0, 5, "T2", "low", "IA"),
        (5.1, 5, "T3", "low", "IB"),
        (10.0, 0, "T3", "low", "IB"),
        (10.1, 5, "T4", "low", "II"),
        (1.5, 6, "T1", "high", "II"),
        (5.0, 6, "T2", "high", "II"),
        (7.0, 6, "T3", "high", "IIIA"),
        (11.0, 6, "T4", "high", "IIIB"),
    ],
)
@pytest.mark.parametrize("site", ["stomach", "egj", "omentum"])
def test_tnm_gastric_group(size, mitoses, t, rate, stage, site):
    result = tnm(size, mitoses, site, False, False)
    assert (result.t, result.n, result.m, result.mitotic_rate, result.stage) == (t, "N0", "M0", rate, stage)


@pytest.mark.parametrize(
    ("size", "mitoses", "t", "stage"),
    [
        (1.5, 3, "T1", "I"),
        (4.0, 5, "T2", "I"),
        (7.0, 5, "T3", "II"),
        (11.0, 5, "T4", "IIIA"),
        (1.5, 6, "T1", "IIIA"),
        (3.0, 6, "T2", "IIIB"),
        (7.0, 6, "T3", "IIIB"),
        (11.0, 6, "T4", "IIIB"),
    ],
)
@pytest.mark.parametrize("site", ["duodenum", "rectum", "jejunum", "colon", "esophagus", "peritoneum"])
def test_tnm_other_sites(size, mitoses, t, stage, site):
    result = tnm(size, mitoses, site, False, False)
    assert (result.t, result.stage) == (t, stage)


@pytest.mark.parametrize("site", ["stomach", "jejunum"])
def test_tnm_n1_is_stage_iv(site):
    risk = assess_risk(CaseFacts(site=site, size_cm=1.5, mitoses_per_5mm2=1, nodes_positive=True))
    assert (risk.tnm.n, risk.tnm.m, risk.tnm.stage) == ("N1", "M0", "IV")


@pytest.mark.parametrize("site", ["stomach", "rectum"])
def test_tnm_metastatic_is_m1_stage_iv(site):
    risk = assess_risk(CaseFacts(site=site, size_cm=1.5, mitoses_per_5mm2=1, presentation="metastatic"))
    assert (risk.tnm.n, risk.tnm.m, risk.tnm.stage) == ("N0", "M1", "IV")


def test_tnm_recurrent_is_not_m1():
    risk = assess_risk(CaseFacts(site="stomach", size_cm=1.5, mitoses_per_5mm2=1, presentation="recurrent"))
    assert (risk.tnm.m, risk.tnm.stage) == ("M0", "IA")


# --- Whole risk object ------------------------------------------------------------------------------------
def test_contract_example_risk():
    risk = assess_risk(
        CaseFacts(site="stomach", gastric_location="greater_curvature", size_cm=6.5, mitoses_per_5mm2=8)
    )
    assert risk.to_dict() == {
        "modified_nih": "high",
        "nih_2002": "high",
        "afip": {"category": "high", "progression_pct": 55},
        "tnm": {"t": "T3", "n": "N0", "m": "M0", "mitotic_rate": "high", "stage": "IIIA"},
        "notes": [],
    }


@pytest.mark.parametrize(("size", "mitoses"), [(None, 3), (4.0, None), (None, None)])
def test_risk_is_none_when_size_or_mitoses_unknown(size, mitoses):
    assert assess_risk(CaseFacts(site="stomach", size_cm=size, mitoses_per_5mm2=mitoses)) is None
    assert assess(CaseFacts(site="stomach", size_cm=size, mitoses_per_5mm2=mitoses)).risk is None


# --- explain_disagreement -------------------------------------------------------------------------------
def _notes(**kwargs):
    facts = CaseFacts(**kwargs)
    return explain_disagreement(facts, assess_risk(facts))


def test_no_notes_when_schemes_agree():
    assert _notes(site="stomach", size_cm=4.0, mitoses_per_5mm2=3) == []


def test_no_notes_without_risk():
    assert _notes(site="jejunum", size_cm=7.0, mitoses_per_5mm2=None) == []


def test_note_site_ignored_by_nih_2002():
    notes = _notes(site="jejunum", size_cm=7.0, mitoses_per_5mm2=3)
    assert any(n.startswith("NIH 2002 ignores site") for n in notes)
    assert not any("ignore rupture" in n for n in notes)


def test_note_rupture():
    notes = _notes(site="stomach", size_cm=4.0, mitoses_per_5mm2=3, rupture=True)
    assert any("ignore rupture" in n and "would be low" in n for n in notes)
    assert not any("ignores site" in n for n in notes)


def test_note_afip_insufficient_data():
    notes = _notes(site="duodenum", size_cm=7.0, mitoses_per_5mm2=3)
    assert any(n.startswith("AFIP has insufficient data") and "duodenal" in n for n in notes)


def test_note_mitoses_cut_at_5():
    notes = _notes(site="stomach", size_cm=3.0, mitoses_per_5mm2=12)
    assert any(n.startswith("AFIP and TNM cut mitoses at 5 only") for n in notes)


def test_note_stage_iv_from_nodes():
    notes = _notes(site="stomach", size_cm=4.0, mitoses_per_5mm2=3, nodes_positive=True)
    assert any("stage IV because of positive regional nodes (N1)" in n for n in notes)
