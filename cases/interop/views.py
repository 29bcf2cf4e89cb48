"""Thin views of the FHIR export/import and the register import (the work is in the interop modules)."""

from __future__ import annotations

import json
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cases import roles
from cases.access import get_import_job_for_user, require_perm
from cases.api.views import _authenticate, _error, _with_www_authenticate
from cases.csv_safe import BOM
from cases.interop import import_jobs
from cases.interop.fhir_export import case_bundle
from cases.interop.fhir_import import import_bundle
from cases.interop.register_import import MAX_BYTES, column_rows, template_csv
from cases.interop.tasks import import_dispatch
from cases.models import Case, ImportJob
from cases.permissions import EDIT_CLINICAL, VIEW_CLINICAL

FHIR_JSON = "application/fhir+json"
#: How many of a real import's new drafts its page lists (linked); the rest are in the case list's drafts.
DRAFTS_LISTED = 100


def _api_refusal(request: HttpRequest, method: str, perm: str, refused: str) -> HttpResponse | None:
    """The API's answer when the call may not go ahead (wrong method, no credentials, no permission), or None.

    Authenticates as the assessment API does (a token, or a CSRF-checked session) and sets request.api_user.
    """
    if request.method != method:
        response = _error(405, f"use {method}")
        response["Allow"] = method
        return response
    user, refusal = _authenticate(request)
    if refusal is not None:
        return _with_www_authenticate(refusal)
    if not user.has_perm(perm):
        return _error(403, refused)
    request.api_user = user
    return None


