"""The History tab of a case, and archiving (the UI never deletes a patient or a case)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from cases.audit import case_audit_trail
from cases.banner import patient_banner
from cases.models import Case, Patient
from cases.services.archive import case_archive, case_unarchive, patient_archive, patient_unarchive


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _get_case_for_user(request: HttpRequest, case_id: UUID, *, perm: str = "cases.view_clinical") -> Case:
    # Permission first, so that someone without a role cannot probe which case ids exist.
    _require(request, perm)
    return get_object_or_404(Case.objects.select_related("patient"), id=case_id)


def _get_patient_for_user(request: HttpRequest, patient_id: UUID, *, perm: str) -> Patient:
    _require(request, perm)
    return get_object_or_404(Patient, id=patient_id)


def _case_url(case: Case) -> str:
    """The case page once the wizard branch provides one; the History tab until then."""
    for name in ("case_detail", "case_page", "case"):
        try:
            return reverse(name, args=[case.id])
        except NoReverseMatch:
            continue
    return reverse("case_history", args=[case.id])


def _list_url() -> str:
    for name in ("case_list", "cases"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("home")


@login_required
def case_history(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = _get_case_for_user(request, case_id)
    events = case_audit_trail(case)
    return render(
        request,
        "cases/case_history.html",
        {"case": case, "banner": patient_banner(case), "events": events, "case_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_archive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = _get_case_for_user(request, case_id, perm="cases.edit_clinical")
    if request.method == "POST":
        case_archive(case=case, user=request.user)
        messages.success(request, f"Case {case.short_id} archived. It no longer appears in the lists.")
        return redirect(_list_url())
    return render(
        request,
        "cases/archive_confirm.html",
        {"case": case, "what": "case", "archive": True, "cancel_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_unarchive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = _get_case_for_user(request, case_id, perm="cases.edit_clinical")
    if request.method == "POST":
        case_unarchive(case=case, user=request.user)
        messages.success(request, f"Case {case.short_id} restored from the archive.")
        return redirect(_case_url(case))
    return render(
        request,
        "cases/archive_confirm.html",
        {"case": case, "what": "case", "archive": False, "cancel_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_archive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, patient_id, perm="cases.edit_clinical")
    if request.method == "POST":
        patient_archive(patient=patient, user=request.user)
        messages.success(
            request, "Patient archived with all their cases. They no longer appear in the lists."
        )
        return redirect(_list_url())
    return render(
        request,
        "cases/archive_confirm.html",
        {"patient": patient, "what": "patient", "archive": True, "cancel_url": _list_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_unarchive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, patient_id, perm="cases.edit_clinical")
    if request.method == "POST":
        patient_unarchive(patient=patient, user=request.user)
        messages.success(request, "Patient restored from the archive.")
        return redirect(_list_url())
    return render(
        request,
        "cases/archive_confirm.html",
        {"patient": patient, "what": "patient", "archive": False, "cancel_url": _list_url()},
    )
