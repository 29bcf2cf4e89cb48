"""The forms as they were drawn before issue 16 moved them to Django's own form rendering: every widget through
Django's template engine, every form through crispy-bootstrap5's `|crispy` and every field through its
`|as_crispy_field` (templates/crispy_reference/). Pages and forms drawn with `FORM_RENDERER` set to
`tests.crispy_reference.CrispyReference` are what the app printed then; tests/test_form_renderer.py compares them
with the app's own renderer (gistcare/form_renderer.py)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates

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
