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
