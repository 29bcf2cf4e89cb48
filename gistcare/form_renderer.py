"""Forms rendered through Jinja2 (settings.FORM_RENDERER, issue 16: pages near the framework's floor).

Django ships every form and widget template twice, for its own engine and for Jinja2 (django/forms/templates and
django/forms/jinja2), with the same markup. Through Django's engine a field's widget cost about 0.2 ms: the case's
follow-up page prints four forms (contact details, a visit by hand, the adjuvant line, an interruption), some
twenty widgets, and spent a fifth of its time on them (bench/followups.py: 49 -> 39 ms). Django's Jinja2 renderer
draws them from the Jinja2 copies; the pages around them stay Django templates.

A template with no Jinja2 copy is drawn by Django's engine, as before: the admin's widgets (the raw id of a case's
patient, the related-object links), and a widget whose Jinja2 template includes one that exists for Django's engine
only (a select's own option template, say). The only difference a reader's browser never shows: Jinja2 writes a
quote in a value as &#39; or &#34;, Django's engine as &#x27; or &quot;. tests/test_form_renderer.py checks that
every page, and every form posted with errors, prints the same through both renderers.

Forms and fields are drawn by Django's own form rendering too (`{{ form }}`, `{{ form.field.as_field_group }}`), in
Bootstrap 5's markup (templates/jinja2/forms/bootstrap5/), as crispy-bootstrap5's `|crispy` and `|as_crispy_field`
drew them: crispy's field templates (Django templates, 0.2–0.3 ms a field) were half the chair's meeting page, a
decision form of twelve fields under each case (4.0–4.9 ms a form, 2.1–2.2 ms now, of which 1.9 the widgets; with 40
cases 270–340 -> 100–110 ms, bench/mdt.py); the wizard's steps are drawn from their own layout (StepForm.layout:
fieldsets, rows, branches, yes/no/unknown choices in a line) as crispy's FormHelper layout drew them (step.html,
step_items.html, inline_radios.html, _parts.html; a step's page 23–49 % faster by its ratio to the bare view,
bench/wizard.py). crispy-forms still draws the imports' file fields (two pages); a file field or a multi-widget in a
form drawn here gets Django's own field template. tests/test_bootstrap_forms.py compares every other form and every
step with crispy's drawing of it, tests/e2e/test_forms_as_drawn_e2e.py what Chromium shows of them.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
import jinja2
from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def widget_kind(field: BoundField) -> str:
    """How forms/bootstrap5/field.html draws the field: "hidden", "checkbox", "choices" (a list of radio buttons or
    check boxes), "select", "input", or "plain" (Django's own field template in Bootstrap's spacing)."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.FileInput) or hasattr(widget, "widgets"):
        # crispy-bootstrap5 draws a file input with a template of its own, and classes each part of a multi-widget:
        # neither is reproduced here (no form of the app drawn by these templates has one: the imports' file fields
        # stay crispy's). Such a field is still drawn, labelled and with its messages, by Django's own template.
        return "plain"
    return "select" if isinstance(widget, forms.Select) else "input"


def bootstrap_widget(field: BoundField, classes: str) -> SafeString:
    """The field's input with Bootstrap's `classes` added to its own, as crispy-forms' `crispy_field` tag adds them
    (with the widget's class name, lower-case, first: "textinput form-control"), without changing the form's widget."""
    name = type(field.field.widget).__name__.lower()
    css = field.field.widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css += f" {name}"
    for word in classes.split():
        if word not in css.split():
            css += f" {word}"
    html = field.as_widget(attrs={"class": css})
    if field.field.show_hidden_initial:  # as str(field) does: the initial value, which has_changed() reads
        html += field.as_hidden(only_initial=True)
    return html


def widget_options(field: BoundField) -> list:
    """A list of choices' (group, options, index), with the attributes each input takes (crispy-forms' `optgroups`)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def environment(**options: Any) -> jinja2.Environment:
    """The form templates' environment: Django's (autoescaping, whatever the options say), with the three helpers above
    and Django's escaping. Not StrictUndefined (gistcare/jinja2.py): Django's own widget templates test names a
    widget may lack."""
    options.pop("autoescape", None)
    env = jinja2.Environment(autoescape=True, **options)
    env.globals.update(
        widget_kind=widget_kind, bootstrap_widget=bootstrap_widget, widget_options=widget_options
    )
    # Text as Django's engine escapes it (a quote as &#x27;, not Jinja2's &#39;): the pages print what they printed.
    env.filters["django_escape"] = conditional_escape
    return env


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()
    # `{{ form }}` and `{{ form.field.as_field_group }}` in Bootstrap 5's markup (templates/jinja2/forms/bootstrap5/).
    form_template_name = "forms/bootstrap5/form.html"
    field_template_name = "forms/bootstrap5/field.html"

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates" / "jinja2",
                    Path(django.forms.__file__).parent / "jinja2",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {"environment": "gistcare.form_renderer.environment"},
            }
        )

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
