"""Writes of the stepwise case form: creating a case and saving one step, each in one transaction.

Every step saves at once (a closed tab loses nothing), clears what its branch hides, then re-assesses the case
with the engine as soon as the case has a site (before that there is nothing to assess).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from cases.choices import PreferredContact, Sex
from cases.followups.services import followups_on_case_change
from cases.mdt.services import case_note_clinical_change
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
from cases.records.assessment import case_assess
from cases.records.selectors import case_step_context
from cases.records.step_fields import (
    DIAGNOSTICS_FIELDS,
    OPERATION_FIELDS,
    PATHOLOGY_FIELDS,
    PATIENT_FIELDS,
    PRESENTATION_FIELDS,
    SECTIONS,
    TREATMENT_FIELDS,
)
from cases.records.validation import clear_hidden
from cases.service_helpers import EditConflict, claim_version, last_editor, record_history

# The steps that write the case's records (decision and review only show them).
STEP_SECTIONS = ("patient", "presentation", "operation", "pathology")

# Model defaults for a value the form did not carry (a field hidden by its branch).
_DEFAULTS: dict[str, object] = {
    "eus_features": [],
    "clinical_features": [],
    "size_cm": None,
    "biopsy_date": None,
    "surgery_date": None,
    "adjuvant_start": None,
    "adjuvant_dose_mg": None,
    "adjuvant_planned_months": None,
    "mitoses_per_5mm2": None,
    "mitoses_per_50hpf": None,
    "hpf_field_area_mm2": None,
    "pre_treatment_size_cm": None,
    "pre_treatment_mitoses_per_5mm2": None,
    "recurrence_date": None,
    "therapy_start_date": None,
    "neoadjuvant_months": 0,
    "genotype": "not_tested",
    "presentation": "localized",
}
_BOOLEAN_FIELDS = frozenset({"biopsy_done", "converted_to_open", "nodes_removed"})
# Yes / no / not recorded: None is stored as None, never replaced by a default (issue 10 finding 6).
_TRI_STATE_FIELDS = frozenset(
    {
        "boundary_clear",
        "adherent_to_adjacent_organs",
        "r0_feasible",
        "major_morbidity_expected",
        "histology_confirmed",
        "nodes_positive",
    }
)


# Steps holding the surgery date (operation) and the adjuvant decision (pathology and treatment).
SCHEDULE_STEPS = frozenset({"operation", "pathology"})


def _pick(values: Mapping, names: tuple[str, ...]) -> dict:
    out = {}
    for name in names:
        if name in values and (values[name] is not None or name in _TRI_STATE_FIELDS):
            out[name] = values[name]
        elif name in _TRI_STATE_FIELDS:
            out[name] = None
        elif name in _DEFAULTS:
            out[name] = _DEFAULTS[name]
        elif name in _BOOLEAN_FIELDS:
            out[name] = False
        else:
            out[name] = values.get(name) if name in values else ""
    return out


def _forget_sections(case: Case) -> None:
    # The one-to-one sections are cached on the instance; after writing them, read them afresh.
    for name in SECTIONS:
        case._state.fields_cache.pop(name, None)


@transaction.atomic
def case_create(
    *,
    mrn: str,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    sex: str = Sex.UNKNOWN,
    phone: str = "",
    email: str = "",
    preferred_contact: str = PreferredContact.PHONE,
    language: str = "",
    diagnosis_date: date | None = None,
    ruleset: str | None = None,
    user,
) -> Case:
    """Start a case for the patient with this MRN, creating the patient when the MRN is new.

    For a known MRN the patient's record is reused (the form has checked that name and date of birth agree)
    and their contact details are brought up to date.
    """
    patient = Patient.objects.select_for_update().filter(mrn__iexact=mrn).first()
    details = {
        "sex": sex,
        "phone": phone,
        "email": email,
        "preferred_contact": preferred_contact,
        "language": language,
    }
    if patient is None:
        patient = Patient.objects.create(
            mrn=mrn, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, **details
        )
    else:
        for name, value in details.items():
            setattr(patient, name, value)
        patient.save()
    case = Case(patient=patient, owner=user, diagnosis_date=diagnosis_date)
    if ruleset:
        case.ruleset = ruleset
    case.save()
    return case


@transaction.atomic
def case_save_step(
    *, case: Case, step: str, data: Mapping, user, expected_version: int | None = None
) -> Assessment | None:
    """Save one step's cleaned values, clear what its branch hides, and re-assess the case.

    `expected_version` is the case's version when the form was opened: if someone saved the case since,
    nothing is written and EditConflict says who and when (issue 11 finding 1). Returns the new assessment
    snapshot, or None when the case cannot be assessed yet (no site) or the step has nothing to save
    (decision, review).
    """
    if step not in STEP_SECTIONS:
        return None
    version = claim_version(Case, case.pk, expected_version)
    if version is None:
        who, when = last_editor(case)
        raise EditConflict("case", who=who, when=when)
    # Work on the record as it is now, not as it was when the request loaded it: a status the MDT set
    # meanwhile, or another step's values, are never written back from a stale copy.
    case.refresh_from_db()
    _forget_sections(case)
    values = clear_hidden({**case_step_context(case, step), **data})
    if step == "patient":
        patient = Patient.objects.select_for_update().get(pk=case.patient_id)
        for name, value in _pick(values, PATIENT_FIELDS).items():
            setattr(patient, name, value)
        patient.save()
        case.patient = patient
        case.diagnosis_date = values.get("diagnosis_date")
        if values.get("ruleset"):
            case.ruleset = values["ruleset"]
    elif step == "presentation":
        Presentation.objects.update_or_create(case=case, defaults=_pick(values, PRESENTATION_FIELDS))
        Diagnostics.objects.update_or_create(case=case, defaults=_pick(values, DIAGNOSTICS_FIELDS))
    elif step == "operation":
        if values.get("resected"):
            Operation.objects.update_or_create(case=case, defaults=_pick(values, OPERATION_FIELDS))
        else:
            # Not resected: an operation record would make the engine treat the tumour as resected.
            Operation.objects.filter(case=case).delete()
    elif step == "pathology":
        Pathology.objects.update_or_create(case=case, defaults=_pick(values, PATHOLOGY_FIELDS))
        TreatmentDecision.objects.update_or_create(case=case, defaults=_pick(values, TREATMENT_FIELDS))
    case.save(update_fields=["diagnosis_date", "ruleset", "updated_at"])
    _forget_sections(case)
    snapshot = case_assess(case=case, user=user)
    # A signed report never goes silently stale: the case says so until the MDT re-signs or amends.
    case_note_clinical_change(case=case)
    if step in SCHEDULE_STEPS:
        # The surgery date and the adjuvant decision move the surveillance schedule of a signed case.
        followups_on_case_change(case=case, user=user)
    return snapshot


@transaction.atomic
def case_reassess(*, case: Case, user, reason: str = "") -> Assessment | None:
    """Assess the case again with the current rule set (after a rule-data change made its snapshot stale): its
    page's "Re-assess with the current rules", and each case ticked on a check of every case.

    A signed case whose new answer differs from the signed one is marked "changed since signed" (the report
    was signed on the old answer: the MDT re-signs or amends). None (nothing stored) while the case has no site.
    """
    if reason:
        record_history(case, user, reason)
    snapshot = case_assess(case=case, user=user)
    if snapshot is not None:
        case_note_clinical_change(case=case)
    return snapshot
