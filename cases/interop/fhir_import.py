"""A FHIR R4 Bundle (e.g. from the hospital's EHR) into a new draft case, all or nothing.

What is mapped (docs/fhir.md): the Patient (MRN in the hospital's identifier system, name, birth date, gender),
the primary GIST Condition (site, location, date of diagnosis, histology confirmed), tumour size, mitotic count,
rupture, CD117/DOG1, N category (N1: nodal metastasis), the genomic variant (GISTCare genotype), the resection
(date, approach, margin) and the adjuvant imatinib decision. Everything else is listed as ignored, with the
reason. The values then go through the wizard's own forms (cases.interop.case_rows), so a patient with the same
MRN but another name or birth date is refused exactly as the case form refuses it, and nothing is written unless
the whole Bundle is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticValidationError

from cases.interop import fhir_codes as codes
from cases.interop.case_rows import import_reason, validate_case_values, with_known_contact, write_cases
from cases.models import Case, Patient

MAX_RESOURCES = 500


class BundleRefused(Exception):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__(errors[0]["message"] if errors else "refused")
        self.errors = errors


@dataclass
class ImportReport:
    mapped: list[dict] = field(default_factory=list)  # {"resource", "field", "value"}
    ignored: list[dict] = field(default_factory=list)  # {"resource", "reason"}
    errors: list[dict] = field(default_factory=list)  # {"field", "message"}
    case: Case | None = None

    def as_dict(self) -> dict:
        out: dict = {"mapped": self.mapped, "ignored": self.ignored, "errors": self.errors}
        if self.case is not None:
            out["case"] = str(self.case.pk)
        return out


def _label(resource: dict) -> str:
    return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"


def _codes(concept: dict | None) -> set[tuple[str, str]]:
    return {(c.get("system", ""), c.get("code", "")) for c in (concept or {}).get("coding", [])}


def _local_code(concept: dict | None, value_set: str) -> str | None:
    system = codes.local_system(value_set)
    for coding in (concept or {}).get("coding", []):
        if coding.get("system") == system and coding.get("code"):
            return coding["code"]
    return None


def _has(concept: dict | None, code: codes.Code) -> bool:
    return (code.system, code.code) in _codes(concept)


def _is_observation(resource: dict, name: str) -> bool:
    return _has(resource.get("code"), codes.observation_code(name))


class _Mapper:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.values: dict[str, object] = {}

    def put(self, resource: dict, name: str, value: object, shown: object = None) -> None:
        self.values[name] = value
        self.report.mapped.append(
            {"resource": _label(resource), "field": name, "value": str(value if shown is None else shown)}
        )

    def ignore(self, resource: dict, reason: str) -> None:
        self.report.ignored.append({"resource": _label(resource), "reason": reason})

    def error(self, where: str, message: str) -> None:
        self.report.errors.append({"field": where, "message": message})

    # Patient ------------------------------------------------------------------------------------------------
    def patient(self, resource: dict) -> None:
        mrn = None
        for identifier in resource.get("identifier", []):
            if identifier.get("system") == codes.mrn_system() and identifier.get("value"):
                mrn = identifier["value"]
                break
        if mrn is None:
            self.error(
                "Patient.identifier",
                f"Patient.identifier: no hospital number (MRN) in the system {codes.mrn_system()}; "
                "check GISTCARE_FHIR_MRN_SYSTEM.",
            )
        else:
            self.put(resource, "mrn", mrn)
        names = resource.get("name") or []
        name = next(
            (n for n in names if n.get("use") in (None, "official", "usual")), names[0] if names else {}
        )
        if name.get("family"):
            self.put(resource, "family_name", name["family"])
        if name.get("given"):
            self.put(resource, "given_name", " ".join(name["given"]))
        if resource.get("birthDate"):
            self.put(resource, "date_of_birth", resource["birthDate"])
        if resource.get("gender"):
            self.put(resource, "sex", resource["gender"])

    # Condition ----------------------------------------------------------------------------------------------
    @staticmethod
    def is_primary_gist(resource: dict) -> bool:
        if _is_observation(resource, "gist"):
            return True
        for ext in resource.get("extension", []):
            if ext.get("url") == codes.EXT_HISTOLOGY and _has(
                ext.get("valueCodeableConcept"), codes.GIST_MORPHOLOGY
            ):
                return True
        return False

    def condition(self, resource: dict) -> None:
        sites = resource.get("bodySite") or []
        site = next((s for s in (_local_code(c, "site") for c in sites) if s), None)
        if site is None:
            self.error(
                "Condition.bodySite",
                "Condition.bodySite: the primary site is not coded in GISTCare's site code system; "
                "enter the case by hand or code the site (docs/fhir.md).",
            )
        else:
            self.put(resource, "site", site)
        for value_set, name in (
            ("gastric-location", "gastric_location"),
            ("duodenal-location", "duodenal_location"),
            ("rectal-level", "rectal_level"),
        ):
            value = next((v for v in (_local_code(c, value_set) for c in sites) if v), None)
            if value:
                self.put(resource, name, value)
        for ext in resource.get("extension", []):
            if ext.get("url") == codes.EXT_ASSERTED_DATE and ext.get("valueDateTime"):
                self.put(resource, "diagnosis_date", ext["valueDateTime"][:10])
        if "diagnosis_date" not in self.values and resource.get("onsetDateTime"):
            self.put(resource, "diagnosis_date", resource["onsetDateTime"][:10])
        confirmed = _codes(resource.get("verificationStatus")) & {
            (codes.VERIFICATION_CONFIRMED.system, codes.VERIFICATION_CONFIRMED.code)
        }
        self.put(resource, "histology_confirmed", "yes" if confirmed else "no", bool(confirmed))
        for concept in resource.get("category", []):
            presentation = _local_code(concept, "condition-category")
            if presentation:
                self.put(resource, "presentation", presentation)

    # Observations -------------------------------------------------------------------------------------------
    def observation(self, resource: dict) -> None:
        code = resource.get("code")
        if _has(code, codes.TUMOR_SIZE):
            self.tumour_size(resource)
        elif _is_observation(resource, "mitotic-count"):
            if "valueInteger" in resource:
                self.put(resource, "mitoses_per_5mm2", str(resource["valueInteger"]))
            else:
                self.error(
                    _label(resource), "Mitotic count: expected a whole number (valueInteger) per 5 mm²."
                )
        elif _is_observation(resource, "tumour-rupture"):
            rupture = resource.get("valueBoolean") is True
            self.put(resource, "rupture_grade", "major" if rupture else "none", rupture)
        elif _is_observation(resource, "cd117-ihc") or _is_observation(resource, "dog1-ihc"):
            name = "cd117" if _is_observation(resource, "cd117-ihc") else "dog1"
            value = _local_code(resource.get("valueCodeableConcept"), "stain-result")
            if value:
                self.put(resource, name, value)
            else:
                self.ignore(
                    resource, "the stain result is not coded positive/negative in GISTCare's code system"
                )
        elif _has(code, codes.N_CATEGORY):
            value = _local_code(resource.get("valueCodeableConcept"), "tnm-n")
            if value == "N1":
                self.put(resource, "nodes_positive", "yes", value)
            elif value == "N0":
                # N0 includes unassessed nodes (AJCC 8th): it does not record that the nodes were negative.
                self.ignore(resource, "N0 includes unassessed nodes: regional nodes left as not recorded")
            else:
                self.ignore(resource, "N category not coded as N0/N1 in GISTCare's code system")
        elif _has(code, codes.T_CATEGORY) or _has(code, codes.M_CATEGORY) or _has(code, codes.STAGE_GROUP):
            self.ignore(
                resource, "TNM T/M categories and the stage group are computed by the engine from the case"
            )
        elif _has(code, codes.GENETIC_VARIANT_ASSESSMENT) or _is_observation(resource, "genotype"):
            self.genotype(resource)
        else:
            self.ignore(resource, "an observation GISTCare does not record")

    def tumour_size(self, resource: dict) -> None:
        for component in resource.get("component", []):
            if _has(component.get("code"), codes.TUMOR_MAX_DIMENSION):
                quantity = component.get("valueQuantity") or {}
                unit = quantity.get("code")
                try:
                    value = Decimal(str(quantity.get("value")))
                except InvalidOperation:
                    value = None
                if value is None or unit not in ("cm", "mm"):
                    self.error(
                        "Observation tumour size",
                        "Largest diameter (cm): give the maximum dimension in cm or mm (UCUM).",
                    )
                    return
                cm = value / 10 if unit == "mm" else value
                self.put(resource, "size_cm", str(cm.normalize()), f"{cm.normalize()} cm")
                return
        self.error("Observation tumour size", "Largest diameter (cm): no maximum dimension (LOINC 33728-7).")

    def genotype(self, resource: dict) -> None:
        concepts = [resource.get("valueCodeableConcept")] + [
            c.get("valueCodeableConcept") for c in resource.get("component", [])
        ]
        for concept in concepts:
            value = _local_code(concept, "genotype")
            if value:
                self.put(resource, "genotype", value)
                detail = (concept or {}).get("text", "")
                label_only = any(c.get("display") == detail for c in (concept or {}).get("coding", []))
                if detail and not label_only:
                    self.put(resource, "exon_detail", detail)
                return
        self.ignore(
            resource,
            "a genomic variant without GISTCare's genotype code: the exon cannot be read reliably, enter the "
            "genotype in the case",
        )

    # Procedure and medication ------------------------------------------------------------------------------
    def procedure(self, resource: dict) -> bool:
        """Map a completed resection of the tumour; True when this resource was one."""
        if not (
            _is_observation(resource, "gist-resection")
            or _has(resource.get("category"), codes.SURGICAL_PROCEDURE)
        ):
            self.ignore(resource, "not a resection of the tumour")
            return False
        if resource.get("status") != "completed":
            self.ignore(
                resource, f"procedure status {resource.get('status')!r}: only a completed resection counts"
            )
            return False
        self.put(resource, "resected", "yes", True)
        performed = resource.get("performedDateTime") or (resource.get("performedPeriod") or {}).get("start")
        if performed:
            self.put(resource, "surgery_date", performed[:10])
        approach = _local_code(resource.get("code"), "surgical-approach")
        if approach:
            self.put(resource, "approach_used", approach)
        margin = _local_code(resource.get("outcome"), "resection-margin")
        if margin:
            self.put(resource, "margin", margin)
        return True

    def medication(self, resource: dict) -> None:
        setting = _local_code(resource.get("category"), "therapy-setting")
        text = (resource.get("medicationCodeableConcept") or {}).get("text", "")
        if setting != "adjuvant" or "imatinib" not in text.lower():
            self.ignore(resource, "not adjuvant imatinib: other therapy lines are not recorded yet")
            return
        if resource.get("status") == "not-taken":
            self.put(resource, "adjuvant_decision", "declined")
            return
        self.put(resource, "adjuvant_decision", "given")
        start = (resource.get("effectivePeriod") or {}).get("start")
        if start:
            self.put(resource, "adjuvant_start", start[:10])
        for dosage in resource.get("dosage", []):
            for rate in dosage.get("doseAndRate", []):
                dose = (rate.get("doseQuantity") or {}).get("value")
                if dose is not None:
                    self.put(
                        resource,
                        "adjuvant_dose_mg",
                        str(int(dose)) if float(dose).is_integer() else str(dose),
                    )
        for ext in resource.get("extension", []):
            if ext.get("url") == codes.local_system("planned-duration"):
                months = (ext.get("valueQuantity") or {}).get("value")
                if months is not None:
                    self.put(resource, "adjuvant_planned_months", str(int(months)))


IGNORED_TYPES = {
    "RiskAssessment": "risk is recomputed by the guideline engine from the imported facts",
    "CarePlan": "the surveillance schedule is made from the engine when the MDT signs the case",
    "DocumentReference": "signed reports belong to the case they were signed for; the import starts a draft",
}


def map_bundle(data: object) -> tuple[dict, ImportReport]:
    """The case values a Bundle gives, and what was mapped, ignored and refused (nothing is written)."""
    report = ImportReport()
    mapper = _Mapper(report)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        mapper.error("resourceType", "resourceType: send a FHIR Bundle.")
        return mapper.values, report
    try:
        Bundle.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        mapper.error(where or "Bundle", f"Bundle: not a valid FHIR R4 Bundle at {where}: {first.get('msg')}")
        return mapper.values, report
    entries = [e.get("resource") or {} for e in data.get("entry", [])]
    if len(entries) > MAX_RESOURCES:
        mapper.error("Bundle.entry", f"Bundle.entry: at most {MAX_RESOURCES} resources (got {len(entries)}).")
        return mapper.values, report
    patients = [r for r in entries if r.get("resourceType") == "Patient"]
    if len(patients) != 1:
        mapper.error(
            "Patient", f"Patient: the Bundle must hold exactly one patient (it holds {len(patients)})."
        )
        return mapper.values, report
    primaries = [r for r in entries if r.get("resourceType") == "Condition" and mapper.is_primary_gist(r)]
    if len(primaries) != 1:
        mapper.error(
            "Condition",
            "Condition: the Bundle must hold exactly one primary GIST condition (ICD-O-3 8936/3); "
            f"it holds {len(primaries)}.",
        )
        return mapper.values, report
    resections = 0
    for resource in entries:
        kind = resource.get("resourceType")
        if kind == "Patient":
            mapper.patient(resource)
        elif kind == "Condition":
            if resource is primaries[0]:
                mapper.condition(resource)
            else:
                mapper.ignore(resource, "not the primary GIST condition")
        elif kind == "Observation":
            mapper.observation(resource)
        elif kind == "Procedure":
            resections += mapper.procedure(resource)
        elif kind == "MedicationStatement":
            mapper.medication(resource)
        elif kind in IGNORED_TYPES:
            mapper.ignore(resource, IGNORED_TYPES[kind])
        else:
            mapper.ignore(resource, "a resource type GISTCare does not record")
    if resections > 1:
        mapper.error(
            "Procedure", "Procedure: more than one resection of the tumour; import one episode at a time."
        )
    mapper.values.setdefault("resected", "no")
    return mapper.values, report


def import_bundle(*, data: object, user, source: str = "a FHIR Bundle") -> ImportReport:
    """Map, validate with the case form's rules, and write a new draft case, all or nothing."""
    values, report = map_bundle(data)
    if report.errors:
        return report
    known = Patient.objects.filter(mrn__iexact=str(values.get("mrn", ""))).first()
    validated = validate_case_values(with_known_contact(values, known))
    for name, messages in validated.errors.items():
        for message in messages:
            report.errors.append({"field": name, "message": message})
    if report.errors:
        return report
    with transaction.atomic():
        (case,) = write_cases(validated=[validated], user=user, reason=import_reason(source, user))
    report.case = case
    return report
