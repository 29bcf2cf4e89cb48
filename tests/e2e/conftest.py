"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Run them with `pytest -m e2e`. Screenshots go to test-artifacts/ (git-ignored); look at them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a running
# loop unless told that this is deliberate (the tests only set up data, the live server does the work).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _SerialLiveServer(WSGIServer):
    """The live server, one request at a time.

    On SQLite the test database is in memory: the test and the live server share one connection, and Django's
    threaded live server would use it from two threads at once whenever requests overlap (an htmx live-panel
    update still running when the form is posted), failing with "cannot start a transaction within a
    transaction". Serving requests one after the other removes the race; Django closes each connection after
    its response on a non-threaded server, so the browser never waits on a kept-alive socket.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


LiveServerThread.server_class = _SerialLiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="package")
def browser():
    """Chromium for the browser tests of this package, stopped after them.

    While Playwright runs, its event loop runs in the test thread, and Django keeps that thread's database
    connections apart from the ones it opened before (asgiref's Local: context storage instead of thread storage).
    Those connections are closed here, while the loop still runs; left open, they outlived the test run and kept
    PostgreSQL from dropping the test database ("is being accessed by other users"). Stopping Playwright after this
    package also gives the tests that follow a thread without a loop, as they have when run alone.
    """
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 900},
        locale="en-GB",
        accept_downloads=True,
    )
    page = context.new_page()
    # Signing a report takes 2-4 s alone; with the other test worker busy (make test runs one on every core) more.
    page.set_default_timeout(30_000)
    yield page
    if getattr(request.node, "call_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def screenshot(page):
    """`screenshot("name")` saves test-artifacts/<name>.png of the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


login = log_in  # the name the follow-up browser tests use


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups come from a data migration, which a transactional test's flush removes: restore them."""
    from django.contrib.auth.models import Group, Permission

    from cases.roles import ensure_roles

    ensure_roles(Group, Permission)


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical accessibility violations on the current page, as "id: help" lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
