"""Issue 17: the corrected rule table and the facts the engine did not hear (RULES.md as changed 2026-12-02).

Every expected value here is worked out by hand from RULES.md or the cited source, in the comments beside it.
"""

from __future__ import annotations

from datetime import date

import pytest

from guidelines import CaseFacts, ContractError, assess, parse_case
from guidelines.schedule import add_months

SURGERY = date(2026, 1, 15)


def resected(ruleset="esmo-2022", **overrides):
    base = {
        "site": "stomach",
        "size_cm": 6.5,
        "mitoses_per_5mm2": 8,
        "resected": True,
        "surgery_date": SURGERY,
    }
    base.update(overrides)
    return assess(CaseFacts(**base), ruleset, today=SURGERY)


def rec(result, rec_id):
    return {r.id: r for r in result.recommendations}[rec_id]


# --- 1. Modified NIH, non-gastric <= 2.0 cm with 6-10 mitoses is intermediate (Joensuu 2008 Table 1) ---------


@pytest.mark.parametrize("site", ["jejunum", "duodenum", "rectum", "colon", "esophagus", "mesentery"])
@pytest.mark.parametrize(("size", "mitoses"), [(1.5, 6), (1.5, 10), (2.0, 8)])
def test_it_grades_small_non_gastric_6_to_10_mitoses_intermediate(site, size, mitoses):
    assert resected(site=site, size_cm=size, mitoses_per_5mm2=mitoses).risk.modified_nih == "intermediate"


@pytest.mark.parametrize(("size", "mitoses"), [(1.5, 11), (2.1, 6)])
def test_it_keeps_the_neighbouring_cells_high(size, mitoses):
    # > 10 mitoses: high at any size; 2.1-5.0 cm with > 5 mitoses non-gastric: high.
    assert resected(site="jejunum", size_cm=size, mitoses_per_5mm2=mitoses).risk.modified_nih == "high"


def test_it_changes_the_adjuvant_advice_of_that_cell():
    # ESMO intermediate: consider, 36 months if given. CSCO non-gastric intermediate: recommended, 36 months.
    esmo = resected(site="jejunum", size_cm=1.5, mitoses_per_5mm2=8).adjuvant
    csco = resected("csco-2020", site="jejunum", size_cm=1.5, mitoses_per_5mm2=8).adjuvant
    assert (esmo.recommendation, esmo.duration_months) == ("consider", 36)
    assert (csco.recommendation, csco.duration_months) == ("recommended", 36)


# --- 2. CSCO, gastric < 2 cm with adverse features and no location ------------------------------------------


def test_it_gives_csco_class_i_approach_without_a_location():
    result = assess(CaseFacts(site="stomach", size_cm=1.5, eus_features=("ulceration",)), "csco-2020")
    assert (result.pathway, result.approach) == ("resection", "open_or_laparoscopic")
    assert rec(result, "approach.small_gastric_open_or_laparoscopic").evidence == "class I"


def test_it_keeps_the_class_ii_alternative_for_the_lesser_curvature():
    facts = CaseFacts(
        site="stomach", size_cm=1.5, eus_features=("ulceration",), gastric_location="lesser_curvature"
    )
    assert assess(facts, "csco-2020").approach == "endoscopic_or_laparoscopic"


# --- 3. Numbers that crash --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["size_cm", "mitoses_per_5mm2", "neoadjuvant_months", "pre_treatment_size_cm", "mitoses_per_50hpf"],
)
@pytest.mark.parametrize("value", [10**400, -(10**400), 1e308])
def test_it_refuses_a_huge_number_naming_the_field(field, value):
    case = {"site": "stomach", "size_cm": 3, field: value}
    if field == "mitoses_per_50hpf":
        case["hpf_field_area_mm2"] = 0.24
    with pytest.raises(ContractError) as info:
        parse_case(case, 0)
    assert info.value.field == field


