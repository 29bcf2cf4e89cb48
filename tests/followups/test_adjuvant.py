"""Adjuvant imatinib as delivered moves the "after adjuvant" visits (cases/services/followups.py)."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.choices import CaseStatus
from cases.followups.services import (
    FollowUpError,
    adjuvant_course_save,
    adjuvant_interruption_add,
    adjuvant_real_end,
    followups_on_case_change,
    followups_regenerate,
    months_ceil,
    schedule_facts,
)
from cases.models import Case
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


def _first_after_adjuvant(case):
    return case.followups.filter(phase="post_adjuvant_early").order_by("due_date").first().due_date


def test_the_after_adjuvant_phase_follows_the_real_end_date():
    case = _signed_high_risk_case()
    user = make_user(role=roles.NURSE)
    # Planned: 36 months from surgery (2026-01-15): first post-adjuvant visit at month 39.
    followups_regenerate(case=case, user=user, reason="MDT signed")
    assert _first_after_adjuvant(case) == date(2029, 4, 15)

    course = adjuvant_course_save(
        case=case, user=user, start=date(2026, 2, 15), planned_end=date(2029, 2, 15), dose_mg_per_day=400
    )
    # Start a month after surgery: the end is 37 months after surgery, the first visit after it at 40.
    assert schedule_facts(case, today=date(2026, 3, 1)).adjuvant_months == 37
    assert _first_after_adjuvant(case) == date(2029, 5, 15)

    # A 60-day interruption pushes the end to 2029-04-16: 40 months (rounded up) after surgery.
    adjuvant_interruption_add(
        course=course, user=user, start=date(2026, 6, 1), end=date(2026, 7, 31), reason="Neutropenia"
    )
    assert adjuvant_real_end(course, today=date(2026, 3, 1)) == date(2029, 4, 16)
    assert _first_after_adjuvant(case) == date(2029, 8, 15)
    # No duplicates after all these regenerations.
    dues = list(case.followups.values_list("due_date", "modality"))
    assert len(dues) == len(set(dues))

    # Stopped early: the actual end wins.
    adjuvant_course_save(
        case=case,
        user=user,
        start=date(2026, 2, 15),
        planned_end=date(2029, 2, 15),
        actual_end=date(2027, 1, 10),
    )
    assert _first_after_adjuvant(case) == date(2027, 4, 15)  # A = 12 (2026-01-15 → 2027-01-10 rounds up)


def test_an_open_interruption_counts_up_to_today():
    case = _signed_high_risk_case()
    course = adjuvant_course_save(
        case=case, user=make_user(role=roles.NURSE), start=date(2026, 2, 1), planned_end=date(2029, 2, 1)
    )
    adjuvant_interruption_add(
        course=course, user=make_user(role=roles.NURSE), start=date(2026, 2, 20), end=None, reason="Rash"
    )
    assert adjuvant_real_end(course, today=date(2026, 3, 1)) == date(2029, 2, 10)


def test_a_declined_adjuvant_decision_ignores_the_course():
    case = make_case(adjuvant_decision="declined")
    followups_regenerate(case=case, user=None, reason="MDT signed")
    # A = 0: after-adjuvant visits start at month 3.
    assert _first_after_adjuvant(case) == date(2026, 4, 15)


def test_it_refuses_an_inconsistent_course_naming_the_field():
    case = _signed_high_risk_case()
    with pytest.raises(FollowUpError) as exc:
        adjuvant_course_save(
            case=case, user=make_user(role=roles.NURSE), start=date(2026, 2, 1), planned_end=date(2026, 1, 1)
        )
    assert exc.value.field == "planned_end"


def test_case_changes_regenerate_only_once_the_case_has_a_schedule():
    case = make_case(adjuvant_decision="given")
    # Before the MDT: only provisional items from the latest assessment (none: the case was never assessed).
    assert followups_on_case_change(case=case, user=None).created == 0
    assert not case.followups.exists()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISCUSSED)
    case.refresh_from_db()
    assert followups_on_case_change(case=case, user=None).created == 31
