"""The nightly jobs as Celery tasks (run by beat): the same services as the management commands."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import time_machine
from django.core import mail

from cases import roles
from cases.followups import services as svc
from cases.followups.tasks import followups_escalate_and_remind, followups_safety_net_check
from cases.models import Case, EscalationStep, ReminderLog
from tests.factories import make_case, make_user, signed_report

pytestmark = pytest.mark.django_db


def test_escalate_and_remind_opens_the_steps_then_sends_the_digests_once_a_day():
    anna = make_user(role=roles.NURSE, username="anna")
    with time_machine.travel(date(2026, 8, 1), tick=False):
        case = make_case(surgery_date=None)
        item = svc.item_add_manual(
            case=case,
            user=None,
            due_date=date(2026, 9, 1),
            modality="ct_or_mri",
            reason="planned",
            window_days=14,
            responsible_nurse=anna,
        )
    with time_machine.travel(date(2026, 9, 16), tick=False):
        # Sent as beat sends it; without a broker it runs here.
        result = followups_escalate_and_remind.delay().get()
        assert result == {"date": "2026-09-16", "escalations": 1, "digests": 1, "digests_not_sent": 0}
        assert list(EscalationStep.objects.filter(item=item).values_list("step", flat=True)) == [
            "second_contact"
        ]
        assert [m.to[0] for m in mail.outbox] == [anna.email]
        assert "OVERDUE" in mail.outbox[0].body
        # Twice in a day: nothing more.
        assert followups_escalate_and_remind.delay().get() == {
            "date": "2026-09-16",
            "escalations": 0,
            "digests": 0,
            "digests_not_sent": 0,
        }
    assert ReminderLog.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_safety_net_check_logs_the_cases_without_one_by_short_id_only(caplog):
    with time_machine.travel(date(2026, 11, 2), tick=False):
        case = make_case(size_cm="4", mitoses=3, surgery_date=date(2026, 10, 1))
        signed_report(
            coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
        )
        assert followups_safety_net_check.delay().get() == []
        for item in Case.objects.get(pk=case.pk).followups.all():
            svc.item_cancel(
                item=item,
                user=make_user(role=roles.NURSE),
                expected_version=item.version,
                reason="Scans elsewhere",
            )
        with caplog.at_level(logging.ERROR, logger="cases.followups.tasks"):
            assert followups_safety_net_check.delay().get() == [case.short_id]
    (record,) = [r for r in caplog.records if r.name == "cases.followups.tasks"]
    assert record.levelno == logging.ERROR
    assert case.short_id in record.getMessage()
    assert case.patient.mrn not in record.getMessage()
    assert case.patient.family_name not in record.getMessage()
