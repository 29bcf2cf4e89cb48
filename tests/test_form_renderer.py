"""Forms through Jinja2 (gistcare/form_renderer.py, issue 16): every page, and every form posted with errors, prints
the same forms as they were drawn before: widgets through Django's own engine, forms and fields through
crispy-bootstrap5 (tests/crispy_reference.py); and the templates Jinja2 lacks (the admin's widgets, a template a
widget's Jinja2 template includes) are drawn by Django's engine."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import django.forms
import pytest
from django import forms
from django.conf import settings
from django.db import transaction
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import override_settings

from gistcare.form_renderer import FormRenderer
from tests.crispy_reference import PATH as CRISPY_REFERENCE
from tests.crispy_reference import assert_same_page
from tests.formscan import find_forms
from tests.urlwalk import walk_pages
from tests.world import make_world

pytestmark = pytest.mark.django_db

#: Widgets by Django's engine, forms and fields by crispy-bootstrap5: the pages as they were drawn before.
REFERENCE = CRISPY_REFERENCE
#: Typed into every text field of every form posted: a quote of each kind and a tag, which must come back escaped.
TYPED = 'O\'Brien "q" <b>x</b>'


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The templates our renderer draws, as it draws them."""
    calls: list[str] = []
    draw = FormRenderer.get_template

    def counted(self, template_name):
        calls.append(template_name)
        return draw(self, template_name)

    monkeypatch.setattr(FormRenderer, "get_template", counted)
    return calls


def test_forms_are_drawn_by_jinja2():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert settings.FORM_RENDERER == "gistcare.form_renderer.FormRenderer"


@pytest.mark.parametrize(
    ("role", "with_widgets"), [("admin", 12), ("coordinator", 4), ("nurse", 3), ("surgeon", 6)]
)
def test_every_page_prints_the_same_forms_as_before(client, drawn, role, with_widgets):
    world = make_world(signed=False)
    client.force_login(world.users[role])
    compared = drawn_on = 0
    for _route, path, response in walk_pages(client, world):
        if response.status_code != 200 or response.streaming:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        drawn_on += bool(drawn)
        drawn.clear()
        with override_settings(FORM_RENDERER=REFERENCE):
            before = client.get(path)
        assert before.status_code == 200, path
        assert not drawn
        assert_same_page(response, before, path)
        compared += 1
    # The walk reached the role's pages, and on some of them forms drawn by the renderer (widgets, not hand-written
    # inputs: the case list's filters, say).
    assert compared >= 25
    assert drawn_on >= with_widgets


def _post(client, action: str, data: dict):
    """The form posted, whatever it writes undone (the same post again through the other renderer finds the same
    records)."""
    with transaction.atomic():
        response = client.post(action, data)
        transaction.set_rollback(True)
    return response


def test_every_form_posted_with_errors_prints_the_same_as_before(client, drawn):
    """Every form the administrator's pages hold, posted with each text field holding `TYPED` and nothing else
    chosen: most come back with their errors (error lists, aria-invalid, the typed values), drawn by the renderer."""
    world = make_world(signed=False)
    client.force_login(world.users["admin"])
    found = {}
    for _route, path, response in walk_pages(client, world):
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            for form in find_forms(path, response.content.decode()):
                found.setdefault((form.action, tuple(sorted(form.fields))), form)
    compared = with_errors = 0
    for (action, _fields), form in found.items():
        if action.startswith(("/accounts/logout/", "/i18n/setlang/")):
            continue
        data = {**form.hidden, **{name: TYPED for name, offered in form.fields.items() if not offered}}
        drawn.clear()
        ours = _post(client, action, data)
        if not ours.get("Content-Type", "").startswith("text/html") or ours.status_code >= 500:
            continue
        with override_settings(FORM_RENDERER=REFERENCE):
            before = _post(client, action, data)
        assert before.status_code == ours.status_code, action
        assert_same_page(ours, before, action)
        compared += 1
        html = ours.content.decode()
        assert "<b>x</b>" not in html, action  # typed markup is never printed as markup
        with_errors += bool(drawn) and 'aria-invalid="true"' in html
    assert compared >= 20
    assert with_errors >= 10


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
        with override_settings(FORM_RENDERER=REFERENCE):
            before = admin_client.get(path)
        assert_same_page(response, before, path)
    change = admin_client.get(f"/admin/cases/case/{world.case.pk}/change/").content.decode()
    assert 'class="vForeignKeyRawIdAdminField vUUIDField"' in change
    assert f'value="{world.patient.pk}"' in change


def test_a_template_that_jinja2_includes_but_lacks_is_drawn_by_djangos_engine(tmp_path, monkeypatch):
    """A select whose options have a template of their own, for Django's engine only: Jinja2's select includes it
    and did not find it (jinja2.TemplateNotFound); the whole select is then drawn by Django's engine."""
    (tmp_path / "marked_option.html").write_text(
        '<option value="{{ widget.value }}">* {{ widget.label }}</option>'
    )

    class Fallback(DjangoTemplates):
        @cached_property
        def engine(self):
            forms_templates = Path(django.forms.__file__).parent / "templates"
            return self.backend(
                {"APP_DIRS": False, "DIRS": [tmp_path, forms_templates], "NAME": "t", "OPTIONS": {}}
            )

    monkeypatch.setattr(FormRenderer, "fallback", Fallback())

    class MarkedSelect(forms.Select):
        option_template_name = "marked_option.html"

    html = MarkedSelect(choices=[("a", "Apple")]).render("fruit", "a", renderer=FormRenderer())
    assert '<select name="fruit">' in html
    assert '<option value="a">* Apple</option>' in html
