"""Surveillance schedules (RULES.md section 8): calendar arithmetic, the worked example, every schedule type
under both rule sets, and the recorded adjuvant decision."""

from collections import Counter
from datetime import date

import pytest

from guidelines import CaseFacts, add_months, assess

SURGERY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # computed from R, never chained
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(1999, 12, 31), 2, date(2000, 2, 29)),  # 2000 is a leap year
        (date(1899, 12, 31), 2, date(1900, 2, 28)),  # 1900 is not
        (date(2026, 1, 15), 156, date(2039, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def high_risk(ruleset="esmo-2022", **kwargs):
    kwargs.setdefault("site", "stomach")
    kwargs.setdefault("size_cm", 6.5)
    kwargs.setdefault("mitoses_per_5mm2", 8)
    kwargs.setdefault("surgery_date", SURGERY)
    return assess(CaseFacts(resected=True, **kwargs), ruleset)


def test_worked_example_esmo_high_risk():
    result = high_risk(genotype="kit_exon_11")
    visits = result.surveillance
    assert len(visits) == 31
    expected_months = (
        list(range(3, 37, 3)) + list(range(39, 61, 3)) + list(range(66, 97, 6)) + list(range(108, 157, 12))
    )
    assert [v.month for v in visits] == expected_months
    assert visits[0].due == date(2026, 4, 15)
    assert visits[-1].due == date(2039, 1, 15)
    assert Counter(v.phase for v in visits) == {
        "adjuvant": 12,
        "post_adjuvant_early": 8,
        "post_adjuvant_mid": 6,
        "post_adjuvant_late": 5,
    }
    assert {v.modality for v in visits} == {"ct_or_mri"}
    assert [v.window_days for v in visits] == [14] * 26 + [30] * 5
    assert result.schedule_key == "high"
    assert result.schedule_adjuvant_months == 36


def test_contract_example_output():
    result = high_risk(gastric_location="greater_curvature", margin="R0", genotype="kit_exon_11")
    data = result.to_dict()
    assert data["risk"]["modified_nih"] == "high"
    assert data["risk"]["nih_2002"] == "high"
    assert data["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert data["risk"]["tnm"]["stage"] == "IIIA"
    assert data["adjuvant"] == {
        "recommendation": "recommended",
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "duration_months": 36,
    }
    assert len(data["surveillance"]) == 31
    assert data["surveillance"][0] == {
        "due": "2026-04-15",
        "window_days": 14,
        "modality": "ct_or_mri",
        "phase": "adjuvant",
    }
    assert data["surveillance"][-1]["due"] == "2039-01-15"


def test_month_end_surgery_date_is_not_chained():
    visits = high_risk(surgery_date=date(2026, 1, 31)).surveillance
    assert [v.due for v in visits[:4]] == [
        date(2026, 4, 30),
        date(2026, 7, 31),
        date(2026, 10, 31),
        date(2027, 1, 31),
    ]
    assert visits[-1].due == date(2039, 1, 31)


# Every schedule type: (ruleset, facts, count, first month, last month, modalities)
def facts_for(kind, **extra):
    base = {
        "very_low": {"size_cm": 1.5, "mitoses_per_5mm2": 3},
        "low": {"size_cm": 4.0, "mitoses_per_5mm2": 3},
        "intermediate": {"size_cm": 4.0, "mitoses_per_5mm2": 8},
        "high": {"size_cm": 6.5, "mitoses_per_5mm2": 8},
        "rupture": {"size_cm": 4.0, "mitoses_per_5mm2": 3, "rupture": True},
    }[kind]
    return CaseFacts(site="stomach", resected=True, surgery_date=SURGERY, **base, **extra)


@pytest.mark.parametrize(
    ("ruleset", "kind", "count", "first", "last"),
    [
        ("esmo-2022", "very_low", 0, None, None),
        ("esmo-2022", "low", 10, 6, 60),
        ("esmo-2022", "intermediate", 31, 3, 156),  # consider -> A = 36, high-risk schedule
        ("esmo-2022", "high", 31, 3, 156),
        # rupture with A = 36 months of adjuvant imatinib (>= 12): the high-risk schedule counted with A
        # (RULES.md section 8, corrected 2026-12-02), the same 31 visits as the worked example
        ("esmo-2022", "rupture", 31, 3, 156),
        ("csco-2020", "very_low", 10, 6, 60),
        ("csco-2020", "low", 10, 6, 60),
        ("csco-2020", "intermediate", 26, 3, 120),
        ("csco-2020", "high", 26, 3, 120),
        ("csco-2020", "rupture", 26, 3, 120),
    ],
)
def test_resected_schedules(ruleset, kind, count, first, last):
    result = assess(facts_for(kind), ruleset)
    visits = result.surveillance
    assert len(visits) == count
    if count:
        assert visits[0].due == add_months(SURGERY, first)
        assert visits[-1].due == add_months(SURGERY, last)


def test_esmo_very_low_risk_says_no_routine_follow_up():
    result = assess(facts_for("very_low"), "esmo-2022")
    rec = {r.id: r for r in result.recommendations}["surveillance.very_low"]
    assert "probably no routine follow-up" in rec.text


def test_esmo_rupture_schedule_phases_without_adjuvant():
    # Adjuvant declined: A = 0 < 12, so the fixed rupture schedule (RULES.md section 8).
    visits = assess(facts_for("rupture", adjuvant_decision="declined"), "esmo-2022").surveillance
    assert Counter(v.phase for v in visits) == {"years_1_3": 12, "years_4_5": 4, "years_6_10": 5}
    assert [v.month for v in visits][12:] == [42, 48, 54, 60, 72, 84, 96, 108, 120]


def test_csco_high_risk_has_yearly_chest_xray():
    visits = assess(facts_for("high"), "csco-2020").surveillance
    chest = [v for v in visits if v.modality == "chest_xray"]
    assert [v.month for v in chest] == [12, 24, 36, 48, 60]
    assert {v.window_days for v in chest} == {30}
    assert Counter(v.modality for v in visits) == {"ct_or_mri": 21, "chest_xray": 5}
    # same-day visits: CT/MRI first, then the chest X-ray
    month_12 = [v.modality for v in visits if v.month == 12]
    assert month_12 == ["ct_or_mri", "chest_xray"]


def test_esmo_high_risk_without_adjuvant_starts_after_surgery():
    # D842V: adjuvant not recommended -> A = 0: 3..24 step 3, 30..60 step 6, 72..120 step 12
    visits = assess(facts_for("high", genotype="pdgfra_d842v"), "esmo-2022").surveillance
    assert [v.month for v in visits] == [
        3,
        6,
        9,
        12,
        15,
        18,
        21,
        24,
        30,
        36,
        42,
        48,
        54,
        60,
        72,
        84,
        96,
        108,
        120,
    ]
    assert visits[0].phase == "post_adjuvant_early"


def test_esmo_high_risk_after_neoadjuvant():
    # 6 months neoadjuvant -> A = 30
    visits = assess(facts_for("high", neoadjuvant_months=6), "esmo-2022").surveillance
    assert len(visits) == 10 + 8 + 6 + 5
    assert visits[-1].month == 150


@pytest.mark.parametrize(
    ("ruleset", "months", "windows"),
    [
        ("esmo-2022", [3, 12, 24, 36, 48, 60], [14, 14, 30, 30, 30, 30]),
        ("csco-2020", [6, 12, 18, 24, 36, 48, 60], [14, 14, 14, 14, 30, 30, 30]),
    ],
)
def test_small_nodule_surveillance(ruleset, months, windows):
    reference = date(2026, 2, 10)
    result = assess(CaseFacts(site="stomach", size_cm=1.2, reference_date=reference), ruleset)
    assert result.pathway == "surveillance"
    assert [v.month for v in result.surveillance] == months
    assert [v.window_days for v in result.surveillance] == windows
    assert {v.modality for v in result.surveillance} == {"eus"}
    assert {v.phase for v in result.surveillance} == {"nodule_surveillance"}
    assert result.surveillance[0].due == add_months(reference, months[0])


def test_small_nodule_reference_defaults_to_today():
    result = assess(CaseFacts(site="stomach", size_cm=1.2), "esmo-2022", today=date(2026, 5, 31))
    assert result.schedule_reference == date(2026, 5, 31)
    assert result.surveillance[0].due == date(2026, 8, 31)


@pytest.mark.parametrize("ruleset", ["esmo-2022", "csco-2020"])
def test_systemic_therapy_schedule(ruleset):
    start = date(2026, 3, 1)
    result = assess(
        CaseFacts(site="jejunum", size_cm=8, presentation="metastatic", reference_date=start),
        ruleset,
        today=start,
    )
    assert [v.month for v in result.surveillance] == [3, 6, 9, 12, 15, 18, 21, 24]
    assert result.surveillance[0].due == date(2026, 6, 1)
    assert result.surveillance[-1].due == date(2028, 3, 1)
    assert {v.phase for v in result.surveillance} == {"on_treatment"}


def test_rectal_primary_uses_mri():
    result = assess(
        CaseFacts(site="rectum", size_cm=4.0, mitoses_per_5mm2=3, resected=True, surgery_date=SURGERY),
        "esmo-2022",
    )
    assert result.surveillance
    assert {v.modality for v in result.surveillance} == {"mri"}


def test_no_schedule_before_surgery():
    result = assess(CaseFacts(site="stomach", size_cm=6.0, gastric_location="antrum"), "esmo-2022")
    assert result.surveillance == ()
    assert result.schedule_key is None


# Recorded MDT decision (RULES.md section 8: the schedule is recomputed from it).
def test_adjuvant_declined_sets_a_to_zero():
    result = high_risk(adjuvant_decision="declined")
    assert result.adjuvant.recommendation == "recommended"  # the recommendation itself is unchanged
    assert result.schedule_adjuvant_months == 0
    assert len(result.surveillance) == 19
    assert "adjuvant.decision_recorded" in result.recommendation_ids()


def test_adjuvant_given_and_stopped_early():
    result = high_risk(adjuvant_decision="given", adjuvant_months=12)
    assert result.schedule_adjuvant_months == 12
    # 3..12 (4) + 15..36 (8) + 42..72 (6) + 84..132 (5)
    assert len(result.surveillance) == 23
    assert result.surveillance[-1].month == 132


def test_adjuvant_given_defaults_to_recommended_duration():
    result = high_risk(adjuvant_decision="given")
    assert result.schedule_adjuvant_months == 36
    assert len(result.surveillance) == 31


def test_adjuvant_given_against_a_no_benefit_genotype_uses_base_duration():
    result = high_risk(adjuvant_decision="given", genotype="sdh_deficient")
    assert result.adjuvant.recommendation == "not_recommended"
    assert result.schedule_adjuvant_months == 36


def test_esmo_intermediate_declined():
    result = assess(facts_for("intermediate", adjuvant_decision="declined"), "esmo-2022")
    assert result.adjuvant.recommendation == "consider"
    assert len(result.surveillance) == 19


def test_csco_schedule_ignores_a():
    with_decision = assess(facts_for("high", adjuvant_decision="declined"), "csco-2020").surveillance
    assert len(with_decision) == 26


def test_visits_sorted_and_after_reference():
    for ruleset in ("esmo-2022", "csco-2020"):
        result = high_risk(ruleset)
        dues = [(v.due, v.modality) for v in result.surveillance]
        assert [d for d, _ in dues] == sorted(d for d, _ in dues)
        assert all(d > SURGERY for d, _ in dues)


def test_every_phase_the_engine_produces_has_a_label():
    from guidelines import PHASE_LABELS

    phases = set()
    for ruleset in ("esmo-2022", "csco-2020"):
        for facts in (
            CaseFacts(
                site="stomach", size_cm=6.5, mitoses_per_5mm2=8, resected=True, surgery_date=date(2026, 1, 15)
            ),
            CaseFacts(
                site="stomach", size_cm=4, mitoses_per_5mm2=2, resected=True, surgery_date=date(2026, 1, 15)
            ),
            CaseFacts(
                site="jejunum",
                size_cm=4,
                rupture=True,
                mitoses_per_5mm2=2,
                resected=True,
                surgery_date=date(2026, 1, 15),
            ),  # fmt: skip
            CaseFacts(site="stomach", size_cm=1.2, reference_date=date(2026, 1, 15)),
            CaseFacts(site="stomach", size_cm=8, presentation="metastatic", reference_date=date(2026, 1, 15)),
        ):
            phases |= {visit.phase for visit in assess(facts, ruleset).surveillance}
    assert phases  # the cases above produce schedules
    assert phases <= set(PHASE_LABELS)


def test_a_declined_adjuvant_schedule_is_not_described_as_zero_months_of_adjuvant_therapy():
    # A = 0 (RULES.md section 8: the MDT recorded adjuvant declined): the same high-risk schedule counted from
    # surgery. The statement must not read "during the 0 months of adjuvant therapy ... after it stops".
    result = high_risk(adjuvant_decision="declined")
    text = {r.id: r for r in result.recommendations}["surveillance.high"].text
    assert "0 months" not in text
    assert "after it stops" not in text
    assert text.startswith("High risk, no adjuvant therapy: imaging every 3 months for 2 years after surgery")
    assert result.surveillance[0].due == date(2026, 4, 15)  # 3 months after surgery 2026-01-15


def test_a_given_adjuvant_schedule_still_names_its_months():
    result = high_risk(adjuvant_decision="given", adjuvant_months=36)
    assert (
        "during the 36 months of adjuvant therapy"
        in {r.id: r for r in result.recommendations}["surveillance.high"].text
    )
