"""The History tab of a case, and archiving (the UI never deletes a patient or a case)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user, get_patient_for_user
from cases.audit.archive import set_archived
from cases.audit.history import case_audit_trail
from cases.models import Case, Patient
from cases.permissions import EDIT_CLINICAL
from cases.records.banner import patient_banner

_CASES = Case.objects.select_related("patient")

#: Changes a page of the History tab shows. A case followed for ten years gathers hundreds of changes (a case with
#: 273 took 215 ms to draw whole, 215x the bare view, most of it the template): the page shows them fifty at a time,
#: newest first (issue 16).
HISTORY_PAGE_SIZE = 50


def _case_url(case: Case) -> str:
    return reverse("records:case", args=[case.id])


def _list_url() -> str:
    return reverse("records:list")


@login_required
def case_history(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, queryset=_CASES)
    # Worked out whole (each change is told against the version before it), drawn a page at a time. A page number
    # that is not one shows the first page, one past either end the last (Paginator.get_page).
    page = Paginator(case_audit_trail(case), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/case_history.html",
        {"case": case, "banner": patient_banner(case), "page": page, "case_url": _case_url(case)},
    )


def _archive_page(request: HttpRequest, *, record: Case | Patient, archive: bool) -> HttpResponse:
    """The confirmation page (GET) and the change (POST) for archiving or restoring a case or a patient."""
    what = "case" if isinstance(record, Case) else "patient"
    if request.method == "POST":
        set_archived(record=record, user=request.user, archived=archive)
        if what == "patient":
            done = (
                _("Patient archived with all their cases. They no longer appear in the lists.")
                if archive
                else _("Patient restored from the archive.")
            )
        elif archive:
            done = _("Case %(short_id)s archived. It no longer appears in the lists.") % {
                "short_id": record.short_id
            }
        else:
            done = _("Case %(short_id)s restored from the archive.") % {"short_id": record.short_id}
        messages.success(request, done)
        return redirect(_case_url(record) if what == "case" and not archive else _list_url())
    cancel_url = _case_url(record) if what == "case" else _list_url()
    return render(
        request,
        "audit/archive_confirm.html",
        {what: record, "what": what, "archive": archive, "cancel_url": cancel_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_archive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL, queryset=_CASES)
    return _archive_page(request, record=case, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def case_unarchive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL, queryset=_CASES)
    return _archive_page(request, record=case, archive=False)


@login_required
@require_http_methods(["GET", "POST"])
def patient_archive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, EDIT_CLINICAL)
    return _archive_page(request, record=patient, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def patient_unarchive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, EDIT_CLINICAL)
    return _archive_page(request, record=patient, archive=False)
