"""Forms rendered through Jinja2 (settings.FORM_RENDERER, issue 16: pages near the framework's floor).

Django ships every form and widget template twice, for its own engine and for Jinja2 (django/forms/templates and
django/forms/jinja2), with the same markup. Through Django's engine a field's widget cost about 0.2 ms: the case's
follow-up page prints four forms (contact details, a visit by hand, the adjuvant line, an interruption), some
twenty widgets, and spent a fifth of its time on them (bench/followups.py: 49 -> 39 ms). Django's Jinja2 renderer
draws them from the Jinja2 copies; the pages around them, and crispy-forms' field layouts, stay Django templates.

The admin's widgets (the raw id of a case's patient, the related-object links) have no Jinja2 copy: a template
Jinja2 does not find is drawn by Django's engine, as before. tests/test_form_renderer.py checks that every page
prints the same forms through both renderers.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
