"""A refused user learns nothing about which ids exist (issue 11, finding 11).

For every row of the access matrix that refuses a role (403), the same request with random ids in place of
the real ones must be refused the same way, not answered 404: the permission is checked before the lookup.
And the API's schema needs a role, like the API itself.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from tests.test_access_matrix import MATRIX
from tests.world import ROLES, make_world

REFUSED = [(row, role) for row in MATRIX for role in ROLES if row.expect[role] == 403 and role != "anon"]


@pytest.fixture
def world(db):
    return make_world()


def _randomised(kwargs: dict) -> dict:
    return {k: uuid.uuid4() if isinstance(v, uuid.UUID) else v for k, v in kwargs.items()}


def _request(client, row, url):
    if row.json_body is not None:
        return client.generic(row.method, url, json.dumps(row.json_body), content_type="application/json")
    if row.method == "POST":
        return client.post(url, {})
    return client.generic(row.method, url)


@pytest.mark.parametrize(("row", "role"), REFUSED, ids=[f"{r.id}-{role}" for r, role in REFUSED])
def test_a_random_id_gets_the_same_refusal_as_a_real_one(client, world, row, role):
    kwargs = row.kwargs(world)
    if not any(isinstance(v, uuid.UUID) for v in kwargs.values()):
        pytest.skip("no id in this address")
    client.force_login(world.user(role))
    try:
        real, random = reverse(row.name, kwargs=kwargs), reverse(row.name, kwargs=_randomised(kwargs))
    except NoReverseMatch:
        pytest.skip(f"{row.name} is not on this branch yet")
    assert _request(client, row, real).status_code == 403
    assert _request(client, row, random).status_code == 403, f"{row.method} {row.name} as {role}"


def test_the_api_schema_needs_a_role(client, world):
    client.force_login(world.user("norole"))
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 403
    assert response.json() == {"error": "this account has no clinical role"}
    client.force_login(world.user("nurse"))
    assert client.get(reverse("api:openapi")).status_code == 200
