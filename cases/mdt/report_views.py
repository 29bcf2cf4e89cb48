"""The case's MDT report: HTML, PDF, its signed versions, and amendments."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user
from cases.mdt.drift import changes_since_signed, signed_vs_current
from cases.mdt.forms import AmendForm, add_service_errors
from cases.mdt.reports import ReportSource, draft_source, render_report_html, render_report_pdf, signed_source
from cases.mdt.services import report_amend
from cases.models import Case, SignedReport
from cases.permissions import SIGN_REPORT
from cases.records.assessment import case_assessment_preview
from cases.records.banner import patient_banner

#: The changes the "changed since signed" banner lists at once, newest first; the earlier ones are behind a
#: disclosure (a case changed 141 times after signing drew 141 red lines above the case).
STALE_SHOWN = 5


def stale_info(case: Case) -> dict | None:
    """What the "changed since signed" banner shows, or None when the signed report matches the case: the signed
    version, and the changes since newest first (`latest`, shown at once, and `earlier`)."""
    if not case.changed_since_signed:
        return None
    latest = case.signed_reports.defer("pdf").order_by("-version").first()
    if latest is None:
        return None
    return _changes_shown(case, latest)


def _changes_shown(case: Case, latest: SignedReport) -> dict:
    """The changes since `latest` was signed as the banner and the amend page list them (_changes_since_signed.html):
    newest save first, the fields of one save (the same instant) in the order the form shows them (a stable sort)."""
    changes = sorted(changes_since_signed(case, latest), key=lambda change: change.when, reverse=True)
    return {
        "version": latest.version,
        "changes": changes,
        "latest": changes[:STALE_SHOWN],
        "earlier": changes[STALE_SHOWN:],
    }


def _versions(case: Case) -> list[SignedReport]:
    return list(case.signed_reports.defer("pdf").select_related("amends").order_by("version"))


def _chosen_signed(request: HttpRequest, case: Case) -> SignedReport | None:
    """The signed version the request asks for (?version=N), the latest one by default, None for the draft."""
    if request.GET.get("draft"):
        return None
    version = request.GET.get("version")
    reports = case.signed_reports.select_related("amends", "agenda_item__meeting")
    if version:
        if not version.isdigit():
            raise Http404("No such report version")
        return get_object_or_404(reports, version=int(version))
    return reports.order_by("-version").first()


def _draft_or_none(request: HttpRequest, case: Case) -> ReportSource | None:
    # A GET: never stores an assessment (see case_assessment_preview).
    assessment = case_assessment_preview(case=case)
    return draft_source(case, assessment) if assessment else None


def _pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Patient data: never kept in shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def report_filename(case: Case, report: SignedReport | None) -> str:
    """A file name without patient identifiers: the case's short id and the version."""
    suffix = f"v{report.version}" if report else "draft"
    return f"gist-mdt-report-{case.short_id}-{suffix}.pdf"


@login_required
def case_report(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    signed = _chosen_signed(request, case)
    source = signed_source(signed) if signed else _draft_or_none(request, case)
    if source is None:
        return render(request, "mdt/reports/not_ready.html", {"case": case})
    pdf_url = reverse("mdt:report_pdf", args=[case.id])
    if signed:
        pdf_url += f"?version={signed.version}"
    elif request.GET.get("draft"):
        pdf_url += "?draft=1"
    extra = {
        "pdf_url": pdf_url,
        "versions": _versions(case),
        "stale": stale_info(case),
        "banner": patient_banner(case),
    }
    html = render_report_html(source, for_pdf=False, extra=extra)
    return HttpResponse(html)


@login_required
def case_report_pdf(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    signed = _chosen_signed(request, case)
    if signed:
        # The signed document is the stored one, byte for byte: never re-rendered.
        return _pdf_response(bytes(signed.pdf), report_filename(case, signed))
    source = _draft_or_none(request, case)
    if source is None:
        return render(request, "mdt/reports/not_ready.html", {"case": case})
    return _pdf_response(render_report_pdf(source), report_filename(case, None))


@login_required
@require_http_methods(["GET", "POST"])
def case_report_amend(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, SIGN_REPORT)
    latest = case.signed_reports.defer("pdf").order_by("-version").first()
    if latest is None:
        messages.error(request, _("This case has no signed report to amend yet."))
        return redirect("mdt:report", case_id=case.id)
    initial = {
        "decision": latest.decision,
        "decision_reason": latest.decision_reason,
        "decision_text": latest.decision_text,
        **{f"mod_{key}": value for key, value in (latest.modifications or {}).items()},
    }
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = report_amend(
                report=latest,
                user=request.user,
                password=form.cleaned_data["password"],
                meeting=form.cleaned_data["meeting"],
                reason=form.cleaned_data["reason"],
                decision=form.cleaned_data["decision"],
                decision_reason=form.cleaned_data["decision_reason"],
                decision_text=form.cleaned_data["decision_text"],
                modifications=form.modifications(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(new)s signed; version %(old)s stays on file.")
                % {"new": new.version, "old": latest.version},
            )
            return redirect(reverse("mdt:report", args=[case.id]) + f"?version={new.version}")
    status = 400 if request.method == "POST" else 200
    latest_full = SignedReport.objects.select_related("meeting", "amends").get(pk=latest.pk)
    context = {
        "case": case,
        "latest": latest_full,
        "form": form,
        "versions": _versions(case),
        "diff": signed_vs_current(case, latest_full, case_assessment_preview(case=case)),
        "stale": _changes_shown(case, latest),
    }
    return render(request, "mdt/reports/amend.html", context, status=status)
