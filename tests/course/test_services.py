"""Treatment-course writes: refusals naming the field, history, MDT flag on computed progression."""

from datetime import date
from decimal import Decimal

import pytest

from cases.course import services as svc
from cases.models import Case, ImagingAssessment, TherapyLine
from cases.service_helpers import EditConflict, ServiceError
from tests.course.helpers import line, scan
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(diagnosis_date=date(2025, 12, 1))


def test_it_saves_a_line_with_history_and_who(case, surgeon):
    saved = line(case, surgeon)
    assert TherapyLine.objects.get(pk=saved.pk).dose_mg_per_day == Decimal(400)
    record = saved.history.get()
    assert record.history_user == surgeon
    assert record.history_change_reason == "Therapy line added"


def test_a_line_stopping_before_it_starts_is_refused_on_the_stop_date(case, surgeon):
    with pytest.raises(ServiceError) as refused:
        line(case, surgeon, start=date(2026, 5, 1), stop=date(2026, 4, 1), reason="toxicity")
    assert refused.value.field == "stop_date"
    assert "before the start" in refused.value.message
    assert not TherapyLine.objects.exists()


def test_overlapping_lines_of_the_same_drug_are_refused_another_drug_is_not(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1), stop=date(2027, 3, 1), reason="progression")
    with pytest.raises(ServiceError) as refused:
        line(case, surgeon, start=date(2027, 1, 1))
    assert refused.value.field == "start_date"
    assert "overlaps the imatinib line of 01 Feb 2026 to 01 Mar 2027" in refused.value.message
    # The day the first stops, the next may start; another drug may overlap.
    line(case, surgeon, start=date(2027, 3, 1))
    line(case, surgeon, drug="sunitinib", dose=50, start=date(2027, 2, 1), setting="advanced_2")
    assert TherapyLine.objects.count() == 3


def test_a_scan_before_the_diagnosis_is_refused(case, surgeon):
    with pytest.raises(ServiceError) as refused:
        scan(case, surgeon, date(2025, 11, 30), ("liver", 30))
    assert refused.value.field == "scan_date"
    assert "before the date of diagnosis (01 Dec 2025)" in refused.value.message


def test_a_third_lesion_in_one_organ_is_refused_on_its_row(case, surgeon):
    with pytest.raises(ServiceError) as refused:
        scan(case, surgeon, date(2026, 1, 10), ("liver", 30), ("lung", 10), ("liver", 20), ("liver", 15))
    assert refused.value.field == "organ_4"  # the third liver lesion is row 4
    assert "at most 2 target lesions per organ" in refused.value.message
    assert not ImagingAssessment.objects.exists()


def test_a_scan_computing_pd_flags_the_case_for_the_mdt(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))  # baseline 100 mm
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30), ("liver", 20))  # nadir 50 mm: PR
    assert not Case.objects.get(pk=case.pk).needs_mdt_review
    scan(case, surgeon, date(2026, 8, 1), ("liver", 36), ("liver", 24))  # 60 mm: +20%, +10 mm from nadir: PD
    flagged = Case.objects.get(pk=case.pk)
    assert flagged.needs_mdt_review
    assert "Scan of 01 Aug 2026 computes progression (RECIST 1.1 PD" in flagged.mdt_review_reason


def test_every_reason_a_case_is_flagged_for_is_kept_the_newest_too(case, surgeon, client):
    """Reasons add up while the flag stands ("; "): five progression scans (about 75 characters each) passed the
    300 characters the field held, and the newest reason, the one the MDT needs, was cut off ("Scan of 01 Jan
    2027" and no more)."""
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))  # baseline 100 mm, the nadir
    days = [date(2026, 5, 1), date(2026, 7, 1), date(2026, 9, 1), date(2026, 11, 1), date(2027, 1, 1)]
    for number, day in enumerate(days, start=1):
        # 125, 150, 175, 200, 225 mm: each at least +20% and +5 mm from the nadir, RECIST 1.1 PD
        scan(case, surgeon, day, ("liver", 60 + 15 * number), ("liver", 40 + 10 * number))
    reason = Case.objects.get(pk=case.pk).mdt_review_reason
    for day in days:
        assert f"Scan of {day:%d %b %Y} computes progression (RECIST 1.1 PD" in reason
    assert reason.endswith("Scan of 01 Jan 2027 computes progression (RECIST 1.1 PD, Choi PD): re-discuss")
    client.force_login(surgeon)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Scan of 01 Jan 2027 computes progression" in page


def test_a_scan_without_pd_does_not_flag(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 42), ("liver", 23))  # 65 mm: -35% PR
    assert not Case.objects.get(pk=case.pk).needs_mdt_review


def test_an_edit_from_a_stale_form_is_refused_and_writes_nothing(case, surgeon, chair):
    saved = line(case, surgeon)
    opened_at = saved.version
    data = {
        "setting": "advanced_1",
        "drug": "imatinib",
        "dose_mg_per_day": Decimal(800),
        "start_date": date(2026, 2, 1),
        "stop_date": None,
        "stop_reason": "",
        "notes": "",
    }
    svc.line_save(case=case, user=chair, data=data, line=saved, expected_version=opened_at)
    stale = {**data, "dose_mg_per_day": Decimal(600)}
    with pytest.raises(EditConflict) as conflict:
        svc.line_save(case=case, user=surgeon, data=stale, line=saved, expected_version=opened_at)
    assert "Charles Chairman saved this therapy line" in conflict.value.message
    assert TherapyLine.objects.get(pk=saved.pk).dose_mg_per_day == Decimal(800)


def test_a_recurrence_flags_the_case_and_needs_a_site(case, surgeon):
    data = {"event_date": date(2027, 1, 5), "found_by": "scheduled_scan", "site_other": ""}
    with pytest.raises(ServiceError) as refused:
        svc.event_save(case=case, user=surgeon, data=data)
    assert refused.value.field == "site_liver"
    svc.event_save(case=case, user=surgeon, data={**data, "site_liver": True})
    flagged = Case.objects.get(pk=case.pk)
    assert flagged.needs_mdt_review
    assert "Recurrence/progression on 05 Jan 2027 (liver)" in flagged.mdt_review_reason


def test_a_dose_change_outside_its_line_is_refused(case, surgeon):
    saved = line(case, surgeon, start=date(2026, 2, 1), stop=date(2026, 9, 1), reason="progression")
    with pytest.raises(ServiceError) as refused:
        svc.dose_change_save(
            case=case,
            user=surgeon,
            data={"line": saved.pk, "change_date": date(2026, 10, 1), "dose_mg_per_day": 800, "reason": "PD"},
        )
    assert refused.value.field == "change_date"
    change = svc.dose_change_save(
        case=case,
        user=surgeon,
        data={"line": saved.pk, "change_date": date(2026, 6, 1), "dose_mg_per_day": 800, "reason": "PD"},
    )
    assert list(saved.dose_changes.all()) == [change]


def test_attenuation_on_an_mri_is_refused_on_its_field(case, surgeon):
    with pytest.raises(ServiceError) as refused:
        scan(case, surgeon, date(2026, 1, 10), ("liver", 30), ("lung", 10, 40), modality="mri")
    assert refused.value.field == "hu_2"
    assert "Hounsfield units are measured on CT, not MRI" in refused.value.message
    scan(case, surgeon, date(2026, 1, 10), ("liver", 30), ("lung", 10), modality="mri")
    assert ImagingAssessment.objects.get().modality == "mri"
