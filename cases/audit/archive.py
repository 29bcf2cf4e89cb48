"""Archive instead of delete: patients and cases are hidden from lists but never removed.

Clinical records must stay traceable (the audit history refers to them and signed reports quote them), so the
UI offers no delete at all; archiving is reversible and recorded in the history like any other change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Patient


@transaction.atomic
def patient_archive(*, patient: Patient, user: object) -> Patient:
    """Archive the patient (and with it every case of the patient, which the case lists then hide)."""
    if patient.archived_at is None:
        patient.archived_at = timezone.now()
        patient._history_user = user  # attribute read by simple_history for this save
        patient.save(update_fields=["archived_at", "updated_at"])
    return patient


@transaction.atomic
def patient_unarchive(*, patient: Patient, user: object) -> Patient:
    if patient.archived_at is not None:
        patient.archived_at = None
        patient._history_user = user
        patient.save(update_fields=["archived_at", "updated_at"])
    return patient


@transaction.atomic
def case_archive(*, case: Case, user: object) -> Case:
    if case.archived_at is None:
        case.archived_at = timezone.now()
        case._history_user = user
        case.save(update_fields=["archived_at", "updated_at"])
    return case


@transaction.atomic
def case_unarchive(*, case: Case, user: object) -> Case:
    if case.archived_at is not None:
        case.archived_at = None
        case._history_user = user
        case.save(update_fields=["archived_at", "updated_at"])
    return case
