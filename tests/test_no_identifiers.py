"""No patient identifier (MRN, names, date of birth) in URLs, links, log lines or download file names."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

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


class _Forms(HTMLParser):
    """Every <form> of a page with its method and the names of its free-text fields."""

    TEXT_TYPES = {"text", "search", "email", "tel", ""}

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            if attrs.get("hx-post"):
                method = "post"
            self.forms.append({"method": method, "action": attrs.get("action", ""), "text": []})
        elif self.forms and (
            (tag == "input" and (attrs.get("type") or "").lower() in self.TEXT_TYPES) or tag == "textarea"
        ):
            self.forms[-1]["text"].append(attrs.get("name", "?"))


def test_no_form_sends_typed_text_in_its_address(client, world):
    """Issue 10 finding 10, for every form on every page as every role: a form whose fields take typed text (a
    name, an MRN, a note) posts; only forms of choices (filters, tabs) may use GET, whose values land in URLs
    and so in access logs and browser history."""
    offending, posted_text_forms = set(), 0
    for role in ("admin", "surgeon", "nurse", "coordinator", "chair"):
        client.force_login(world.users[role])
        for _route, path, response in walk_pages(client, world):
            if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
                continue
            parser = _Forms()
            parser.feed(response.content.decode("utf-8", "replace"))
            for form in parser.forms:
                if form["method"] == "get" and form["text"]:
                    offending.add(
                        f"{path}: form {form['action'] or '(this page)'} sends {form['text']} by GET"
                    )
                posted_text_forms += form["method"] == "post" and bool(form["text"])
        client.logout()
    assert posted_text_forms > 20, (
        "the walk should meet the app's forms (case search, agenda search, notes...)"
    )
    assert not offending, "\n".join(sorted(offending))


def test_the_form_walk_tells_a_get_search_from_a_posted_one():
    parser = _Forms()
    parser.feed(
        '<form action="/a"><input name="q"><select name="risk"></select></form>'
        '<form method="post" action="/b"><input type="search" name="q"></form>'
        '<form action="/c"><select name="site"></select><input type="checkbox" name="mine"></form>'
    )
    assert [(f["method"], f["text"]) for f in parser.forms] == [("get", ["q"]), ("post", ["q"]), ("get", [])]
