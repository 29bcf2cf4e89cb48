"""python manage.py send_followup_reminders: one digest per nurse per day."""

import smtplib
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

from cases import roles
from cases.followups.services import item_add_manual
from cases.models import ReminderLog
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("send_followup_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def setup():
    anna, ben = make_user(role=roles.NURSE, username="anna"), make_user(role=roles.NURSE, username="ben")
    case = make_case(surgery_date=None)
    add = lambda due, who=None: item_add_manual(  # noqa: E731
        case=case, user=None, due_date=due, modality="ct_or_mri", reason="t", responsible_nurse=who
    )
    add(date(2026, 5, 1), anna)  # overdue
    add(date(2026, 6, 5), anna)  # due now
    add(date(2026, 8, 1), anna)  # not yet
    add(date(2026, 6, 3), ben)  # due now
    add(date(2026, 6, 2))  # unassigned, due now
    return anna, ben, case


def test_each_nurse_gets_her_items_and_the_unassigned_ones_once_a_day(setup):
    anna, ben, case = setup
    with time_machine.travel(date(2026, 6, 1), tick=False):
        assert "2 reminder digest(s) sent" in _run()
        by_to = {m.to[0]: m for m in mail.outbox}
        assert set(by_to) == {anna.email, ben.email}
        assert "3 item(s)" in by_to[anna.email].subject  # overdue + due + unassigned
        assert "OVERDUE" in by_to[anna.email].body
        assert "(unassigned)" in by_to[anna.email].body
        assert "2 item(s)" in by_to[ben.email].subject
        assert case.patient.mrn not in by_to[anna.email].body
        assert case.patient.family_name not in by_to[anna.email].body

        assert "0 reminder digest(s) sent" in _run()
        assert len(mail.outbox) == 2
        assert ReminderLog.objects.count() == 2

    with time_machine.travel(date(2026, 6, 2), tick=False):
        _run()
        assert len(mail.outbox) == 4


def test_a_team_address_takes_the_unassigned_items(setup, settings):
    anna, ben, _case = setup
    settings.GISTCARE_FOLLOWUP_UNASSIGNED_EMAIL = "followup-team@hospital.test"
    with time_machine.travel(date(2026, 6, 1), tick=False):
        _run()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "2 item(s)" in by_to[anna.email].subject
    assert "1 item(s)" in by_to[ben.email].subject
    assert "1 item(s)" in by_to["followup-team@hospital.test"].subject


class RefusesAnna(BaseEmailBackend):
    """A mail server that refuses one address (a typo in a nurse's email, a closed mailbox)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if "anna" in message.to[0]:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
            mail.outbox.append(message)
        return len(email_messages)


def test_a_refused_digest_does_not_stop_the_others_and_is_tried_again(setup, settings):
    """One nurse's address refused: the other nurses still get theirs, the refusal is reported, and the next run
    tries hers again (nothing logged as sent for her)."""
    anna, ben, _case = setup
    settings.EMAIL_BACKEND = f"{__name__}.RefusesAnna"
    with time_machine.travel(date(2026, 6, 1), tick=False):
        out = StringIO()
        with pytest.raises(CommandError) as refused:  # exit status 1
            call_command("send_followup_reminders", stdout=out)
        assert [m.to[0] for m in mail.outbox] == [ben.email]
        assert "1 reminder digest(s) sent" in out.getvalue()
        assert f"1 reminder digest(s) not sent (the mail server did not take them): {anna.email}" in str(
            refused.value
        )
        assert list(ReminderLog.objects.values_list("recipient", flat=True)) == [ben.email]

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert "1 reminder digest(s) sent" in _run()  # hers, now; his was sent already
    assert [m.to[0] for m in mail.outbox] == [ben.email, anna.email]


def test_the_nightly_task_reports_a_refused_digest(setup, settings, caplog):
    from cases.followups.tasks import followups_escalate_and_remind

    settings.EMAIL_BACKEND = f"{__name__}.RefusesAnna"
    with time_machine.travel(date(2026, 6, 1), tick=False):
        result = followups_escalate_and_remind()
    assert (result["digests"], result["digests_not_sent"]) == (1, 1)
    assert any(record.levelname == "ERROR" and "not sent" in record.getMessage() for record in caplog.records)
