"""Custom error pages in the app's style that reveal nothing: no path, no record, no traceback."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import make_world


@pytest.fixture
def world(db):
    return make_world()


def test_404_is_the_apps_page_and_does_not_echo_the_address(client, world):
    client.force_login(world.users["surgeon"])
    missing = uuid.uuid4()
    response = client.get(reverse("audit:history", args=[missing]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert "GISTCare" in body
    assert str(missing) not in body
    assert "Traceback" not in body


def test_404_for_an_unknown_address(client, world):
    client.force_login(world.users["surgeon"])
    response = client.get("/no/such/page/MRN4242XYZ/")
    assert response.status_code == 404
    assert "MRN4242XYZ" not in response.content.decode()


def test_403_is_the_apps_page(client, world):
    client.force_login(world.users["norole"])
    response = client.get(reverse("audit:history", args=[world.case.id]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Access refused" in body
    assert world.patient.mrn not in body
    assert world.patient.family_name not in body


@pytest.mark.urls("tests.urls_boom")
def test_500_shows_no_details(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["surgeon"])
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    for leak in ("MRN4242XYZ", "Hopper", "RuntimeError", "Traceback", "boom"):
        assert leak not in body


@pytest.mark.urls("tests.urls_boom")
def test_400_page(world):
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example")  # DisallowedHost -> 400
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def _chinese(user):
    from cases.models import UserProfile

    UserProfile.objects.create(user=user, language="zh-hans")
    return user


def test_the_error_pages_are_in_the_readers_language(client, world):
    """A Chinese reader got the 403 and 404 pages in English (found by a reviewer's walk)."""
    from tests.i18n.textcheck import english_runs

    client.force_login(_chinese(world.users["norole"]))
    response = client.get(reverse("audit:history", args=[world.case.id]))
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-Hans">' in body
    assert "拒绝访问" in body
    assert english_runs(body, {"Tester", "Norole"}) == []  # the reader's own name
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert english_runs(body, {"Tester", "Norole"}) == []


@pytest.mark.urls("tests.urls_boom")
def test_the_500_page_is_in_the_readers_language(world):
    from tests.i18n.textcheck import english_runs

    client = Client(raise_request_exception=False)
    client.force_login(_chinese(world.users["surgeon"]))
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-Hans">' in body
    assert "出错了" in body
    assert english_runs(body) == []
