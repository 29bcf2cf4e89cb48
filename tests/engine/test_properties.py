"""Property tests (hypothesis): monotonic risk, rupture, schedule ordering, and assess never raising."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines import CaseFacts, assess
from guidelines.facts import (
    ADJUVANT_DECISIONS,
    CLINICAL_FEATURES,
    DUODENAL_LOCATIONS,
    EUS_FEATURES,
    GASTRIC_LOCATIONS,
    GENOTYPES,
    GROWTH_PATTERNS,
    MARGINS,
    PRESENTATIONS,
    RECTAL_LEVELS,
    SITES,
    STAIN_RESULTS,
)
from guidelines.risk import modified_nih, tnm

NIH_ORDER = {"very_low": 0, "low": 1, "intermediate": 2, "high": 3}
TNM_ORDER = {"IA": 0, "I": 0, "IB": 1, "II": 2, "IIIA": 3, "IIIB": 4, "IV": 5}

sites = st.sampled_from(SITES)
sizes = st.floats(min_value=0.1, max_value=50.0, allow_nan=False)
counts = st.integers(min_value=0, max_value=1000)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@given(site=sites, a=sizes, b=sizes, m=counts)
def test_larger_tumour_never_lowers_risk(site, a, b, m):
    small, large = sorted((a, b))
    assert NIH_ORDER[modified_nih(large, m, site, False)] >= NIH_ORDER[modified_nih(small, m, site, False)]
    assert (
        TNM_ORDER[tnm(large, m, site, False, False).stage]
        >= TNM_ORDER[tnm(small, m, site, False, False).stage]
    )


@given(site=sites, size=sizes, a=counts, b=counts)
def test_higher_count_never_lowers_risk(site, size, a, b):
    low, high = sorted((a, b))
    assert NIH_ORDER[modified_nih(size, high, site, False)] >= NIH_ORDER[modified_nih(size, low, site, False)]
    assert (
        TNM_ORDER[tnm(size, high, site, False, False).stage]
        >= TNM_ORDER[tnm(size, low, site, False, False).stage]
    )


@given(site=sites, size=sizes, m=counts)
def test_rupture_is_always_high(site, size, m):
    assert modified_nih(size, m, site, True) == "high"
    result = assess(CaseFacts(site=site, size_cm=size, mitoses_per_5mm2=m, rupture=True))
    assert result.risk.modified_nih == "high"


def optional(strategy):
    return st.none() | strategy


case_facts = st.builds(
    CaseFacts,
    site=sites,
    size_cm=optional(sizes),
    presentation=st.sampled_from(PRESENTATIONS),
    gastric_location=optional(st.sampled_from(GASTRIC_LOCATIONS)),
    duodenal_location=optional(st.sampled_from(DUODENAL_LOCATIONS)),
    rectal_level=optional(st.sampled_from(RECTAL_LEVELS)),
    growth_pattern=optional(st.sampled_from(GROWTH_PATTERNS)),
    boundary_clear=st.booleans(),
    adherent_to_adjacent_organs=st.booleans(),
    eus_features=st.lists(st.sampled_from(EUS_FEATURES), unique=True).map(tuple),
    clinical_features=st.lists(st.sampled_from(CLINICAL_FEATURES), unique=True).map(tuple),
    histology_confirmed=st.booleans(),
    r0_feasible=st.booleans(),
    major_morbidity_expected=st.booleans(),
    resected=st.booleans(),
    surgery_date=optional(dates),
    margin=optional(st.sampled_from(MARGINS)),
    rupture=st.booleans(),
    mitoses_per_5mm2=optional(counts),
    nodes_positive=st.booleans(),
    genotype=st.sampled_from(GENOTYPES),
    neoadjuvant_months=st.integers(min_value=0, max_value=120),
    reference_date=optional(dates),
    cd117=optional(st.sampled_from(STAIN_RESULTS)),
    dog1=optional(st.sampled_from(STAIN_RESULTS)),
    adjuvant_decision=optional(st.sampled_from(ADJUVANT_DECISIONS)),
    adjuvant_months=optional(st.integers(min_value=0, max_value=240)),
)


@settings(max_examples=400)
@given(facts=case_facts, ruleset=st.sampled_from(["esmo-2022", "csco-2020"]), today=dates)
def test_assess_never_raises_and_schedules_are_sorted(facts, ruleset, today):
    result = assess(facts, ruleset, today=today)
    data = result.to_dict()
    assert data["ruleset"] == ruleset
    visits = result.surveillance
    if visits:
        reference = result.schedule_reference
        assert reference is not None
        keys = [(v.due, v.month) for v in visits]
        assert keys == sorted(keys)
        assert all(v.due > reference for v in visits)
        assert all(v.window_days in (14, 30) for v in visits)
    if result.pathway not in ("resection", "neoadjuvant_then_resection"):
        assert result.approach is None
    if result.pathway != "systemic_therapy":
        assert result.systemic_lines == ()
    assert len({r.id for r in result.recommendations}) == len(result.recommendations)
