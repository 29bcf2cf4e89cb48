"""Adjuvant imatinib as delivered moves the "after adjuvant" visits (cases/followups/services.py).

Adjuvant imatinib as delivered is the treatment course's adjuvant line (issue 13: one model), with its planned
stop date and its interruptions (cases/course/services.py adjuvant_line_save, interruption_save)."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.choices import CaseStatus
from cases.course.services import adjuvant_line_save, interruption_save
from cases.followups.services import (
    adjuvant_real_end,
    followups_on_case_change,
    followups_regenerate,
    months_ceil,
    schedule_facts,
)
from cases.models import Case
from cases.service_helpers import ServiceError
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2029, 1, 15), 36),
        (date(2026, 1, 15), date(2029, 1, 16), 37),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2025, 12, 1), 0),
    ],
)
def test_months_ceil_rounds_partial_months_up(start, end, months):
    assert months_ceil(start, end) == months


def _signed_high_risk_case():
    case = make_case(adjuvant_decision="given")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISCUSSED)
    return Case.objects.get(pk=case.pk)


def _course(case, user, start, planned, *, stop=None, reason="", dose=400, version=None, line=None):
    return adjuvant_line_save(
        case=case,
        user=user,
        data={
            "start_date": start,
            "planned_stop_date": planned,
            "stop_date": stop,
            "stop_reason": reason,
            "dose_mg_per_day": dose,
            "dose_override_reason": "",
        },
        line_id=line.pk if line is not None else None,
        expected_version=version,
    )


def _gap(line, user, start, resume, reason):
    return interruption_save(
        case=line.case,
        user=user,
        data={"line": line.pk, "start_date": start, "resume_date": resume, "reason": reason},
    )


def _first_after_adjuvant(case):
    return case.followups.filter(phase="post_adjuvant_early").order_by("due_date").first().due_date


def test_the_after_adjuvant_phase_follows_the_real_end_date():
    case = _signed_high_risk_case()
    user = make_user(role=roles.NURSE)
    # Planned: 36 months from surgery (2026-01-15): first post-adjuvant visit at month 39.
    followups_regenerate(case=case, user=user, reason="MDT signed")
    assert _first_after_adjuvant(case) == date(2029, 4, 15)

    course = _course(case, user, date(2026, 2, 15), date(2029, 2, 15))
    # Start a month after surgery: the end is 37 months after surgery, the first visit after it at 40.
    assert schedule_facts(case, today=date(2026, 3, 1)).adjuvant_months == 37
    assert _first_after_adjuvant(case) == date(2029, 5, 15)

    # A 60-day interruption pushes the end to 2029-04-16: 40 months (rounded up) after surgery.
    _gap(course, user, date(2026, 6, 1), date(2026, 7, 31), "Neutropenia")
    assert adjuvant_real_end(course, today=date(2026, 3, 1)) == date(2029, 4, 16)
    assert _first_after_adjuvant(case) == date(2029, 8, 15)
    # No duplicates after all these regenerations.
    dues = list(case.followups.values_list("due_date", "modality"))
    assert len(dues) == len(set(dues))

    # Stopped early: the actual end wins.
    course.refresh_from_db()
    _course(
        case, user, date(2026, 2, 15), date(2029, 2, 15), stop=date(2027, 1, 10), reason="toxicity",
        version=course.version, line=course,
    )  # fmt: skip
    assert _first_after_adjuvant(case) == date(2027, 4, 15)  # A = 12 (2026-01-15 → 2027-01-10 rounds up)


def test_an_open_interruption_counts_up_to_today():
    case = _signed_high_risk_case()
    nurse = make_user(role=roles.NURSE)
    course = _course(case, nurse, date(2026, 2, 1), date(2029, 2, 1))
    _gap(course, nurse, date(2026, 2, 20), None, "Rash")
    assert adjuvant_real_end(course, today=date(2026, 3, 1)) == date(2029, 2, 10)


def test_a_declined_adjuvant_decision_ignores_the_course():
    case = make_case(adjuvant_decision="declined")
    followups_regenerate(case=case, user=None, reason="MDT signed")
    # A = 0: after-adjuvant visits start at month 3.
    assert _first_after_adjuvant(case) == date(2026, 4, 15)


def test_it_refuses_an_inconsistent_course_naming_the_field():
    case = _signed_high_risk_case()
    with pytest.raises(ServiceError) as exc:
        _course(case, make_user(role=roles.NURSE), date(2026, 2, 1), date(2026, 1, 1))
    assert exc.value.field == "planned_stop_date"
    assert not case.therapy_lines.exists()


def test_case_changes_regenerate_only_once_the_case_has_a_schedule():
    case = make_case(adjuvant_decision="given")
    # Before the MDT: only provisional items from the latest assessment (none: the case was never assessed).
    assert followups_on_case_change(case=case, user=None).created == 0
    assert not case.followups.exists()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISCUSSED)
    case.refresh_from_db()
    assert followups_on_case_change(case=case, user=None).created == 31
