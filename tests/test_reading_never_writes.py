"""Reading a page never changes clinical data: every GET, by every role, leaves every table of the app alone.

A nurse reads cases and reports but may not change clinical data or recommendations; a GET that re-assesses a
case, creates a record or rewrites a status would do exactly that (and fill the audit trail with noise).
Generic: walks every URL, so pages added later are covered.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.urlwalk import walk_pages
from tests.world import make_world


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_app_config("cases").get_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["nurse", "coordinator", "surgeon", "admin"])
def test_no_get_changes_any_record(client, role):
    world = make_world()
    client.force_login(world.users[role])
    before = _counts()
    changed = {}
    for _route, path, _response in walk_pages(client, world):
        after = _counts()
        diff = {label: after[label] - before[label] for label in after if after[label] != before[label]}
        if diff:
            changed[path] = diff
            before = after
    assert not changed, f"GET requests by {role} changed records: {changed}"


@pytest.mark.django_db
def test_reading_a_never_assessed_case_stores_nothing(client):
    """A nurse opening the pages of a case nobody has assessed yet: the pages may compute, never store."""
    from cases.models import Assessment
    from tests.world import make_entered_case

    world = make_world()
    fresh = make_entered_case(world.users["surgeon"])
    assert not Assessment.objects.filter(case=fresh).exists()
    world.values.update(case_id=fresh.id)
    client.force_login(world.users["nurse"])
    before = _counts()
    changed = {}
    for _route, path, _response in walk_pages(client, world):
        after = _counts()
        diff = {label: after[label] - before[label] for label in after if after[label] != before[label]}
        if diff:
            changed[path] = diff
            before = after
    assert not changed, f"GET requests by a nurse changed records: {changed}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["nurse", "surgeon"])
def test_reading_a_page_again_writes_no_session(client, role):
    """A session is written when it changes (log-in, a new search, a language) and at its renewal, at most once a
    minute: never because a page was read. The case list wrote its unchanged search back on every visit, a
    database write per page under load (issue 16)."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world()
    with time_machine.travel("2026-03-02 09:00", tick=False):
        client.force_login(world.users[role])
        list(walk_pages(client, world))  # the first visit may remember a search, and renews the session
        writes = {}
        for _route, path, _response in walk_pages(client, world):
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            written = [
                q["sql"]
                for q in queries
                if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
            ]
            if written:
                writes[path] = written
    assert not writes, f"reading again wrote the session: {sorted(writes)}"
