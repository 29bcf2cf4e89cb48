"""django-axes: 5 failed log-ins lock the account (from that address) for 15 minutes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD, make_user


def _login(client, password):
    return client.post(reverse("login"), {"username": "surgeon", "password": password})


@pytest.fixture
def surgeon(db):
    return make_user("surgeon", role="Surgeon")


def test_it_locks_the_account_after_five_failures_even_for_the_right_password(client, surgeon):
    for _ in range(5):
        response = _login(client, "wrong password")
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still not logged in


def test_it_allows_four_failures_then_the_right_password(client, surgeon):
    for _ in range(4):
        response = _login(client, "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(surgeon.pk)


def test_it_unlocks_after_fifteen_minutes(client, surgeon):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "wrong password")
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        response = _login(client, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(surgeon.pk)


def test_the_locked_out_page_names_nobody(client, surgeon):
    for _ in range(6):
        response = _login(client, "wrong password")
    assert response.status_code == 429
    assert "surgeon" not in response.content.decode().lower().replace("surgeon's", "")


def test_trying_again_during_the_lockout_restarts_the_fifteen_minutes(client, surgeon):
    # axes' default (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): hammering the form keeps it locked.
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "wrong password")
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _login(client, PASSWORD).status_code == 429
    # Each refused try restarts the 15 minutes: refused at minute 14 and 28, allowed 16 minutes after that.
    with time_machine.travel(start + dt.timedelta(minutes=28), tick=False):
        assert _login(client, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=28 + 16), tick=False):
        assert _login(client, PASSWORD).status_code == 302


def test_a_name_longer_than_any_account_is_refused_and_counted_not_a_500(client, db):
    # CI on PostgreSQL: a 5,000-character user name reached axes' AccessAttempt.username (varchar 255) and
    # raised DataError. No account can have such a name (User.username is 150 long), so it is a plain failure,
    # counted under the name cut to the column's length.
    from axes.models import AccessAttempt

    long_name = "a" * 5000
    for _ in range(4):
        response = client.post(reverse("login"), {"username": long_name, "password": "x"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == "a" * AccessAttempt._meta.get_field("username").max_length
    assert attempt.failures_since_start == 4
    assert client.post(reverse("login"), {"username": long_name, "password": "x"}).status_code == 429
