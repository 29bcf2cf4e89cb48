"""The treatment-course pages: who may read and write, refusals on the field with the typed values kept, the
computed response and the timeline on the page and the case page."""

import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, DrugLevel, ImagingAssessment, TherapyLine
from tests.course.helpers import line, scan
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(diagnosis_date=date(2025, 12, 1))


def page(case):
    return reverse("course:page", kwargs={"case_id": case.pk})


def add(case, kind):
    return reverse("course:add", kwargs={"case_id": case.pk, "kind": kind})


LINE_POST = {
    "setting": "advanced_1",
    "drug": "imatinib",
    "dose_mg_per_day": "400",
    "start_date": "2026-02-01",
    "stop_date": "",
    "stop_reason": "",
}


def test_it_adds_a_line_and_shows_it(surgeon_client, case):
    response = surgeon_client.post(add(case, "line"), LINE_POST)
    assert response.status_code == 302
    line = TherapyLine.objects.get(case=case)
    assert (line.drug, line.start_date) == ("imatinib", date(2026, 2, 1))
    body = surgeon_client.get(page(case)).content.decode()
    assert "Imatinib" in body
    assert "400 mg/day" in body


def test_a_line_stopping_before_it_starts_keeps_what_was_typed(surgeon_client, case):
    post = {**LINE_POST, "stop_date": "2026-01-01", "stop_reason": "toxicity", "notes": "typed by hand"}
    response = surgeon_client.post(add(case, "line"), post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Stopped: 01 Jan 2026 is before the start (01 Feb 2026)" in body
    assert 'value="typed by hand"' in body
    assert 'value="2026-01-01"' in body
    assert not TherapyLine.objects.exists()


def test_an_implausible_diameter_is_refused_on_its_field(surgeon_client, case):
    post = {
        "scan_date": "2026-01-20",
        "modality": "ct",
        "organ_1": "liver",
        "diameter_1": "501",
        "hu_2": "4000",
    }
    response = surgeon_client.post(add(case, "scan"), post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Lesion 1: longest diameter (mm): enter a number from 1 to 500." in body
    assert "Lesion 2: attenuation (HU): enter a number from -1000 to 3000." in body
    assert 'value="501"' in body
    assert not ImagingAssessment.objects.exists()


def test_garbage_never_gives_a_500(surgeon_client, case):
    for kind in ("line", "dose", "scan", "level", "event"):
        response = surgeon_client.post(add(case, kind), {"start_date": "not a date", "dose_mg_per_day": "x"})
        assert response.status_code == 400, kind


def test_a_scan_computing_pd_shows_both_criteria_and_the_flag(surgeon_client, surgeon, case):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30), ("liver", 20))
    response = surgeon_client.post(
        add(case, "scan"),
        {
            "scan_date": "2026-08-01",
            "modality": "ct",
            "organ_1": "liver",
            "diameter_1": "36",
            "organ_2": "liver",
            "diameter_2": "24",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).needs_mdt_review
    body = surgeon_client.get(page(case)).content.decode()
    assert "sum 60 mm vs nadir 50 mm (2026-05-01): +20.0%, +10 mm" in body
    assert 'data-testid="mdt-flag"' in body
    assert "Baseline 20 Jan 2026: -40.0%" in body
    # The rule set's options on progression on imatinib 400 (genotype KIT exon 11 from make_case).
    assert (
        'Imatinib dose escalation from 400 to 800 mg/day, before the next line. <span class="small">[III, B]'
        in body
    )
    assert "Next line: sunitinib 50 mg/day 4 weeks on / 2 off" in body
    assert "Nadir 1 May 2026 (50 mm): +20.0%" in body
    assert "Below 1,100 ng/mL is flagged" in body


def test_no_baseline_is_said_plainly(surgeon_client, surgeon, case):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 30))
    body = surgeon_client.get(page(case)).content.decode()
    assert (
        "No baseline scan on or before the start of imatinib (01 Feb 2026): a response cannot be computed yet."
        in body
    )


