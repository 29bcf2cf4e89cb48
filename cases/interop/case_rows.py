"""A whole case given as flat values (form field names -> text), validated and written exactly as the wizard does.

The FHIR import and the register import both arrive here: `validate_case_values` runs the wizard's own step
forms (cases.forms.STEP_FORMS: the same parsing, normalisation and cross-field rules, including the MRN/identity
check of the patient step), and `write_case` saves through the wizard's services (case_create, case_save_step),
so an imported case is indistinguishable from one typed in. Nothing here re-implements a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from cases.choices import CaseStatus
from cases.forms import STEP_FORMS
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation, TreatmentDecision
from cases.services.cases import case_create, case_save_step
from cases.validation import LABELS, hidden_fields, validate_case_data

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
    # An absent answer to "resected" means no, as in the wizard's checkbox (the form reads it that way too).
    values = {"resected": "", **values}
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


def _given(value: object) -> bool:
    return value not in (None, "", [], "0", 0)


def _refuse_values_that_do_not_apply(
    values: Mapping[str, object], result: ValidatedCase, today: date
) -> None:
    """A value the case form would hide for these answers (a margin without a resection, a gastric location for
    a rectal tumour...) is refused rather than silently dropped: the wizard never shows such a field, but a file
    can carry one, and dropping it would lose what the hospital recorded without saying so."""
    hidden = hidden_fields(values)
    # The shared validator's own wording where it has one (cases.validation.validate_case_data).
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


def write_case(*, validated: ValidatedCase, user) -> Case:
    """Save a validated case through the wizard's services; it stays a draft for the surgeon to review.

    The caller holds the transaction (one per Bundle, one for a whole register file).
    """
    patient_values = validated.cleaned["patient"]
    case = case_create(user=user, **patient_values)
    for step in WRITTEN_STEPS:
        case_save_step(case=case, step=step, data=validated.cleaned[step], user=user)
    # Saving assessed the case (the engine's answer is stored); an imported case has not been reviewed yet.
    if case.status != CaseStatus.DRAFT:
        case.status = CaseStatus.DRAFT
        case.save(update_fields=["status", "updated_at"])
    return case


HISTORY_MODELS = (
    (Case, "id"),
    (Presentation, "case_id"),
    (Diagnostics, "case_id"),
    (Operation, "case_id"),
    (Pathology, "case_id"),
    (TreatmentDecision, "case_id"),
)


def mark_history(*, cases: Iterable[Case], since: datetime, reason: str) -> None:
    """Give every history row the import wrote (since `since`) the reason "imported from <file> by <user>".

    One UPDATE per record type, whatever the number of cases: the cost per imported row stays constant.
    """
    case_list = list(cases)
    reason = reason[:REASON_MAX]
    case_ids = [c.pk for c in case_list]
    patient_ids = {c.patient_id for c in case_list}
    Patient.history.model.objects.filter(id__in=patient_ids, history_date__gte=since).update(
        history_change_reason=reason
    )
    for model, column in HISTORY_MODELS:
        model.history.model.objects.filter(**{f"{column}__in": case_ids}, history_date__gte=since).update(
            history_change_reason=reason
        )


def import_reason(source: str, user) -> str:
    who = user.get_username() if user is not None else "unknown user"
    return f"imported from {source} by {who}"
