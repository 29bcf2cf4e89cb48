"""Every URL of the project, walked anonymously: nothing readable except the log-in and password-reset pages.

Generic on purpose: it reads the URL resolver, so views that land later are covered without editing this file.
Path parameters are filled with the ids of real records (a view that looks the record up before checking the
login would otherwise hide behind a 404) and with a dummy UUID.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests.urlwalk import DUMMY_UUID, expand, iter_routes
from tests.urlwalk import fill as fill_route
from tests.world import make_world

# Pages that exist precisely so that someone not logged in can log in or recover their password.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "admin:password_reset",
    "admin:password_reset_done",
    "healthz",  # the proxy's liveness check: "ok", nothing else (tests/test_healthz.py)
    # The language switcher: the login page has it too (it only sets a cookie for an anonymous visitor).
    "set_language",
}
REFUSED = {401, 403, 404, 405}


def _is_token_feed(route) -> bool:
    # The follow-up calendar feed authenticates by a secret token in its address instead of a session.
    return ".ics" in route.route and "token" in route.converters


def _login_paths() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), "/admin/login/"}


def _candidate_values(world) -> list[dict]:
    """Parameter values to try: the world's real records by name and kind, then dummies."""
    real = {k: v for k, v in world.values.items() if not k.endswith(".token")}  # feeds: bogus tokens only
    candidates = [real | {"<uuid>": world.case.id}, real | {"<uuid>": world.patient.id}]
    candidates += [real | {"<uuid>": obj.pk} for obj in world.objects.values() if hasattr(obj, "pk")]
    candidates.append({"<uuid>": DUMMY_UUID, "token": "bogus-token"})
    return candidates


def _walk(world):
    seen = set()
    for route in iter_routes():
        for values in (v for c in _candidate_values(world) for v in expand(route, c)):
            path = fill_route(route, values)
            if path is None or (route.name, path) in seen:
                continue
            seen.add((route.name, path))
            yield route, path


@pytest.mark.django_db
def test_it_lets_an_anonymous_visitor_read_nothing_but_the_login_pages(client):
    world = make_world()
    login_paths = _login_paths()
    leaks = []
    count = 0
    for route, path in _walk(world):
        for method in ("get", "post"):
            count += 1
            response = getattr(client, method)(path, follow=False)
            status = response.status_code
            if _is_token_feed(route):
                if status != 404:
                    leaks.append(
                        f"{method.upper()} {route.name} {path}: {status} (bogus feed token must 404)"
                    )
                continue
            if route.name in PUBLIC:
                assert status < 500, f"{method.upper()} {path} -> {status}"
                continue
            if status in REFUSED:
                continue
            if status in (301, 302, 303, 307, 308):
                # Follow the redirect (e.g. the admin's logout goes to the admin index, then to its login).
                final = client.get(response["Location"], follow=True)
                target = urlsplit(final.request["PATH_INFO"]).path
                if target in login_paths or final.status_code in REFUSED:
                    continue
            leaks.append(f"{method.upper()} {route.name} {path}: {status}")
    assert count > 20  # the walk found the project's routes
    assert not leaks, "anonymous access:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_it_shows_no_patient_identifier_on_refusals(client):
    world = make_world()
    for route, path in _walk(world):
        if route.name in PUBLIC:
            continue
        response = client.get(path, follow=True)
        body = response.content.decode("utf-8", "replace")
        for identifier in (world.patient.mrn, world.patient.family_name, world.patient.given_name):
            assert identifier not in body, f"{path} shows {identifier!r} to an anonymous visitor"


def test_the_walk_covers_the_public_pages_and_the_app():
    names = {route.name for route in iter_routes()}
    assert {"login", "password_reset", "home", "audit:history", "api:assess"} <= names
