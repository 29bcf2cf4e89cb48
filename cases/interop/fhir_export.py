"""A case as a FHIR R4 Bundle (type collection) following the mCODE STU4 profiles where one exists.

Read-only: nothing is stored (the risk comes from the latest stored assessment, or is computed without saving
as the report preview does). Every resource id is derived from the case's (or the patient's) UUID, so the
same case exported twice gives the same ids. The Bundle is checked by `fhir.resources` (R4B models) before it
leaves: a structural error is a bug here and raises, it is never sent half-valid. docs/fhir.md describes the
mapping element by element.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import date
from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from cases.choices import FollowUpSource
from cases.interop import fhir_codes as codes
from cases.models import Case, SignedReport
from cases.records.assessment import case_assessment_preview
from guidelines import add_months

# The namespace of the name-based (version 5) UUIDs that make resource ids stable.
ID_NAMESPACE = uuid.UUID("4b1f7d52-2f7c-4c61-9d0e-6a3f3c1e9a10")

RISK_SCHEMES = (
    ("modified_nih", "risk-modified-nih"),
    ("nih_2002", "risk-nih-2002"),
    ("afip", "risk-afip"),
)
FOLLOWUP_STATUS = {"pending": "scheduled", "done": "completed", "cancelled": "cancelled"}


def resource_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def ref(resource: dict) -> dict:
    return {"reference": f"urn:uuid:{resource['id']}"}


class _Builder:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.entries: list[dict] = []
        self.patient: dict = {}
        self.condition: dict | None = None

    def add(self, resource: dict) -> dict:
        self.entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
        return resource

    def rid(self, name: str) -> str:
        return resource_id("case", self.case.pk, name)

    def observation(self, name: str, *, code: dict, profile: str | None = None, **fields) -> dict:
        resource = {
            "resourceType": "Observation",
            "id": self.rid(name),
            "status": "final",
            "code": code,
            "subject": ref(self.patient),
            **fields,
        }
        if profile:
            resource["meta"] = {"profile": [profile]}
        if self.condition is not None:
            resource["focus"] = [ref(self.condition)]
        return self.add(resource)


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | float) -> float:
    return float(value)


def build_patient(case: Case) -> dict:
    patient = case.patient
    return {
        "resourceType": "Patient",
        "id": resource_id("patient", patient.pk),
        "meta": {"profile": [codes.PROFILE_PATIENT]},
        "identifier": [
            {
                "use": "usual",
                "type": codes.MRN_TYPE.concept(),
                "system": codes.mrn_system(),
                "value": patient.mrn,
            }
        ],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": patient.sex,  # the app's vocabulary is FHIR's AdministrativeGender
        "birthDate": patient.date_of_birth.isoformat(),
    }


def _condition(b: _Builder, presentation, diagnostics) -> dict:
    case = b.case
    body_site = codes.local("site", presentation.site, presentation.get_site_display()).concept()
    for field in ("gastric_location", "duodenal_location", "rectal_level"):
        value = getattr(presentation, field)
        if value:
            label = getattr(presentation, f"get_{field}_display")()
            body_site["coding"].append(codes.local(field.replace("_", "-"), value, label).coding())
    confirmed = bool(diagnostics and diagnostics.histology_confirmed)
    condition = {
        "resourceType": "Condition",
        "id": b.rid("primary-condition"),
        "meta": {"profile": [codes.PROFILE_PRIMARY_CONDITION]},
        "extension": [
            {"url": codes.EXT_HISTOLOGY, "valueCodeableConcept": codes.GIST_MORPHOLOGY.concept()},
        ],
        "clinicalStatus": codes.CLINICAL_ACTIVE.concept(),
        "verificationStatus": (
            codes.VERIFICATION_CONFIRMED if confirmed else codes.VERIFICATION_PROVISIONAL
        ).concept(),
        "category": [
            codes.local("condition-category", presentation.presentation).concept(
                presentation.get_presentation_display()
            )
        ],
        "code": codes.observation_code("gist").concept(),
        "bodySite": [body_site],
        "subject": ref(b.patient),
    }
    if case.diagnosis_date:
        condition["extension"].append(
            {"url": codes.EXT_ASSERTED_DATE, "valueDateTime": case.diagnosis_date.isoformat()}
        )
    return condition


def _observations(b: _Builder, presentation, diagnostics, operation, pathology) -> None:
    if presentation.size_cm is not None:
        b.observation(
            "tumour-size",
            code=codes.TUMOR_SIZE.concept(),
            profile=codes.PROFILE_TUMOR_SIZE,
            component=[
                {
                    "code": codes.TUMOR_MAX_DIMENSION.concept(),
                    "valueQuantity": {"value": _decimal(presentation.size_cm), **codes.UCUM_CM},
                }
            ],
        )
    if pathology and pathology.mitoses_per_5mm2 is not None:
        b.observation(
            "mitotic-count",
            code=codes.observation_code("mitotic-count").concept(),
            valueInteger=pathology.mitoses_per_5mm2,
        )
    if operation is not None and operation.rupture_grade:  # not recorded: no observation
        b.observation(
            "tumour-rupture",
            code=codes.observation_code("tumour-rupture").concept(),
            # Only a major rupture (Oslo criteria) is rupture; a minor one is recorded as no rupture.
            valueBoolean=operation.rupture_grade == "major",
        )
    for field, name in (("cd117", "cd117-ihc"), ("dog1", "dog1-ihc")):
        value = getattr(diagnostics, field, "") if diagnostics else ""
        if value:
            b.observation(
                name,
                code=codes.observation_code(name).concept(),
                category=[codes.LABORATORY.concept()],
                valueCodeableConcept=codes.local("stain-result", value, value.title()).concept(),
            )
    if pathology and pathology.genotype and pathology.genotype != "not_tested":
        _genomic_variant(b, pathology)


def _genomic_variant(b: _Builder, pathology) -> None:
    genotype = codes.local("genotype", pathology.genotype, pathology.get_genotype_display()).concept(
        pathology.exon_detail or None
    )
    genotype_component = {
        "code": codes.observation_code("genotype").concept(),
        "valueCodeableConcept": genotype,
    }
    gene = codes.GENOTYPE_GENES.get(pathology.genotype)
    if gene is not None:
        b.observation(
            "genomic-variant",
            code=codes.GENETIC_VARIANT_ASSESSMENT.concept(),
            profile=codes.PROFILE_GENOMIC_VARIANT,
            category=[codes.LABORATORY.concept()],
            valueCodeableConcept=codes.VARIANT_PRESENT.concept(),
            component=[
                {"code": codes.GENE_STUDIED.concept(), "valueCodeableConcept": gene.concept()},
                genotype_component,
            ],
        )
    elif pathology.genotype == "wild_type_unspecified":
        # KIT and PDGFRA studied, no variant found: a pertinent negative for both genes.
        b.observation(
            "genomic-variant",
            code=codes.GENETIC_VARIANT_ASSESSMENT.concept(),
            profile=codes.PROFILE_GENOMIC_VARIANT,
            category=[codes.LABORATORY.concept()],
            valueCodeableConcept=codes.VARIANT_ABSENT.concept(),
            component=[
                {"code": codes.GENE_STUDIED.concept(), "valueCodeableConcept": codes.GENE_KIT.concept()},
                {"code": codes.GENE_STUDIED.concept(), "valueCodeableConcept": codes.GENE_PDGFRA.concept()},
                genotype_component,
            ],
        )
    else:
        # SDH-deficient, NF1, BRAF, NTRK: no verified gene code here, so a local genotype observation only.
        b.observation(
            "genomic-variant",
            code=codes.observation_code("genotype").concept(),
            category=[codes.LABORATORY.concept()],
            valueCodeableConcept=genotype,
        )


def _staging(b: _Builder, tnm: dict) -> None:
    members = []
    for key, code, profile in (
        ("t", codes.T_CATEGORY, codes.PROFILE_T_CATEGORY),
        ("n", codes.N_CATEGORY, codes.PROFILE_N_CATEGORY),
        ("m", codes.M_CATEGORY, codes.PROFILE_M_CATEGORY),
    ):
        if tnm.get(key):
            members.append(
                b.observation(
                    f"tnm-{key}",
                    code=code.concept(),
                    profile=profile,
                    method=codes.AJCC_8.concept(),
                    valueCodeableConcept=codes.local(f"tnm-{key}", tnm[key]).concept(),
                )
            )
    if tnm.get("stage"):
        b.observation(
            "tnm-stage-group",
            code=codes.STAGE_GROUP.concept(),
            profile=codes.PROFILE_STAGE_GROUP,
            method=codes.AJCC_8.concept(),
            valueCodeableConcept=codes.local("tnm-stage", tnm["stage"]).concept(),
            hasMember=[ref(m) for m in members],
        )


def _risk_assessments(b: _Builder, result: dict) -> None:
    risk = result.get("risk") or {}
    method_text = f"rule set {result.get('ruleset')} version {result.get('ruleset_version')}"
    for key, name in RISK_SCHEMES:
        value = risk.get(key)
        if not value:
            continue
        category = value["category"] if isinstance(value, dict) else value
        prediction: dict = {"outcome": codes.local(name, category, category.replace("_", " ")).concept()}
        if isinstance(value, dict) and value.get("progression_pct") is not None:
            prediction["probabilityDecimal"] = float(Decimal(str(value["progression_pct"])) / 100)
        b.add(
            {
                "resourceType": "RiskAssessment",
                "id": b.rid(name),
                "status": "final",
                "method": codes.observation_code(name).concept(
                    f"{codes.LOCAL_OBSERVATIONS[name]}; {method_text}"
                ),
                "subject": ref(b.patient),
                "condition": ref(b.condition),
                "prediction": [prediction],
            }
        )


def _procedure(b: _Builder, operation) -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": b.rid("resection"),
        "meta": {"profile": [codes.PROFILE_SURGICAL_PROCEDURE]},
        "status": "completed",
        "category": codes.SURGICAL_PROCEDURE.concept(),
        "code": codes.observation_code("gist-resection").concept(),
        "subject": ref(b.patient),
        "performedDateTime": operation.surgery_date.isoformat(),
        "reasonReference": [ref(b.condition)],
        "bodySite": b.condition["bodySite"],
    }
    if operation.approach_used:
        procedure["code"]["coding"].append(
            codes.local(
                "surgical-approach", operation.approach_used, operation.get_approach_used_display()
            ).coding()
        )
    if operation.margin:
        procedure["outcome"] = codes.local(
            "resection-margin", operation.margin, operation.get_margin_display()
        ).concept()
    b.add(procedure)


def imatinib_product(dose_mg: int | None) -> codes.Code | None:
    """The RxNorm tablet that delivers a daily dose in whole tablets (400 mg first), or None."""
    if dose_mg and dose_mg % 400 == 0:
        return codes.IMATINIB_400_TABLET
    if dose_mg and dose_mg % 100 == 0:
        return codes.IMATINIB_100_TABLET
    return None


def _medication_statement(b: _Builder, treatment) -> None:
    """The MDT's adjuvant decision, when the treatment course has no adjuvant line recording what was given."""
    decision = treatment.adjuvant_decision if treatment else ""
    if not decision:
        return
    dose = treatment.adjuvant_dose_mg
    medication = {"text": "imatinib"}
    product = imatinib_product(dose)
    if product is not None:
        medication["coding"] = [product.coding()]
    statement: dict = {
        "resourceType": "MedicationStatement",
        "id": b.rid("adjuvant-imatinib"),
        "status": "not-taken" if decision == "declined" else "active",
        "category": codes.local("therapy-setting", "adjuvant", "Adjuvant").concept(),
        "medicationCodeableConcept": medication,
        "subject": ref(b.patient),
        "reasonReference": [ref(b.condition)],
    }
    start = treatment.adjuvant_start
    if decision == "given" and start:
        end = None
        if treatment.adjuvant_planned_months:
            end = add_months(start, treatment.adjuvant_planned_months)
        statement["effectivePeriod"] = {
            "start": start.isoformat(),
            **({"end": end.isoformat()} if end else {}),
        }
    if decision == "given" and dose:
        dosage: dict = {
            "text": f"{dose} mg once daily",
            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
            "doseAndRate": [
                {"doseQuantity": {"value": dose, "unit": "mg", "system": codes.UCUM, "code": "mg"}}
            ],
        }
        statement["dosage"] = [dosage]
    if decision == "given" and treatment.adjuvant_planned_months:
        statement["extension"] = [
            {
                "url": codes.local_system("planned-duration"),
                "valueQuantity": {"value": treatment.adjuvant_planned_months, **codes.UCUM_MONTH},
            }
        ]
    b.add(statement)


