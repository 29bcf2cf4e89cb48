"""get_FOO_display: each field's labels translated once per language and kept (cases/models/base.py, issue 16).

Django's own get_FOO_display translates every choice of the field on each call to find one label (a case page
made ten such calls: about 0.3 ms of 9). The kept labels must be exactly Django's, in the language of each request.
"""

import pytest
from django.apps import apps
from django.db import models
from django.test import override_settings
from django.utils import translation

from cases.models import AgendaItem, Case, FollowUpItem, Presentation, TherapyLine
from cases.models.base import BaseModel

CHOICE_FIELDS = [
    (model, field)
    for model in apps.get_app_config("cases").get_models()
    if not model.__name__.startswith("Historical")
    for field in model._meta.concrete_fields
    if field.choices is not None
]


def _django_display(instance, field):
    """What Django's own get_FOO_display returns."""
    return models.Model._get_FIELD_display(instance, field)


def test_every_model_of_the_app_keeps_its_labels():
    plain = sorted(
        model.__name__
        for model in apps.get_app_config("cases").get_models()
        if not model.__name__.startswith("Historical") and not issubclass(model, BaseModel)
    )
    assert plain == []
    assert len(CHOICE_FIELDS) > 40  # every choice field of the app is checked below


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_label_is_djangos_own(language):
    with translation.override(language):
        for model, field in CHOICE_FIELDS:
            instance = model()
            for value, _label in [*field.flatchoices, ("no such value", None), (None, None)]:
                setattr(instance, field.attname, value)
                got = getattr(instance, f"get_{field.name}_display")()
                assert got == _django_display(instance, field), (model.__name__, field.name, value)
                assert type(got) is type(_django_display(instance, field))


def test_a_label_follows_the_language_of_the_request():
    presentation = Presentation(site="stomach")
    with translation.override("en"):
        english = presentation.get_site_display()
    with translation.override("zh-hans"):
        chinese = presentation.get_site_display()
    with translation.override("en"):
        again = presentation.get_site_display()
    assert english == again == "Stomach"
    assert chinese != english
    assert chinese == _django_display_in("zh-hans", presentation, Presentation._meta.get_field("site"))


def _django_display_in(language, instance, field):
    with translation.override(language):
        return _django_display(instance, field)


def test_the_labels_are_translated_once_per_field_and_language(monkeypatch):
    field = Case._meta.get_field("risk_category")
    calls = []
    real = type(field).flatchoices

    def counted(self):
        calls.append(self)
        return real.fget(self)

    monkeypatch.setattr(type(field), "flatchoices", property(counted))
    with override_settings(LANGUAGE_CODE="en"):  # a settings change drops what is kept
        case = Case(risk_category="high")
        with translation.override("en"):
            labels = {case.get_risk_category_display() for _ in range(50)}
        with translation.override("zh-hans"):
            labels |= {case.get_risk_category_display() for _ in range(50)}
    assert len(labels) == 2
    assert calls.count(field) == 2


def test_unknown_and_empty_values_print_as_they_are():
    assert FollowUpItem(modality="not a modality").get_modality_display() == "not a modality"
    assert AgendaItem(decision="").get_decision_display() == ""
    assert TherapyLine(drug=None).get_drug_display() is None
