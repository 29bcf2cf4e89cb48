"""FHIR R4 export of a case (GET /api/v1/cases/<id>/fhir, cases.interop.fhir_export) and `export_fhir`.

Every Bundle is validated with fhir.resources' R4B models; the mCODE must-support elements the export claims
are checked one by one with values worked out by hand from the contract's worked example (gastric 6.5 cm,
8 mitoses per 5 mm², resected R0 on 2026-01-15, KIT exon 11: modified NIH high, AFIP high 55 %, T3 N0 M0,
stage IIIA).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from cases.api.tokens import api_token_create
from cases.interop import fhir_codes as codes
from cases.interop.fhir_export import case_bundle
from cases.models import Case, TreatmentDecision
from tests.factories import contract_example_case, make_user, signed_report

pytestmark = pytest.mark.django_db

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def one(bundle: dict, kind: str, profile: str | None = None, code: str | None = None) -> dict:
    found = [
        r
        for r in resources(bundle, kind)
        if (profile is None or MCODE + profile in r.get("meta", {}).get("profile", []))
        and (code is None or any(c["code"] == code for c in r["code"]["coding"]))
    ]
    assert len(found) == 1, f"{kind} {profile or ''} {code or ''}: {len(found)} found"
    return found[0]


def codings(concept: dict) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept["coding"]}


def validated(bundle: dict) -> Bundle:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    return parsed


@pytest.fixture
def case(db) -> Case:
    return contract_example_case(mrn="MRN-77001", given_name="Ada", family_name="Lovelace")


def test_it_exports_a_bundle_that_validates_with_the_r4b_models(case):
    bundle = case_bundle(case)
    parsed = validated(bundle)
    kinds = sorted({e.resource.__resource_type__ for e in parsed.entry})
    assert kinds == ["CarePlan", "Condition", "Observation", "Patient", "Procedure", "RiskAssessment"]


def test_it_names_the_patient_by_mrn_in_the_hospital_system(case, settings):
    settings.GISTCARE_FHIR_MRN_SYSTEM = "https://hospital.example/mrn"
    patient = one(case_bundle(case), "Patient", "mcode-cancer-patient")
    assert patient["identifier"][0]["system"] == "https://hospital.example/mrn"
    assert patient["identifier"][0]["value"] == "MRN-77001"
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["name"] == [{"family": "Lovelace", "given": ["Ada"]}]
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1961-03-14"


def test_it_exports_the_primary_cancer_condition_with_morphology_site_and_diagnosis_date(case, settings):
    settings.GISTCARE_FHIR_LOCAL_SYSTEM = "https://hospital.example/fhir/cs"
    condition = one(case_bundle(case), "Condition", "mcode-primary-cancer-condition")
    histology = [
        e for e in condition["extension"] if e["url"] == MCODE + "mcode-histology-morphology-behavior"
    ]
    assert codings(histology[0]["valueCodeableConcept"]) == {(codes.ICD_O_3, "8936/3")}
    asserted = [e for e in condition["extension"] if e["url"].endswith("condition-assertedDate")]
    assert asserted[0]["valueDateTime"] == "2025-11-20"
    assert codings(condition["bodySite"][0]) == {
        ("https://hospital.example/fhir/cs/site", "stomach"),
        ("https://hospital.example/fhir/cs/gastric-location", "greater_curvature"),
    }
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"  # histology confirmed
    assert condition["subject"]["reference"] == "urn:uuid:" + one(case_bundle(case), "Patient")["id"]


def test_it_exports_the_tumour_size_in_cm_with_ucum(case):
    size = one(case_bundle(case), "Observation", "mcode-tumor-size")
    assert codings(size["code"]) == {(codes.LOINC, "21889-1")}
    component = size["component"][0]
    assert codings(component["code"]) == {(codes.LOINC, "33728-7")}
    assert component["valueQuantity"] == {"value": 6.5, "system": "http://unitsofmeasure.org", "code": "cm",
                                          "unit": "cm"}  # fmt: skip


def test_it_exports_the_mitotic_count_rupture_and_immunohistochemistry(case):
    bundle = case_bundle(case)
    mitoses = one(bundle, "Observation", code="mitotic-count")
    assert mitoses["valueInteger"] == 8
    assert one(bundle, "Observation", code="tumour-rupture")["valueBoolean"] is False
    assert (
        one(bundle, "Observation", code="cd117-ihc")["valueCodeableConcept"]["coding"][0]["code"]
        == "positive"
    )
    assert (
        one(bundle, "Observation", code="dog1-ihc")["valueCodeableConcept"]["coding"][0]["code"] == "positive"
    )


def test_it_exports_tnm_stage_group_with_its_t_n_m_members(case):
    bundle = case_bundle(case)
    stage = one(bundle, "Observation", "mcode-tnm-stage-group")
    assert stage["valueCodeableConcept"]["coding"][0]["code"] == "IIIA"
    assert codings(stage["method"]) == {(codes.SNOMED, "897275008")}
    t = one(bundle, "Observation", "mcode-tnm-primary-tumor-category")
    n = one(bundle, "Observation", "mcode-tnm-regional-nodes-category")
    m = one(bundle, "Observation", "mcode-tnm-distant-metastases-category")
    assert [x["valueCodeableConcept"]["coding"][0]["code"] for x in (t, n, m)] == ["T3", "N0", "M0"]
    assert codings(t["code"]) == {(codes.SNOMED, "78873005")}
    assert codings(m["code"]) == {(codes.SNOMED, "277208005")}
    assert {h["reference"] for h in stage["hasMember"]} == {f"urn:uuid:{x['id']}" for x in (t, n, m)}


def test_it_exports_the_kit_variant_with_the_hgnc_gene(case):
    variant = one(case_bundle(case), "Observation", "mcode-genomic-variant")
    assert codings(variant["code"]) == {(codes.LOINC, "69548-6")}
    assert codings(variant["valueCodeableConcept"]) == {(codes.LOINC, "LA9633-4")}
    genes = [c for c in variant["component"] if codings(c["code"]) == {(codes.LOINC, "48018-6")}]
    assert codings(genes[0]["valueCodeableConcept"]) == {(codes.HGNC, "HGNC:6342")}


def test_it_exports_one_risk_assessment_per_scheme_with_rule_set_and_version(case):
    bundle = case_bundle(case)
    risks = {r["method"]["coding"][0]["code"]: r for r in resources(bundle, "RiskAssessment")}
    assert set(risks) == {"risk-modified-nih", "risk-nih-2002", "risk-afip"}
    assert risks["risk-modified-nih"]["prediction"][0]["outcome"]["coding"][0]["code"] == "high"
    assert risks["risk-nih-2002"]["prediction"][0]["outcome"]["coding"][0]["code"] == "high"
    assert risks["risk-afip"]["prediction"][0]["outcome"]["coding"][0]["code"] == "high"
    assert risks["risk-afip"]["prediction"][0]["probabilityDecimal"] == 0.55
    assert "rule set esmo-2022 version 2022." in risks["risk-afip"]["method"]["text"]


def test_it_exports_the_operation_with_approach_and_margin(case):
    procedure = one(case_bundle(case), "Procedure", "mcode-cancer-related-surgical-procedure")
    assert procedure["performedDateTime"] == "2026-01-15"
    assert codings(procedure["category"]) == {(codes.SNOMED, "387713003")}
    assert procedure["outcome"]["coding"][0]["code"] == "R0"
    assert "open" in {c["code"] for c in procedure["code"]["coding"]}
    assert (
        procedure["reasonReference"][0]["reference"]
        == "urn:uuid:" + one(case_bundle(case), "Condition")["id"]
    )


def test_it_exports_the_adjuvant_decision_as_a_medication_statement_coded_in_rxnorm(case):
    TreatmentDecision.objects.filter(case=case).update(
        adjuvant_decision="given",
        adjuvant_start=dt.date(2026, 2, 1),
        adjuvant_dose_mg=400,
        adjuvant_planned_months=36,
    )
    case = Case.objects.with_sections().get(pk=case.pk)
    bundle = case_bundle(case)
    validated(bundle)
    statement = one(bundle, "MedicationStatement")
    assert codings(statement["medicationCodeableConcept"]) == {(codes.RXNORM, "403879")}
    assert statement["status"] == "active"
    assert statement["effectivePeriod"] == {"start": "2026-02-01", "end": "2029-02-01"}  # 36 months
    assert statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 400


def test_it_exports_the_surveillance_schedule_as_care_plan_activities(case):
    plan = one(case_bundle(case), "CarePlan")
    # The contract's example: 31 visits, the first CT or MRI on 2026-04-15, the last on 2039-01-15.
    assert len(plan["activity"]) == 31
    first, last = plan["activity"][0]["detail"], plan["activity"][-1]["detail"]
    assert first["scheduledPeriod"]["start"] == "2026-04-15"
    assert first["code"]["coding"][0]["code"] == "ct_or_mri"
    assert last["scheduledPeriod"]["start"] == "2039-01-15"


def test_it_gives_the_same_ids_when_the_case_is_exported_twice(case):
    first, second = case_bundle(case), case_bundle(Case.objects.with_sections().get(pk=case.pk))
    assert first["id"] == second["id"]
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_it_attaches_the_signed_report_with_its_sha256(case):
    coordinator, chair = make_user(role="MDT coordinator"), make_user(role="Surgeon", chair=True)
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    bundle = case_bundle(Case.objects.with_sections().get(pk=case.pk))
    validated(bundle)
    document = one(bundle, "DocumentReference")
    attachment = document["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert pdf == bytes(report.pdf)
    assert document["identifier"][0]["value"] == hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf).digest()  # noqa: S324 (FHIR's definition)
    assert attachment["contentType"] == "application/pdf"


def test_every_demo_case_exports_a_valid_bundle():
    call_command("seed_demo", "--password", "Fhir-export-demo-2026!", stdout=StringIO())
    cases = list(Case.objects.with_sections())
    assert len(cases) >= 20
    for case in cases:
        validated(case_bundle(case))


# The endpoint -----------------------------------------------------------------------------------------------


def test_it_serves_the_bundle_to_a_session_with_view_clinical(client, case):
    client.force_login(make_user(role="Nurse"))
    response = client.get(reverse("fhir:case_bundle", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    validated(json.loads(response.content))


def test_it_serves_the_bundle_to_a_token(client, case):
    _token, raw = api_token_create(owner=make_user(role="Surgeon"), name="EPR")
    response = client.get(
        reverse("fhir:case_bundle", kwargs={"case_id": case.pk}), HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert json.loads(response.content)["entry"][0]["resource"]["identifier"][0]["value"] == "MRN-77001"


def test_it_refuses_a_user_without_a_role_and_an_anonymous_caller(client, case):
    url = reverse("fhir:case_bundle", kwargs={"case_id": case.pk})
    assert client.get(url).status_code == 401
    client.force_login(make_user(role=None))
    assert client.get(url).status_code == 403


def test_it_answers_404_for_an_unknown_case(client, db):
    client.force_login(make_user(role="Nurse"))
    response = client.get(
        reverse("fhir:case_bundle", kwargs={"case_id": "00000000-0000-0000-0000-000000000000"})
    )
    assert response.status_code == 404


# The command ------------------------------------------------------------------------------------------------


def test_export_fhir_writes_one_bundle_per_line(tmp_path, case):
    other = contract_example_case(mrn="MRN-77002")
    call_command("export_fhir", str(tmp_path), stdout=StringIO())
    lines = (tmp_path / "Bundle.ndjson").read_text().splitlines()
    assert len(lines) == 2
    ids = {json.loads(line)["id"] for line in lines}
    assert ids == {case_bundle(case)["id"], case_bundle(other)["id"]}
    for line in lines:
        validated(json.loads(line))


def test_export_fhir_since_keeps_only_cases_changed_since_that_date(tmp_path, case):
    Case.objects.filter(pk=case.pk).update(updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    recent = contract_example_case(mrn="MRN-77003")
    Case.objects.filter(pk=recent.pk).update(updated_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    call_command("export_fhir", "--since", "2026-02-01", str(tmp_path), stdout=StringIO())
    lines = (tmp_path / "Bundle.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [case_bundle(recent)["id"]]


def test_export_fhir_refuses_a_bad_date_without_a_traceback(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--since: enter a date such as 2026-01-31"):
        call_command("export_fhir", "--since", "31/31/2026", str(tmp_path))


def test_it_exports_each_therapy_line_of_the_course_with_its_dose_periods(case):
    # Issue 14 (MedicationStatement for each therapy line), now that issue 13 records the lines: imatinib 400
    # from 2026-03-01, 800 from 2027-06-01 (progression), stopped 2028-01-10 for progression; sunitinib 50
    # from 2028-01-20, ongoing.
    from cases.models import DoseChange, TherapyLine

    imatinib = TherapyLine.objects.create(
        case=case, setting="advanced_1", drug="imatinib", dose_mg_per_day=400, start_date=dt.date(2026, 3, 1),
        stop_date=dt.date(2028, 1, 10), stop_reason="progression",
    )  # fmt: skip
    DoseChange.objects.create(
        line=imatinib, change_date=dt.date(2027, 6, 1), dose_mg_per_day=800, reason="progression"
    )
    TherapyLine.objects.create(
        case=case, setting="advanced_2", drug="sunitinib", dose_mg_per_day=50, start_date=dt.date(2028, 1, 20)
    )
    bundle = case_bundle(Case.objects.with_sections().get(pk=case.pk))
    validated(bundle)
    lines = sorted(resources(bundle, "MedicationStatement"), key=lambda r: r["effectivePeriod"]["start"])
    assert len(lines) == 2
    first, second = lines
    assert first["status"] == "stopped"
    assert first["statusReason"][0]["coding"][0]["code"] == "progression"
    assert first["effectivePeriod"] == {"start": "2026-03-01", "end": "2028-01-10"}
    assert codings(first["medicationCodeableConcept"]) == {
        (codes.RXNORM, "403879")
    }  # 400 and 800: 400 mg tablets
    assert first["category"]["coding"][0]["code"] == "advanced_1"
    assert [
        (d["doseAndRate"][0]["doseQuantity"]["value"], d["timing"]["repeat"]["boundsPeriod"])
        for d in first["dosage"]
    ] == [
        (400, {"start": "2026-03-01", "end": "2027-06-01"}),
        (800, {"start": "2027-06-01", "end": "2028-01-10"}),
    ]
    assert second["status"] == "active"
    assert second["medicationCodeableConcept"] == {"text": "Sunitinib"}  # no RxNorm code verified here
    assert second["effectivePeriod"] == {"start": "2028-01-20"}
    assert second["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 50
    ids = {r["id"] for r in lines}
    assert ids == {
        r["id"]
        for r in resources(case_bundle(Case.objects.with_sections().get(pk=case.pk)), "MedicationStatement")
    }