def _care_plan(b: _Builder, result: dict) -> None:
    # A result waiting for the team's review (cases/course/worklist.py) is no planned activity.
    items = list(b.case.followups.exclude(source=FollowUpSource.REVIEW).order_by("due_date", "id"))
    activities = []
    if items:
        for item in items:
            activities.append(
                _activity(
                    item.modality,
                    item.get_modality_display(),
                    item.due_date.isoformat(),
                    FOLLOWUP_STATUS[item.status],
                )
            )
    else:
        for visit in result.get("surveillance") or []:
            activities.append(_activity(visit["modality"], visit["modality"], visit["due"], "not-started"))
    if not activities:
        return
    b.add(
        {
            "resourceType": "CarePlan",
            "id": b.rid("surveillance"),
            "status": "active",
            "intent": "plan",
            "category": [codes.observation_code("surveillance").concept()],
            "subject": ref(b.patient),
            "addresses": [ref(b.condition)],
            "activity": activities,
        }
    )


def _activity(modality: str, label: str, due: str, status: str) -> dict:
    return {
        "detail": {
            "kind": "ServiceRequest",
            "code": codes.local("surveillance-modality", modality, label).concept(),
            "status": status,
            "scheduledPeriod": {"start": due, "end": due},
        }
    }


def _document(b: _Builder, report: SignedReport) -> None:
    pdf = bytes(report.pdf)
    b.add(
        {
            "resourceType": "DocumentReference",
            "id": resource_id("report", report.pk),
            "identifier": [{"system": codes.local_system("report-sha256"), "value": report.pdf_sha256}],
            "status": "current",
            "type": codes.observation_code("mdt-report").concept(),
            "subject": ref(b.patient),
            "date": report.signed_at.isoformat(),
            "description": f"MDT report version {report.version}, signed by {report.signed_by_name}",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "data": base64.b64encode(pdf).decode("ascii"),
                        "size": len(pdf),
                        # FHIR defines Attachment.hash as SHA-1; the report's SHA-256 is the identifier above.
                        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324
                        "title": f"MDT report v{report.version}.pdf",
                    }
                }
            ],
            "context": {"related": [ref(b.condition)]},
        }
    )