@csrf_exempt
def case_fhir(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET /api/v1/cases/<id>/fhir: the case as a FHIR R4 Bundle (token, or a session with view_clinical)."""
    refusal = _api_refusal(request, "GET", VIEW_CLINICAL, "this account may not read clinical records")
    if refusal is not None:
        return refusal
    case = get_object_or_404(Case.objects.with_sections(), pk=case_id)
    return HttpResponse(json.dumps(case_bundle(case)), content_type=FHIR_JSON)


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status)


MAX_BUNDLE_BYTES = 10_000_000


@csrf_exempt
def fhir_import_api(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/fhir/import: a Bundle in, a new draft case out (201), or 400 with every reason."""
    refusal = _api_refusal(request, "POST", EDIT_CLINICAL, "this account may not create cases")
    if refusal is not None:
        return refusal
    if len(request.body) > MAX_BUNDLE_BYTES:
        return _error(413, f"request body larger than {MAX_BUNDLE_BYTES} bytes")
    data, problem = _parse_json(request.body)
    if problem:
        return _json({"error": problem, "errors": [{"field": "body", "message": problem}]}, status=400)
    report = import_bundle(data=data, user=request.api_user, source="the FHIR API")
    body = report.as_dict()
    if report.case is None:
        body["error"] = report.errors[0]["message"]
        return _json(body, status=400)
    body["url"] = request.build_absolute_uri(reverse("records:case", kwargs={"case_id": report.case.pk}))
    return _json(body, status=201)


def _parse_json(raw: bytes) -> tuple[object, str]:
    try:
        return json.loads(raw.decode("utf-8")), ""
    except UnicodeDecodeError:
        return None, "the Bundle is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"the Bundle is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"


class FhirImportForm(forms.Form):
    bundle_file = forms.FileField(label=gettext_lazy("FHIR Bundle (.json)"), required=False)
    bundle_text = forms.CharField(
        label=gettext_lazy("…or paste the Bundle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("bundle_file")
        if upload is not None:
            if upload.size > MAX_BUNDLE_BYTES:
                raise forms.ValidationError(f"FHIR Bundle: the file is larger than {MAX_BUNDLE_BYTES} bytes.")
            cleaned["raw"] = upload.read()
            cleaned["source"] = upload.name
        elif cleaned.get("bundle_text", "").strip():
            cleaned["raw"] = cleaned["bundle_text"].encode("utf-8")
            cleaned["source"] = "a pasted FHIR Bundle"
        else:
            raise forms.ValidationError("FHIR Bundle: choose a file or paste the Bundle.")
        return cleaned


@login_required
def fhir_import_page(request: HttpRequest) -> HttpResponse:
    """The surgeons' page: upload a Bundle, see what was mapped, ignored and why, and the new draft case."""
    require_perm(request, EDIT_CLINICAL)
    report = None
    if request.method == "POST":
        form = FhirImportForm(request.POST, request.FILES)
        if form.is_valid():
            data, problem = _parse_json(form.cleaned_data["raw"])
            if problem:
                form.add_error(None, f"FHIR Bundle: {problem}.")
            else:
                report = import_bundle(data=data, user=request.user, source=form.cleaned_data["source"])
    else:
        form = FhirImportForm()
    status = 400 if request.method == "POST" and (report is None or report.case is None) else 200
    context = {"form": form, "report": report, "is_administrator": _is_administrator(request.user)}
    return render(request, "interop/fhir_import.html", context, status=status)


def _is_administrator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=roles.ADMINISTRATOR).exists()


def _require_administrator(request: HttpRequest) -> None:
    if not _is_administrator(request.user):
        raise PermissionDenied


class RegisterImportForm(forms.Form):
    register = forms.FileField(label=gettext_lazy("Register file (.csv or .xlsx)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): write nothing"), required=False, initial=True
    )

    def clean_register(self):
        upload = self.cleaned_data["register"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)s MB: split it.") % {"size": MAX_BYTES // 1_000_000}
            )
        return upload


def _register_context(form: RegisterImportForm, job: ImportJob | None = None, **extra) -> dict:
    context = {"form": form, "job": job, "columns": column_rows(), **extra}
    if job is not None:
        context["report"] = import_jobs.report_of(job)
        if context["report"] is not None and not job.dry_run:
            context["drafts"], context["more_drafts"] = import_jobs.created_drafts(
                context["report"], DRAFTS_LISTED
            )
        if job.dry_run:
            context["can_import_now"] = import_jobs.can_import_now(job)
            context["imported_by"] = import_jobs.import_from(job)
    return context


def _under_way_refusal(job: ImportJob) -> str:
    # Not the file's name: the other import may be another administrator's.
    return gettext(
        "Another import, asked for at %(when)s, is under way: wait for it to finish, then try again."
    ) % {"when": date_format(timezone.localtime(job.requested_at), "Y-m-d H:i")}


@login_required
def register_import_page(request: HttpRequest) -> HttpResponse:
    """The administrators' upload page for a hospital's existing register (docs/import.md): the file is checked
    and imported in the background (issue 16), and the job's page shows the report."""
    _require_administrator(request)
    if request.method != "POST":
        return render(request, "interop/register_import.html", _register_context(RegisterImportForm()))
    form = RegisterImportForm(request.POST, request.FILES)
    own_import = None
    if form.is_valid():
        upload = form.cleaned_data["register"]
        try:
            job = import_jobs.import_request(
                user=request.user,
                content=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                language=translation.get_language(),
            )
        except import_jobs.ImportUnderWay as under_way:
            form.add_error(None, _under_way_refusal(under_way.job))
            # A second click of Upload: the import under way is this administrator's own, and its page is here.
            if under_way.job.requested_by_id == request.user.pk:
                own_import = under_way.job
        else:
            import_dispatch(job)  # after the job's transaction: a worker must be able to read it
            return redirect("interop:register_import_status", import_id=job.id)
    context = _register_context(form, own_import=own_import)
    return render(request, "interop/register_import.html", context, status=400)


@login_required
@require_GET
def register_import_status(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """An import's progress and, when it is done, its report: the fragment htmx polls, or the whole page."""
    _require_administrator(request)
    job = get_import_job_for_user(request, import_id)
    context = _register_context(RegisterImportForm(), job)
    if request.htmx:
        return render(request, "interop/register_import.html#status", context)
    return render(request, "interop/register_import.html", context)


@login_required
@require_POST
def register_import_now(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """Import the file a passed check kept ("Import now"), as a new job."""
    _require_administrator(request)
    check = get_import_job_for_user(request, import_id)
    try:
        job = import_jobs.import_confirm(
            check_id=check.pk, user=request.user, language=translation.get_language()
        )
    except import_jobs.ImportUnderWay as under_way:
        context = _register_context(RegisterImportForm(), check, refusal=_under_way_refusal(under_way.job))
        return render(request, "interop/register_import.html", context, status=409)
    if job is None:  # imported already, or not a check that passed: its page says which
        return redirect("interop:register_import_status", import_id=check.pk)
    import_dispatch(job)
    return redirect("interop:register_import_status", import_id=job.id)


@login_required
def register_template(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    response = HttpResponse(BOM + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gistcare-register-template.csv"'
    return response
