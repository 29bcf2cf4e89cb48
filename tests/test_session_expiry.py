"""Sessions end after 30 minutes without a request; every request renews them."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
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
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_it_logs_out_after_thirty_one_idle_minutes(logged_in):
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        response = logged_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_alive(logged_in):
    for minutes in (20, 40, 60):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert logged_in.get(reverse("home")).status_code == 200