def test_it_refuses_a_huge_field_area():
    with pytest.raises(ContractError) as info:
        parse_case({"site": "stomach", "size_cm": 3, "mitoses_per_50hpf": 8, "hpf_field_area_mm2": 10**400})
    assert info.value.field == "hpf_field_area_mm2"


# --- 4. Surveillance after tumour rupture (RULES.md section 8, corrected) -------------------------------------


def test_it_follows_the_high_risk_schedule_after_rupture_with_36_months_of_imatinib():
    # Rupture -> adjuvant recommended 36 months, A = 36 >= 12: 3..36 step 3 (12), 39..60 step 3 (8),
    # 66..96 step 6 (6), 108..156 step 12 (5) = 31 visits, the last 2026-01-15 + 156 months = 2039-01-15.
    result = resected(size_cm=4.0, mitoses_per_5mm2=3, rupture=True)
    assert result.adjuvant.duration_months == 36
    assert len(result.surveillance) == 31
    assert result.surveillance[-1].due == date(2039, 1, 15)
    # 3-monthly for the two years after imatinib stops (months 39..60).
    months = [v.month for v in result.surveillance]
    assert [m for m in months if 36 < m <= 60] == [39, 42, 45, 48, 51, 54, 57, 60]
    assert "surveillance.rupture_with_adjuvant" in result.recommendation_ids()


def test_it_follows_the_high_risk_schedule_counted_with_12_months_given():
    # A = 12 (the threshold): 3..12 step 3 (4), 15..36 step 3 (8), 42..72 step 6 (6), 84..132 step 12 (5)
    # = 23 visits, the last 2026-01-15 + 132 months = 2037-01-15.
    result = resected(
        size_cm=4.0, mitoses_per_5mm2=3, rupture=True, adjuvant_decision="given", adjuvant_months=12
    )
    assert len(result.surveillance) == 23
    assert result.surveillance[-1].due == date(2037, 1, 15)


@pytest.mark.parametrize(("decision", "months"), [("declined", None), ("given", 11)])
def test_it_keeps_the_fixed_rupture_schedule_with_less_than_12_months(decision, months):
    # A < 12: every 3 months 3-36 (12), every 6 months 42-60 (4), every 12 months 72-120 (5) = 21 visits.
    result = resected(
        size_cm=4.0,
        mitoses_per_5mm2=3,
        rupture=True,
        adjuvant_decision=decision,
        adjuvant_months=months,
    )
    assert len(result.surveillance) == 21
    assert result.surveillance[-1].due == add_months(SURGERY, 120)
    assert "surveillance.rupture_with_adjuvant" not in result.recommendation_ids()


# --- 5. Advanced disease never runs out of scans ------------------------------------------------------------


