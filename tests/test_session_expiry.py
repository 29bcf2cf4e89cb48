"""Sessions end after 30 minutes without a request; activity renews them.

Renewal is a write of the session row; writing it on every request was the largest per-request cost under load
(issue 11, load; issue 16). A session is renewed at most once a minute (GISTCARE_SESSION_RENEW_SECONDS), so the
idle timeout is 29-30 minutes after the last request, never more.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import make_user

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def logged_in(client, db):
    with time_machine.travel(START, tick=False):
        client.force_login(make_user("nurse", role="Nurse"))
        assert client.get(reverse("home")).status_code == 200
    return client


def test_the_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.GISTCARE_SESSION_RENEW_SECONDS == 60


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_within_a_minute_do_not_rewrite_the_session(logged_in):
    renewed = _expiry(logged_in)
    assert renewed == START + dt.timedelta(minutes=30)
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False):
        assert logged_in.get(reverse("home")).status_code == 200
    assert _expiry(logged_in) == renewed  # not written
    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        assert logged_in.get(reverse("home")).status_code == 200
    assert _expiry(logged_in) == START + dt.timedelta(seconds=61, minutes=30)


def test_an_anonymous_visitor_gets_no_session(client, db):
    client.get(reverse("login"))
    assert not Session.objects.exists()


def test_it_logs_out_after_thirty_one_idle_minutes(logged_in):
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        response = logged_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_alive(logged_in):
    for minutes in (20, 40, 60):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert logged_in.get(reverse("home")).status_code == 200
