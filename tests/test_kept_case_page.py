"""The case page's MDT discussions, report versions and next follow-ups, kept in the shared cache until a write to
their tables (issue 16; cases/kept.py). The record itself is always read from the database.

Transactional tests: each write commits as in the app, and renews what it should when it commits."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.followups.services import item_mark_done
from cases.models import FollowUpItem, MdtMeeting
from tests.factories import contract_example_case, meeting_with_case, signed_report

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kept_results")]
LISTED = ('"cases_agendaitem"', '"cases_signedreport"', '"cases_followupitem"', '"cases_mdtmeeting"')


def _page(client, case) -> tuple[str, list[str]]:
    """The case page's HTML and the queries that read the listed tables."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("records:case", args=[case.id]))
    assert response.status_code == 200
    return response.content.decode(), [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in LISTED)
    ]


def _next_visits(case) -> list[str]:
    """The case's three next pending visits as the page prints them (day month year)."""
    items = (
        FollowUpItem.objects.filter(case=case, status="pending").exclude(source="review").order_by("due_date")
    )
    return [f"{item.due_date:%-d %b %Y}" for item in items[:3]]


def test_the_second_visit_reads_the_lists_from_the_cache(client, coordinator, chair, nurse):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    client.force_login(nurse)
    html, read = _page(client, case)
    assert len(read) == 3  # agenda items with their meetings, report versions, next follow-ups
    html_again, read_again = _page(client, case)
    assert read_again == []
    # The same sections: the meeting, the version, the first visit (31 visits from 15 Apr 2026, ESMO 2022).
    for text in ("GIST MDT (03 Feb 2026)", "?version=1", "15 Apr 2026"):
        assert text in html
        assert text in html_again


def test_what_is_kept_holds_no_patient_and_no_user(client, coordinator, chair, nurse):
    """The lists are read by the case's id: through the case's related managers every row carried the page's case,
    with its patient and its owner's password hash, into the cache. And only the columns the page prints are kept:
    not the notes, the reasons, the attendees or a meeting's video link."""
    import pickle

    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    # Free text the page does not print, which a nurse or a coordinator may well write a patient's name into
    # (found by the review: the whole rows were kept).
    about = f"Phoned {case.patient.family_name}, MRN {case.patient.mrn}"
    FollowUpItem.objects.filter(case=case).update(notes=about, reason=about)
    case.agenda_items.update(modification_text=about)
    MdtMeeting.objects.filter(items__case=case).update(
        attendees=about, video_link=f"https://v.example/{about}"
    )
    client.force_login(nurse)
    html, _read = _page(client, case)
    assert "GIST MDT (03 Feb 2026)" in html
    assert "15 Apr 2026" in html
    for name in ("mdt:discussions", "mdt:report-versions", "followups:next-followups"):
        token, rows = cache.get(f"kept:v2:{name}:{case.pk}")
        assert rows, name
        stored = pickle.dumps(rows)
        assert case.patient.mrn.encode() not in stored, name
        assert case.patient.family_name.encode() not in stored, name
        assert case.owner.password.encode() not in stored, name


def test_without_the_setting_every_visit_reads_them(client, nurse):
    case = contract_example_case()
    client.force_login(nurse)
    with override_settings(GISTCARE_QUERY_CACHE_SECONDS=0):
        assert len(_page(client, case)[1]) == 3
        assert len(_page(client, case)[1]) == 3


def test_a_case_put_on_an_agenda_shows_at_once(client, coordinator, nurse):
    case = contract_example_case()
    client.force_login(nurse)
    assert "Not on any MDT agenda yet" in _page(client, case)[0]
    meeting_with_case(coordinator=coordinator, case=case)
    html = _page(client, case)[0]
    assert "Not on any MDT agenda yet" not in html
    assert "GIST MDT (03 Feb 2026)" in html


def test_a_meeting_renamed_behind_the_orm_shows_at_once(client, coordinator, nurse):
    """QuerySet.update() sends no signal: the statement itself is watched."""
    case = contract_example_case()
    meeting, _item = meeting_with_case(coordinator=coordinator, case=case)
    client.force_login(nurse)
    assert "GIST MDT (03 Feb 2026)" in _page(client, case)[0]
    MdtMeeting.objects.filter(pk=meeting.pk).update(title="Sarcoma board")
    html = _page(client, case)[0]
    assert "Sarcoma board (03 Feb 2026)" in html
    assert "GIST MDT" not in html


def test_a_signed_report_and_its_visits_show_at_once(client, coordinator, chair):
    case = contract_example_case()
    client.force_login(chair)
    html = _page(client, case)[0]
    assert "Not signed yet" in html
    assert "No pending follow-up" in html
    assert reverse("mdt:report_amend", args=[case.id]) not in html
    signed_report(coordinator=coordinator, chair=chair, case=case)
    html = _page(client, case)[0]
    assert "Not signed yet" not in html
    assert "?version=1" in html
    assert reverse("mdt:report_amend", args=[case.id]) in html  # the chair may amend a signed version
    assert "15 Apr 2026" in html


def test_a_visit_done_leaves_the_next_three(client, coordinator, chair, nurse):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    client.force_login(nurse)
    before = _next_visits(case)
    html = _page(client, case)[0]
    assert all(day in html for day in before)
    first = FollowUpItem.objects.filter(case=case, status="pending").order_by("due_date").first()
    item_mark_done(
        item=first, user=nurse, expected_version=first.version, completed_date=date(2026, 4, 15), result="ned"
    )
    after = _next_visits(case)
    assert after[:2] == before[1:]
    html = _page(client, case)[0]
    assert before[0] not in html.split('id="followups-heading"')[1].split("</section>")[0]
    assert all(day in html for day in after)


def test_the_production_path_keeps_them_in_redis(client, coordinator, chair, nurse, redis_cache):
    """The same through the shared cache of production: the lists go through Redis (pickled model instances) and
    come back the same."""
    server, prefix = redis_cache
    case = contract_example_case()
    client.force_login(nurse)
    html, read = _page(client, case)
    assert len(read) == 3
    assert "Not signed yet" in html
    assert server.keys(f"{prefix}:*kept:v2:mdt:discussions:{case.pk}")
    assert _page(client, case)[1] == []
    signed_report(coordinator=coordinator, chair=chair, case=case)
    html, read = _page(client, case)
    assert len(read) == 3  # renewed by the signature's writes
    html_again, read_again = _page(client, case)
    assert read_again == []
    for text in ("GIST MDT (03 Feb 2026)", "?version=1", "15 Apr 2026"):
        assert text in html
        assert text in html_again


def test_a_write_while_another_request_opened_the_breaker_still_renews(
    client, coordinator, nurse, redis_cache
):
    """The breaker of a process may be open because another request timed out a moment ago, while Redis answers:
    the renewal after a write goes past it (as the permission token's does)."""
    case = contract_example_case()
    meeting, _item = meeting_with_case(coordinator=coordinator, case=case)
    client.force_login(nurse)
    assert "GIST MDT (03 Feb 2026)" in _page(client, case)[0]
    cache.breaker.open()
    try:
        MdtMeeting.objects.filter(pk=meeting.pk).update(title="Sarcoma board")
    finally:
        cache.breaker.close()
    assert "Sarcoma board (03 Feb 2026)" in _page(client, case)[0]
