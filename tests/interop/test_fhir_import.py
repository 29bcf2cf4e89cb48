"""FHIR import (cases.interop.fhir_import, POST /api/v1/fhir/import, the surgeons' page): all or nothing,
the case form's rules (same MRN with another identity refused), a report of what was mapped and ignored, and
the round trip export → import giving a draft whose engine answer equals the original's."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.urls import reverse

from cases.api.tokens import api_token_create
from cases.interop.fhir_export import case_bundle
from cases.interop.fhir_import import import_bundle
from cases.models import Case, Operation, Patient, TreatmentDecision
from cases.records.facts import build_facts
from guidelines import assess
from tests.factories import contract_example_case, make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def surgeon(db):
    return make_user(role="Surgeon", username="importer")


@pytest.fixture
def original(db) -> Case:
    return contract_example_case(mrn="MRN-88001", given_name="Ada", family_name="Lovelace")


def engine_answer(case: Case) -> dict:
    case = Case.objects.with_sections().get(pk=case.pk)
    return assess(
        build_facts(case, today=dt.date(2026, 6, 1)), case.ruleset, today=dt.date(2026, 6, 1)
    ).to_dict()


def entry(bundle: dict, kind: str, code: str | None = None) -> dict:
    for e in bundle["entry"]:
        resource = e["resource"]
        if resource["resourceType"] == kind and (
            code is None or any(c["code"] == code for c in resource.get("code", {}).get("coding", []))
        ):
            return resource
    raise AssertionError(f"no {kind} {code or ''}")


def test_it_round_trips_a_case_to_a_draft_with_the_same_engine_answer(original, surgeon):
    bundle = case_bundle(original)
    report = import_bundle(data=bundle, user=surgeon)
    assert report.errors == []
    imported = report.case
    assert imported.pk != original.pk
    assert imported.status == "draft"
    assert (
        imported.patient_id == original.patient_id
    )  # same MRN, same person: a new case for the same patient
    assert engine_answer(imported) == engine_answer(original)


def test_it_round_trips_a_rupture_an_adjuvant_decision_and_a_small_bowel_case(surgeon):
    original = make_case(
        site="jejunum", size_cm="4.2", mitoses=3, rupture=True, diagnosis_date=dt.date(2025, 10, 1)
    )
    TreatmentDecision.objects.create(
        case=original, adjuvant_decision="given", adjuvant_start=dt.date(2026, 2, 1), adjuvant_dose_mg=400,
        adjuvant_planned_months=36,
    )  # fmt: skip
    report = import_bundle(data=case_bundle(Case.objects.with_sections().get(pk=original.pk)), user=surgeon)
    assert report.errors == []
    imported = Case.objects.with_sections().get(pk=report.case.pk)
    assert imported.operation.rupture_grade == "major"
    assert imported.treatment.adjuvant_decision == "given"
    assert imported.treatment.adjuvant_planned_months == 36
    assert engine_answer(imported) == engine_answer(original)


def test_it_reports_what_was_mapped_and_what_was_ignored_and_why(original, surgeon):
    report = import_bundle(data=case_bundle(original), user=surgeon)
    mapped = {(m["field"], m["value"]) for m in report.mapped}
    assert ("mrn", "MRN-88001") in mapped
    assert ("size_cm", "6.5 cm") in mapped
    assert ("mitoses_per_5mm2", "8") in mapped
    assert ("margin", "R0") in mapped
    assert ("genotype", "kit_exon_11") in mapped
    reasons = {i["resource"].split("/")[0]: i["reason"] for i in report.ignored}
    assert reasons["RiskAssessment"] == "risk is recomputed by the guideline engine from the imported facts"
    assert "computed by the engine" in reasons["Observation"]  # T, M and the stage group
    assert "CarePlan" in reasons


def test_it_refuses_a_patient_with_the_same_mrn_and_another_name_and_writes_nothing(original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Patient")["name"] = [{"family": "Babbage", "given": ["Charles"]}]
    before = Case.objects.count(), Patient.objects.count()
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors == [
        {
            "field": "mrn",
            "message": "Hospital number (MRN): MRN-88001 belongs to a patient with a different name or date of "
            "birth; check the number.",
        }
    ]
    assert (Case.objects.count(), Patient.objects.count()) == before


def test_it_refuses_a_patient_with_the_same_mrn_and_another_birth_date(original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Patient")["birthDate"] = "1961-03-15"
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors[0]["field"] == "mrn"


def test_it_writes_nothing_when_one_value_breaks_a_case_form_rule(original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Procedure")["performedDateTime"] = "2025-01-01"  # before the diagnosis (2025-11-20)
    before = Case.objects.count()
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors == [
        {
            "field": "surgery_date",
            "message": "Date of surgery: the surgery cannot be before the diagnosis (20 Nov 2025).",
        }
    ]
    assert Case.objects.count() == before


def test_it_converts_a_size_in_mm_and_refuses_an_implausible_size(original, surgeon):
    bundle = case_bundle(original)
    size = entry(bundle, "Observation", "21889-1")["component"][0]["valueQuantity"]
    size.update(value=65, code="mm", unit="mm")
    report = import_bundle(data=copy.deepcopy(bundle), user=surgeon)
    assert report.errors == []
    assert str(Case.objects.with_sections().get(pk=report.case.pk).presentation.size_cm) == "6.50"
    size.update(value=600, code="mm", unit="mm")
    refused = import_bundle(data=bundle, user=surgeon)
    assert refused.errors[0]["field"] == "size_cm"
    assert "above the 50 cm limit" in refused.errors[0]["message"]


def test_it_refuses_a_bundle_without_a_gist_condition(original, surgeon):
    bundle = case_bundle(original)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Condition"]
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors[0]["field"] == "Condition"


def test_it_refuses_a_patient_without_an_mrn_in_the_hospital_system(original, surgeon, settings):
    bundle = case_bundle(original)
    settings.GISTCARE_FHIR_MRN_SYSTEM = "https://other-hospital.example/mrn"
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors[0]["field"] == "Patient.identifier"
    assert "https://other-hospital.example/mrn" in report.errors[0]["message"]


def test_it_refuses_a_structurally_invalid_bundle(surgeon, db):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "birthDate": "17 May 1960"}}],
    }
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors[0]["message"].startswith("Bundle: not a valid FHIR R4 Bundle")


def test_it_keeps_a_known_patients_phone_when_the_bundle_has_none(original, surgeon):
    phone = original.patient.phone
    assert phone
    import_bundle(data=case_bundle(original), user=surgeon)
    assert Patient.objects.get(pk=original.patient_id).phone == phone


def test_it_records_the_import_in_the_history(original, surgeon):
    report = import_bundle(data=case_bundle(original), user=surgeon, source="epr.json")
    reasons = set(report.case.history.values_list("history_change_reason", flat=True))
    assert reasons == {"imported from epr.json by importer"}
    operation = Operation.history.filter(case_id=report.case.pk).first()
    assert operation.history_change_reason == "imported from epr.json by importer"


# The API --------------------------------------------------------------------------------------------------


def test_the_api_creates_the_case_for_a_token(client, original, surgeon):
    _token, raw = api_token_create(owner=surgeon, name="EPR")
    response = client.post(
        reverse("fhir:import"), json.dumps(case_bundle(original)), content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["case"])
    assert case.owner == surgeon
    assert body["url"].endswith(f"/cases/{case.pk}/")


def test_the_api_answers_400_with_every_reason_and_writes_nothing(client, original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Patient")["birthDate"] = "1990-01-01"
    client.force_login(surgeon)
    before = Case.objects.count()
    response = client.post(reverse("fhir:import"), json.dumps(bundle), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "mrn"
    assert Case.objects.count() == before


def test_the_api_refuses_bad_json_a_nurse_and_an_anonymous_caller(client, db):
    url = reverse("fhir:import")
    assert client.post(url, "{}", content_type="application/json").status_code == 401
    client.force_login(make_user(role="Nurse"))
    assert client.post(url, "{}", content_type="application/json").status_code == 403
    client.force_login(make_user(role="Surgeon"))
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


# The page -------------------------------------------------------------------------------------------------


def test_the_page_imports_an_uploaded_bundle_and_shows_the_report(client, original, surgeon):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(surgeon)
    upload = SimpleUploadedFile("epr.json", json.dumps(case_bundle(original)).encode(), "application/json")
    response = client.post(reverse("interop:fhir_import"), {"bundle_file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Draft case created" in text
    assert "risk is recomputed by the guideline engine" in text
    assert Case.objects.filter(patient=original.patient).count() == 2


def test_the_page_shows_the_refusal_and_keeps_what_was_pasted(client, original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Patient")["birthDate"] = "1990-01-01"
    client.force_login(surgeon)
    pasted = json.dumps(bundle)
    response = client.post(reverse("interop:fhir_import"), {"bundle_text": pasted})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "belongs to a patient with a different name or date of birth" in text
    assert "MRN-88001" in text  # the pasted Bundle is still in the box
    assert "1990-01-01" in text


def test_the_page_is_for_editors_only(client, db):
    client.force_login(make_user(role="Nurse"))
    assert client.get(reverse("interop:fhir_import")).status_code == 403


def test_nothing_is_written_after_a_refusal_even_for_a_new_patient(original, surgeon):
    bundle = case_bundle(original)
    entry(bundle, "Patient")["identifier"][0]["value"] = "MRN-NEW-1"
    entry(bundle, "Observation", "mitotic-count")["valueInteger"] = 5000
    report = import_bundle(data=bundle, user=surgeon)
    assert report.case is None
    assert report.errors[0]["field"] == "mitoses_per_5mm2"
    assert not Patient.objects.filter(mrn="MRN-NEW-1").exists()
