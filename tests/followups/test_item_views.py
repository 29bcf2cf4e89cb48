"""Inline item actions /followups/item/<id>/<action>/: htmx and plain forms, errors, conflicts, permissions."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.followups.services import item_add_manual, item_mark_done
from cases.models import Case, ContactAttempt, FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "item"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield


@pytest.fixture
def item():
    case = make_case(surgery_date=None)
    return item_add_manual(
        case=case, user=None, due_date=date(2026, 5, 1), modality="ct_or_mri", reason="test"
    )


def _url(item, action):
    return f"/followups/item/{item.pk}/{action}/"


def test_htmx_get_opens_the_form_inside_the_item(client, item):
    client.force_login(make_user(role=roles.NURSE))
    response = client.get(_url(item, "done"), **HX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tbody id="item-{item.pk}"')
    assert 'name="completed_date"' in body
    assert 'name="expected_version" value="1"' in body


def test_htmx_mark_done_swaps_the_updated_item(client, item):
    client.force_login(make_user(role=roles.NURSE))
    data = {"expected_version": 1, "completed_date": "2026-05-30", "result": "ned", "notes": "Clear"}
    response = client.post(_url(item, "done"), data, **HX)
    item.refresh_from_db()
    assert item.status == "done"
    assert item.result == "ned"
    assert item.completed_date == date(2026, 5, 30)
    body = response.content.decode()
    assert "Marked done." in body
    assert "Done 30 May 2026" in body
    assert 'name="result"' not in body


def test_plain_form_fallback_redirects_to_the_list(client, item):
    client.force_login(make_user(role=roles.NURSE))
    assert client.get(_url(item, "contact")).status_code == 200
    response = client.post(
        _url(item, "contact"),
        {"expected_version": 1, "outcome": "no_answer", "next_contact_date": "2026-06-03"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/followups/"
    assert ContactAttempt.objects.get().outcome == "no_answer"


def test_reschedule_and_cancel_require_a_reason(client, item):
    client.force_login(make_user(role=roles.NURSE))
    response = client.post(
        _url(item, "reschedule"), {"expected_version": 1, "due_date": "2026-07-01", "reason": ""}, **HX
    )
    assert "This field is required." in response.content.decode()
    assert 'value="2026-07-01"' in response.content.decode()  # what the nurse typed is kept
    data = {
        "expected_version": 1,
        "due_date": "2026-07-01",
        "reason_code": "patient_request",
        "reason": "Holiday",
    }
    client.post(_url(item, "reschedule"), {**data, "confirmed": "on"}, **HX)
    item.refresh_from_db()
    assert item.due_date == date(2026, 7, 1)
    client.post(
        _url(item, "cancel"), {"expected_version": 2, "reason": "Moved abroad", "confirmed": "on"}, **HX
    )
    item.refresh_from_db()
    assert item.status == "cancelled"


def test_bad_input_names_the_field_and_keeps_the_entry(client, item):
    client.force_login(make_user(role=roles.NURSE))
    data = {"expected_version": 1, "completed_date": "2026-06-05", "result": "ned", "notes": "typed text"}
    body = client.post(_url(item, "done"), data, **HX).content.decode()
    assert "The date done cannot be in the future." in body
    assert "typed text" in body
    item.refresh_from_db()
    assert item.status == "pending"


def test_a_conflict_keeps_what_the_nurse_typed_and_shows_the_current_version(client, item):
    anna = make_user(role=roles.NURSE, first_name="Anna", last_name="Smith")
    item_mark_done(
        item=item, user=anna, expected_version=1, completed_date=date(2026, 5, 31), result="stable"
    )
    client.force_login(make_user(role=roles.NURSE))
    data = {
        "expected_version": 1,
        "due_date": "2026-07-01",
        "window_days": 14,
        "modality": "mri",
        "notes": "my typed note",
        "reason": "Allergy",
    }
    body = client.post(_url(item, "edit"), data, **HX).content.decode()
    assert "Anna Smith saved this follow-up item" in body
    assert "my typed note" in body
    assert 'name="expected_version" value="2"' in body
    item.refresh_from_db()
    assert (item.modality, item.result, item.version) == ("ct_or_mri", "stable", 2)


def test_edit_assigns_a_nurse(client, item):
    ben = make_user(role=roles.NURSE, username="ben")
    client.force_login(make_user(role=roles.NURSE))
    data = {
        "expected_version": 1,
        "due_date": "2026-05-01",
        "window_days": 14,
        "modality": "ct_or_mri",
        "responsible_nurse": ben.pk,
        "notes": "",
        "reason": "Ben's patient",
    }
    client.post(_url(item, "edit"), data, **HX)
    item.refresh_from_db()
    assert item.responsible_nurse == ben
    assert item.reason == "Edited: Ben's patient"


def test_readers_cannot_act_and_unknown_actions_are_404(client, item):
    client.force_login(make_user(role=roles.SURGEON))
    assert client.get(_url(item, "done")).status_code == 403
    assert (
        client.post(
            _url(item, "done"), {"expected_version": 1, "completed_date": "2026-05-30", "result": "ned"}
        ).status_code
        == 403
    )
    client.force_login(make_user(role=roles.NURSE))
    assert client.get(_url(item, "explode")).status_code == 404
    assert FollowUpItem.objects.get().status == "pending"


def test_anonymous_is_sent_to_login(client, item):
    assert client.post(_url(item, "done"), {}).status_code == 302


def test_flagged_page_lists_the_case_and_reassesses_it(client, item):
    data = {"expected_version": 1, "completed_date": "2026-05-30", "result": "suspected_recurrence"}
    client.force_login(make_user(role=roles.NURSE))
    client.post(_url(item, "done"), data, **HX)
    client.force_login(make_user(role=roles.SURGEON))
    body = client.get("/followups/flagged/").content.decode()
    assert item.case.patient.mrn in body
    assert "suspected recurrence" in body
    response = client.post(f"/followups/case/{item.case_id}/recurrent/", {"next": "/followups/flagged/"})
    assert response.status_code == 302
    case = Case.objects.get(pk=item.case_id)
    assert case.presentation.presentation == "recurrent"
    assert case.pathway == "systemic_therapy"
    client.force_login(make_user(role=roles.NURSE))
    assert client.post(f"/followups/case/{item.case_id}/recurrent/").status_code == 403
    htmx = client.get("/followups/flagged/", HTTP_HX_REQUEST="true").content.decode()
    assert htmx.lstrip().startswith('<section id="flagged-cases"')
