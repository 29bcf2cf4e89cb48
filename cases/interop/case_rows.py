"""A whole case given as flat values (form field names -> text), validated and written exactly as the wizard does.

The FHIR import and the register import both arrive here: `validate_case_values` runs the wizard's own step
forms (cases.records.forms.STEP_FORMS: the same parsing, normalisation and cross-field rules, including the MRN/identity
check of the patient step), and `write_cases` stores them with the wizard's own clearing and picking of values and the
same engine facts, in bulk. Nothing here re-implements a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.choices import CaseStatus
from cases.models import (
    Assessment,
    Case,
    Diagnostics,
    Operation,
    Pathology,
    Patient,
    Presentation,
    TreatmentDecision,
)
from cases.records.assessment import facts_to_json
from cases.records.facts import build_facts
from cases.records.forms import STEP_FORMS, TriStateField
from cases.records.services import _pick
from cases.records.step_fields import (
    DIAGNOSTICS_FIELDS,
    OPERATION_FIELDS,
    PATHOLOGY_FIELDS,
    PATIENT_FIELDS,
    PRESENTATION_FIELDS,
    TREATMENT_FIELDS,
)
from cases.records.validation import LABELS, clear_hidden, hidden_fields, validate_case_data
from guidelines import assess

STEPS = ("patient", "presentation", "operation", "pathology")
WRITTEN_STEPS = ("presentation", "operation", "pathology")
CONTACT_FIELDS = ("sex", "phone", "email", "preferred_contact")
DATE_KEYS = frozenset({"date_of_birth", "diagnosis_date", "biopsy_date", "surgery_date", "adjuvant_start"})
# simple-history's change reason column is 100 characters long.
REASON_MAX = 100


@dataclass
class ValidatedCase:
    cleaned: dict[str, dict] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def with_known_contact(values: Mapping[str, object], patient: Patient | None) -> dict:
    """`values`, with a known patient's contact details where the source gives none.

    The patient step brings contact details up to date; a source that simply does not carry them (a FHIR Bundle,
    a register without a phone column) must not blank what the hospital already has.
    """
    out = dict(values)
    if patient is not None:
        for name in CONTACT_FIELDS:
            if out.get(name) in (None, ""):
                out[name] = getattr(patient, name)
    if not out.get("ruleset"):
        out["ruleset"] = settings.GISTCARE_DEFAULT_RULESET
    for name, default in (("sex", "unknown"), ("preferred_contact", "phone")):
        if out.get(name) in (None, ""):
            out[name] = default
    return out


def validate_case_values(values: Mapping[str, object], *, today: date | None = None) -> ValidatedCase:
    """Run every step form of the wizard on `values`, each with the earlier steps' answers as its context."""
    today = today or timezone.localdate()
    # An absent answer to "resected" means no (the case form requires a yes or no).
    values = {"resected": "no", **values}
    result = ValidatedCase()
    context: dict = {}
    for step in STEPS:
        form_class = STEP_FORMS[step]
        data = {}
        for name, form_field in form_class.base_fields.items():
            given = values.get(name)
            if given is not None and (given != "" or not form_field.required):
                data[name] = given
            elif form_field.initial is not None and (name not in values or form_field.required):
                # What the wizard shows before anyone types (localized, not tested, boundary clear...).
                data[name] = "on" if form_field.initial is True else form_field.initial
        form = form_class(data=data, context=context, today=today)
        valid = form.is_valid()
        for name, messages in form.errors.items():
            for message in messages:
                # A later step's cross-field rules may repeat an earlier step's message: report it once.
                if not any(message in listed for listed in result.errors.values()):
                    result.errors.setdefault(name, []).append(message)
        context.update(form.cleaned_data)
        if valid:
            result.cleaned[step] = dict(form.cleaned_data)
    _refuse_values_that_do_not_apply(values, result, today)
    return result


_TRI_STATE = frozenset(
    name
    for form_class in STEP_FORMS.values()
    for name, field in form_class.base_fields.items()
    if isinstance(field, TriStateField)
)


def _given(value: object) -> bool:
    # A "no" (False, or rupture grade "none") under a hidden branch records nothing that would be lost.
    return value is not False and value not in (None, "", [], "0", 0, "none")


