"""What reaches a nurse outside the pages, in the nurse's language (issue 15): the daily digest e-mail and the
calendar feed's events."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
import time_machine
from django.core import mail
from django.utils import translation

from cases import roles
from cases.followups import services as svc
from cases.followups.reminders import reminders_send
from cases.models import UserProfile
from tests.factories import make_case, make_user
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurses():
    li = make_user("li", role=roles.NURSE, email="li@example.org")
    UserProfile.objects.create(user=li, language="zh-hans")
    anna = make_user("anna", role=roles.NURSE, email="anna@example.org")
    case = make_case(surgery_date=None)
    for who in (li, anna):
        svc.item_add_manual(
            case=case,
            user=None,
            due_date=date(2026, 5, 1),
            modality="ct_or_mri",
            reason="t",
            responsible_nurse=who,
        )
    return li, anna, case


def test_the_digest_is_in_each_nurses_language(nurses):
    li, anna, case = nurses
    with time_machine.travel(date(2026, 6, 5), tick=False), translation.override("en"):
        assert reminders_send(today=date(2026, 6, 5), base_url="https://gistcare.example").sent == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    chinese = by_address["li@example.org"]
    assert chinese.subject == "GISTCare 随访：1 项到期或逾期"
    assert "2026年5月1日 已逾期：腹盆腔CT或MRI" in chinese.body
    assert english_runs(chinese.body, {"GISTCare", "https", "gistcare", "example", case.short_id}) == []
    assert by_address["anna@example.org"].subject == "GISTCare follow-up: 1 item(s) due or overdue"


def test_the_calendar_feed_speaks_the_nurses_language(client, nurses):
    li, _anna, case = nurses
    token = svc.calendar_token_create(user=li).token
    with time_machine.travel(date(2026, 6, 5), tick=False), translation.override("en"):
        cal = icalendar.Calendar.from_ical(client.get(f"/followups/calendar/{token}.ics").content)
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == f"随访：腹盆腔CT或MRI（病例 {case.short_id}）"
    assert "时间窗 2026-04-17 至 2026-05-15" in str(event["description"])
