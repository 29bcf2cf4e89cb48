"""The treatment course page of a case, the add/edit/delete forms of its records, and the timeline fragment
that the case page loads.

Reading needs cases.view_clinical, writing cases.edit_clinical, both checked before any lookup
(cases.access.get_case_for_user), so a random id and a forbidden id get the same 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import get_case_for_user
from cases.course import forms as course_forms
from cases.course import services as svc
from cases.course import texts
from cases.course.selectors import (
    course_for,
    level_rows,
    progression_advice,
    scan_responses,
    timeline_context,
    unreviewed_records,
)
from cases.models import (
    Case,
    DoseChange,
    DrugLevel,
    ImagingAssessment,
    LineInterruption,
    RecurrenceEvent,
    TherapyLine,
)
from cases.permissions import EDIT_CLINICAL, VIEW_CLINICAL
from cases.records.banner import patient_banner
from cases.service_helpers import (
    EditConflict,
    ServiceError,
    add_service_errors,
    conflict_differences,
    show_conflict,
)
from guidelines.drug_levels import IMATINIB_TROUGH, trough_level


@dataclass(frozen=True)
class Kind:
    title: str
    model: type
    form: type[forms.Form]
    case_path: str  # lookup from the record to its case id
    save: Callable


def _save_line(*, case, user, form, obj, version):
    return svc.line_save(case=case, user=user, data=form.cleaned_data, line=obj, expected_version=version)


def _save_dose(*, case, user, form, obj, version):
    return svc.dose_change_save(
        case=case, user=user, data=form.cleaned_data, change=obj, expected_version=version
    )


def _save_interruption(*, case, user, form, obj, version):
    return svc.interruption_save(
        case=case, user=user, data=form.cleaned_data, interruption=obj, expected_version=version
    )


def _save_scan(*, case, user, form, obj, version):
    return svc.scan_save(
        case=case,
        user=user,
        data=form.cleaned_data,
        lesions=form.cleaned_data["lesions"],
        scan=obj,
        expected_version=version,
    )


def _save_level(*, case, user, form, obj, version):
    return svc.level_save(case=case, user=user, data=form.cleaned_data, level=obj, expected_version=version)


def _save_event(*, case, user, form, obj, version):
    return svc.event_save(case=case, user=user, data=form.cleaned_data, event=obj, expected_version=version)


KINDS: dict[str, Kind] = {
    "line": Kind(_("therapy line"), TherapyLine, course_forms.LineForm, "case_id", _save_line),
    "dose": Kind(_("dose change"), DoseChange, course_forms.DoseChangeForm, "line__case_id", _save_dose),
    "interruption": Kind(
        _("interruption"),
        LineInterruption,
        course_forms.InterruptionForm,
        "line__case_id",
        _save_interruption,
    ),
    "scan": Kind(_("scan"), ImagingAssessment, course_forms.ScanForm, "case_id", _save_scan),
    "level": Kind(_("drug level"), DrugLevel, course_forms.LevelForm, "case_id", _save_level),
    "event": Kind(
        _("recurrence or progression"), RecurrenceEvent, course_forms.EventForm, "case_id", _save_event
    ),
}


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _record(case: Case, kind: Kind, pk: uuid.UUID):
    obj = kind.model.objects.filter(pk=pk, **{kind.case_path: case.pk}).first()
    if obj is None:
        raise Http404
    return obj


def _initial(obj) -> dict:
    """The form's values for an existing record."""
    values = model_to_dict(obj)
    values["version"] = obj.version
    if isinstance(obj, DoseChange | LineInterruption):
        values["line"] = str(obj.line_id)
    if isinstance(obj, ImagingAssessment):
        for lesion in obj.lesions.all():
            values[f"organ_{lesion.position}"] = lesion.organ
            values[f"diameter_{lesion.position}"] = lesion.diameter_mm
            values[f"hu_{lesion.position}"] = lesion.attenuation_hu
    return course_forms.initial_values(values)


