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
