"""Response per scan, computed from the lesions: baseline and nadir chosen automatically (issue 13)."""

from datetime import date

import pytest

from cases.course.selectors import course_for, scan_responses
from tests.course.helpers import line, scan
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(diagnosis_date=date(2025, 12, 1))


def test_baseline_100_mm_to_65_mm_is_minus_35_percent_pr(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    base = scan(case, surgeon, date(2026, 1, 20), ("liver", 60, 80), ("liver", 40, 80))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 40, 70), ("liver", 25, 70))
    first, second = scan_responses(course_for(case))
    assert first.is_baseline
    assert first.recist is None
    assert second.baseline == base
    assert second.change_from_baseline_pct == pytest.approx(-35.0)
    assert second.recist.category == "PR"
    assert "sum 65 mm vs baseline 100 mm: -35.0%" in second.recist.arithmetic
    # Choi: size -35% -> PR; attenuation 80 -> 70 HU is -12.5%.
    assert second.choi.category == "PR"
    assert second.attenuation_change_pct == pytest.approx(-12.5)


def test_the_nadir_is_the_smallest_sum_since_the_baseline(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))  # 100
    low = scan(case, surgeon, date(2026, 5, 1), ("liver", 30), ("liver", 20))  # 50
    scan(case, surgeon, date(2026, 8, 1), ("liver", 32), ("liver", 22))  # 54
    last = scan_responses(course_for(case))[-1]
    assert last.nadir == low
    assert last.nadir_sum_mm == 50
    assert last.change_from_nadir_pct == pytest.approx(8.0)
    assert last.recist.category == "PR"  # -46% from baseline, +8% / +4 mm from the nadir


def test_a_new_line_takes_the_last_scan_before_it_as_its_baseline(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1), stop=date(2026, 9, 1), reason="progression")
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30), ("liver", 20))
    progression = scan(case, surgeon, date(2026, 8, 20), ("liver", 40), ("liver", 30))  # 70 vs nadir 50: PD
    line(case, surgeon, drug="sunitinib", dose=50, start=date(2026, 9, 1), setting="advanced_2")
    scan(case, surgeon, date(2026, 12, 1), ("liver", 36), ("liver", 27))  # 63 vs 70: -10%
    rows = scan_responses(course_for(case))
    assert rows[2].recist.category == "PD"
    assert rows[3].baseline == progression
    assert rows[3].change_from_baseline_pct == pytest.approx(-10.0)
    assert rows[3].recist.category == "SD"
    assert rows[3].choi.category == "PR"  # -10% in size is a Choi partial response


def test_without_a_baseline_scan_it_says_so_and_computes_nothing(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30))
    (row,) = scan_responses(course_for(case))
    assert row.recist is None
    assert row.choi is None
    assert row.not_computed == (
        "No baseline scan on or before the start of imatinib (01 Feb 2026): a response cannot be computed yet."
    )


def test_the_classic_choi_case_grows_but_falls_in_attenuation(case, surgeon):
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60, 80), ("liver", 40, 80))
    scan(case, surgeon, date(2026, 4, 20), ("liver", 66, 40), ("liver", 44, 40))
    row = scan_responses(course_for(case))[1]
    assert (row.recist.category, row.choi.category) == ("SD", "PR")
    assert row.attenuation_change_pct == pytest.approx(-50.0)


def test_the_timeline_thresholds_are_baseline_minus_30_and_nadir_plus_20_or_5_mm(case, surgeon):
    from cases.course.selectors import timeline_data

    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))  # 100
    scan(case, surgeon, date(2026, 5, 1), ("liver", 12), ("liver", 8))  # 20
    scan(case, surgeon, date(2026, 8, 1), ("liver", 12), ("liver", 9))  # 21
    data = timeline_data(case, course_for(case), today=date(2026, 12, 1))
    # PR at or below 70 mm; PD from the 100 mm nadir: 120 mm; then from the 20 mm nadir: 25 mm (+5 mm beats +20%).
    assert data.thresholds == (
        (date(2026, 5, 1), pytest.approx(70.0), pytest.approx(120.0)),
        (date(2026, 8, 1), pytest.approx(70.0), pytest.approx(25.0)),
    )


