"""The forms as they were drawn before issue 16 moved them to Django's own form rendering: every widget through
Django's template engine, every form through crispy-bootstrap5's `|crispy` and every field through its
`|as_crispy_field` (templates/crispy_reference/), and the wizard's steps through crispy's FormHelper layout, built
from the step's layout as cases/records/forms.py built it before (Fieldset, Row and Column, Div, HTML, InlineRadios). Pages and forms drawn with `FORM_RENDERER` set to
`tests.crispy_reference.CrispyReference` are what the app printed then; tests/test_form_renderer.py compares them
with the app's own renderer (gistcare/form_renderer.py)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import django.forms
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from crispy_forms.utils import render_crispy_form
from django.forms.renderers import DjangoTemplates

from cases.records.forms import BRANCH_TEMPLATE, StepForm

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
        if template_name in (StepForm.template_name, BRANCH_TEMPLATE):
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


def _item(item: tuple):
    kind, *rest = item
    if kind == "field":
        return rest[0]
    if kind == "radios":
        return InlineRadios(rest[0])
    if kind == "row":
        return Row(*(Column(name, css_class="col-md") for name in rest[0]))
    if kind == "branch":
        return Div(*rest[1], css_id=rest[0])
    return HTML(rest[0])
