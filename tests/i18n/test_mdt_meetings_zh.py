"""The MDT meeting pages in Simplified Chinese (issue 15): the list of meetings and a meeting's agenda, for the
coordinator who manages it and for the chair who records decisions and signs, with no English left and the right
data shown. (The report itself is tested in test_report_zh.py.)"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases import roles
from cases.mdt.decisions import Attendee, parse_attendee
from cases.mdt.services import agenda_add, decision_record, meeting_create
from cases.models import UserProfile
from cases.records.assessment import case_assess
from tests.factories import PatientFactory, gastric_case, make_user
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db

ALLOW = {"ZH0000001", "Sam", "Cutter", "Charles", "Chairman"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


def _zh(user):
    UserProfile.objects.create(user=user, language="zh-hans")
    return user


@pytest.fixture
def zh_coordinator():
    return _zh(make_user("zhcoord", role=roles.COORDINATOR, first_name="敏", last_name="王"))


@pytest.fixture
def zh_chair(chair):
    return _zh(chair)


@pytest.fixture
def meeting(surgeon, zh_coordinator, zh_chair):
    meeting = meeting_create(
        user=zh_coordinator,
        date=date(2026, 3, 5),
        title="胃肠间质瘤多学科会诊",
        attendees="王医生，外科医生（主席）\n李医生, 肿瘤内科医生",  # no pathologist or radiologist: quorum not met
    )
    patient = PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001")
    case = gastric_case(owner=surgeon, patient=patient)
    case_assess(case=case, user=surgeon)
    item = agenda_add(meeting=meeting, case=case, user=zh_coordinator)
    decision_record(item=item, user=zh_chair, decision="accept")
    second = gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="娜", family_name="欧阳", mrn="ZH0000002")
    )
    agenda_add(meeting=meeting, case=second, user=zh_coordinator)
    return meeting


def _no_english(html: str) -> None:
    runs = english_runs(html, ALLOW)
    assert runs == [], f"English left: {runs}"


def test_the_meeting_list_is_chinese(client, zh_coordinator, meeting):
    client.force_login(zh_coordinator)
    html = client.get(reverse("mdt:list")).content.decode()
    for words in ("多学科团队会议", "胃肠间质瘤多学科会诊", "2026年3月5日", "新建会议"):
        assert words in html, words
    _no_english(html)


def test_the_agenda_is_chinese_for_the_coordinator(client, zh_coordinator, meeting):
    client.force_login(zh_coordinator)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    for words in ("议程", "张伟", "欧阳娜", "高危", "接受推荐", "病理科医生", "法定人数"):
        assert words in html, words
    _no_english(html)


def test_the_agenda_is_chinese_for_the_chair(client, zh_chair, meeting):
    client.force_login(zh_chair)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert "签署报告" in html
    assert "记录决定" in html
    _no_english(html)


def test_the_case_search_and_a_flash_message_are_chinese(client, zh_coordinator, meeting, surgeon):
    client.force_login(zh_coordinator)
    other = gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="芳", family_name="李", mrn="ZH0000003")
    )
    html = client.post(reverse("mdt:search", args=[meeting.id]), {"q": "ZH0000003"}).content.decode()
    assert "李芳" in html
    _no_english(html)
    response = client.post(reverse("mdt:agenda_add", args=[meeting.id]), {"case": str(other.id)}, follow=True)
    html = response.content.decode()
    assert f"病例 {other.short_id} 已加入议程" in html
    _no_english(html)


@pytest.mark.parametrize(
    ("line", "name", "discipline"),
    [
        ("王医生，外科医生（主席）", "王医生", "surgeon"),
        ("李医生, 病理科", "李医生", "pathologist"),
        ("赵护士，专科护士", "赵护士", "nurse"),
        ("Dr A. Smith, surgeon (chair)", "Dr A. Smith", "surgeon"),
    ],
)
def test_an_attendance_line_in_chinese_names_the_discipline(line, name, discipline):
    assert parse_attendee(line) == Attendee(name, discipline)


def test_the_sign_page_is_chinese(client, zh_chair, meeting):
    item = meeting.items.get(decision="accept")
    with time_machine.travel(date(2026, 3, 5), tick=False):  # the day of the meeting
        client.force_login(zh_chair)
        response = client.get(reverse("mdt:sign", args=[meeting.id, item.id]))
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for words in ("签署多学科团队决定", "张伟", "接受推荐", "未达法定人数", "您的密码"):
        assert words in html, words
    _no_english(html)


def test_adding_a_case_from_its_page_is_chinese(client, zh_coordinator, meeting, surgeon):
    other = gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="芳", family_name="李", mrn="ZH0000003")
    )
    client.force_login(zh_coordinator)
    html = client.get(reverse("mdt:case_agenda_add", args=[other.id])).content.decode()
    assert "加入议程" in html
    assert "胃肠间质瘤多学科会诊（2026年3月5日）" in html or "胃肠间质瘤多学科会诊 (2026年3月5日)" in html
    _no_english(html)
    response = client.post(reverse("mdt:case_agenda_add", args=[other.id]), {"meeting": ""})
    _no_english(response.content.decode())


def test_the_printout_page_is_chinese(client, zh_coordinator, meeting):
    client.force_login(zh_coordinator)
    html = client.get(reverse("mdt:printout", args=[meeting.id])).content.decode()
    assert "会议打印稿" in html
    _no_english(html)
