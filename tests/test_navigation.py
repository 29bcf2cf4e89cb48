"""The navigation bar every page shows: the reader's pages, the current one marked, in the reader's language, with
the language menu. Issue 16: it is rendered once per process for each language, page and set of rights, and
kept; nothing of one reader (the CSRF token) may be kept for another."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cases import roles
from cases.templatetags import navigation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_the_kept_navigation():
    navigation.forget()
    yield
    navigation.forget()


def _nav(html: str) -> str:
    return html.split('id="mainnav"')[1].split("</nav>")[0]


def _links(html: str) -> dict[str, str]:
    """Each link of the navigation bar: its label -> its address."""
    return {
        label: href
        for href, label in re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', _nav(html))
    }


def _current(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" href="[^"]+" aria-current="page">([^<]+)</a>', _nav(html))


def test_a_nurse_sees_the_pages_of_her_role_and_not_the_surgeons(client, nurse):
    client.force_login(nurse)
    links = _links(client.get(reverse("home")).content.decode())
    assert links == {
        "Home": reverse("home"),
        "Cases": reverse("records:list"),
        "MDT": reverse("mdt:list"),
        "Follow-up": reverse("followups:list"),
    }


def test_a_surgeon_also_sees_new_case_and_import(surgeon_client):
    links = _links(surgeon_client.get(reverse("home")).content.decode())
    assert links["New case"] == reverse("records:new")
    assert links["Import"] == reverse("interop:fhir_import")


def test_the_current_page_is_marked_on_each_page(client, nurse):
    client.force_login(nurse)
    assert _current(client.get(reverse("home")).content.decode()) == ["Home"]
    assert _current(client.get(reverse("followups:list")).content.decode()) == ["Follow-up"]
    assert _current(client.get(reverse("records:list")).content.decode()) == ["Cases"]
    assert _current(client.get(reverse("home")).content.decode()) == ["Home"]


def test_a_role_given_shows_its_pages_on_the_next_page(client):
    user = make_user(role=roles.NURSE)
    client.force_login(user)
    assert "New case" not in _links(client.get(reverse("home")).content.decode())
    user.groups.add(Group.objects.get(name=roles.SURGEON))
    assert "New case" in _links(client.get(reverse("home")).content.decode())
    user.groups.remove(Group.objects.get(name=roles.SURGEON))
    assert "New case" not in _links(client.get(reverse("home")).content.decode())


def test_each_language_has_its_own_navigation(client, nurse):
    client.force_login(nurse)
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    again = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "Follow-up" in _links(english)
    assert "Follow-up" in _links(again)
    assert "Follow-up" not in _links(chinese)
    assert reverse("followups:list") in _links(chinese).values()
    assert '<option value="zh-hans" lang="zh-Hans" selected>' in chinese
    assert '<option value="en" lang="en" selected>' in english


def test_the_navigation_is_rendered_once_and_then_kept(client, nurse):
    client.force_login(nurse)
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))
    assert "_nav_items.html" in [t.name for t in first.templates]
    assert "_nav_items.html" not in [t.name for t in second.templates]
    unmasked = [
        re.sub(r'value="[^"]+"', "", _nav(r.content.decode())) for r in (first, second)
    ]  # CSRF tokens
    assert unmasked[1] == unmasked[0]


def test_the_language_menu_carries_each_readers_own_csrf_token(nurse, surgeon):
    from django.test import Client

    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    browsers[0].force_login(nurse)
    browsers[1].force_login(surgeon)
    tokens = []
    for browser in browsers:
        html = browser.get(reverse("home")).content.decode()
        form = html.split('data-testid="language-switcher"')[1].split("</form>")[0]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))
    # Each reader's form is accepted from that reader's browser, and refused from the other's.
    switch = reverse("set_language")
    assert browsers[1].post(switch, {"language": "en", "csrfmiddlewaretoken": tokens[0]}).status_code == 403
    assert browsers[0].post(switch, {"language": "en", "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert browsers[1].post(switch, {"language": "en", "csrfmiddlewaretoken": tokens[1]}).status_code == 302


def test_a_page_rendered_outside_a_request_still_has_its_navigation(nurse):
    from django.template.loader import render_to_string

    html = render_to_string("base.html", {"user": nurse})
    assert _current(html) == []
    assert _links(html)["Follow-up"] == reverse("followups:list")
