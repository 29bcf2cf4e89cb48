"""The demo's ten-year course: 3 lines, 40 scans, 20 levels, with the response computed where it changes."""

from datetime import date

import pytest

from cases.course.demo import long_course, months_after
from cases.course.selectors import course_for, scan_responses
from cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_long_course_reads_as_intended(surgeon):
    case = make_case(diagnosis_date=date(2016, 2, 1), surgery_date=None)
    start = date(2016, 2, 22)
    long_course(case=case, user=surgeon, start=start)
    course = course_for(case)
    assert [line.drug for line in course.lines] == ["imatinib", "sunitinib", "regorafenib"]
    assert (len(course.scans), len(course.levels), len(course.events)) == (40, 20, 2)
    rows = {row.scan.scan_date: row for row in scan_responses(course)}
    # Month 45: 75 mm against the 60 mm nadir: +25%, +15 mm -> RECIST PD.
    month45 = rows[months_after(start, 45)]
    assert month45.recist.category == "PD"
    assert month45.nadir_sum_mm == 60
    # Sunitinib's first scans are read against the month-60 scan, the last before the line started.
    month63 = rows[months_after(start, 63)]
    assert month63.baseline.scan_date == months_after(start, 60)
    assert (month63.recist.category, month63.choi.category) == ("SD", "PR")  # 105 vs 110 mm; 42 vs 60 HU
    # Month 96: 124 mm against the sunitinib nadir of 100 mm -> PD; regorafenib's scans are stable against it.
    assert rows[months_after(start, 96)].recist.category == "PD"
    month99 = rows[months_after(start, 99)]
    assert month99.baseline.scan_date == months_after(start, 96)
    assert (month99.recist.category, month99.choi.category) == ("SD", "SD")
    assert Case.objects.get(pk=case.pk).needs_mdt_review


def test_the_resected_course_has_its_adjuvant_line_an_interruption_and_a_recurrence(surgeon):
    """The demo's second kind of long course (issue 13, "seed_demo gains several long courses"): a resected gastric
    GIST, adjuvant imatinib for 3 years with a 3-week interruption, recurrence in the liver in year 5, then
    imatinib 400 -> 800 -> sunitinib to year 10."""
    from cases.course.demo import resected_course

    surgery = date(2016, 3, 1)
    case = make_case(surgery_date=surgery, adjuvant_decision="given")
    resected_course(case=case, user=surgeon, surgery=surgery)
    course = course_for(case)
    assert [(line.setting, line.drug) for line in course.lines] == [
        ("adjuvant", "imatinib"),
        ("advanced_1", "imatinib"),
        ("advanced_2", "sunitinib"),
    ]
    adjuvant = course.lines[0]
    # Started 35 days after surgery (5 Apr 2016), planned for 36 months (5 Apr 2019), completed then.
    assert (adjuvant.start_date, adjuvant.planned_stop_date, adjuvant.stop_date, adjuvant.stop_reason) == (
        date(2016, 4, 5), date(2019, 4, 5), date(2019, 4, 5), "completed"
    )  # fmt: skip
    assert [(g.start_date, g.resume_date) for g in adjuvant.interruptions.all()] == [
        (date(2016, 9, 1), date(2016, 9, 22))
    ]
    assert [event.event_date for event in course.events] == [months_after(surgery, 54)]
    rows = {row.scan.scan_date: row for row in scan_responses(course)}
    # The recurrence scan is the baseline of advanced imatinib; the scan a year later shows a response.
    assert rows[months_after(surgery, 54)].is_baseline
    assert rows[months_after(surgery, 66)].recist.category == "PR"  # 80 -> 50 mm: -37.5%
    # Progression at month 84 (50 -> 65 mm from the nadir: +30%, +15 mm) and at month 99 after the dose rose.
    assert rows[months_after(surgery, 84)].recist.category == "PD"
    assert rows[months_after(surgery, 99)].recist.category == "PD"
    assert len(course.scans) >= 20
    assert len(course.levels) >= 8
