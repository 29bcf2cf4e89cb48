"""Archive instead of delete: patients and cases are hidden from lists but never removed.

Clinical records must stay traceable (the audit history refers to them and signed reports quote them), so the
UI offers no delete at all; archiving is reversible and recorded in the history like any other change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Patient
from cases.service_helpers import record_history


@transaction.atomic
def set_archived(*, record: Case | Patient, user: object, archived: bool) -> Case | Patient:
    """Archive (or restore) a patient or a case; archiving a patient hides every case of the patient, which
    the case lists then leave out. Nothing happens when the record is already in that state."""
    if (record.archived_at is None) == archived:
        record.archived_at = timezone.now() if archived else None
        record_history(record, user)
        record.save(update_fields=["archived_at", "updated_at"])
    return record


def patient_archive(*, patient: Patient, user: object) -> Patient:
    return set_archived(record=patient, user=user, archived=True)


def patient_unarchive(*, patient: Patient, user: object) -> Patient:
    return set_archived(record=patient, user=user, archived=False)


def case_archive(*, case: Case, user: object) -> Case:
    return set_archived(record=case, user=user, archived=True)


def case_unarchive(*, case: Case, user: object) -> Case:
    return set_archived(record=case, user=user, archived=False)
