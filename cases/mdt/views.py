"""MDT meetings: list, agenda, decisions, signing, and the meeting printout."""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import (
    get_agenda_item_for_user,
    get_case_for_user,
    get_meeting_for_user,
    get_printout_job_for_user,
    require_perm,
)
from cases.followups.selectors import flagged_cases
from cases.mdt.agenda import agenda_items
from cases.mdt.decisions import attendees_by_discipline, modification_rows, parse_attendees, quorum_missing
from cases.mdt.forms import (
    AddToAgendaForm,
    AgendaSearchForm,
    DecisionForm,
    MeetingForm,
    SignForm,
    add_service_errors,
)
from cases.mdt.printout import current_job, printout_fingerprint, printout_request
from cases.mdt.report_views import _pdf_response
from cases.mdt.services import (
    ALREADY_BOOKED,
    agenda_add,
    agenda_move,
    agenda_remove,
    decision_record,
    meeting_create,
    meeting_update,
    meeting_virtual_today,
    report_sign,
)
from cases.mdt.tasks import printout_dispatch
from cases.models import AgendaItem, Case, MdtMeeting, Patient, PrintoutJob, PrintoutStatus, SignedReport
from cases.permissions import MANAGE_MDT, SIGN_REPORT, VIEW_CLINICAL
from cases.records.assessment import case_assessment_preview
from cases.service_helpers import EditConflict, ServiceError, conflict_differences, show_conflict

SEARCH_LIMIT = 20


def _agenda(meeting: MdtMeeting) -> QuerySet[AgendaItem]:
    reports = SignedReport.objects.defer("pdf", "facts", "result", "snapshot").order_by("-version")
    return meeting.items.select_related("case__patient", "decided_by").prefetch_related(
        Prefetch("reports", queryset=reports, to_attr="report_list")
    )


def _search_cases(meeting: MdtMeeting, query: str) -> list[Case]:
    query = query.strip()
    if not query:
        return []
    # The case list's search (a hospital number, a name by any part or whole), or the start of a case's id.
    terms = Q(patient_id__in=Patient.objects.matching(query).values("pk"))
    if len(query) >= 4 and _looks_like_uuid_prefix(query):
        terms |= Q(id__startswith=query.lower())
    on_agenda = meeting.items.values("case_id")
    return list(
        Case.objects.active()
        .filter(terms)
        .exclude(pk__in=on_agenda)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name")[:SEARCH_LIMIT]
    )


def _flagged_cases(meeting: MdtMeeting) -> list[Case]:
    """Cases a follow-up result flagged for re-discussion, not yet on this agenda."""
    return list(
        flagged_cases()
        .exclude(pk__in=meeting.items.values("case_id"))
        .select_related("patient")[:SEARCH_LIMIT]
    )


def _looks_like_uuid_prefix(text: str) -> bool:
    return all(ch in "0123456789abcdef-" for ch in text.lower())


@login_required
@require_http_methods(["GET", "POST"])
def mdt_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    form = MeetingForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        require_perm(request, MANAGE_MDT)
        if form.is_valid():
            details = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            meeting = meeting_create(user=request.user, **details)
            messages.success(
                request, _("Meeting “%(title)s” created. Add cases to its agenda.") % {"title": meeting.title}
            )
            return redirect("mdt:meeting", meeting_id=meeting.id)
    today = timezone.localdate()
    meetings = MdtMeeting.objects.annotate(n_items=Count("items")).order_by("-date", "title")
    context = {
        "form": form,
        "upcoming": [m for m in meetings if m.date >= today][::-1],
        "past": [m for m in meetings if m.date < today],
        "can_manage": request.user.has_perm(MANAGE_MDT),
        "can_sign": request.user.has_perm(SIGN_REPORT),
    }
    return render(request, "mdt/meeting_list.html", context, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, meeting: MdtMeeting, **extra: object) -> dict[str, object]:
    search = extra.pop("search_form", None) or AgendaSearchForm()
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    items = list(_agenda(meeting))
    # A decision form is drawn only where one was sent back with an error; the others open on demand
    # (mdt_decision's GET): 40 forms of twelve fields were 212 of the page's 215 ms (issue 16, bench/mdt.py).
    decision_forms = extra.pop("decision_forms", {})
    for item in items:
        item.latest_report = item.report_list[0] if item.report_list else None
        item.is_draft = item.case.status == "draft"
        item.decision_form = decision_forms.get(item.id)
    can_manage, can_sign = request.user.has_perm(MANAGE_MDT), request.user.has_perm(SIGN_REPORT)
    context: dict[str, object] = {
        "meeting": meeting,
        "items": items,
        # Drawn when the page prints it (the template calls it), not for the search's fragment.
        "agenda": functools.partial(
            agenda_items, items, meeting=meeting, can_manage=can_manage, can_sign=can_sign, request=request
        ),
        "search_form": search,
        "query": query,
        "results": _search_cases(meeting, query) if can_manage else [],
        "flagged": _flagged_cases(meeting) if can_manage else [],
        "can_manage": can_manage,
        "can_sign": can_sign,
        "edit_form": MeetingForm(initial=_meeting_initial(meeting)),
        "attendance": attendees_by_discipline(parse_attendees(meeting.attendees)),
        "quorum_missing": quorum_missing(parse_attendees(meeting.attendees)),
    }
    context.update(extra)
    return context


