"""/mdt/: the list of meetings and creating one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.mdt.services import meeting_create
from cases.models import MdtMeeting

pytestmark = pytest.mark.django_db
URL = "/mdt/"


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_upcoming_and_past_meetings(client, nurse, coordinator):
    today = timezone.localdate()
    meeting_create(user=coordinator, date=today + timedelta(days=7), title="Next week MDT")
    meeting_create(user=coordinator, date=today - timedelta(days=7), title="Last week MDT")
    client.force_login(nurse)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        html.index("Upcoming")
        < html.index("Next week MDT")
        < html.index("Past")
        < html.index("Last week MDT")
    )
    assert "Create meeting" not in html  # only coordinators see the form


def test_the_date_picker_gets_an_iso_date(client, coordinator):
    # A native <input type="date"> shows nothing unless its value is YYYY-MM-DD.
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert f'type="date" name="date" value="{timezone.localdate().isoformat()}"' in html


def test_the_coordinator_creates_a_meeting(client, coordinator):
    client.force_login(coordinator)
    response = client.post(URL, {"date": "2026-03-02", "title": "GIST MDT", "attendees": "Dr A\nDr B"})
    meeting = MdtMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mdt:meeting", args=[meeting.id])
    assert (meeting.date, meeting.title, meeting.attendee_list, meeting.created_by) == (
        date(2026, 3, 2),
        "GIST MDT",
        ["Dr A", "Dr B"],
        coordinator,
    )


def test_bad_input_names_the_field_and_keeps_what_was_entered(client, coordinator):
    client.force_login(coordinator)
    response = client.post(URL, {"date": "2026-13-45", "title": "Tuesday MDT", "attendees": "Dr A"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid date" in html
    assert "Tuesday MDT" in html
    assert not MdtMeeting.objects.exists()


def test_only_coordinators_create_meetings(client, surgeon, nurse, outsider):
    for user in (surgeon, nurse):
        client.force_login(user)
        assert client.post(URL, {"date": "2026-03-02", "title": "X"}).status_code == 403
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    assert not MdtMeeting.objects.exists()