def test_it_counts_the_systemic_schedule_from_the_start_of_the_current_line():
    # Diagnosed 2022, therapy started 2026-11-02: the first visit is 3 months after the start, not the diagnosis.
    # Today is one whole month after the start, so the schedule runs to at least 24 months after today
    # (month 25): months 3..27.
    facts = CaseFacts(
        site="jejunum",
        size_cm=8,
        presentation="recurrent",
        reference_date=date(2022, 3, 10),
        therapy_start_date=date(2026, 11, 2),
    )
    result = assess(facts, today=date(2026, 12, 2))
    assert result.surveillance[0].due == date(2027, 2, 2)
    assert [v.month for v in result.surveillance] == [3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert "schedule.therapy_start_unknown" not in result.warning_ids()


def test_it_renews_the_systemic_schedule_while_treatment_goes_on():
    # Start 2022-03-10, today 2026-12-02: 56 whole months have passed; the schedule runs to at least 24 months
    # after today: months 3, 6, ... 81 (2028-12-10, 24 months and 8 days after today), 27 visits, 9 still ahead.
    facts = CaseFacts(
        site="jejunum", size_cm=8, presentation="metastatic", therapy_start_date=date(2022, 3, 10)
    )
    today = date(2026, 12, 2)
    visits = assess(facts, today=today).surveillance
    assert [v.month for v in visits] == list(range(3, 82, 3))
    assert visits[-1].due == date(2028, 12, 10)
    assert len([v for v in visits if v.due >= today]) == 9


def test_it_says_when_the_start_of_therapy_is_not_recorded():
    facts = CaseFacts(site="jejunum", size_cm=8, presentation="metastatic")
    result = assess(facts, today=date(2026, 12, 2))
    assert "schedule.therapy_start_unknown" in result.warning_ids()
    assert result.surveillance[0].due == date(2027, 3, 2)


# --- 6. Citable sources -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", ["esmo-2022", "csco-2020"])
def test_it_never_prints_seed_in_a_source(ruleset):
    from guidelines import get_ruleset

    rs = get_ruleset(ruleset)
    sources = [s.source for s in rs.statements.values()]
    sources += [sch.source for sch in rs.schedules.values()]
    sources += [spec.source for spec in rs.first_line.values()] + [spec.source for spec in rs.later_lines]
    for rule in (rs.adjuvant_rupture, rs.adjuvant_high, rs.adjuvant_low, rs.adjuvant_intermediate_other):
        sources.append(rule.source)
    assert sources
    assert not [s for s in sources if "seed" in s.lower()]


def test_it_cites_the_csco_guideline_for_surgery_under_csco_and_as_a_local_default_under_esmo():
    csco = assess(CaseFacts(site="stomach", size_cm=12, gastric_location="antrum"), "csco-2020")
    esmo = assess(CaseFacts(site="stomach", size_cm=12, gastric_location="antrum"), "esmo-2022")
    assert rec(csco, "approach.open_over_10cm").source == (
        "CSCO Guidelines for Gastrointestinal Stromal Tumors 2020 (Chinese Society of Clinical Oncology)"
    )
    assert rec(esmo, "approach.open_over_10cm").source.startswith("local default (after the CSCO Guidelines")


@pytest.mark.parametrize(
    ("genotype", "evidence"),
    [("pdgfra_d842v", "[III, A]"), ("ntrk", "[III, A]"), ("sdh_deficient", "[III, B]"), ("braf", "[V, B]")],
)
def test_it_grades_the_genotype_specific_lines_as_esmo_2022(genotype, evidence):
    result = assess(CaseFacts(site="stomach", size_cm=8, presentation="metastatic", genotype=genotype))
    assert rec(result, "systemic.line_1").evidence == evidence


def test_it_prints_not_graded_in_the_source():
    data = resected().to_dict()
    by_id = {r["id"]: r for r in data["recommendations"]}
    assert by_id["pathway.resected"]["evidence"] == "not graded in the source"
    assert by_id["adjuvant.high_risk"]["evidence"] == "[I, A]"


# --- 8. SDHB lost is SDH-deficient -------------------------------------------------------------------------


def test_it_treats_sdhb_loss_as_sdh_deficient():
    # RULES.md section 1 and 5: SDH-deficient -> adjuvant not recommended whatever the risk ([IV, D]).
    result = resected(genotype="not_tested", sdhb_ihc="lost")
    assert result.adjuvant.recommendation == "not_recommended"
    assert "adjuvant.genotype_no_benefit" in result.recommendation_ids()
    assert "genotype.sdhb_lost" in result.warning_ids()


def test_it_gives_no_neoadjuvant_imatinib_when_sdhb_is_lost():
    facts = CaseFacts(
        site="stomach", size_cm=8, gastric_location="antrum", r0_feasible=False, sdhb_ihc="lost"
    )
    result = assess(facts)
    assert (result.pathway, result.neoadjuvant) == ("resection", None)
    assert "neoadjuvant.genotype_insensitive" in result.warning_ids()


def test_it_says_when_sdhb_loss_contradicts_the_genotype():
    result = resected(genotype="kit_exon_11", sdhb_ihc="lost")
    text = {w.id: w.text for w in result.warnings}["genotype.sdhb_lost"]
    assert "KIT exon 11" in text
    assert "review with the pathologist" in text


# --- 9. CD117 and DOG1 through the contract -----------------------------------------------------------------


def test_it_hears_cd117_and_dog1_through_the_contract():
    result = assess(parse_case({"site": "stomach", "size_cm": 3, "cd117": "negative", "dog1": "negative"}))
    assert "histology.cd117_dog1_negative" in result.warning_ids()


# --- 12. Genotype detail ------------------------------------------------------------------------------------


def test_it_prints_the_557_558_deletion_beside_the_risk():
    result = resected(genotype="kit_exon_11", genotype_detail="kit_exon11_del_557_558")
    assert result.risk.modified_nih == "high"  # unchanged: 6.5 cm, 8 mitoses, gastric
    (note,) = result.to_dict()["risk"]["notes"]
    assert "557/558" in note
    assert "Ann Oncol 2010" in note


def test_it_refuses_a_detail_of_another_genotype():
    with pytest.raises(ContractError) as info:
        parse_case(
            {"site": "stomach", "size_cm": 3, "genotype": "kit_exon_9", "genotype_detail": "kit_exon13_17"}
        )
    assert info.value.field == "genotype_detail"


# --- 14. Risk after neoadjuvant imatinib --------------------------------------------------------------------


def test_it_follows_the_pre_treatment_risk_after_neoadjuvant_imatinib():
    # Before: 12 cm, 4 mitoses, gastric -> high; after 8 months: 3 cm, 1 mitosis -> low. Adjuvant follows high:
    # 36 months in total, 8 given, 28 after surgery (ESMO 2022).
    result = resected(
        size_cm=3.0,
        mitoses_per_5mm2=1,
        neoadjuvant_months=8,
        pre_treatment_size_cm=12.0,
        pre_treatment_mitoses_per_5mm2=4,
    )
    assert result.risk.modified_nih == "low"
    assert result.risk.pre_treatment.modified_nih == "high"
    assert result.to_dict()["risk"]["pre_treatment"]["modified_nih"] == "high"
    assert (result.adjuvant.recommendation, result.adjuvant.duration_months) == ("recommended", 28)
    assert result.risk_category == "high"


def test_it_does_not_grade_a_shrunken_tumour_without_pre_treatment_data():
    result = resected(size_cm=3.0, mitoses_per_5mm2=1, neoadjuvant_months=8)
    assert result.risk is None
    assert "risk.not_assessable_after_neoadjuvant" in result.warning_ids()
    # Local default: 36 months in total for an imatinib-sensitive genotype -> 28 after surgery.
    assert (result.adjuvant.recommendation, result.adjuvant.duration_months) == ("recommended", 28)
    assert result.schedule_key == "high"


def test_it_gives_no_adjuvant_for_an_insensitive_genotype_without_pre_treatment_data():
    result = resected(size_cm=3.0, mitoses_per_5mm2=1, neoadjuvant_months=8, genotype="pdgfra_d842v")
    assert result.adjuvant.recommendation == "not_recommended"


# --- 15. Mitoses per 50 HPF ---------------------------------------------------------------------------------


def test_it_converts_a_count_per_50_hpf_with_the_field_area():
    # 8 per 50 HPF at 0.24 mm2 a field: 8 x 5 / (50 x 0.24) = 40 / 12 = 3.33 per 5 mm2 -> <= 5 band.
    # Gastric 6.5 cm with <= 5 mitoses: modified NIH intermediate (not high as 8 per 5 mm2 would be).
    facts = parse_case(
        {"site": "stomach", "size_cm": 6.5, "mitoses_per_50hpf": 8, "hpf_field_area_mm2": 0.24, "resected": True,
         "surgery_date": "2026-01-15"}
    )  # fmt: skip
    result = assess(facts, today=SURGERY)
    assert result.risk.modified_nih == "intermediate"
    assert result.risk.afip.category == "low"  # gastric > 5-10 cm, <= 5: low (3.6%)
    assert any("8 x 5 / (50 x 0.24 mm2) = 3.3 per 5 mm2" in note for note in result.risk.notes)
    assert "mitoses.hpf_band_crossing" in result.warning_ids()  # 8 would be 6-10, 3.3 is <= 5


def test_it_does_not_flag_a_conversion_within_the_same_band():
    # 20 per 50 HPF at 0.2 mm2: 20 x 5 / 10 = 10 per 5 mm2: band 6-10 converts to... 20 is > 10, 10 is 6-10.
    # 12 per 50 HPF at 0.1 mm2: 12 x 5 / 5 = 12 per 5 mm2: both > 10, same band, no flag.
    result = resected(mitoses_per_5mm2=None, mitoses_per_50hpf=12, hpf_field_area_mm2=0.1)
    assert result.risk.modified_nih == "high"
    assert "mitoses.hpf_band_crossing" not in result.warning_ids()


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"mitoses_per_50hpf": 8}, "hpf_field_area_mm2"),
        ({"hpf_field_area_mm2": 0.24}, "hpf_field_area_mm2"),
        ({"mitoses_per_50hpf": 8, "hpf_field_area_mm2": 0.24, "mitoses_per_5mm2": 3}, "mitoses_per_50hpf"),
        ({"mitoses_per_50hpf": 8, "hpf_field_area_mm2": 0.0}, "hpf_field_area_mm2"),
        ({"mitoses_per_50hpf": 8, "hpf_field_area_mm2": 2.5}, "hpf_field_area_mm2"),
    ],
)
def test_it_refuses_an_incomplete_or_double_count(case, field):
    with pytest.raises(ContractError) as info:
        parse_case({"site": "stomach", "size_cm": 3, **case})
    assert info.value.field == field


