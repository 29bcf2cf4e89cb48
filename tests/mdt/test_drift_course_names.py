"""What changed since signing names a course record's parent by what it is now: a target lesion by its scan's date,
a dose change by its line's drug, after either was corrected (they were named by what they were first entered as:
the history was read newest first, and the first name read was overwritten by older ones)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from cases.mdt.drift import changes_since_signed
from cases.models import Case, DoseChange, TherapyLine
from tests.course.helpers import line, scan
from tests.world import make_world

pytestmark = pytest.mark.django_db


def _course_fields(case: Case) -> list[str]:
    # The words these tests compare, whatever language an earlier test left active.
    with translation.override("en"):
        return [c.field for c in changes_since_signed(case) if c.section == "Treatment course"]


def test_a_lesion_is_named_by_its_scans_corrected_date():
    world = make_world(signed=True)
    case, surgeon = Case.objects.get(pk=world.case.pk), world.users["surgeon"]
    first = scan(case, surgeon, date(2026, 3, 1), ("liver", 40))
    first.scan_date = date(2026, 3, 8)  # the date typed wrong, corrected
    first.save()
    lesion = first.lesions.get()
    lesion.diameter_mm = Decimal("35")
    lesion.save()
    fields = _course_fields(case)
    assert "Target lesion of the scan of 2026-03-08: Longest diameter (mm)" in fields
    assert not [field for field in fields if "2026-03-01" in field and field.startswith("Target lesion")]


def test_a_dose_change_is_named_by_its_lines_corrected_drug():
    world = make_world(signed=True)
    case, surgeon = Case.objects.get(pk=world.case.pk), world.users["surgeon"]
    therapy = line(case, surgeon, drug="imatinib", start=date(2026, 2, 1))
    TherapyLine.objects.filter(pk=therapy.pk).update(
        drug="sunitinib"
    )  # a correction (as the admin would make it)
    therapy = TherapyLine.objects.get(pk=therapy.pk)
    therapy.save()  # recorded in the history
    DoseChange.objects.create(line=therapy, change_date=date(2026, 3, 1), dose_mg_per_day=Decimal("37.5"))
    fields = _course_fields(case)
    assert any(field.startswith("Dose change 2026-03-01 of the sunitinib line") for field in fields), fields
    assert not any("imatinib line" in field for field in fields if field.startswith("Dose change")), fields
