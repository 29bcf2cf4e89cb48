"""The forms as they were drawn before issue 16 moved them to Django's own form rendering: every widget through
Django's template engine, every form through crispy-bootstrap5's `|crispy` and every field through its
`|as_crispy_field` (templates/crispy_reference/), and the wizard's steps through crispy's FormHelper layout, built
from the step's layout as cases/records/forms.py built it before (Fieldset, Row and Column, Div, HTML, InlineRadios).
Pages and forms drawn with `FORM_RENDERER` set to `tests.crispy_reference.CrispyReference` are what the app printed
then; tests/test_form_renderer.py and tests/test_bootstrap_forms.py compare them with the app's own renderer
(gistcare/form_renderer.py), `assert_same_page` whole pages."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import django.forms
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from crispy_forms.utils import render_crispy_form
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.html import escape

from cases.records.forms import ITEMS_TEMPLATE, StepForm

PATH = "tests.crispy_reference.CrispyReference"


class CrispyReference(DjangoTemplates):
    form_template_name = "crispy_reference/form.html"
    field_template_name = "crispy_reference/field.html"

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(__file__).parent / "templates",
                    Path(django.forms.__file__).parent / "templates",
                ],
                "NAME": "crispyreference",
                "OPTIONS": {},
            }
        )

    def render(self, template_name, context, request=None):
        if template_name in (StepForm.template_name, ITEMS_TEMPLATE):
            form = context["form"]
            items = context.get("items")
            helper = FormHelper(form)
            helper.form_tag = False
            helper.disable_csrf = True
            if items is None:  # the whole step
                helper.layout = Layout(
                    *(Fieldset(legend, *map(_item, items)) for legend, items in form.layout)
                )
            else:  # one branch
                helper.layout = Layout(*map(_item, items))
            return render_crispy_form(form, helper)
        return super().render(template_name, context, request)


#: The no-script button as cases/records/forms.py wrote it before (crispy's HTML layout object).
NOSCRIPT_UPDATE = (
    '<noscript><button type="submit" name="action" value="refresh" class="btn btn-outline-secondary btn-sm mb-3">'
    '{update}<span class="visually-hidden"> {after}</span></button></noscript>'
)


def _item(item):
    """A step's item (cases.records.forms.Item) as the crispy layout object forms.py built for it before."""
    if item.kind == "field":
        return item.name
    if item.kind == "radios":
        return InlineRadios(item.name)
    if item.kind == "row":
        return Row(*(Column(name, css_class="col-md") for name in item.names))
    if item.kind == "branch":
        return Div(*item.names, css_id=item.name)
    assert item.kind == "update", item
    return HTML(NOSCRIPT_UPDATE.format(update=escape(item.text), after=escape(item.after)))


def _normalised(html: str) -> str:
    """The page without what differs between two requests (CSRF tokens, CSP nonces, a calendar feed's new secret,
    the messages a request of the walk left for the next page) or between the engines' writing of the same thing:
    a quote's escape (Jinja2 &#39; and &#34;, Django &#x27; and &quot;), and whitespace between tags (blank lines
    between a select's options, line breaks in a radio list). A browser prints whitespace between two block elements
    alike, but not between two side by side (two messages in <span>s, a line of choices): what the browser shows of
    the forms is compared in tests/e2e/test_forms_as_drawn_e2e.py. What a text area holds is compared as it is
    (`_text_areas`)."""
    html = re.sub(r"(csrfmiddlewaretoken\" value=\"|X-CSRFToken\": \")[^\"]+", r"\1", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r"/calendar/[\w-]+\.ics", "/calendar/(a new secret).ics", html)  # renewed by each post
    html = re.sub(r'<div class="messages" role="status">.*?</div>\s*</div>', "", html, flags=re.S)
    html = html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    return re.sub(r">\s*<", "><", re.sub(r"\s+", " ", html)).strip()


def _text_areas(html: str) -> list[str]:
    return re.findall(r"<textarea[^>]*>(.*?)</textarea>", html, flags=re.S)


def assert_same_page(ours, django, what: str) -> None:
    """The same page: the same text once what differs between two requests is set aside (`_normalised`), else the
    same elements, attributes and text as Django's HTML comparison reads them (`parse_html`: the order of a class
    attribute's words and whitespace at an element's edges, which crispy's templates leave around a label's text and
    a browser does not print, set aside); and the same text in every text area, as it is."""
    ours, django = ours.content.decode(), django.content.decode()
    if _normalised(ours) != _normalised(django):
        assert parse_html(_normalised(ours)) == parse_html(_normalised(django)), what
    assert [_normalised(t) for t in _text_areas(ours)] == [_normalised(t) for t in _text_areas(django)], what
