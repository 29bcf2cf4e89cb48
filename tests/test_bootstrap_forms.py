"""Forms in Bootstrap 5's markup by Django's own form rendering (gistcare/form_renderer.py: `{{ form }}` and
`{{ field.as_field_group }}`, templates/jinja2/forms/bootstrap5/), as crispy-bootstrap5 drew them (issue 16: the
chair's meeting page drew a decision form for each case through crispy's templates, 4.9 ms each, half the page).

Each form of the app's pages, empty, filled in and posted with errors, prints the same (Django's HTML comparison:
the same elements, attributes and text) as through crispy-bootstrap5 (tests/crispy_reference.py), form and fields;
the whole pages are compared in tests/test_form_renderer.py."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.test.html import parse_html

from cases.course import forms as course_forms
from cases.followups import forms as followup_forms
from cases.mdt import forms as mdt_forms
from gistcare.form_renderer import FormRenderer, widget_kind
from tests.crispy_reference import CrispyReference
from tests.factories import NurseFactory, SurgeonFactory
from tests.urlwalk import walk_pages
from tests.world import make_world

pytestmark = pytest.mark.django_db

TYPED = 'O\'Brien "q" <b>x</b>'


def _make(form_class, user, *data, **kwargs):
    """The form, with what its class asks for besides its data (the user whose password is set, the lines)."""
    if issubclass(form_class, SetPasswordForm):  # PasswordChangeForm too
        return form_class(user, *data, **kwargs)
    if issubclass(form_class, (course_forms.InterruptionForm, course_forms.DoseChangeForm)):
        kwargs["lines"] = ()
    return form_class(*data, **kwargs)


FORMS = [
    mdt_forms.MeetingForm,
    mdt_forms.AgendaSearchForm,
    mdt_forms.DecisionForm,
    mdt_forms.SignForm,
    mdt_forms.AmendForm,
    followup_forms.DoneForm,
    followup_forms.ReviewedForm,
    followup_forms.ContactForm,
    followup_forms.RescheduleForm,
    followup_forms.CancelForm,
    followup_forms.OutcomeForm,
    followup_forms.CloseForm,
    followup_forms.ContactDetailsForm,
    followup_forms.EditForm,
    followup_forms.ManualForm,
    course_forms.LineForm,
    course_forms.AdjuvantLineForm,
    course_forms.InterruptionFields,
    course_forms.InterruptionForm,
    course_forms.DoseChangeForm,
    course_forms.ScanForm,
    course_forms.LevelForm,
    course_forms.EventForm,
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    PasswordChangeForm,
]

#: Posted to each form: nothing (its required fields' messages), and text typed into every field (the wrong kind
#: for a date, a number or a choice: their messages, and the typed value printed back, escaped).
POSTS = {"nothing": {}, "typed": "typed"}


def _states(form_class, user):
    """The form empty (with an initial value where it has one), and bound to each post, validated."""
    initial = {"window_days": 14, "decision": "modify", "title": "GIST MDT", "start_date": date(2026, 1, 5)}
    yield "empty", lambda **extra: _make(form_class, user, initial=initial, prefix="p", **extra)
    for name, data in POSTS.items():
        fields = _make(form_class, user).fields
        posted = {f"p-{field}": TYPED for field in fields} if data == "typed" else {}
        yield name, lambda posted=posted, **extra: _make(form_class, user, posted, prefix="p", **extra)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_each_form_prints_as_crispy_bootstrap5_drew_it(form_class):
    user = SurgeonFactory()
    NurseFactory()  # a name among the responsible nurses' choices
    compared = 0
    for state, make in _states(form_class, user):
        ours, reference = make(), make(renderer=CrispyReference())
        if state != "empty":
            ours.is_valid(), reference.is_valid()
        html = str(ours)
        assert parse_html(html) == parse_html(str(reference)), (form_class.__name__, state)
        for field in ours:
            assert parse_html(field.as_field_group()) == parse_html(reference[field.name].as_field_group()), (
                form_class.__name__,
                state,
                field.name,
            )
        assert "<b>x</b>" not in html  # typed markup is printed as text
        compared += 1
    assert compared == 3


def test_the_messages_are_printed_under_their_field():
    """What the comparison stands on, written out: a required field posted empty and a number typed as text."""
    form = course_forms.LevelForm({"trough_ng_ml": "many"}, prefix="p")
    assert not form.is_valid()
    html = str(form)
    trough = html.split('id="div_id_p-trough_ng_ml"')[1].split('id="div_id_p-hours_since_dose"')[0]
    assert 'class="numberinput form-control is-invalid"' in trough
    assert 'aria-invalid="true"' in trough
    assert 'aria-describedby="id_p-trough_ng_ml_error"' in trough
    assert '<div id="id_p-trough_ng_ml_error" class="invalid-feedback">' in trough
    assert '<p id="error_1_id_p-trough_ng_ml"><strong>' in trough
    date_field = html.split('id="div_id_p-sample_date"')[1].split('id="div_id_p-trough_ng_ml"')[0]
    assert 'class="form-label requiredField">Date<span class="asteriskField">*</span></label>' in date_field


def test_a_list_of_choices_is_a_fieldset_with_a_legend():
    form = mdt_forms.DecisionForm({}, prefix="item")
    form.is_valid()
    html = str(form)
    assert (
        '<fieldset aria-describedby="id_item-decision_error"><legend class="form-label requiredField fs-6">'
        'Decision<span class="asteriskField">*</span></legend>'
    ) in html
    assert html.count('class="form-check-input is-invalid"') == len(form.fields["decision"].choices)
    # The field's message once, after its last choice.
    assert html.count('id="id_item-decision_error"') == 1


def test_a_file_field_or_a_multi_widget_is_drawn_by_djangos_own_field_template():
    """crispy-bootstrap5 draws a file input with a template of its own and classes each part of a multi-widget:
    neither is reproduced (the imports' file fields stay crispy's, templates/interop/), but such a field in a form
    drawn by `{{ form }}` is printed labelled and with its message, never an error page (the review: a TypeError)."""

    class Upload(forms.Form):
        bundle = forms.FileField(label="Bundle")
        when = forms.SplitDateTimeField(label="When")

    assert widget_kind(Upload()["bundle"]) == widget_kind(Upload()["when"]) == "plain"
    form = Upload({})
    form.is_valid()
    html = str(form)
    assert '<div id="div_id_bundle" class="mb-3"><label for="id_bundle">Bundle:</label>' in html
    assert 'type="file" name="bundle"' in html
    assert 'name="when_0"' in html
    assert 'name="when_1"' in html
    assert html.count("This field is required.") == 2


def test_a_field_that_shows_its_hidden_initial_value_keeps_it():
    """`show_hidden_initial`: the initial value in a hidden input beside the field, which has_changed() reads (the
    review: it was dropped). As crispy drew it."""

    class Versioned(forms.Form):
        title = forms.CharField(show_hidden_initial=True)

    ours, reference = (
        Versioned(initial={"title": "old"}),
        Versioned(initial={"title": "old"}, renderer=CrispyReference()),
    )
    assert '<input type="hidden" name="initial-title" value="old" id="initial-id_title">' in str(ours)
    assert parse_html(str(ours)) == parse_html(str(reference))


def test_the_forms_are_drawn_by_the_apps_renderer():
    form = mdt_forms.DecisionForm()
    assert isinstance(form.renderer, FormRenderer)
    assert form.template_name == "forms/bootstrap5/form.html"
    assert form["decision"].template_name == "forms/bootstrap5/field.html"


#: The pages whose forms crispy-forms still draws: the imports and an import's page (a file field, which these
#: templates do not draw).
CRISPY_PAGES = ("interop:fhir_import", "interop:register_import", "interop:register_import_status")


@pytest.mark.parametrize("role", ["admin", "coordinator", "nurse", "surgeon"])
def test_no_other_page_draws_its_forms_through_crispy(client, role):
    """Every page a role reaches: crispy-bootstrap5's templates (bootstrap5/...) are rendered for the imports only. The
    chair's meeting page drew them for each case's decision form (before: 4.9 ms a form, against 2.2 ms through
    these templates, most of it the widgets)."""
    world = make_world(signed=False)
    client.force_login(world.users[role])
    crispy_on, pages = set(), 0
    for route, _path, response in walk_pages(client, world):
        if response.status_code != 200 or response.streaming:
            continue
        pages += 1
        if any((template.name or "").startswith("bootstrap5/") for template in response.templates):
            crispy_on.add(route.name)
    assert pages >= 25
    assert crispy_on <= set(CRISPY_PAGES), crispy_on - set(CRISPY_PAGES)


def test_the_log_in_page_prints_as_before(client):
    """The page every user sees first, empty and after a wrong password, against crispy-bootstrap5's fields."""
    from django.test import override_settings

    from tests.crispy_reference import PATH, assert_same_page

    for post in (None, {"username": TYPED, "password": "wrong"}):
        ours = client.post("/accounts/login/", post) if post else client.get("/accounts/login/")
        with override_settings(FORM_RENDERER=PATH):
            before = client.post("/accounts/login/", post) if post else client.get("/accounts/login/")
        assert ours.status_code == before.status_code == 200
        assert 'class="textinput form-control' in ours.content.decode()
        assert_same_page(ours, before, f"log-in page, {'posted' if post else 'empty'}")


