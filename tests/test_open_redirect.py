"""No view sends a user to another site because of a `next` parameter (an open redirect helps phishing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.urlwalk import walk_pages
from tests.world import make_world

EVIL = "https://evil.example/phish"


@pytest.fixture
def world(db):
    return make_world()


def test_the_follow_up_done_form_ignores_a_foreign_next(client, world):
    item = world.objects["followup_item"]
    client.force_login(world.users["nurse"])
    url = reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "done"})
    data = {
        "expected_version": item.version,
        "completed_date": dt.date.today().isoformat(),
        "result": "ned",
        "next": EVIL,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:list")
    item.refresh_from_db()
    assert item.status == "done"


def test_a_local_next_is_followed(client, world):
    item = world.objects["followup_item"]
    client.force_login(world.users["nurse"])
    url = reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "done"})
    data = {"expected_version": item.version, "completed_date": dt.date.today().isoformat(), "result": "ned"}
    response = client.post(url, {**data, "next": "/followups/?tab=due"})
    assert response["Location"] == "/followups/?tab=due"


def test_mark_recurrent_ignores_a_foreign_next(client, world):
    client.force_login(world.users["surgeon"])
    response = client.post(reverse("followups:case_recurrent", args=[world.case.id]), {"next": EVIL})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")


def test_no_page_redirects_off_site_for_a_next_parameter(client, world):
    client.force_login(world.users["admin"])
    for _route, path, response in walk_pages(client, world, query=f"?next={EVIL}"):
        assert "evil.example" not in response.get("Location", ""), path
    for _route, path, _response in walk_pages(client, world):
        response = client.post(path, {"next": EVIL})
        assert "evil.example" not in response.get("Location", ""), path
        client.force_login(world.users["admin"])  # in case the walk logged out


def test_the_close_link_of_an_action_form_stays_on_site(client, world):
    item = world.objects["followup_item"]
    client.force_login(world.users["nurse"])
    url = reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "done"})
    for bad in (EVIL, "javascript:alert(1)", "//evil.example/x"):
        body = client.get(url, {"next": bad}).content.decode()
        assert "evil.example" not in body
        assert "javascript:" not in body
    assert 'value="/followups/?tab=due"' in client.get(url, {"next": "/followups/?tab=due"}).content.decode()