def _dose_periods(line, changes: list) -> list[tuple[float | None, date, date | None]]:
    """(dose mg/day, from, to) for each dose of a therapy line: its starting dose (None: not recorded), then each
    dose change."""
    first = float(line.dose_mg_per_day) if line.dose_mg_per_day is not None else None
    starts: list[tuple[float | None, date]] = [(first, line.start_date)]
    starts += [(float(change.dose_mg_per_day), change.change_date) for change in changes]
    ends = [start for _, start in starts[1:]] + [line.stop_date]
    return [(dose, start, end) for (dose, start), end in zip(starts, ends, strict=True)]


def _therapy_lines(b: _Builder, case: Case) -> bool:
    """One MedicationStatement per therapy line of the treatment course (issue 13's records), with one Dosage per
    dose period. Imatinib is RxNorm-coded by tablet when every dose is whole tablets; other drugs are text
    (no RxNorm code verified here). Returns whether the course holds an adjuvant line."""
    lines = list(case.therapy_lines.prefetch_related("dose_changes").order_by("start_date", "created_at"))
    for line in lines:
        periods = _dose_periods(line, list(line.dose_changes.all()))
        medication: dict = {"text": line.get_drug_display()}
        if line.drug == "imatinib":
            products = {
                imatinib_product(int(dose)) if dose is not None and dose == int(dose) else None
                for dose, _, _ in periods
            }
            if len(products) == 1 and None not in products:
                medication = {"coding": [products.pop().coding()], "text": "imatinib"}
        if line.stop_date is None:
            status = "active"
        else:
            status = "completed" if line.stop_reason == "completed" else "stopped"
        statement: dict = {
            "resourceType": "MedicationStatement",
            "id": b.rid(f"therapy-line-{line.pk}"),
            "status": status,
            "category": codes.local("therapy-setting", line.setting, line.get_setting_display()).concept(),
            "medicationCodeableConcept": medication,
            "subject": ref(b.patient),
            "reasonReference": [ref(b.condition)],
            "effectivePeriod": {
                "start": line.start_date.isoformat(),
                **({"end": line.stop_date.isoformat()} if line.stop_date else {}),
            },
            "dosage": [
                {
                    "sequence": number,
                    "text": f"{dose:g} mg once daily",
                    "timing": {
                        "repeat": {
                            "frequency": 1,
                            "period": 1,
                            "periodUnit": "d",
                            "boundsPeriod": {
                                "start": start.isoformat(),
                                **({"end": end.isoformat()} if end else {}),
                            },
                        }
                    },
                    "doseAndRate": [
                        {"doseQuantity": {"value": dose, "unit": "mg", "system": codes.UCUM, "code": "mg"}}
                    ],
                }
                for number, (dose, start, end) in enumerate(periods, start=1)
                if dose is not None  # a dose not recorded is left out, never guessed
            ],
        }
        if line.stop_reason:
            statement["statusReason"] = [
                codes.local("stop-reason", line.stop_reason, line.get_stop_reason_display()).concept()
            ]
        b.add(statement)
    return any(line.setting == "adjuvant" for line in lines)


