"""No N+1 on the pages (issue 16): the query count does not grow with the number of items, agendas or cases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.followups import services as svc
from tests.factories import edit_case_and_patient, lose_to_follow_up, make_case, make_user

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm: session, permissions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _case_items(nurse, case, count: int):
    """`count` visits of `case`, every other one assigned to `nurse`: what a row prints of its nurse is read with
    the page, not per row."""
    return [
        svc.item_add_manual(
            case=case, user=nurse, due_date=dt.date(2027, 1, 1) + dt.timedelta(days=30 * n),
            modality="ct_or_mri", reason=f"Visit {n + 1}", responsible_nurse=nurse if n % 2 else None,
        )
        for n in range(count)
    ]  # fmt: skip


def _case_with_items(nurse, count: int):
    """A new case with `count` visits, the first with an escalation step (read with the page, not per row)."""
    from cases.models import EscalationStep

    case = make_case()
    items = _case_items(nurse, case, count)
    EscalationStep.objects.create(item=items[0], step="second_contact", opened_on=dt.date(2027, 1, 20))
    return case


def test_a_case_follow_up_page_costs_the_same_with_3_and_31_items(client):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    few, many = _case_with_items(nurse, 3), _case_with_items(nurse, 31)
    counts = [
        _queries(client, reverse("followups:case", kwargs={"case_id": case.pk})) for case in (few, many)
    ]
    assert counts[0] == counts[1], counts


def test_a_case_follow_up_page_reads_the_case_with_its_presentation_and_closure(client):
    """The rows print the tumour's site and the page the follow-up's closure: both come with the case."""
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    case = _case_with_items(nurse, 3)
    url = reverse("followups:case", kwargs={"case_id": case.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    own = [q["sql"] for q in queries.captured_queries if 'FROM "cases_presentation"' in q["sql"]]
    own += [q["sql"] for q in queries.captured_queries if 'FROM "cases_followupclosure"' in q["sql"]]
    assert own == []


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


# ---------------------------------------------------------------------------------------------------------
# Issue 16, "a test per page": the lists that remained without one.


def _flag(cases) -> None:
    from cases.models import Case

    Case.objects.filter(pk__in=[case.pk for case in cases]).update(needs_mdt_review=True)


@pytest.mark.parametrize("role", [roles.NURSE, roles.COORDINATOR, roles.SURGEON])
def test_home_costs_the_same_with_2_and_12_cases_on_each_of_its_lists(client, role):
    """Home's lists (drafts, unsigned too long, changed since signed) and counts (flagged, lost, follow-up tabs);
    a nurse's home reads only the counts."""
    from django.utils import timezone

    from cases.models import Assessment, Case

    user = make_user("someone", role=role)
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(user)

    def add(n: int) -> None:
        cases = [make_case(owner=user) if role == roles.SURGEON else make_case() for _ in range(n)]
        _flag(cases[: n // 2])
        for case in cases[n // 2 :]:
            lose_to_follow_up(case, nurse)
        # Unsigned for two months; half of them changed since a (notional) signed report.
        for case in cases:
            Assessment.objects.create(case=case, ruleset="test", ruleset_version="1", facts={}, result={})
        long_ago = timezone.now() - dt.timedelta(days=60)
        Assessment.objects.filter(case__in=cases).update(created_at=long_ago)
        Case.objects.filter(pk__in=[case.pk for case in cases[: n // 2]]).update(changed_since_signed=True)

    add(2)
    few = _queries(client, reverse("home"))
    add(10)
    assert _queries(client, reverse("home")) == few


def test_the_flagged_and_lost_lists_cost_the_same_with_1_and_8_cases(client):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    _flag([make_case()])
    lose_to_follow_up(make_case(), nurse)
    urls = [reverse("followups:flagged"), reverse("followups:lost")]
    few = [_queries(client, url) for url in urls]
    _flag([make_case() for _ in range(7)])
    for _ in range(7):
        lose_to_follow_up(make_case(), nurse)
    assert [_queries(client, url) for url in urls] == few


def test_the_safety_net_costs_the_same_with_1_and_6_cases_nobody_follows(client, coordinator):
    from tests.factories import signed_report

    chair = make_user("chair", role=roles.SURGEON, chair=True)
    client.force_login(coordinator)

    def unfollowed():
        case = make_case()
        signed_report(coordinator=coordinator, chair=chair, case=case)
        case.followups.update(status="cancelled")  # nothing keeps the patient in view
        return case

    unfollowed()
    url = reverse("followups:safety_net")
    one = _queries(client, url)
    for _ in range(5):
        unfollowed()
    html = client.get(url).content.decode()
    assert html.count('href="/followups/case/') == 6
    assert _queries(client, url) == one


def test_the_printable_list_and_the_csv_cost_the_same_with_3_and_31_items(client):
    """The CSV is written by a background job: here (no broker) inside the POST that asks for it."""
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    _case_items(nurse, make_case(), 3)
    requests = [
        ("get", reverse("followups:print") + "?tab=all"),
        ("post", reverse("followups:export") + "?tab=all"),
    ]

    def count(method: str, url: str) -> int:
        getattr(client, method)(url)
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url)
            assert response.status_code == (200 if method == "get" else 302)
        return len(queries)

    few = [count(*request) for request in requests]
    for _ in range(4):
        _case_items(nurse, make_case(), 7)
    assert [count(*request) for request in requests] == few


def test_the_meeting_list_costs_the_same_with_1_and_8_meetings(client, coordinator):
    from cases.mdt.services import agenda_add, meeting_create

    client.force_login(coordinator)

    def meeting(n: int) -> None:
        created = meeting_create(
            user=coordinator, date=dt.date(2027, 1, 5) + dt.timedelta(days=7 * n), title="MDT"
        )
        agenda_add(meeting=created, case=make_case(), user=coordinator)

    meeting(0)
    url = reverse("mdt:list")
    one = _queries(client, url)
    for n in range(1, 8):
        meeting(n)
    assert _queries(client, url) == one


def test_the_course_page_timeline_and_fhir_bundle_cost_the_same_with_a_short_and_a_ten_year_course(
    client, surgeon
):
    from cases.course.demo import long_course
    from tests.course.helpers import line, scan

    client.force_login(surgeon)
    short, long = make_case(diagnosis_date=dt.date(2016, 1, 5)), make_case(diagnosis_date=dt.date(2016, 1, 5))
    line(short, surgeon, start=dt.date(2016, 2, 1))
    scan(short, surgeon, dt.date(2016, 1, 20), ("liver", 40))
    long_course(case=long, user=surgeon, start=dt.date(2016, 1, 26))
    for name in ("course:page", "course:timeline", "fhir:case_bundle"):
        counts = [_queries(client, reverse(name, kwargs={"case_id": case.pk})) for case in (short, long)]
        assert counts[0] == counts[1], (name, counts)


def test_a_case_history_costs_the_same_new_and_after_36_edits(client, surgeon):
    client.force_login(surgeon)
    case = make_case(owner=surgeon)
    url = reverse("audit:history", kwargs={"case_id": case.pk})
    few = _queries(client, url)
    edit_case_and_patient(case, 18)
    assert _queries(client, url) == few
