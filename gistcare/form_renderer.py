"""Forms rendered through Jinja2 (settings.FORM_RENDERER, issue 16: pages near the framework's floor).

Django ships every form and widget template twice, for its own engine and for Jinja2 (django/forms/templates and
django/forms/jinja2), with the same markup. Through Django's engine a field's widget cost about 0.2 ms: the case's
follow-up page prints four forms (contact details, a visit by hand, the adjuvant line, an interruption), some
twenty widgets, and spent a fifth of its time on them (bench/followups.py: 49 -> 39 ms). Django's Jinja2 renderer
draws them from the Jinja2 copies; the pages around them, and crispy-forms' field layouts, stay Django templates.

A template with no Jinja2 copy is drawn by Django's engine, as before: the admin's widgets (the raw id of a case's
patient, the related-object links), and a widget whose Jinja2 template includes one that exists for Django's engine
only (a select's own option template, say). The only difference a reader's browser never shows: Jinja2 writes a
quote in a value as &#39; or &#34;, Django's engine as &#x27; or &quot;. tests/test_form_renderer.py checks that
every page, and every form posted with errors, prints the same through both renderers.
"""

from __future__ import annotations

import jinja2
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    def render(self, template_name: str, context: dict, request=None) -> str:
        try:
            return super().render(template_name, context, request=request)
        except jinja2.TemplateNotFound:
            # A template the Jinja2 one includes is not there: the whole widget by Django's engine.
            return self.fallback.render(template_name, context, request=request)
