"""The treatment-course page and its forms in Simplified Chinese (issue 15): the page, the edit pages of each
kind of record, the delete confirmation and a refused form, with no English left."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cases.course import services as svc
from tests.course.helpers import line, scan
from tests.factories import PatientFactory, make_case
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db

ALLOW = {
    "ZH0000001",
    "Sam",
    "Cutter",
    "RECIST",
    "Choi",
    "Eisenhauer",
    "EA",
    "Demetri",
    "GD",
    "ng",
    "mL",
    "HU",
    "PR",
    "PD",
    "SD",
}


def _case(user):
    """Imatinib 400 from 1 Mar 2026 (advanced, line 1), up to 800 on 10 Sep; three scans of one liver lesion (the
    last one PD with a new lesion), a low trough of 950 ng/mL, a recurrence in the liver."""
    case = make_case(
        owner=user,
        patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001"),
        diagnosis_date=date(2025, 12, 1),
    )
    first = line(case, user, start=date(2026, 3, 1))
    scan(case, user, date(2026, 2, 20), ("liver", 40, 80))
    scan(case, user, date(2026, 6, 1), ("liver", 30, 60))
    last = scan(case, user, date(2026, 9, 1), ("liver", 42, 60), new=True)
    change = svc.dose_change_save(
        case=case,
        user=user,
        data={
            "line": first.pk,
            "change_date": date(2026, 9, 10),
            "dose_mg_per_day": Decimal(800),
            "reason": "进展",
        },
    )
    level = svc.level_save(
        case=case,
        user=user,
        data={"sample_date": date(2026, 7, 1), "trough_ng_ml": Decimal(950), "hours_since_dose": Decimal(24)},
    )
    event = svc.event_save(
        case=case,
        user=user,
        data={"event_date": date(2026, 9, 1), "site_liver": True, "found_by": "scheduled_scan"},
    )
    return case, {"line": first, "dose": change, "scan": last, "level": level, "event": event}


def _chinese(html: str) -> None:
    assert '<html lang="zh-Hans"' in html
    runs = english_runs(html, ALLOW)
    assert runs == [], f"English left: {runs}"


@pytest.fixture
def course(zh_surgeon_client, surgeon):
    with time_machine.travel(date(2026, 9, 20), tick=False):
        return _case(surgeon)


def test_the_course_page_is_chinese(zh_surgeon_client, course):
    case, _records = course
    with time_machine.travel(date(2026, 9, 20), tick=False):
        html = zh_surgeon_client.get(reverse("course:page", kwargs={"case_id": case.pk})).content.decode()
    for words in ("治疗过程", "伊马替尼", "晚期一线治疗", "靶病灶", "基线", "血药浓度", "复发", "肝"):
        assert words in html, words
    _chinese(html)


@pytest.mark.parametrize("kind", ["line", "dose", "scan", "level", "event"])
def test_the_edit_pages_are_chinese(zh_surgeon_client, course, kind):
    case, records = course
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": kind, "pk": records[kind].pk})
    _chinese(zh_surgeon_client.get(url).content.decode())


@pytest.mark.parametrize("kind", ["line", "dose", "scan", "level", "event"])
def test_the_add_pages_are_chinese(zh_surgeon_client, course, kind):
    case, _records = course
    url = reverse("course:add", kwargs={"case_id": case.pk, "kind": kind})
    _chinese(zh_surgeon_client.get(url).content.decode())


def test_the_delete_confirmation_is_chinese(zh_surgeon_client, course):
    case, records = course
    url = reverse("course:delete", kwargs={"case_id": case.pk, "kind": "line", "pk": records["line"].pk})
    _chinese(zh_surgeon_client.get(url).content.decode())


def test_a_refused_line_says_why_in_chinese(zh_surgeon_client, course):
    case, records = course
    first = records["line"]
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": "line", "pk": first.pk})
    response = zh_surgeon_client.post(
        url,
        {
            "version": first.version,
            "setting": "advanced_1",
            "drug": "imatinib",
            "dose_mg_per_day": "400",
            "start_date": "2026-03-01",
            "stop_date": "2026-02-01",
            "stop_reason": "progression",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Stopped:" not in html
    assert "停药日期" in html
    _chinese(html)


def test_a_refused_event_says_why_in_chinese(zh_surgeon_client, course):
    case, records = course
    event = records["event"]
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": "event", "pk": event.pk})
    response = zh_surgeon_client.post(
        url, {"version": event.version, "event_date": "2026-09-01", "found_by": "scheduled_scan"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sites:" not in html
    _chinese(html)


def test_a_saved_line_flashes_in_chinese(zh_surgeon_client, course):
    case, _records = course
    url = reverse("course:add", kwargs={"case_id": case.pk, "kind": "line"})
    response = zh_surgeon_client.post(
        url,
        {
            "setting": "advanced_2",
            "drug": "sunitinib",
            "dose_mg_per_day": "50",
            "start_date": "2026-09-15",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "saved." not in html
    _chinese(html)


def test_a_deleted_record_flashes_in_chinese(zh_surgeon_client, course):
    case, records = course
    level = records["level"]
    url = reverse("course:delete", kwargs={"case_id": case.pk, "kind": "level", "pk": level.pk})
    response = zh_surgeon_client.post(url, {"version": level.version, "confirm": "yes"}, follow=True)
    html = response.content.decode()
    assert "血药浓度已删除" in html
    _chinese(html)


def test_an_edit_conflict_says_so_in_chinese(zh_surgeon_client, course):
    """Someone saved the line after the form was opened: the refusal names the line in Chinese."""
    case, records = course
    first = records["line"]
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": "line", "pk": first.pk})
    data = {
        "version": first.version,
        "setting": "advanced_1",
        "drug": "imatinib",
        "dose_mg_per_day": "400",
        "start_date": "2026-03-01",
    }
    assert zh_surgeon_client.post(url, data).status_code == 302
    response = zh_surgeon_client.post(url, {**data, "dose_mg_per_day": "600"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "治疗线" in html
    _chinese(html)


def test_scan_refusals_are_chinese(zh_surgeon_client, course):
    """Three target lesions in one organ, and an attenuation typed on an MRI."""
    case, _records = course
    url = reverse("course:add", kwargs={"case_id": case.pk, "kind": "scan"})
    response = zh_surgeon_client.post(
        url,
        {
            "scan_date": "2026-09-15",
            "modality": "mri",
            **{f"organ_{row}": "liver" for row in (1, 2, 3)},
            **{f"diameter_{row}": "20" for row in (1, 2, 3)},
            "hu_1": "40",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "靶病灶" in html
    assert "CT值" in html
    _chinese(html)
