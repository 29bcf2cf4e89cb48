"""axe-core on every page of the app in Chromium: no serious or critical accessibility violation.

The pages are found by walking the URL resolver (as for the access tests) and keeping those that render HTML
for an administrator, who can open every page; the log-in page is checked anonymously. Pages added later are
covered without editing this file. Uses the `browser` fixture of tests/e2e/conftest.py. Also fails on any Content-Security-Policy violation the browser reports.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.urlwalk import walk_pages
from tests.world import make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def _check(page, url: str, problems: dict, csp_errors: list) -> None:
    csp_errors.clear()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = _violations(page) + [f"CSP: {e}" for e in csp_errors]
    if found:
        problems[url] = found


def test_no_page_has_serious_or_critical_violations(browser, live_server):
    world = make_world()
    client = Client()
    client.force_login(world.users["admin"])
    urls = [
        path
        for _route, path, response in walk_pages(client, world)
        if response.status_code == 200
        and "text/html" in response.get("Content-Type", "")
        and b"<html" in response.content[:500].lower()  # whole pages; htmx fragments are checked in them
    ]
    assert len(urls) >= 3

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    problems: dict[str, list[str]] = {}
    _check(page, "/accounts/login/", problems, csp_errors)  # anonymous
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    for url in urls:
        _check(page, url, problems, csp_errors)
    context.close()
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
