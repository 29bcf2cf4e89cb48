"""Loading a record for the signed-in user: one loader per object type.

Each loader checks the permission BEFORE looking the record up, so a user who may not see a kind of record
gets 403 whether the id exists or not (nobody can probe which ids exist); a user who may gets 404 for an id
that does not exist.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cases.followups.export_jobs import expired_exports
from cases.models import (
    AgendaItem,
    Case,
    ExportJob,
    FollowUpItem,
    ImportJob,
    MdtMeeting,
    Patient,
    PrintoutJob,
)
from cases.permissions import VIEW_CLINICAL


def require_perm(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def require_any_perm(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def get_case_for_user(
    request: HttpRequest,
    case_id: uuid.UUID,
    perm: str = VIEW_CLINICAL,
    *,
    queryset: QuerySet[Case] | None = None,
) -> Case:
    """The case `case_id` (by default with its patient and sections) for a user holding `perm`."""
    require_perm(request, perm)
    if queryset is None:
        queryset = Case.objects.with_sections()
    return get_object_or_404(queryset, pk=case_id)


def get_patient_for_user(request: HttpRequest, patient_id: uuid.UUID, perm: str = VIEW_CLINICAL) -> Patient:
    require_perm(request, perm)
    return get_object_or_404(Patient, pk=patient_id)


def get_meeting_for_user(
    request: HttpRequest, meeting_id: uuid.UUID, perm: str = VIEW_CLINICAL
) -> MdtMeeting:
    require_perm(request, perm)
    return get_object_or_404(MdtMeeting, pk=meeting_id)


def get_agenda_item_for_user(
    request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID, perm: str
) -> AgendaItem:
    """An agenda item of the meeting `meeting_id` (an item of another meeting is not found)."""
    require_perm(request, perm)
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting", "case__patient"), pk=item_id, meeting_id=meeting_id
    )


def get_printout_job_for_user(
    request: HttpRequest,
    meeting_id: uuid.UUID,
    job_id: uuid.UUID,
    perm: str = VIEW_CLINICAL,
    *,
    pdf: bool = False,
) -> PrintoutJob:
    """A printout job of the meeting `meeting_id`; without its PDF bytes unless `pdf`."""
    require_perm(request, perm)
    jobs = PrintoutJob.objects.select_related("meeting", "requested_by")
    return get_object_or_404(jobs if pdf else jobs.defer("pdf"), pk=job_id, meeting_id=meeting_id)


def get_export_job_for_user(
    request: HttpRequest, export_id: uuid.UUID, *, content: bool = False
) -> ExportJob:
    """An export job the signed-in user asked for and still kept (another user's is not found: the file holds
    patients' identifiers; nor is one past GISTCARE_EXPORT_KEEP_HOURS, whenever the purge runs); without the file's
    bytes unless `content`."""
    require_perm(request, VIEW_CLINICAL)
    jobs = ExportJob.objects.filter(requested_by=request.user).exclude(expired_exports())
    return get_object_or_404(jobs if content else jobs.defer("content"), pk=export_id)


def get_import_job_for_user(request: HttpRequest, import_id: uuid.UUID) -> ImportJob:
    """A register import the signed-in administrator asked for and still kept (another's is not found: its report
    holds patients' details; nor is one past GISTCARE_EXPORT_KEEP_HOURS, whenever the purge runs), without the file.
    The caller has checked that the user is an administrator (cases/interop/views.py)."""
    jobs = ImportJob.objects.filter(requested_by=request.user).exclude(expired_exports()).defer("upload")
    return get_object_or_404(jobs, pk=import_id)


def get_followup_for_user(
    request: HttpRequest, item_id: uuid.UUID, perm: str = VIEW_CLINICAL
) -> FollowUpItem:
    require_perm(request, perm)
    return get_object_or_404(
        FollowUpItem.objects.select_related(
            "case", "case__patient", "case__owner", "case__presentation", "responsible_nurse", "updated_by"
        ),
        pk=item_id,
    )
