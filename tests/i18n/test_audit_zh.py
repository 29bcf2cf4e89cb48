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


def test_the_audit_trail_of_a_course_reads_in_chinese(client, db):
    from datetime import date

    from django.urls import reverse

    from cases.models import UserProfile
    from tests.course.helpers import line
    from tests.i18n.textcheck import english_runs
    from tests.world import make_world

    world = make_world()
    surgeon = world.users["surgeon"]
    line(world.case, surgeon, start=date(2026, 3, 1))
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    html = client.get(reverse("audit:history", args=[world.case.pk])).content.decode()
    assert "原因：已添加治疗线" in html
    allowed = {
        world.patient.mrn,
        world.patient.family_name,
        world.patient.given_name,
        "Test",
        "Hospital",
        "world",
    }
    for user in world.users.values():
        if user is not None:
            allowed |= {user.username, user.first_name, user.last_name}
    assert english_runs(html, allowed) == []
