"""/cases/<id>/mdt/add/ and the partial mdt/_add_to_agenda.html that the case page includes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases.mdt.services import meeting_create
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(coordinator):
    return meeting_create(user=coordinator, date=timezone.localdate() + timedelta(days=3), title="Next MDT")


def test_the_partial_shows_the_action_to_coordinators_only(coordinator, surgeon):
    case = CaseFactory()
    template = Template('{% include "mdt/_add_to_agenda.html" with case=case %}')
    request = RequestFactory().get("/cases/x/")
    for user, visible in ((coordinator, True), (surgeon, False)):
        request.user = user
        from django.contrib.auth.context_processors import PermWrapper

        html = template.render(Context({"case": case, "request": request, "perms": PermWrapper(user)}))
        assert ("Add to MDT agenda" in html) is visible
        if visible:
            assert reverse("mdt:case_agenda_add", args=[case.id]) in html


def test_the_coordinator_adds_the_case_to_an_upcoming_meeting(client, coordinator, upcoming):
    past = meeting_create(user=coordinator, date=timezone.localdate() - timedelta(days=3), title="Old MDT")
    case = CaseFactory()
    client.force_login(coordinator)
    url = reverse("mdt:case_agenda_add", args=[case.id])
    html = client.get(url).content.decode()
    assert "Next MDT" in html
    assert "Old MDT" not in html
    response = client.post(url, {"meeting": str(past.id)})
    assert response.status_code == 400
    assert "Choose one of the upcoming meetings" in response.content.decode()
    response = client.post(url, {"meeting": str(upcoming.id), "next": "/somewhere/"})
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    assert upcoming.items.get().case == case
    response = client.post(url, {"meeting": str(upcoming.id)})
    assert response.status_code == 400
    assert "already on the agenda" in response.content.decode()


def test_an_offsite_next_is_ignored(client, coordinator, upcoming):
    case = CaseFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("mdt:case_agenda_add", args=[case.id]),
        {"meeting": str(upcoming.id), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("mdt:meeting", args=[upcoming.id])


def test_htmx_gets_the_form_fragment(client, coordinator, upcoming):
    case = CaseFactory()
    client.force_login(coordinator)
    url = reverse("mdt:case_agenda_add", args=[case.id])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<form")
    assert "<html" not in fragment
    response = client.post(url, {"meeting": str(upcoming.id)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Added to" in response.content.decode()


def test_others_cannot_add(client, surgeon, nurse, upcoming):
    case = CaseFactory()
    for user in (surgeon, nurse):
        client.force_login(user)
        assert (
            client.post(
                reverse("mdt:case_agenda_add", args=[case.id]), {"meeting": str(upcoming.id)}
            ).status_code
            == 403
        )
    assert not upcoming.items.exists()
