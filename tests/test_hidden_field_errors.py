"""A form sent back with a hidden field missing or not valid (the version it was opened at, the escalation step a
letter answers) says so: a hidden input has no place of its own to print an error, so the page showed the form
again with no message, and nothing saved."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from tests.world import make_world

FORM_MODULES = ("cases.course.forms", "cases.followups.forms", "cases.mdt.forms", "cases.records.forms")


def _forms_with_hidden_fields():
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module_name:
                continue
            hidden = [n for n, f in cls.base_fields.items() if f.widget.is_hidden]
            if hidden:
                found.append((cls, hidden))
    return found


FORMS = _forms_with_hidden_fields()


def test_the_walk_finds_the_versioned_forms():
    names = {cls.__name__ for cls, _ in FORMS}
    assert {"DoneForm", "LineForm", "MeetingForm", "DecisionForm", "LetterNewForm"} <= names


@pytest.mark.parametrize(("cls", "hidden"), FORMS, ids=[cls.__name__ for cls, _ in FORMS])
def test_a_hidden_fields_error_is_among_the_forms_own_errors(cls, hidden):
    for name in hidden:
        form = cls({name: "not-a-number"})
        assert not form.is_valid(), (cls, name)
        shown = " ".join(form.non_field_errors())
        label = cls.base_fields[name].label
        assert label, (cls, name)  # a hidden field is named in the reader's words, not by its code name
        assert "Nothing was saved" in shown, (cls, name, form.errors)
        assert str(label) in shown, (cls, name, shown)


@pytest.mark.django_db
def test_the_nurse_is_told_when_the_done_form_comes_back_without_its_version(client):
    world = make_world()
    item = world.objects["followup_item"]
    client.force_login(world.users["nurse"])
    url = reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "done"})
    data = {"completed_date": dt.date.today().isoformat(), "result": "ned", "notes": "CT clear"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "without a valid version (This field is required). Open the form again" in html
    assert "CT clear" in html  # what the nurse typed is still there
    item.refresh_from_db()
    assert item.status == "pending"


@pytest.mark.django_db
def test_the_message_is_in_chinese_on_a_chinese_page(client):
    from cases.followups.forms import DoneForm

    with translation.override("zh-hans"):
        form = DoneForm({"completed_date": "2026-12-01", "result": "ned"})
        assert not form.is_valid()
        shown = " ".join(form.non_field_errors())
    assert "未保存" in shown
    assert "version" not in shown


@pytest.mark.django_db
def test_a_letter_asked_for_from_a_stale_page_says_why_nothing_was_made(client):
    """The letter form redirects with a message instead of drawing itself: the message names the step the page
    sent, not "choose the recipient" (which was chosen)."""
    world = make_world()
    case = world.case
    client.force_login(world.users["nurse"])
    url = reverse("followups:case_letter_new", args=[case.pk])
    response = client.post(url, {"recipient": "patient", "purpose": "missed_visit", "step": "x"}, follow=True)
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Escalation step" in html
    assert not case.letters.exists()
