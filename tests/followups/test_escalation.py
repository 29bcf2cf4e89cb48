"""Missed visits escalate (issue 12): second contact → letter to the patient → letter to the GP and the MDT
coordinator → lost to follow-up, closed by the coordinator with a reason. The nightly command moves the steps."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cases import roles
from cases.followups import escalation as esc
from cases.followups import services as svc
from cases.models import EscalationStep, FollowUpClosure
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 1)  # window ± 14 days: closes 15 Sep 2026


@pytest.fixture
def item():
    with time_machine.travel(date(2026, 8, 1), tick=False):
        case = make_case(surgery_date=None)
        return svc.item_add_manual(
            case=case, user=None, due_date=DUE, modality="ct_or_mri", reason="planned", window_days=14
        )


def _night(day: date) -> str:
    out = StringIO()
    with time_machine.travel(day, tick=False):
        call_command("send_followup_reminders", stdout=out)
    return out.getvalue()


def _steps(item):
    return list(
        EscalationStep.objects.filter(item=item).order_by("opened_on").values_list("step", "opened_on")
    )


def test_nothing_happens_inside_the_window(item):
    _night(date(2026, 9, 15))
    assert _steps(item) == []


def test_the_nightly_check_moves_one_step_every_14_days_and_is_idempotent(item):
    _night(date(2026, 9, 16))  # first day past the window
    _night(date(2026, 9, 16))  # run twice: nothing more
    assert _steps(item) == [("second_contact", date(2026, 9, 16))]
    _night(date(2026, 9, 29))  # 13 days later: too early
    assert len(_steps(item)) == 1
    _night(date(2026, 9, 30))
    _night(date(2026, 10, 14))
    _night(date(2026, 10, 28))
    _night(date(2026, 11, 30))  # the last step waits for the coordinator
    assert _steps(item) == [
        ("second_contact", date(2026, 9, 16)),
        ("patient_letter", date(2026, 9, 30)),
        ("gp_letter", date(2026, 10, 14)),
        ("lost", date(2026, 10, 28)),
    ]


def test_a_rebooked_visit_stops_the_escalation(item):
    _night(date(2026, 9, 16))
    with time_machine.travel(date(2026, 9, 17), tick=False):
        svc.item_reschedule(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            due_date=date(2026, 9, 25),
            reason_code="patient_request",
            reason="Reached on second call",
            confirmed=True,
        )
    _night(date(2026, 10, 1))
    assert [s for s, _ in _steps(item)] == ["second_contact"]


def test_each_step_records_its_outcome(item):
    _night(date(2026, 9, 16))
    step = EscalationStep.objects.get(item=item)
    with time_machine.travel(date(2026, 9, 17), tick=False):
        esc.step_record_outcome(
            step=step, user=make_user(role=roles.NURSE), outcome="no_answer", notes="Voicemail full"
        )
    step.refresh_from_db()
    assert (step.outcome, step.outcome_notes, step.recorded_on) == (
        "no_answer",
        "Voicemail full",
        date(2026, 9, 17),
    )
    with pytest.raises(svc.FollowUpError) as exc:
        esc.step_record_outcome(step=step, user=make_user(role=roles.NURSE), outcome="", notes="")
    assert exc.value.field == "outcome"


def test_a_nurse_can_escalate_an_overdue_item_at_once_but_not_one_in_its_window(item):
    user = make_user(role=roles.NURSE)
    with (
        time_machine.travel(date(2026, 9, 10), tick=False),
        pytest.raises(svc.FollowUpError, match="not overdue"),
    ):
        esc.item_escalate(item=item, user=user)
    with time_machine.travel(date(2026, 9, 20), tick=False):
        assert esc.item_escalate(item=item, user=user).step == "second_contact"
        assert esc.item_escalate(item=item, user=user).step == "patient_letter"
        assert esc.item_escalate(item=item, user=user).step == "gp_letter"
    assert EscalationStep.objects.filter(item=item).count() == 3


def test_lost_to_follow_up_is_closed_by_the_coordinator_with_a_reason(item):
    for day in (date(2026, 9, 16), date(2026, 9, 30), date(2026, 10, 14), date(2026, 10, 28)):
        _night(day)
    assert list(esc.lost_to_follow_up()) == [item.case]
    with time_machine.travel(date(2026, 11, 2), tick=False):
        with pytest.raises(PermissionError):
            esc.case_close_followup(
                case=item.case, user=make_user(role=roles.NURSE), reason="moved", note="To Leeds"
            )
        with pytest.raises(svc.FollowUpError) as exc:
            esc.case_close_followup(
                case=item.case, user=make_user(role=roles.COORDINATOR), reason="", note=""
            )
        assert exc.value.field == "reason"
        esc.case_close_followup(
            case=item.case,
            user=make_user(role=roles.COORDINATOR),
            reason="moved",
            note="Follow-up at Leeds Teaching Hospitals",
        )
    closure = FollowUpClosure.objects.get(case=item.case)
    assert (closure.reason, closure.note, closure.closed_on) == (
        "moved",
        "Follow-up at Leeds Teaching Hospitals",
        date(2026, 11, 2),
    )
    item.refresh_from_db()
    assert item.status == "cancelled"
    assert EscalationStep.objects.get(item=item, step="lost").outcome == "closed"
    assert list(esc.lost_to_follow_up()) == []


def test_the_command_reports_what_it_did_and_survives_an_item_closed_meanwhile(item):
    out = _night(date(2026, 9, 16))
    assert "1 escalation step" in out
    with time_machine.travel(date(2026, 9, 16) + timedelta(days=1), tick=False):
        svc.item_cancel(
            item=item, user=make_user(role=roles.NURSE), expected_version=1, reason="Scan done elsewhere"
        )
    out = _night(date(2026, 9, 30))
    assert "0 escalation steps" in out
