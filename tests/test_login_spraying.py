"""Password spraying (issue 11, finding 9): many user names from one address are locked out by address, next to
the per-user limit; behind a proxy the client address comes from the configured trusted proxies only."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from gistcare.client_address import client_address

FAST = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # test settings only: 30 log-ins in well under a second
GOOD_PASSWORD = "a-long-enough-test-password"
WRONG_PASSWORD = "Spring2026!x"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST


def _login(client, username: str, password: str = WRONG_PASSWORD, address: str = "203.0.113.7", **meta):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **meta
    )


def _real_user(username: str = "nurse"):
    # Not tests.world.make_user: it caches one password hash for the whole run, which must not be this MD5 one.
    user = get_user_model().objects.create_user(username, password=GOOD_PASSWORD)
    user.groups.add(Group.objects.get(name="Nurse"))
    return user


@pytest.mark.django_db
def test_it_locks_an_address_that_tries_thirty_user_names(client):
    _real_user()
    limit = django_settings.GISTCARE_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit == 20
    statuses = [_login(client, f"user{n}").status_code for n in range(30)]
    # Each name failed once only (the per-user limit is 5): the 20th failure from the address locks it.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * (30 - limit + 1)
    # While locked, not even a real user's right password gets in from that address...
    assert _login(client, "nurse", GOOD_PASSWORD).status_code == 429
    # ...but the same user from another address does.
    assert _login(client, "nurse", GOOD_PASSWORD, address="198.51.100.9").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_does_not_reset_the_address_count(client):
    _real_user()
    for n in range(18):
        assert _login(client, f"user{n}").status_code == 200
    # The sprayer owns one real account: logging into it must not wipe the 18 failures of the address.
    assert _login(client, "nurse", GOOD_PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "user18").status_code == 200  # the 19th failure
    assert _login(client, "user19").status_code == 429  # the 20th locks the address


@pytest.mark.django_db
def test_the_per_user_limit_still_applies_below_the_address_limit(client):
    _real_user()
    for _ in range(4):
        assert _login(client, "nurse").status_code == 200
    assert _login(client, "nurse").status_code == 429  # the 5th failure locks the name from this address
    assert _login(client, "nurse", GOOD_PASSWORD).status_code == 429
    assert _login(client, "someone-else").status_code == 200  # 6 failures: the address is not locked


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_it_ignores_forwarded_headers_without_a_trusted_proxy(settings):
    settings.GISTCARE_TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_it_takes_the_address_the_trusted_proxy_saw(settings):
    settings.GISTCARE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The proxy appends the address it saw: anything to its left was sent by the client and may be forged.
    assert client_address(_request("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    # Two trusted proxies in a row: skip both.
    assert client_address(_request("10.0.0.2", "198.51.100.1, 10.0.0.3")) == "198.51.100.1"
    # A client talking to the app directly cannot choose its address with the header.
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    # Garbage in the header: fall back to the proxy's own address rather than trust it.
    assert client_address(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


@pytest.mark.django_db
def test_behind_the_proxy_each_client_has_its_own_count(client, settings):
    settings.GISTCARE_TRUSTED_PROXIES = ["10.0.0.2"]
    _real_user()
    for n in range(19):
        _login(client, f"user{n}", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _login(client, "x", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # Another hospital workstation behind the same proxy is not locked out with the sprayer.
    ok = _login(client, "nurse", GOOD_PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert ok.status_code == 302
