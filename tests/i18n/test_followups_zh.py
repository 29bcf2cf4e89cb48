"""The follow-up feature in Simplified Chinese: the nurses' worklist, a case's follow-up page, the action forms
and their messages, with no English left and the right data shown (issue 15).

The nurse chose zh-hans; the patient is 张伟 (MRN ZH0000001), the surgeon Sam Cutter, the nurse 李芳.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import translation

from cases import roles
from cases.followups.escalation import item_escalate
from cases.followups.services import (
    followups_regenerate,
    item_add_manual,
    item_mark_done,
    item_record_contact,
)
from cases.models import UserProfile
from cases.templatetags.people import staff_name
from tests.factories import PatientFactory, make_case, make_user
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)
ALLOW = {"ZH0000001", "Sam", "Cutter"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def nurse():
    user = make_user("linurse", role=roles.NURSE, first_name="芳", last_name="李")
    UserProfile.objects.create(user=user, language="zh-hans")
    return user


@pytest.fixture
def zh_nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def case(surgeon, nurse):
    # What the nurse writes (the reason of an item added by hand) is stored in her language, as she acts.
    with translation.override("zh-hans"):
        return _case(surgeon, nurse)


def _case(surgeon, nurse):
    patient = PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001", phone="13800138000")
    case = make_case(owner=surgeon, patient=patient, adjuvant_decision="given")
    followups_regenerate(case=case, user=None, reason="test")
    overdue = item_add_manual(
        case=case, user=None, due_date=date(2026, 1, 20), modality="ct_or_mri", reason="复查", window_days=7
    )
    overdue.responsible_nurse = nurse
    overdue.save()
    item_record_contact(item=overdue, user=nurse, expected_version=overdue.version, outcome="no_answer")
    overdue.refresh_from_db()
    item_escalate(item=overdue, user=nurse)
    due = item_add_manual(
        case=case, user=None, due_date=date(2026, 2, 25), modality="clinic", reason="伤口复查", window_days=14
    )
    item_mark_done(
        item=due, user=nurse, expected_version=due.version, completed_date=date(2026, 2, 27), result="ned"
    )
    return case


def _no_english(html: str) -> None:
    runs = english_runs(html, ALLOW)
    assert runs == [], f"English left: {runs}"


def test_the_worklist_is_chinese_with_the_patient_family_name_first(zh_nurse_client, case):
    html = zh_nurse_client.get("/followups/", {"tab": "overdue"}).content.decode()
    assert '<html lang="zh-Hans">' in html
    for words in (
        "随访工作列表",
        "逾期",
        "<bdi>张</bdi><bdi>伟</bdi>",
        "腹盆腔CT或MRI",
        "2026年1月20日",
        "<bdi>李芳</bdi>",  # a colleague too: family name first in Chinese
    ):
        assert words in html, words
    assert "第二次联系" in html  # the escalation step opened on the overdue visit
    _no_english(html)


def test_every_tab_and_filter_of_the_worklist_is_chinese(zh_nurse_client, case):
    for tab in ("overdue", "due", "upcoming", "all"):
        html = zh_nurse_client.get("/followups/", {"tab": tab, "modality": "ct_or_mri"}).content.decode()
        assert "全部" in html
        assert "当前到期" in html
        _no_english(html)


def test_a_case_follow_up_page_is_chinese(zh_nurse_client, case):
    html = zh_nurse_client.get(f"/followups/case/{case.pk}/").content.decode()
    for words in (
        "随访",
        "<bdi>张</bdi><bdi>伟</bdi>",
        "门诊复诊",
        "无疾病证据",
        "无人接听",
        "第二次联系",
        "2026年2月27日",
    ):
        assert words in html, words
    _no_english(html)


def test_an_action_form_and_its_error_are_chinese(zh_nurse_client, case):
    item = case.followups.filter(status="pending").order_by("due_date").first()
    html = zh_nurse_client.get(f"/followups/item/{item.pk}/done/").content.decode()
    _no_english(html)
    response = zh_nurse_client.post(
        f"/followups/item/{item.pk}/done/",
        {"expected_version": item.version, "completed_date": "2026-12-01", "result": ""},
    )
    html = response.content.decode()
    assert "这个字段是必填项" in html  # Django's own message, in Chinese
    _no_english(html)
    response = zh_nurse_client.post(
        f"/followups/item/{item.pk}/done/",
        {"expected_version": item.version, "completed_date": "2026-12-01", "result": "ned"},
    )
    html = response.content.decode()
    assert "完成日期不能晚于今天" in html  # the service's refusal
    _no_english(html)


def test_a_flash_message_is_chinese(zh_nurse_client, case):
    response = zh_nurse_client.post(
        f"/followups/case/{case.pk}/add/",
        {"due_date": "2026-04-01", "window_days": 7, "modality": "clinic", "reason": "伤口复查"},
        follow=True,
    )
    html = response.content.decode()
    assert "已添加随访项目" in html
    _no_english(html)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/followups/print/?tab=all", "随访列表"),
        ("/followups/flagged/", "需多学科团队重新讨论的病例"),
        ("/followups/lost/", "失访"),
        ("/followups/safety-net/", "随访安全网"),
        ("/followups/calendar/", "日历订阅"),
    ],
)
def test_the_other_follow_up_pages_are_chinese(zh_nurse_client, case, url, words):
    html = zh_nurse_client.get(url).content.decode()
    assert words in html
    _no_english(html)


def test_the_closing_page_is_chinese(client, case):
    coordinator = make_user("zhcoordinator", role=roles.COORDINATOR, first_name="敏", last_name="王")
    UserProfile.objects.create(user=coordinator, language="zh-hans")
    client.force_login(coordinator)
    html = client.get(f"/followups/case/{case.pk}/close/").content.decode()
    assert "关闭随访" in html
    assert "<bdi>张</bdi><bdi>伟</bdi>" in html
    _no_english(html)


def test_a_colleague_name_is_family_name_first_in_chinese_only(nurse):
    with translation.override("zh-hans"):
        assert staff_name(nurse) == "李芳"
    with translation.override("en"):
        assert staff_name(nurse) == "芳 李"  # English keeps the user's name as Django gives it
    nurse.first_name = nurse.last_name = ""
    assert staff_name(nurse) == nurse.username


def test_the_adjuvant_box_with_its_line_and_interruption_is_chinese(zh_nurse_client, case, nurse):
    """Issue 13: the adjuvant course is the treatment course's adjuvant line; the box that records it, its
    interruption and a refusal read in Chinese."""
    from decimal import Decimal

    from cases.course.services import adjuvant_line_save, interruption_save

    adjuvant = adjuvant_line_save(
        case=case, user=nurse,
        data={"start_date": date(2026, 2, 15), "planned_stop_date": date(2029, 2, 15), "stop_date": None,
              "stop_reason": "", "dose_mg_per_day": Decimal(400), "dose_override_reason": ""},
    )  # fmt: skip
    interruption_save(
        case=case, user=nurse,
        data={"line": adjuvant.pk, "start_date": date(2026, 2, 20), "resume_date": None, "reason": "皮疹"},
    )  # fmt: skip
    html = zh_nurse_client.get(f"/followups/case/{case.pk}/").content.decode()
    # Real end: the planned stop pushed back by the 9 days of the open interruption (20 Feb to 1 Mar).
    for words in (
        "计划2029年2月15日停药",
        "实际结束：2029年2月24日",
        "中断 2026年2月20日 – 进行中：皮疹",
        "治疗过程",
    ):
        assert words in html, words
    _no_english(html)
    refused = zh_nurse_client.post(
        f"/followups/case/{case.pk}/adjuvant/",
        {"line": str(adjuvant.pk), "version": "1", "start_date": "2026-02-15", "planned_stop_date": "2026-01-01",
         "dose_mg_per_day": "400"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "计划停药日期" in refused.content.decode()
    _no_english(refused.content.decode())
