"""Nothing untranslated slips through (issue 15): every page the URL walk reaches, as each role, in zh-hans, with
no English sentence left (tests/i18n/textcheck.py)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from cases.models import UserProfile
from tests.i18n.textcheck import english_runs
from tests.urlwalk import walk_pages
from tests.world import make_world

pytestmark = pytest.mark.django_db

ROLES = ("admin", "surgeon", "nurse", "coordinator", "chair")
# Data the test world typed (names, the meeting's title), the configured hospital, authors of named criteria.
ALLOWED = {"Test", "Hospital", "Joensuu", "Fletcher", "Miettinen", "Choi", "RECIST", "GI", "MDT"}
# Names that Chinese technical writing keeps in Latin script: FHIR's resource type, a product, a file type.
ALLOWED |= {"Bundle", "Excel", "json", "csv", "xlsx", "ng", "mL"}  # ... and the unit of a trough level
# The change reason the test world typed when it added follow-up items ("test world"): a typed note stays as typed.
ALLOWED |= {"world"}


def _route(route) -> str:
    return getattr(route, "route", str(route))


@pytest.mark.parametrize("signed", [False, True], ids=["draft", "signed"])
def test_every_page_reads_in_chinese(client, signed):
    # Signed: the report's versions, the amend page and the signed PDF's neighbours are reached too.
    world = make_world(signed=signed)
    patient = world.patient
    allowed = ALLOWED | {patient.mrn, patient.family_name, patient.given_name}
    for user in world.users.values():
        if user is not None:
            allowed |= {user.username, user.first_name, user.last_name}
    english: dict[str, set[str]] = defaultdict(set)
    pages = 0
    for role in ROLES:
        user = world.users[role]
        UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
        client.force_login(user)
        for route, _path, response in walk_pages(client, world):
            if response.status_code != 200 or response.streaming:
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            assert '<html lang="zh-Hans">' in html or "<html" not in html, _path
            pages += 1
            runs = english_runs(html, allowed)
            if runs:
                english[_route(route)].update(runs)
        client.logout()
    assert pages > 50, "the walk should reach the app's pages"
    assert {route: sorted(runs) for route, runs in english.items()} == {}
