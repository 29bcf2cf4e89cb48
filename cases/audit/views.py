"""The History tab of a case, and archiving (the UI never deletes a patient or a case)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user, get_patient_for_user
from cases.audit.archive import case_archive, case_unarchive, patient_archive, patient_unarchive
from cases.audit.history import case_audit_trail
from cases.models import Case
from cases.permissions import EDIT_CLINICAL
from cases.records.banner import patient_banner

_CASES = Case.objects.select_related("patient")


def _case_url(case: Case) -> str:
    """The case page once the wizard branch provides one; the History tab until then."""
    for name in ("records:case", "case_page", "case"):
        try:
            return reverse(name, args=[case.id])
        except NoReverseMatch:
            continue
    return reverse("audit:history", args=[case.id])


def _list_url() -> str:
    for name in ("records:list", "cases"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("home")


@login_required
def case_history(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, queryset=_CASES)
    events = case_audit_trail(case)
    return render(
        request,
        "audit/case_history.html",
        {"case": case, "banner": patient_banner(case), "events": events, "case_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_archive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL, queryset=_CASES)
    if request.method == "POST":
        case_archive(case=case, user=request.user)
        messages.success(request, f"Case {case.short_id} archived. It no longer appears in the lists.")
        return redirect(_list_url())
    return render(
        request,
        "audit/archive_confirm.html",
        {"case": case, "what": "case", "archive": True, "cancel_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_unarchive_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL, queryset=_CASES)
    if request.method == "POST":
        case_unarchive(case=case, user=request.user)
        messages.success(request, f"Case {case.short_id} restored from the archive.")
        return redirect(_case_url(case))
    return render(
        request,
        "audit/archive_confirm.html",
        {"case": case, "what": "case", "archive": False, "cancel_url": _case_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_archive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, EDIT_CLINICAL)
    if request.method == "POST":
        patient_archive(patient=patient, user=request.user)
        messages.success(
            request, "Patient archived with all their cases. They no longer appear in the lists."
        )
        return redirect(_list_url())
    return render(
        request,
        "audit/archive_confirm.html",
        {"patient": patient, "what": "patient", "archive": True, "cancel_url": _list_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_unarchive_view(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user(request, patient_id, EDIT_CLINICAL)
    if request.method == "POST":
        patient_unarchive(patient=patient, user=request.user)
        messages.success(request, "Patient restored from the archive.")
        return redirect(_list_url())
    return render(
        request,
        "audit/archive_confirm.html",
        {"patient": patient, "what": "patient", "archive": False, "cancel_url": _list_url()},
    )