def case_bundle(case: Case) -> dict:
    """The case as a validated FHIR Bundle, as a JSON-ready dict."""
    b = _Builder(case)
    b.patient = b.add(build_patient(case))
    presentation = case.section("presentation")
    diagnostics = case.section("diagnostics")
    operation = case.section("operation")
    pathology = case.section("pathology")
    treatment = case.section("treatment")
    if presentation is not None and presentation.site:
        b.condition = b.add(_condition(b, presentation, diagnostics))
        _observations(b, presentation, diagnostics, operation, pathology)
        assessment = case_assessment_preview(case=case)
        result = assessment.result if assessment is not None else {}
        if (result.get("risk") or {}).get("tnm"):
            _staging(b, result["risk"]["tnm"])
        _risk_assessments(b, result)
        if operation is not None:
            _procedure(b, operation)
        # The course's therapy lines, as delivered; the adjuvant decision only when no adjuvant line records it.
        if not _therapy_lines(b, case):
            _medication_statement(b, treatment)
        _care_plan(b, result)
        report = case.signed_reports.order_by("-version").first()
        if report is not None:
            _document(b, report)
    bundle = {
        "resourceType": "Bundle",
        "id": resource_id("bundle", case.pk),
        "type": "collection",
        "entry": b.entries,
    }
    Bundle.model_validate(bundle)  # raises on any structural error: never send an invalid Bundle
    return bundle