#: Posted to a wizard step: values that open every branch (a metastatic presentation, a stomach site, a small size,
#: a biopsy, a resection, neoadjuvant months, adjuvant imatinib given), some of them wrong (a date typed as text).
STEP_POST = {
    "presentation": "metastatic",
    "site": "stomach",
    "size_cm": "1.5",
    "biopsy_done": "on",
    "biopsy_date": TYPED,
    "resected": "yes",
    "surgery_date": "not a date",
    "neoadjuvant_months": "6",
    "adjuvant_decision": "given",
    "mrn": TYPED,
    "given_name": "",
}
#: The saved case's values a step depends on (StepForm's context): none, a metastatic case not resected (fields are
#: left out), a resected one with dates the surgery must follow.
STEP_CONTEXTS = {
    "no saved values": {},
    "metastatic, not resected": {"presentation": "metastatic", "resected": False},
    "resected": {"resected": True, "date_of_birth": date(2000, 1, 1), "diagnosis_date": date(2010, 1, 1)},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("step", ["patient", "presentation", "operation", "pathology"])
def test_each_wizard_step_prints_as_crispys_layout_drew_it(step, language):
    """The step's fieldsets (rows, branches, the no-script "Update form" buttons, yes/no/unknown choices in a line),
    empty, opened on every branch, and posted with errors, whatever the case's saved values; and each branch alone
    (the htmx fragment, which the wizard draws from the posted values as initial values: never bound)."""
    from django.utils import translation

    from cases.records.forms import STEP_FORMS

    form_class = STEP_FORMS[step]
    drawn = set()
    for context in STEP_CONTEXTS.values():
        states = {
            "empty": lambda context=context, **extra: form_class(
                context=context, fragment_url="/s/", **extra
            ),
            "every branch": lambda context=context, **extra: form_class(
                initial=STEP_POST, context=context, fragment_url="/s/", **extra
            ),
            "posted": lambda context=context, **extra: form_class(
                STEP_POST, context=context, fragment_url="/s/", **extra
            ),
            "posted empty": lambda context=context, **extra: form_class({}, context=context, **extra),
            # The site's branch holds the location of a stomach, duodenal or rectal tumour.
            **{
                f"at the {site}": lambda context=context, site=site, **extra: form_class(
                    initial={**STEP_POST, "site": site}, context=context, **extra
                )
                for site in ("duodenum", "rectum")
            },
        }
        with translation.override(language):
            for state, make in states.items():
                ours, reference = make(), make(renderer=CrispyReference())
                if ours.is_bound:
                    ours.is_valid(), reference.is_valid()
                html = str(ours)
                assert ours.layout
                assert "<fieldset><legend>" in html
                assert parse_html(html) == parse_html(str(reference)), (step, state, context)
                assert "<b>x</b>" not in html
                drawn |= {name for name in ours.fields if f'name="{name}"' in html}
                if not ours.is_bound:
                    for branch in form_class.branches:
                        assert parse_html(ours.render_branch(branch)) == parse_html(
                            reference.render_branch(branch)
                        ), (step, state, branch)
    # Every field of the step was drawn in one state or another (every branch opened).
    assert drawn == set(form_class.base_fields), set(form_class.base_fields) - drawn


def test_a_steps_layout_is_its_sections():
    """What the templates draw, from StepForm.sections and branches: a yes/no/unknown field's choices in a line
    (not inside a branch, where every field is drawn plainly, as crispy's layout did), side-by-side fields in a row,
    each branch followed by its no-script button, which says after changing what."""
    from cases.records.forms import STEP_FORMS, Item

    form = STEP_FORMS["operation"](initial={"resected": "yes"})
    (legend, items), *_ = form.layout
    assert items[0] == Item("radios", "resected")
    assert items[1].kind == "branch"
    assert items[1].name == "branch-resected"
    assert "surgery_date" in items[1].names
    assert items[2] == Item("update", text="Update form", after="after changing The tumour was resected")
    presentation = STEP_FORMS["presentation"](initial={"biopsy_done": True})
    kinds = {item.name: item.kind for _, items in presentation.layout for item in items if item.name}
    assert kinds["boundary_clear"] == "radios"
    assert kinds["site"] == "field"
    assert kinds["branch-biopsy"] == "branch"
    patient = STEP_FORMS["patient"]()
    rows = [item.names for _, items in patient.layout for item in items if item.kind == "row"]
    assert ("mrn", "given_name", "family_name") in rows