def test_after_escalation_to_800_progression_proposes_the_next_line_only(case, surgeon):
    from cases.course import services as svc
    from cases.course.selectors import progression_advice

    imatinib = line(case, surgeon, start=date(2026, 2, 1))
    svc.dose_change_save(
        case=case,
        user=surgeon,
        data={"line": imatinib.pk, "change_date": date(2026, 6, 1), "dose_mg_per_day": 800, "reason": "PD"},
    )
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30), ("liver", 20))
    course = course_for(case)
    assert progression_advice(case, course, scan_responses(course)) is None  # PR: nothing to propose
    scan(case, surgeon, date(2026, 9, 1), ("liver", 40), ("liver", 30))  # 70 vs nadir 50: PD on 800 mg
    course = course_for(case)
    advice = progression_advice(case, course, scan_responses(course))
    assert [p.id for p in advice.proposals] == ["progression.focal", "progression.next_line"]
    assert advice.proposals[-1].text.startswith("Next line: sunitinib")


def test_an_adjuvant_line_is_no_reference_for_response(surgeon):
    """Adjuvant therapy follows a complete resection: there is no measurable disease whose response it could show.
    A scan at recurrence, after (or during) adjuvant imatinib, starts the measurements: it is the baseline, not
    "no baseline before the start of the adjuvant line"."""
    case = make_case(surgery_date=date(2020, 1, 10))
    line(
        case, surgeon, setting="adjuvant", start=date(2020, 2, 15), stop=date(2023, 2, 15), reason="completed"
    )
    recurrence = scan(case, surgeon, date(2024, 6, 1), ("liver", 50), ("liver", 30))  # 80 mm
    line(case, surgeon, start=date(2024, 6, 10))
    scan(case, surgeon, date(2024, 9, 1), ("liver", 30), ("liver", 20))  # 50 mm: -37.5%
    first, second = scan_responses(course_for(case))
    assert first.is_baseline
    assert second.baseline == recurrence
    assert second.recist.category == "PR"


def test_a_scan_between_lines_is_no_response_to_the_line_that_ended(surgeon):
    """Neoadjuvant imatinib, surgery, adjuvant imatinib completed, then a recurrence: the recurrence scan is not read
    against the scan taken before neoadjuvant therapy (no line is running; it is the baseline of the line that
    follows), and a scan taken between lines that no line takes as its baseline is not assessed."""
    case = make_case(surgery_date=date(2020, 6, 10))
    line(
        case,
        surgeon,
        setting="neoadjuvant",
        start=date(2020, 1, 1),
        stop=date(2020, 6, 1),
        reason="completed",
    )
    scan(case, surgeon, date(2019, 12, 20), ("primary", 100))
    scan(case, surgeon, date(2020, 5, 20), ("primary", 70))  # -30%: PR on neoadjuvant imatinib
    line(
        case, surgeon, setting="adjuvant", start=date(2020, 7, 15), stop=date(2023, 7, 15), reason="completed"
    )
    between = scan(case, surgeon, date(2024, 3, 1), ("liver", 10))
    recurrence = scan(case, surgeon, date(2024, 6, 1), ("liver", 30), ("liver", 10))  # 40 mm
    line(case, surgeon, start=date(2024, 6, 10))
    scan(case, surgeon, date(2024, 9, 1), ("liver", 20), ("liver", 5))  # 25 mm: -37.5%
    rows = {row.scan.pk: row for row in scan_responses(course_for(case))}
    assert rows[between.pk].recist is None
    assert not rows[between.pk].is_baseline
    assert "No line of therapy for measurable disease on this date" in rows[between.pk].not_computed
    assert rows[recurrence.pk].recist is None
    assert rows[recurrence.pk].is_baseline
    last = scan_responses(course_for(case))[-1]
    assert (last.baseline, last.recist.category) == (recurrence, "PR")