def _refuse_values_that_do_not_apply(
    values: Mapping[str, object], result: ValidatedCase, today: date
) -> None:
    """A value the case form would hide for these answers (a margin without a resection, a gastric location for
    a rectal tumour...) is refused rather than silently dropped: the wizard never shows such a field, but a file
    can carry one, and dropping it would lose what the hospital recorded without saying so."""
    # Yes/no answers as the case form reads them ("no" is a string, but it means False).
    values = {
        k: TriStateField.parse(v) if k in _TRI_STATE and isinstance(v, str) else v for k, v in values.items()
    }
    hidden = hidden_fields(values)
    # The shared validator's own wording where it has one (cases.records.validation.validate_case_data).
    worded = validate_case_data({k: v for k, v in values.items() if not isinstance(v, str) or k not in DATE_KEYS},
                                today=today)  # fmt: skip
    for name in sorted(hidden):
        if name in result.errors or not _given(values.get(name)):
            continue
        messages = worded.get(name) or [
            f"{LABELS.get(name, name.replace('_', ' ').capitalize())}: does not apply to this case "
            "(the case form hides it for these answers)."
        ]
        result.errors[name] = list(messages)


def write_cases(
    *, validated: list[ValidatedCase], user, reason: str, today: date | None = None
) -> list[Case]:
    """Save validated cases as drafts, each with its engine assessment, in bulk (a constant number of queries).

    The values are cleared and picked exactly as the wizard's service does (cases.records.validation.clear_hidden and
    the field lists of cases.records.step_fields, via cases.records.services._pick); the engine answer is computed from
    the same facts (cases.records.facts.build_facts) and stored as the case's snapshot, but the case stays a draft for
    the responsible surgeon to review. A patient already on record is reused and left unchanged. Every record
    gets its history row with `reason` ("imported from <file> by <user>") and the importing user.
    The caller holds the transaction (one per Bundle, one for a whole register file).
    """
    today = today or timezone.localdate()
    reason = reason[:REASON_MAX]
    mrns = {v.cleaned["patient"]["mrn"].casefold() for v in validated}
    patients = {
        p.mrn.casefold(): p
        for p in Patient.objects.select_for_update().annotate(folded=Lower("mrn")).filter(folded__in=mrns)
    }
    new_patients: list[Patient] = []
    cases: list[Case] = []
    sections: dict[type, list] = {model: [] for model, _fields in SECTION_MODELS.values()}
    assessments: list[Assessment] = []
    for item in validated:
        answers = item.cleaned["patient"]
        patient = patients.get(answers["mrn"].casefold())
        if patient is None:
            patient = Patient(**{name: answers[name] for name in PATIENT_FIELDS})
            patients[answers["mrn"].casefold()] = patient
            new_patients.append(patient)
        case = Case(
            patient=patient,
            owner=user,
            diagnosis_date=answers.get("diagnosis_date"),
            ruleset=answers.get("ruleset") or settings.GISTCARE_DEFAULT_RULESET,
            status=CaseStatus.DRAFT,
        )
        values = clear_hidden({k: v for step in STEPS for k, v in item.cleaned[step].items()})
        for name, (model, fields) in SECTION_MODELS.items():
            record = None
            if name != "operation" or values.get("resected"):
                record = model(case=case, **_pick(values, fields))
                sections[model].append(record)
            case._state.fields_cache[name] = record  # build_facts reads the sections without a query
        facts = build_facts(case, today=today)
        payload = assess(facts, case.ruleset, today=today).to_dict()
        case.risk_category = (payload.get("risk") or {}).get("modified_nih") or ""
        case.pathway = payload["pathway"]
        assessments.append(
            Assessment(
                case=case,
                created_by=user,
                ruleset=payload["ruleset"],
                ruleset_version=payload["ruleset_version"],
                facts=facts_to_json(facts),
                result=payload,
            )
        )
        cases.append(case)
    history = {"default_user": user, "default_change_reason": reason}
    bulk_create_with_history(new_patients, Patient, batch_size=500, **history)
    bulk_create_with_history(cases, Case, batch_size=500, **history)
    for model, records in sections.items():
        bulk_create_with_history(records, model, batch_size=500, **history)
    Assessment.objects.bulk_create(assessments, batch_size=500)
    return cases


SECTION_MODELS = {
    "presentation": (Presentation, PRESENTATION_FIELDS),
    "diagnostics": (Diagnostics, DIAGNOSTICS_FIELDS),
    "operation": (Operation, OPERATION_FIELDS),
    "pathology": (Pathology, PATHOLOGY_FIELDS),
    "treatment": (TreatmentDecision, TREATMENT_FIELDS),
}


def import_reason(source: str, user) -> str:
    who = user.get_username() if user is not None else "unknown user"
    return f"imported from {source} by {who}"