def test_a_low_trough_is_flagged_with_its_source(surgeon_client, case):
    response = surgeon_client.post(
        add(case, "level"), {"sample_date": "2026-04-01", "trough_ng_ml": "900", "hours_since_dose": "24"}
    )
    assert response.status_code == 302
    assert DrugLevel.objects.get(case=case).trough_ng_ml == 900
    body = surgeon_client.get(page(case)).content.decode()
    assert "900 ng/mL is below 1,100 ng/mL" in body
    assert "Check adherence and drug interactions." in body
    assert "Demetri GD et al. J Clin Oncol 2009;27:3141-7" in body
    assert "individualised by the MDT" in body


def test_an_edit_from_a_stale_page_is_refused_with_409(surgeon_client, surgeon, chair, case):
    saved = line(case, surgeon)
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": "line", "pk": saved.pk})
    other = Client()
    other.force_login(chair)
    assert other.post(url, {**LINE_POST, "dose_mg_per_day": "800", "version": "1"}).status_code == 302
    response = surgeon_client.post(url, {**LINE_POST, "dose_mg_per_day": "600", "version": "1"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "saved this therapy line" in body
    assert "Dose (mg/day): yours 600, on record now 800." in body
    assert TherapyLine.objects.get(pk=saved.pk).dose_mg_per_day == 800


def test_delete_needs_edit_rights_and_is_recorded(surgeon_client, surgeon, nurse, case):
    saved = line(case, surgeon)
    url = reverse("course:delete", kwargs={"case_id": case.pk, "kind": "line", "pk": saved.pk})
    other = Client()
    other.force_login(nurse)
    assert other.post(url, {"version": "1", "confirm": "yes"}).status_code == 403
    assert TherapyLine.objects.filter(pk=saved.pk).exists()
    assert surgeon_client.post(url, {"version": "1", "confirm": "yes"}).status_code == 302
    assert not TherapyLine.objects.filter(pk=saved.pk).exists()
    assert TherapyLine.history.filter(id=saved.pk, history_type="-").get().history_user == surgeon


def test_a_nurse_reads_but_cannot_write_and_an_outsider_cannot_read(client, nurse, outsider, case):
    client.force_login(nurse)
    assert client.get(page(case)).status_code == 200
    assert client.post(add(case, "line"), LINE_POST).status_code == 403
    assert not TherapyLine.objects.exists()
    client.force_login(outsider)
    assert client.get(page(case)).status_code == 403
    # A random id gets the same refusal as a real one: the permission is checked first.
    assert client.get(reverse("course:page", kwargs={"case_id": uuid.uuid4()})).status_code == 403


def test_a_record_of_another_case_is_not_found(surgeon_client, surgeon, case):
    other = make_case()
    foreign = line(other, surgeon)
    url = reverse("course:edit", kwargs={"case_id": case.pk, "kind": "line", "pk": foreign.pk})
    assert surgeon_client.get(url).status_code == 404


def test_the_case_page_loads_the_timeline_and_the_fragment_draws_it(surgeon_client, surgeon, case):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
    body = surgeon_client.get(reverse("records:case", kwargs={"case_id": case.pk})).content.decode()
    assert f'hx-get="{reverse("course:timeline", kwargs={"case_id": case.pk})}"' in body
    fragment = surgeon_client.get(reverse("course:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "<svg" in fragment
    assert f"Treatment course of case {case.short_id}</title>" in fragment
    assert "Imatinib 400 mg/day, advanced disease, line 1, until ongoing" in fragment
    assert "hx-get" not in fragment  # the fragment does not load itself again


def test_a_message_lands_on_the_row_it_was_typed_in(surgeon_client, case):
    post = {"scan_date": "2026-01-20", "modality": "mri", "organ_1": "liver", "diameter_1": "30",
            "organ_3": "lung", "diameter_3": "12", "hu_3": "40"}  # fmt: skip
    response = surgeon_client.post(add(case, "scan"), post)
    assert response.status_code == 400
    assert response.context["form"].errors["hu_3"] == [
        "Lesion 3: attenuation (HU): Hounsfield units are measured on CT, not MRI; leave it empty."
    ]