# --- 16. What counts as rupture ------------------------------------------------------------------------------


def test_it_does_not_treat_a_minor_rupture_as_rupture():
    # Gastric 4.0 cm, 3 mitoses: low risk; a minor rupture (Oslo) leaves it low, no adjuvant.
    result = resected(size_cm=4.0, mitoses_per_5mm2=3, rupture_grade="minor")
    assert result.risk.modified_nih == "low"
    assert result.adjuvant.recommendation == "not_recommended"
    assert "rupture.minor" in result.warning_ids()


def test_it_treats_a_major_rupture_as_rupture():
    result = resected(size_cm=4.0, mitoses_per_5mm2=3, rupture_grade="major")
    assert result.risk.modified_nih == "high"
    assert result.adjuvant.recommendation == "recommended"


@pytest.mark.parametrize(("rupture", "grade"), [(True, "minor"), (True, "none"), (False, "major")])
def test_it_refuses_rupture_and_grade_that_disagree(rupture, grade):
    with pytest.raises(ContractError) as info:
        parse_case({"site": "stomach", "size_cm": 3, "rupture": rupture, "rupture_grade": grade})
    assert info.value.field == "rupture_grade"


def test_it_accepts_rupture_false_with_a_minor_grade():
    assert (
        parse_case({"site": "stomach", "size_cm": 3, "rupture": False, "rupture_grade": "minor"}).rupture
        is False
    )


# --- Not recorded means "assumed, and said so" --------------------------------------------------------------


def test_it_names_the_findings_it_assumed():
    # Gastric 8 cm antrum, not resected: the pathway reads r0_feasible and major morbidity, the approach reads
    # the boundary and adhesion. Boundary not recorded -> assumed clear -> open (5-10 cm gastric under ESMO).
    facts = parse_case(
        {
            "site": "stomach",
            "size_cm": 8,
            "gastric_location": "antrum",
            "boundary_clear": None,
            "r0_feasible": True,
        }
    )
    result = assess(facts)
    text = {w.id: w.text for w in result.warnings}["input.assumed_default"]
    assert "tumour boundary clear: yes" in text
    assert "R0 resection feasible" not in text  # recorded
    assert result.approach == "open"


def test_it_says_nothing_about_a_finding_no_rule_read():
    # A resected tumour: the boundary is not read (no operation is planned).
    result = resected(boundary_clear=None)
    assert "input.assumed_default" not in result.warning_ids()