def _decision_initial(item: AgendaItem) -> dict:
    return {
        "decision": item.decision,
        "reason": item.modification_reason,
        "text": item.modification_text,
        "deferral_need": item.deferral_need,
        **{f"mod_{key}": value for key, value in (item.modifications or {}).items()},
        "version": item.version,
    }


def _meeting_initial(meeting: MdtMeeting) -> dict:
    return {
        "date": meeting.date,
        "title": meeting.title,
        "attendees": meeting.attendees,
        "start_time": meeting.start_time,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "version": meeting.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def mdt_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    # Permission first (the POST's too): a refused user gets the same 403 for a real meeting and a made-up id.
    meeting = get_meeting_for_user(
        request, meeting_id, MANAGE_MDT if request.method == "POST" else VIEW_CLINICAL
    )
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            details = dict(form.cleaned_data)
            opened_at = details.pop("version")
            try:
                meeting_update(meeting=meeting, user=request.user, expected_version=opened_at, **details)
            except EditConflict as conflict:
                # Nothing was written; the form keeps what was typed and now carries the current version.
                meeting.refresh_from_db()
                form = MeetingForm({**request.POST.dict(), "version": meeting.version})
                form.is_valid()
                show_conflict(form, conflict, conflict_differences(form, _meeting_initial(meeting)))
                context = _detail_context(request, meeting, edit_form=form, edit_open=True)
                return render(request, "mdt/meeting_detail.html", context, status=409)
            messages.success(request, _("Meeting details saved."))
            return redirect("mdt:meeting", meeting_id=meeting.id)
        context = _detail_context(request, meeting, edit_form=form, edit_open=True)
        return render(request, "mdt/meeting_detail.html", context, status=400)
    context = _detail_context(request, meeting)
    return render(request, "mdt/meeting_detail.html", context)


@login_required
@require_POST
def mdt_search(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The agenda's case search. Posted: the text is a name or an MRN, which must not reach a URL (and so the
    access log or the browser history)."""
    meeting = get_meeting_for_user(request, meeting_id, MANAGE_MDT)
    context = _detail_context(request, meeting, search_form=AgendaSearchForm(request.POST))
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "mdt/meeting_detail.html#search_results", context)
    return render(request, "mdt/meeting_detail.html", context)


@login_required
@require_POST
def mdt_virtual(request: HttpRequest) -> HttpResponse:
    """Open today's virtual MDT (created when there is none): the way to sign between scheduled meetings."""
    if not (request.user.has_perm(MANAGE_MDT) or request.user.has_perm(SIGN_REPORT)):
        raise PermissionDenied
    meeting = meeting_virtual_today(user=request.user)
    messages.success(
        request,
        _("%(meeting)s: add the cases to discuss, then record and sign.")
        % {"meeting": meeting.label.capitalize()},
    )
    return redirect("mdt:meeting", meeting_id=meeting.id)


@login_required
@require_POST
def mdt_agenda_move(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    item = get_agenda_item_for_user(request, meeting_id, item_id, MANAGE_MDT)
    agenda_move(item=item, user=request.user, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(reverse("mdt:meeting", args=[meeting_id]) + f"#item-{item.id}")


@login_required
@require_POST
def mdt_agenda_add(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = get_meeting_for_user(request, meeting_id, MANAGE_MDT)
    try:
        case_id = uuid.UUID(request.POST.get("case", ""))
    except ValueError:
        messages.error(request, _("Choose a case to add."))
        return redirect("mdt:meeting", meeting_id=meeting.id)
    case = get_object_or_404(Case, pk=case_id)
    try:
        agenda_add(
            meeting=meeting,
            case=case,
            user=request.user,
            confirm_double_booking=request.POST.get("confirm_double_booking") == "1",
        )
    except ServiceError as exc:
        if exc.code == ALREADY_BOOKED:
            context = _detail_context(request, meeting, confirm_case=case, confirm_message=exc.messages[0])
            return render(request, "mdt/meeting_detail.html", context, status=409)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Case %(id)s added to the agenda.") % {"id": case.short_id})
    return redirect("mdt:meeting", meeting_id=meeting.id)


@login_required
@require_POST
def mdt_agenda_remove(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    item = get_agenda_item_for_user(request, meeting_id, item_id, MANAGE_MDT)
    try:
        agenda_remove(item=item, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Case %(id)s removed from the agenda.") % {"id": item.case.short_id})
    return redirect("mdt:meeting", meeting_id=meeting_id)


def _decision_form(
    item: AgendaItem, data: object = None, *, shown_version: int | None = None
) -> DecisionForm:
    """The decision form of `item`: bound to `data`, or with the item's values and, when the meeting page it was
    opened from showed an older version of the item, that version (saving is then refused as a conflict, with the
    differences, as when the form was drawn with the page)."""
    if data is None:
        initial = _decision_initial(item)
        if shown_version is not None:
            initial["version"] = shown_version
        return DecisionForm(initial=initial, prefix=f"item-{item.id}")
    return DecisionForm(data, prefix=f"item-{item.id}")


def _shown_version(request: HttpRequest) -> int | None:
    """The version of the agenda item the meeting page showed (its disclosure sends it), if it sent a number."""
    value = request.GET.get("version", "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def mdt_decision(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    """The chair's decision on one case of the agenda. GET: the form, as the meeting page's disclosure fetches it
    (htmx) or, without JavaScript, on a page of its own. POST: recorded, then back to the case on the agenda; a
    form with an error is drawn again in place on the meeting page, open, with what was typed."""
    item = get_agenda_item_for_user(request, meeting_id, item_id, SIGN_REPORT)
    if request.method == "GET":
        shown = _shown_version(request)
        context = {
            "meeting": item.meeting,
            "item": item,
            "form": _decision_form(item, shown_version=shown),
            "changed_since_shown": shown is not None and shown != item.version,
        }
        if request.htmx:
            return render(request, "mdt/_decision_form.html", context)
        return render(request, "mdt/decision.html", context)
    form = _decision_form(item, request.POST)
    if form.is_valid():
        try:
            decision_record(
                item=item,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
                modifications=form.modifications(),
                deferral_need=form.cleaned_data["deferral_need"],
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            # Nothing was written; the form keeps what was typed and now carries the current version.
            item.refresh_from_db()
            data = request.POST.copy()
            data[form.add_prefix("version")] = item.version
            form = _decision_form(item, data)
            form.is_valid()
            show_conflict(form, conflict, conflict_differences(form, _decision_initial(item)))
            context = _detail_context(request, item.meeting, decision_forms={item.id: form})
            return render(request, "mdt/meeting_detail.html", context, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded for case %(id)s.") % {"id": item.case.short_id})
            return redirect(reverse("mdt:meeting", args=[meeting_id]) + f"#item-{item.id}")
    context = _detail_context(request, item.meeting, decision_forms={item.id: form})
    return render(request, "mdt/meeting_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def mdt_sign(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    """The sign page: what is signed, the meaning of the signature, the quorum, and the chair's password."""
    item = get_agenda_item_for_user(request, meeting_id, item_id, SIGN_REPORT)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_sign(item=item, user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Report for case %(id)s signed (version %(version)s).")
                % {"id": item.case.short_id, "version": report.version},
            )
            return redirect(reverse("mdt:meeting", args=[meeting_id]) + f"#item-{item.id}")
    attendees = parse_attendees(item.meeting.attendees)
    assessment = case_assessment_preview(case=Case.objects.with_sections().get(pk=item.case_id))
    context = {
        "item": item,
        "meeting": item.meeting,
        "patient": item.case.patient,
        "form": form,
        "attendance": attendees_by_discipline(attendees),
        "quorum_missing": quorum_missing(attendees),
        "too_early": item.meeting.date > timezone.localdate(),
        "modifications": modification_rows(item.modifications or {}, assessment.result if assessment else {}),
    }
    return render(request, "mdt/sign.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def mdt_printout(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The meeting printout: its state for the agenda as it is now; a POST has it prepared in the background."""
    meeting = get_meeting_for_user(request, meeting_id)
    if request.method == "POST":
        try:
            job, created = printout_request(meeting=meeting, user=request.user)
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("mdt:printout", meeting_id=meeting.id)
        if created:
            printout_dispatch(job)  # after the job's transaction: a worker must be able to read it
            job = PrintoutJob.objects.defer("pdf").select_related("requested_by").get(pk=job.pk)
        if request.htmx:
            return render(request, "mdt/printout.html#status", _printout_context(meeting, job))
        return redirect("mdt:printout_status", meeting_id=meeting.id, job_id=job.id)
    # current_job() is the job for the inputs as they are now: never out of date.
    return render(request, "mdt/printout.html", {"meeting": meeting, "job": current_job(meeting)})


def _printout_context(meeting: MdtMeeting, job: PrintoutJob) -> dict[str, object]:
    # A finished file whose inputs changed since is not offered: the agenda or a case on it moved on.
    out_of_date = job.status == PrintoutStatus.READY and job.fingerprint != printout_fingerprint(meeting)
    return {"meeting": meeting, "job": job, "out_of_date": out_of_date}


@login_required
def mdt_printout_status(request: HttpRequest, meeting_id: uuid.UUID, job_id: uuid.UUID) -> HttpResponse:
    """A job's progress: the fragment htmx polls every second, or the whole page without htmx."""
    job = get_printout_job_for_user(request, meeting_id, job_id)
    context = _printout_context(job.meeting, job)
    if request.htmx:
        return render(request, "mdt/printout.html#status", context)
    return render(request, "mdt/printout.html", context)


@login_required
def mdt_printout_download(request: HttpRequest, meeting_id: uuid.UUID, job_id: uuid.UUID) -> HttpResponse:
    job = get_printout_job_for_user(request, meeting_id, job_id, pdf=True)
    if job.status != PrintoutStatus.READY:
        return redirect("mdt:printout_status", meeting_id=meeting_id, job_id=job.id)
    if job.fingerprint != printout_fingerprint(job.meeting):
        messages.warning(
            request, _("The agenda or a case on it changed since this printout was made: prepare it again.")
        )
        return redirect("mdt:printout", meeting_id=meeting_id)
    meeting = job.meeting
    filename = f"gist-mdt-{meeting.date:%Y-%m-%d}-{meeting.short_id}.pdf"
    return _pdf_response(bytes(job.pdf), filename, attachment=True)


@login_required
@require_http_methods(["GET", "POST"])
def case_agenda_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Add a case to an upcoming meeting from the case page (the partial mdt/_add_to_agenda.html)."""
    case = get_case_for_user(request, case_id, MANAGE_MDT)
    form = AddToAgendaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            agenda_add(
                meeting=meeting,
                case=case,
                user=request.user,
                confirm_double_booking=form.cleaned_data["confirm_double_booking"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Case %(id)s added to the agenda of %(meeting)s.")
                % {"id": case.short_id, "meeting": meeting},
            )
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("mdt:meeting", args=[meeting.id])
            if request.htmx:
                return render(
                    request,
                    "mdt/_add_to_agenda.html#form",
                    {"case": case, "form": AddToAgendaForm(), "added_to": meeting},
                )
            return redirect(target)
    template = "mdt/_add_to_agenda.html#form" if request.htmx else "mdt/add_to_agenda_page.html"
    status = 400 if form.errors else 200
    return render(
        request, template, {"case": case, "form": form, "next": request.GET.get("next", "")}, status=status
    )