def _form(kind: Kind, case: Case, *args, **kwargs) -> forms.Form:
    if kind.form in (course_forms.DoseChangeForm, course_forms.InterruptionForm):
        kwargs["lines"] = TherapyLine.objects.filter(case=case)
    return kind.form(*args, **kwargs)


@login_required
@require_GET
def course_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id, VIEW_CLINICAL)
    course = course_for(case)
    responses = scan_responses(course)
    context = {
        "case": case,
        "banner": patient_banner(case),
        "mdt_reason": texts.flag_reason(case.mdt_review_reason),
        "course": course,
        "responses": responses,
        "progression": (advice := progression_advice(case, course, responses)),
        "proposals": texts.proposals(advice),
        "levels": level_rows(course),
        "trough_rule": IMATINIB_TROUGH,
        "trough_high_note": texts.engine_text(trough_level(IMATINIB_TROUGH.low_ng_ml).high_note),
        "can_edit": request.user.has_perm(EDIT_CLINICAL),
        "unreviewed": unreviewed_records(case),
        **timeline_context(case, course),
    }
    return render(request, "course/page.html", context)


@login_required
@require_GET
def course_timeline(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The timeline alone, for the case page (loaded by htmx; the link beside it opens the course page)."""
    case = get_case_for_user(request, case_id, VIEW_CLINICAL)
    context = {"case": case, **timeline_context(case, course_for(case))}
    return render(request, "course/_timeline.html", context)


def _edit(request: HttpRequest, case_id: uuid.UUID, kind_name: str, pk: uuid.UUID | None) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL)
    kind = _kind(kind_name)
    obj = _record(case, kind, pk) if pk else None
    status = 200
    if request.method == "POST":
        form = _form(kind, case, request.POST)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            try:
                kind.save(case=case, user=request.user, form=form, obj=obj, version=version)
            except EditConflict as conflict:
                # Nothing was written; what was typed stays on the form, which now carries the current version.
                obj = _record(case, kind, pk)
                on_record = _initial(obj)
                show_conflict(form, conflict, conflict_differences(form, on_record))
                form.data = form.data.copy()
                form.data["version"] = obj.version
                status = 409
            except ServiceError as refusal:
                add_service_errors(form, refusal)
                status = 400
            else:
                messages.success(request, gettext("%(what)s saved.") % {"what": capfirst(kind.title)})
                return redirect("course:page", case_id=case.pk)
        else:
            status = 400
    else:
        form = _form(kind, case, initial=_initial(obj) if obj else {})
    context = {
        "case": case,
        "banner": patient_banner(case),
        "kind": kind,
        "kind_name": kind_name,
        "obj": obj,
        "form": form,
    }
    return render(request, "course/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request: HttpRequest, case_id: uuid.UUID, kind: str) -> HttpResponse:
    return _edit(request, case_id, kind, None)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, case_id: uuid.UUID, kind: str, pk: uuid.UUID) -> HttpResponse:
    return _edit(request, case_id, kind, pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, case_id: uuid.UUID, kind: str, pk: uuid.UUID) -> HttpResponse:
    """GET (or a POST without `confirm`): a page naming what will be deleted; a POST with `confirm` deletes."""
    case = get_case_for_user(request, case_id, EDIT_CLINICAL)
    kind_ = _kind(kind)
    obj = _record(case, kind_, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        raw = request.POST.get("version", "")
        try:
            svc.record_delete(
                obj=obj, user=request.user, expected_version=int(raw) if raw.isdigit() else None
            )
        except ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, gettext("%(what)s deleted.") % {"what": capfirst(kind_.title)})
        return redirect("course:page", case_id=case.pk)
    context = {
        "case": case,
        "banner": patient_banner(case),
        "kind": kind_,
        "kind_name": kind,
        "obj": obj,
        "obj_text": texts.describe(obj),
        "with_it": [texts.describe(child) for child in svc.deleted_with(obj)],
    }
    return render(request, "course/delete.html", context)
