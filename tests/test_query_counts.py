"""No N+1 on the pages (issue 16): the query count does not grow with the number of items, agendas or cases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.followups import services as svc
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm: session, permissions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _case_with_items(nurse, count: int):
    case = make_case()
    for n in range(count):
        svc.item_add_manual(
            case=case, user=nurse, due_date=dt.date(2027, 1, 1) + dt.timedelta(days=30 * n),
            modality="ct_or_mri", reason=f"Visit {n + 1}",
        )  # fmt: skip
    return case


def test_a_case_follow_up_page_costs_the_same_with_3_and_31_items(client):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    few, many = _case_with_items(nurse, 3), _case_with_items(nurse, 31)
    counts = [
        _queries(client, reverse("followups:case", kwargs={"case_id": case.pk})) for case in (few, many)
    ]
    assert counts[0] == counts[1], counts


def test_the_worklist_costs_the_same_with_3_and_31_items(client):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    _case_with_items(nurse, 3)
    url = reverse("followups:list") + "?tab=all"
    few = _queries(client, url)
    for _ in range(4):
        _case_with_items(nurse, 7)
    assert _queries(client, url) == few


def _case_with_course_items(surgeon, count: int):
    """A case whose treatment course put `count` items on the worklist: a scan due after the line's start, then
    results to review (drug levels, one in two below the threshold)."""
    from decimal import Decimal

    from cases.course import services as course_svc
    from tests.course.helpers import line

    case = make_case(diagnosis_date=dt.date(2025, 12, 1))
    line(case, surgeon, start=dt.date(2026, 2, 1))
    for n in range(count - 1):
        course_svc.level_save(
            case=case, user=surgeon,
            data={"sample_date": dt.date(2026, 2, 2) + dt.timedelta(days=n),
                  "trough_ng_ml": Decimal(800 if n % 2 else 1500), "hours_since_dose": Decimal(24)},
        )  # fmt: skip
    return case


def test_the_worklist_costs_the_same_with_3_and_31_course_items(client):
    nurse = make_user("nurse", role=roles.NURSE)
    surgeon = make_user("surgeon", role=roles.SURGEON)
    client.force_login(nurse)
    _case_with_course_items(surgeon, 3)
    url = reverse("followups:list") + "?tab=all"
    few = _queries(client, url)
    _case_with_course_items(surgeon, 28)
    html = client.get(url).content.decode()
    assert html.count("Result to review") == 29
    assert html.count("Scan due after dose change") == 2
    assert _queries(client, url) == few


def test_the_meeting_page_costs_the_same_with_1_and_12_cases_on_the_agenda(client, coordinator):
    from cases.mdt.services import agenda_add, meeting_create

    chair = make_user("chair", role=roles.SURGEON, chair=True)
    client.force_login(chair)
    meeting = meeting_create(user=coordinator, date=dt.date(2027, 1, 5), title="GIST MDT")
    agenda_add(meeting=meeting, case=make_case(), user=coordinator)
    url = reverse("mdt:meeting", kwargs={"meeting_id": meeting.pk})
    one = _queries(client, url)
    for _ in range(11):
        agenda_add(meeting=meeting, case=make_case(), user=coordinator)
    assert _queries(client, url) == one


def test_the_case_page_costs_the_same_on_1_and_3_agendas(client, coordinator, surgeon):
    from cases.mdt.services import agenda_add, meeting_create

    client.force_login(surgeon)
    case = make_case()
    meetings = [
        meeting_create(user=coordinator, date=dt.date(2027, 1, 5 + 7 * n), title=f"GIST MDT {n}")
        for n in range(3)
    ]
    agenda_add(meeting=meetings[0], case=case, user=coordinator)
    url = reverse("records:case", kwargs={"case_id": case.pk})
    one = _queries(client, url)
    for meeting in meetings[1:]:
        agenda_add(meeting=meeting, case=case, user=coordinator, confirm_double_booking=True)
    assert _queries(client, url) == one


def test_the_case_list_costs_the_same_with_10_and_60_cases(client, surgeon):
    client.force_login(surgeon)
    for _ in range(10):
        make_case()
    url = reverse("records:list")
    ten = _queries(client, url)
    for _ in range(50):
        make_case()
    assert _queries(client, url) == ten


def test_the_report_costs_the_same_with_a_short_and_a_ten_year_course(client, surgeon):
    # Issue 13: the treatment course printed on the report is read with a fixed number of queries.
    from cases.course.demo import long_course
    from tests.course.helpers import line, scan

    client.force_login(surgeon)
    short, long = make_case(diagnosis_date=dt.date(2016, 1, 5)), make_case(diagnosis_date=dt.date(2016, 1, 5))
    line(short, surgeon, start=dt.date(2016, 2, 1))
    scan(short, surgeon, dt.date(2016, 1, 20), ("liver", 40))
    long_course(case=long, user=surgeon, start=dt.date(2016, 1, 26))
    assert long.imaging_assessments.count() >= 30
    urls = [reverse("mdt:report", kwargs={"case_id": case.pk}) for case in (short, long)]
    assert all('class="course-timeline"' in client.get(url).content.decode() for url in urls)
    counts = [_queries(client, url) for url in urls]
    assert counts[0] == counts[1], counts
