"""Security headers on every page the access matrix knows (issue 11, finding 16).

Pages, CSV/ICS/PDF exports and JSON answers carry patient data: no browser or proxy may keep a copy
(`Cache-Control: no-store`), and no page may use the camera, microphone, location and similar features
(`Permissions-Policy`).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.test_access_matrix import MATRIX, OK
from tests.world import ROLES, make_world

READS = [row for row in MATRIX if row.method == "GET"]


def _assert_private(response, what: str) -> None:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in cache_control, f"{what}: Cache-Control {response.get('Cache-Control')!r}"
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy, f"{what}: Permissions-Policy {policy!r}"


@pytest.fixture
def world(db):
    return make_world()


@pytest.mark.parametrize("row", READS, ids=[row.id for row in READS])
def test_it_forbids_caching_every_page_and_export(client, world, row):
    # The first role the matrix lets in, so the real page (not a refusal) is checked; any role when none may.
    role = next((r for r in ROLES if row.expect[r] in (OK, 404)), ROLES[0])
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = client.get(url)
    assert response.status_code < 500
    _assert_private(response, f"GET {url} as {role}")


def test_it_forbids_caching_the_api_answer_and_refusals(client, world):
    client.force_login(world.user("surgeon"))
    response = client.post(
        reverse("api:assess"),
        json.dumps({"site": "stomach", "size_cm": 6.5}),
        content_type="application/json",
    )
    assert response.status_code == 200
    _assert_private(response, "POST api_assess")
    client.force_login(world.user("norole"))
    _assert_private(client.get(reverse("records:case", kwargs={"case_id": world.case.id})), "403")
    _assert_private(client.get("/no-such-page/"), "404")
