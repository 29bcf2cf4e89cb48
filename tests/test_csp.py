"""Content-Security-Policy without inline scripts or styles: the header, the templates and the rendered pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.urlwalk import walk_pages
from tests.world import make_world

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_ATTR = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
CHECKS = {
    "inline <script>": INLINE_SCRIPT,
    "style= attribute": STYLE_ATTR,
    "<style> element": STYLE_TAG,
    "on*= event handler": EVENT_ATTR,
    "javascript: URL": JS_URL,
}


def _template_files() -> list[Path]:
    dirs = [ROOT / "templates"] + [p for p in ROOT.glob("*/templates") if p.is_dir()]
    return [f for d in dirs for f in d.rglob("*.html")]


def _problems(text: str) -> list[str]:
    # Templates that are not HTML pages (PDF reports rendered by WeasyPrint) may use <style>: no browser, no CSP.
    return [label for label, pattern in CHECKS.items() if pattern.search(text)]


def _is_print_template(path: Path) -> bool:
    return "pdf" in path.name or "print" in path.name


def test_the_policy_allows_nothing_inline():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("script-src", "style-src", "default-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_no_template_has_inline_script_or_style():
    files = _template_files()
    assert len(files) >= 5
    offenders = {
        str(f.relative_to(ROOT)): problems
        for f in files
        if not _is_print_template(f) and (problems := _problems(f.read_text()))
    }
    assert not offenders, offenders


@pytest.mark.django_db
def test_pages_send_the_policy_header(client):
    response = client.get(reverse("login"))
    header = response["Content-Security-Policy"]
    assert "script-src 'self'" in header
    assert "style-src 'self'" in header
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


@pytest.mark.django_db
def test_every_rendered_page_is_free_of_inline_code_and_sends_the_policy(client):
    world = make_world()
    client.force_login(world.users["admin"])
    pages = 0
    offenders = {}
    for _route, path, response in walk_pages(client, world):
        assert response.status_code < 500, f"{path}: {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        problems = _problems(response.content.decode())
        if problems:
            offenders[path] = problems
    assert pages >= 3
    assert not offenders, offenders
