"""Forms through Jinja2 (gistcare/form_renderer.py, issue 16): every page prints the same forms as through Django's
own engine, and the admin's widgets, which have no Jinja2 template, still render."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.test import override_settings

from gistcare.form_renderer import FormRenderer
from tests.urlwalk import walk_pages
from tests.world import make_world

pytestmark = pytest.mark.django_db

DJANGO_ENGINE = "django.forms.renderers.DjangoTemplates"


def _normalised(html: str) -> str:
    """The page without what differs between two requests (CSRF tokens, CSP nonces, the messages a request of the
    walk left for the next page) or between the engines' whitespace between tags (blank lines between a select's
    options, line breaks in a radio list), which a browser does not print. What a text area holds is compared as
    it is (`_text_areas`)."""
    html = re.sub(r'<div class="messages" role="status">.*?</div>\s*</div>', "", html, flags=re.S)
    html = re.sub(r"(csrfmiddlewaretoken\" value=\"|X-CSRFToken\": \")[^\"]+", r"\1", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r">\s*<", "><", re.sub(r"\s+", " ", html)).strip()


def _text_areas(html: str) -> list[str]:
    return re.findall(r"<textarea[^>]*>(.*?)</textarea>", html, flags=re.S)


def test_forms_are_drawn_by_jinja2():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert settings.FORM_RENDERER == "gistcare.form_renderer.FormRenderer"


@pytest.mark.parametrize("role", ["admin", "coordinator", "nurse", "surgeon"])
def test_every_page_prints_the_same_forms_through_both_engines(client, role):
    world = make_world(signed=False)
    client.force_login(world.users[role])
    compared = with_forms = 0
    for _route, path, response in walk_pages(client, world):
        if response.status_code != 200 or response.streaming:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        with override_settings(FORM_RENDERER=DJANGO_ENGINE):
            before = client.get(path)
        assert before.status_code == 200, path
        ours, django = _normalised(response.content.decode()), _normalised(before.content.decode())
        assert ours == django, path
        assert _text_areas(response.content.decode()) == _text_areas(before.content.decode()), path
        compared += 1
        with_forms += "<input" in ours or "<select" in ours
    # The walk reached the role's pages, most of them with a form.
    assert compared >= 25
    assert with_forms >= 20


def test_the_admins_widgets_still_render(admin_client):
    """The raw id of a case's patient (admin/widgets/foreign_key_raw_id.html) and the related-object links have no
    Jinja2 template: Django's Jinja2 renderer alone failed with TemplateDoesNotExist."""
    world = make_world(signed=False)
    for path in (
        f"/admin/cases/case/{world.case.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/cases/patient/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        with override_settings(FORM_RENDERER=DJANGO_ENGINE):
            before = admin_client.get(path)
        assert _normalised(response.content.decode()) == _normalised(before.content.decode()), path
    change = admin_client.get(f"/admin/cases/case/{world.case.pk}/change/").content.decode()
    assert 'class="vForeignKeyRawIdAdminField vUUIDField"' in change
    assert f'value="{world.patient.pk}"' in change
