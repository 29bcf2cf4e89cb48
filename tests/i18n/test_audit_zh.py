"""The audit trail in Chinese (issue 15): every label it can print has its translation, so a field added later
without one fails here (add it to cases/audit/labels.py and the catalogue)."""

from __future__ import annotations

import re

from django.utils import translation

from cases.audit.history import SKIPPED_FIELDS, audited_models
from cases.models import Patient

CODE = re.compile(r"^[A-Z0-9][A-Z0-9()-]*( \([A-Z]+\))?$")  # CD117 (KIT), DOG1, SDHB: written as they are


def test_every_label_of_the_audit_trail_is_translated():
    labels = set()
    for model in [Patient, *(m for m, _paths in audited_models())]:
        name = str(model._meta.verbose_name)
        labels.add(name[:1].upper() + name[1:])
        for f in model._meta.concrete_fields:
            if f.name not in SKIPPED_FIELDS:
                text = str(f.verbose_name)
                labels.add(text[:1].upper() + text[1:])
    with translation.override("zh-hans"):
        untranslated = sorted(x for x in labels if translation.gettext(x) == x and not CODE.match(x))
    assert untranslated == []
