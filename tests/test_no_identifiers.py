"""No patient identifier (MRN, names, date of birth) in URLs, links, log lines or download file names."""

from __future__ import annotations

import logging
import re

import pytest

from tests.urlwalk import iter_routes, walk_pages
from tests.world import make_world

IDENTIFYING = re.compile(r"mrn|name|birth|dob|nhs|hospital_number", re.IGNORECASE)
LINK = re.compile(r"""(?:href|action|hx-get|hx-post|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def test_no_url_pattern_takes_an_identifier():
    for route in iter_routes():
        for param in route.converters:
            assert not IDENTIFYING.search(param), f"{route.route} takes {param}"


@pytest.fixture
def world(db):
    return make_world()


def _identifiers(world) -> list[str]:
    p = world.patient
    return [p.mrn, p.family_name, p.given_name, p.date_of_birth.isoformat()]


def test_no_link_or_download_name_carries_an_identifier(client, world):
    client.force_login(world.users["admin"])
    for _route, path, response in walk_pages(client, world):
        assert response.status_code < 500, path
        textual = response.get("Content-Type", "").startswith(("text/html", "application/json"))
        body = response.content.decode("utf-8", "replace") if textual and not response.streaming else ""
        for link in LINK.findall(body):
            for identifier in _identifiers(world):
                assert identifier not in link, f"{path} links to {link}"
        disposition = response.get("Content-Disposition", "")
        for identifier in _identifiers(world):
            assert identifier not in disposition, f"{path} downloads as {disposition}"


def test_request_logs_never_contain_an_identifier(client, world, caplog):
    """Walk every page as every role, searching by MRN: no log record may carry the MRN or a name."""
    caplog.set_level(logging.DEBUG)
    for role in ("admin", "nurse", "norole"):
        client.force_login(world.users[role])
        for _ in walk_pages(client, world, query=f"?q={world.patient.mrn}"):
            pass
        client.logout()
    # Failed log-ins with an MRN typed as the user name are logged by axes (masked) and by Django.
    client.post("/accounts/login/", {"username": world.patient.mrn, "password": "x"})
    assert caplog.records, "the walk should have logged something (403s at least)"
    for record in caplog.records:
        line = record.getMessage()
        for identifier in _identifiers(world):
            assert identifier not in line, f"log line contains {identifier!r}: {line}"
