"""The case's follow-up page /followups/case/<id>/: items, adjuvant course, manual add, regenerate."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.models import FollowUpItem, LineInterruption, TherapyLine
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


def test_a_nurse_regenerates_adds_and_records_the_adjuvant_course(client):
    case = make_case(adjuvant_decision="given")
    client.force_login(make_user(role=roles.NURSE))
    url = f"/followups/case/{case.pk}/"
    client.post(url + "regenerate/")
    assert case.followups.count() == 31
    response = client.post(
        url + "add/", {"due_date": "2026-04-01", "window_days": 7, "modality": "clinic", "reason": ""}
    )
    assert "This field is required." in response.content.decode()
    assert case.followups.count() == 31
    client.post(
        url + "add/",
        {"due_date": "2026-04-01", "window_days": 7, "modality": "clinic", "reason": "Wound check"},
    )
    assert case.followups.filter(source="manual").count() == 1

    response = client.post(
        url + "adjuvant/",
        {"start_date": "2026-02-15", "planned_stop_date": "2026-01-01", "dose_mg_per_day": 400},
    )
    assert response.status_code == 400
    assert "Planned stop: 01 Jan 2026 is not after the start (15 Feb 2026)." in response.content.decode()
    assert not TherapyLine.objects.exists()
    client.post(
        url + "adjuvant/",
        {"start_date": "2026-02-15", "planned_stop_date": "2029-02-15", "dose_mg_per_day": 400},
    )
    # The adjuvant course is the treatment course's adjuvant line (issue 13: one model).
    line = TherapyLine.objects.get(case=case)
    assert (line.setting, line.drug, line.dose_mg_per_day) == ("adjuvant", "imatinib", 400)
    assert (line.start_date, line.planned_stop_date, line.stop_date) == (
        date(2026, 2, 15),
        date(2029, 2, 15),
        None,
    )
    client.post(
        url + "interruption/",
        {"start_date": "2026-06-01", "resume_date": "2026-07-31", "reason": "Neutropenia"},
    )
    gap = LineInterruption.objects.get(line=line)
    assert (gap.start_date, gap.resume_date, gap.reason) == (
        date(2026, 6, 1),
        date(2026, 7, 31),
        "Neutropenia",
    )
    first_after = case.followups.filter(phase="post_adjuvant_early").order_by("due_date").first()
    assert first_after.due_date == date(2029, 8, 15)
    body = client.get(url).content.decode()
    assert "Real end: 16 Apr 2029" in body
    assert "Neutropenia" in body


def test_readers_see_the_page_but_cannot_write(client):
    case = make_case()
    client.force_login(make_user(role=roles.SURGEON))
    assert client.get(f"/followups/case/{case.pk}/").status_code == 200
    assert client.post(f"/followups/case/{case.pk}/regenerate/").status_code == 403
    assert not FollowUpItem.objects.exists()
    assert client.get("/followups/case/00000000-0000-0000-0000-000000000000/").status_code == 404
