"""A signed report gone stale, read in Chinese (issue 15): the case page's banner and the amend page name each
change since signing in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.mdt.services import case_note_clinical_change
from cases.models import Case, UserProfile
from tests.course.helpers import line
from tests.i18n.textcheck import english_runs
from tests.world import make_world

pytestmark = pytest.mark.django_db


def test_the_changes_since_signing_read_in_chinese(client):
    world = make_world(signed=True)
    case, chair = world.case, world.users["chair"]
    presentation = case.presentation
    presentation.size_cm = Decimal("7.5")
    presentation.save()
    case_note_clinical_change(case=Case.objects.get(pk=case.pk))
    line(case, chair, start=date(2026, 3, 1))
    UserProfile.objects.update_or_create(user=chair, defaults={"language": "zh-hans"})
    client.force_login(chair)
    allowed = {world.patient.mrn, world.patient.family_name, world.patient.given_name, "Test", "Hospital"}
    for user in world.users.values():
        if user is not None:
            allowed |= {user.username, user.first_name, user.last_name}
    for url in (reverse("records:case", args=[case.pk]), reverse("mdt:report_amend", args=[case.pk])):
        html = client.get(url).content.decode()
        assert "治疗过程 · 治疗线 伊马替尼" in html, url
        assert "临床表现 · " in html, url
        runs = english_runs(html, allowed | {"Joensuu", "Fletcher", "Miettinen", "Casali", "Choi", "RECIST"})
        assert runs == [], f"{url}: {runs}"


def test_a_case_flagged_by_the_course_says_why_in_chinese_on_every_page(client):
    from tests.course.helpers import scan

    world = make_world()
    case, surgeon = world.case, world.users["surgeon"]
    line(case, surgeon, start=date(2026, 3, 1))
    scan(case, surgeon, date(2026, 2, 20), ("liver", 40))
    scan(case, surgeon, date(2026, 6, 1), ("liver", 60))  # +50% from the nadir: PD
    case.refresh_from_db()
    assert case.needs_mdt_review
    assert case.mdt_review_reason.startswith("Scan of 01 Jun 2026 computes progression")
    UserProfile.objects.update_or_create(user=surgeon, defaults={"language": "zh-hans"})
    client.force_login(surgeon)
    for url in (reverse("records:case", args=[case.pk]), reverse("followups:case", args=[case.pk])):
        html = client.get(url).content.decode()
        assert "2026年6月1日的影像检查评估为疾病进展" in html, url
        assert "computes progression" not in html, url
