"""The forms drawn by the app's templates (gistcare/form_renderer.py, templates/jinja2/forms/bootstrap5/) look in the
browser as crispy-bootstrap5 drew them (tests/crispy_reference.py): the same text, read as the browser lays it out,
and every input, label, legend, message and help text in the same place, with the app's Bootstrap and CSS.

The HTML comparison of tests/test_bootstrap_forms.py cannot see whitespace between two elements side by side: the
review found two messages of one field run together ("...date of birth.Date of surgery...") and the yes/no/unknown
choices of the wizard 5 px closer than before. This compares what Chromium shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from cases.course.forms import LevelForm
from cases.followups.forms import CancelForm, ContactDetailsForm
from cases.mdt.forms import DecisionForm
from cases.records.forms import STEP_FORMS
from tests.crispy_reference import CrispyReference

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATIC = Path(settings.BASE_DIR) / "static"
#: What the browser shows of a form: its text as laid out, and the boxes of what a reader sees and reaches.
SHOWN = """() => {
  const form = document.getElementById("form");
  const seen = "input:not([type=hidden]), select, textarea, label, legend, button, .invalid-feedback, .form-text";
  const boxes = [...form.querySelectorAll(seen)].map((e) => {
    const r = e.getBoundingClientRect();
    return [e.tagName, e.id || e.getAttribute("for") || "", Math.round(r.x), Math.round(r.y), Math.round(r.width),
            Math.round(r.height)];
  });
  return {text: form.innerText, boxes};
}"""


def _shown(page, html: str) -> dict:
    page.set_content(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>'
        f'<main class="container-fluid py-3" style="width: 900px"><form id="form">{html}</form></main></body></html>'
    )
    page.add_style_tag(path=str(STATIC / "vendor" / "bootstrap" / "bootstrap.min.css"))
    page.add_style_tag(path=str(STATIC / "css" / "app.css"))
    return page.evaluate(SHOWN)


def _forms():
    """(what, make): each form as the pages draw it, empty and with its messages (two on one field too)."""
    operation = STEP_FORMS["operation"]
    context = {"date_of_birth": date(2000, 1, 1), "diagnosis_date": date(2010, 1, 1)}
    posted = {"resected": "yes", "surgery_date": "1990-01-01", "approach_used": "open"}
    yield "operation, two messages on one date", lambda **kw: operation(posted, context=context, **kw)
    yield "operation, empty", lambda **kw: operation(context=context, fragment_url="/step/", **kw)
    presentation = STEP_FORMS["presentation"]
    opened = {"presentation": "metastatic", "site": "stomach", "size_cm": "1.5", "biopsy_done": "on"}
    yield (
        "presentation, every branch open",
        lambda **kw: presentation(initial=opened, fragment_url="/step/", **kw),
    )
    yield "presentation, posted empty", lambda **kw: presentation({}, **kw)
    pathology = STEP_FORMS["pathology"]
    yield "pathology, posted", lambda **kw: pathology({"adjuvant_decision": "given", "mitoses": "x"}, **kw)
    yield "decision, modify without a reason", lambda **kw: DecisionForm({"decision": "modify"}, **kw)
    yield "contact details, a wrong email", lambda **kw: ContactDetailsForm({"email": "x"}, **kw)
    yield "cancel, not ticked", lambda **kw: CancelForm({"expected_version": "1"}, **kw)
    yield "level, typed text", lambda **kw: LevelForm({"trough_ng_ml": "many"}, **kw)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_form_looks_as_crispy_drew_it(browser, language):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    compared = 0
    with translation.override(language):
        for what, make in _forms():
            ours, reference = make(), make(renderer=CrispyReference())
            ours.is_valid() if ours.is_bound else None
            reference.is_valid() if reference.is_bound else None
            shown, before = _shown(page, str(ours)), _shown(page, str(reference))
            assert shown["text"] == before["text"], what
            assert shown["boxes"] == before["boxes"], what
            compared += 1
    page.close()
    assert compared == 9


def test_two_messages_of_one_field_do_not_run_together(browser):
    """The case the review found, written out: the date of surgery before the date of birth and the diagnosis."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    form = STEP_FORMS["operation"](
        {"resected": "yes", "surgery_date": "1990-01-01", "approach_used": "open"},
        context={"date_of_birth": date(2000, 1, 1), "diagnosis_date": date(2010, 1, 1)},
    )
    form.is_valid()
    assert len(form.errors["surgery_date"]) == 2
    text = _shown(page, str(form))["text"]
    first, second = form.errors["surgery_date"]
    assert f"{first} {second}" in text
    page.close()
