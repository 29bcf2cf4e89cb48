"""The nurses' follow-up worklist, its inline actions, exports and the case's follow-up page.

Nurses (`cases.manage_followups`) act; everyone else with `cases.view_clinical` reads. Every action works as
an htmx swap of the item's rows and as a plain form page when JavaScript is off.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import (
    get_case_for_user,
    get_export_job_for_user,
    get_followup_for_user,
    require_any_perm,
    require_perm,
)
from cases.choices import FollowUpStatus
from cases.course import forms as course_forms
from cases.course import services as course_svc
from cases.course.selectors import adjuvant_line
from cases.followups import escalation as esc
from cases.followups import export_jobs
from cases.followups import forms as ff
from cases.followups import letters as letters_svc
from cases.followups import safety as followup_safety
from cases.followups import services as svc
from cases.followups.exports import kept_calendar
from cases.followups.rows import prepare as prepare_rows
from cases.followups.rows import print_columns, print_rows, row_context, tbodies
from cases.followups.selectors import flagged_cases, surgeon_choices
from cases.followups.tasks import export_dispatch
from cases.followups.worklist import (
    TABS,
    Cursor,
    WorklistFilters,
    base_items,
    filtered_counts,
    page_ids,
    page_items,
    page_rows,
    print_rows_of,
)
from cases.language import stored_language
from cases.models import (
    CalendarFeedToken,
    Case,
    ContactAttempt,
    EscalationStep,
    ExportJob,
    ExportStatus,
    FollowUpItem,
    Letter,
)
from cases.permissions import EDIT_CLINICAL, MANAGE_FOLLOWUPS, MANAGE_MDT, VIEW_CLINICAL
from cases.records.banner import patient_banner
from cases.service_helpers import (
    EditConflict,
    ServiceError,
    add_service_errors,
    conflict_differences,
    show_conflict,
)

PAGE_SIZE = 50
#: "All" (every item ever, done and cancelled too) is counted up to this many items; past it the tab says "more
#: than" and its pages have no last number (issue 16: a count of the whole table cost 2-4.5 ms on PostgreSQL with
#: 100,000 items, on every visit to the tab). The actionable tabs are always counted to the end.
ALL_COUNT_LIMIT = 1000
PRINT_LIMIT = 2000
#: A page number's bound when the last page is not known: OFFSET 5 x 10^10 fits a 64-bit integer.
MAX_PAGE = 10**9


def _safe_next(request: HttpRequest, default: str, target: str | None = None) -> str:
    """`target` (default: the posted `next`) when it stays on this site, else `default` (no open redirect)."""
    if target is None:
        target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _can_act(request: HttpRequest) -> bool:
    return request.user.has_perm(MANAGE_FOLLOWUPS)


def _can_review(request: HttpRequest) -> bool:
    """A result entered in the treatment course may be marked reviewed by a nurse or a clinician."""
    return request.user.has_perm(MANAGE_FOLLOWUPS) or request.user.has_perm(EDIT_CLINICAL)


def _row_context(request: HttpRequest) -> dict:
    """What the row partial needs beyond its rows (cases/followups/rows.py), for this reader."""
    return row_context(can_act=_can_act(request), can_review=_can_review(request))


def _item_for_action(request: HttpRequest, item_id, action: str) -> FollowUpItem:
    """The item, once the user's right to the action is checked (before the lookup: no existence oracle)."""
    if action == "reviewed":
        require_any_perm(request, MANAGE_FOLLOWUPS, EDIT_CLINICAL)
        return get_followup_for_user(request, item_id, VIEW_CLINICAL)
    return get_followup_for_user(request, item_id, MANAGE_FOLLOWUPS)


# With what the page and its rows print of the case: the tumour site and the follow-up's closure (issue 16).
_CASES = Case.objects.select_related("patient", "owner", "presentation", "closure")


def _filtered(request: HttpRequest, surgeons) -> tuple[ff.FilterForm, WorklistFilters, str, str]:
    return ff.worklist_filters(request.GET, surgeons)


# ---------------------------------------------------------------------------------------------------------
# The list


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    today = timezone.localdate()
    form, filters, tab, query = _filtered(request, surgeon_choices())
    # "All" (every item ever, done and cancelled too) is counted on its own tab only, and only up to
    # ALL_COUNT_LIMIT: its count reads the whole table, the other tabs' read short index ranges (issue 16).
    # Elsewhere its tab shows no number.
    counted = tuple(name for name, _ in TABS if name != "all" or tab == "all")
    counts = filtered_counts(filters, today, counted, user=request.user, all_limit=ALL_COUNT_LIMIT)

    total = counts[tab]
    beyond = tab == "all" and total > ALL_COUNT_LIMIT  # how many pages there are is not known
    pages = None if beyond else max(1, -(-total // PAGE_SIZE))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    # Clamped to the last page when it is known; else to what the databases' OFFSET can take (a typed number past
    # the rows starts again at the first page, below).
    page = min(page, pages if pages is not None else MAX_PAGE)
    # "Next" and "Previous" carry the neighbouring row (keyset: a deep page costs what the first does); a page
    # asked for by number alone, or with a broken cursor, is found by counting rows. Without a last page number,
    # one row more than a page is read to know whether there is a next page.
    after, before = Cursor.parse(request.GET.get("after")), Cursor.parse(request.GET.get("before"))
    wanted = PAGE_SIZE + 1 if beyond and before is None else PAGE_SIZE
    passed = wanted if after or before else (page - 1) * PAGE_SIZE + wanted
    qs = page_items(filters, tab, today, counts, user=request.user, rows=passed, all_limit=ALL_COUNT_LIMIT)
    items = page_rows(page_ids(qs, tab, today, (page - 1) * PAGE_SIZE, wanted, after=after, before=before))
    if (after or before) and not items:  # the rows moved on since: start again from the page's number
        before = None
        wanted = PAGE_SIZE + 1 if beyond else PAGE_SIZE
        items = page_rows(page_ids(qs, tab, today, (page - 1) * PAGE_SIZE, wanted))
    if (
        beyond and not items and page > 1
    ):  # a number past the last page (unknown, so not clamped): the first one
        page = 1
        items = page_rows(page_ids(qs, tab, today, 0, wanted))
    if pages is None:
        has_next = len(items) > PAGE_SIZE or before is not None  # back from a later page: it is still there
        items = items[:PAGE_SIZE]
    else:
        has_next = page < pages
    rows_context = _row_context(request)
    prepared = prepare_rows(items, today, rows_context)
    context = {
        "form": form,
        "tab": tab,
        "tabs": [
            (name, label, f"{ALL_COUNT_LIMIT}+" if name == "all" and beyond else counts.get(name))
            for name, label in TABS
        ],
        "query": query,
        "items": items,
        "rows": prepared,
        "rows_html": tbodies(prepared),
        "page": page,
        "pages": pages,
        "has_next": has_next,
        "total": total,
        "total_beyond": ALL_COUNT_LIMIT if beyond else None,
        "next_cursor": str(Cursor.of(items[-1])) if items else "",
        "previous_cursor": str(Cursor.of(items[0])) if items else "",
        "first_row": (page - 1) * PAGE_SIZE + 1 if total else 0,
        "last_row": (page - 1) * PAGE_SIZE + len(items),
        "today": today,
        **rows_context,
    }
    template = "followups/worklist.html"
    if request.htmx and request.htmx.target == "worklist":
        # The list alone; what shows its tab and filters outside it (the header's actions, the filter form's tab
        # and Clear link) goes with it, out of band.
        template += "#worklist"
        context["oob"] = True
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """The worklist's CSV export of a tab with its filters (the query string): GET, what would be exported; POST,
    it is written in the background (issue 16: a list of 100,000 visits took half a minute inside the request)."""
    require_perm(request, VIEW_CLINICAL)
    _form, _filters, tab, query = _filtered(request, surgeon_choices())
    if request.method == "POST":
        job = export_jobs.export_request(
            user=request.user, tab=tab, query=query, language=translation.get_language()
        )
        export_dispatch(job)  # after the job's transaction: a worker must be able to read it
        return redirect("followups:export_status", export_id=job.id)
    return render(
        request, "followups/export.html", {"tab": tab, "query": query, "tab_label": dict(TABS)[tab]}
    )


def _export_context(job: ExportJob) -> dict[str, object]:
    tab = job.params.get("tab", "overdue")
    return {
        "job": job,
        "tab": tab,
        "query": job.params.get("query", ""),
        "tab_label": dict(TABS).get(tab, tab),
    }


@login_required
def export_status(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    """An export's progress: the fragment htmx polls every second, or the whole page without htmx."""
    job = get_export_job_for_user(request, export_id)
    if request.htmx:
        return render(request, "followups/export.html#status", _export_context(job))
    return render(request, "followups/export.html", _export_context(job))


@login_required
def export_download(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    job = get_export_job_for_user(request, export_id, content=True)
    if job.status != ExportStatus.READY:
        return redirect("followups:export_status", export_id=job.id)
    response = HttpResponse(bytes(job.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@login_required
def print_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    today = timezone.localdate()
    form, filters, tab, _query = _filtered(request, surgeon_choices())
    qs = filters.apply(base_items(), user=request.user)
    items = list(print_rows_of(qs, tab, today)[:PRINT_LIMIT])
    return render(
        request,
        "followups/print.html",
        {
            "rows": print_rows(items, today),
            "columns": print_columns(),
            "tab_label": dict(TABS)[tab],
            "today": today,
            "truncated": len(items) == PRINT_LIMIT,
            "limit": PRINT_LIMIT,
            "form": form,
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Item actions


ACTIONS: dict[str, tuple[str, type]] = {
    "done": (gettext_lazy("Mark done"), ff.DoneForm),
    "contact": (gettext_lazy("Record contact"), ff.ContactForm),
    "reschedule": (gettext_lazy("Reschedule"), ff.RescheduleForm),
    "cancel": (gettext_lazy("Cancel"), ff.CancelForm),
    "edit": (gettext_lazy("Edit"), ff.EditForm),
    "escalate": (gettext_lazy("Escalate this missed visit"), ff.EscalateForm),
    "outcome": (gettext_lazy("Record the outcome of the escalation step"), ff.OutcomeForm),
    "reviewed": (gettext_lazy("Mark reviewed"), ff.ReviewedForm),
}


def _initial(action: str, item: FollowUpItem, today) -> dict:
    initial: dict = {"expected_version": item.version}
    if action == "done":
        initial["completed_date"] = today
    elif action == "reschedule":
        initial["due_date"] = item.due_date
    elif action == "edit":
        initial.update(
            due_date=item.due_date,
            window_days=item.window_days,
            modality=item.modality,
            responsible_nurse=item.responsible_nurse_id,
            notes=item.notes,
        )
    return initial


def _perform(action: str, item: FollowUpItem, user, data: dict) -> str:
    common = {"item": item, "user": user, "expected_version": data["expected_version"]}
    if action == "reviewed":
        svc.item_mark_reviewed(**common)
        return gettext("Marked reviewed.")
    if action == "done":
        svc.item_mark_done(
            **common, completed_date=data["completed_date"], result=data["result"], notes=data["notes"]
        )
        return _("Marked done.")
    if action == "contact":
        svc.item_record_contact(
            **common,
            outcome=data["outcome"],
            next_contact_date=data["next_contact_date"],
            notes=data["notes"],
        )
        return _("Contact attempt recorded.")
    if action == "reschedule":
        svc.item_reschedule(
            **common,
            due_date=data["due_date"],
            reason_code=data["reason_code"],
            reason=data["reason"],
            confirmed=data["confirmed"],
        )
        return _("Rescheduled.")
    if action == "cancel":
        svc.item_cancel(**common, reason=data["reason"])
        return _("Cancelled.")
    if action == "escalate":
        step = esc.item_escalate(item=item, user=user)
        return _("Escalated: %(step)s.") % {"step": step.get_step_display().lower()}
    if action == "outcome":
        step = item.current_escalation()
        if step is None:
            raise svc.FollowUpError(_("This visit has no escalation step yet."))
        esc.step_record_outcome(step=step, user=user, outcome=data["outcome"], notes=data["notes"])
        return _("Outcome recorded.")
    svc.item_edit(
        **common,
        reason=data["reason"],
        due_date=data["due_date"],
        window_days=data["window_days"],
        modality=data["modality"],
        responsible_nurse=data["responsible_nurse"],
        notes=data["notes"],
    )
    return _("Saved.")


@login_required
def item_action(request: HttpRequest, item_id, action: str) -> HttpResponse:
    today = timezone.localdate()
    if action == "row":  # the item's rows without a form (htmx "Close")
        item = get_followup_for_user(request, item_id, VIEW_CLINICAL)
        if not request.htmx:
            return redirect("followups:list")
        context = {
            "item": item,
            "today": today,
            **_row_context(request),
        }
        context["row"] = prepare_rows([item], today, context)[0]
        return render(request, "followups/worklist.html#item", context)
    if action not in ACTIONS:
        raise Http404
    item = _item_for_action(request, item_id, action)
    label, form_class = ACTIONS[action]
    note = ""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                note = _perform(action, item, request.user, form.cleaned_data)
            except svc.RescheduleNeedsConfirmation as exc:
                form.add_error(None, exc.message)
                form.needs_confirmation = True
            except svc.FollowUpConflict as exc:
                # Show the item as the other nurse left it, keep what this nurse typed, and let her re-save
                # knowingly (the form's hidden version becomes the current one).
                item = _item_for_action(request, item_id, action)
                form.add_error(None, exc.message)
            except svc.FollowUpError as exc:
                add_service_errors(form, exc)
            else:
                if not request.htmx:
                    messages.success(request, note)
                    return redirect(_safe_next(request, reverse("followups:list")))
                item = _item_for_action(request, item_id, action)
                form = None
    else:
        form = form_class(initial=_initial(action, item, today))

    # The reschedule confirmation is offered only once the warnings have been shown.
    if action == "reschedule" and form is not None and not getattr(form, "needs_confirmation", False):
        form.fields["confirmed"].widget = forms.HiddenInput()
    context = {
        "item": item,
        "action": action if form is not None else "",
        "action_label": label,
        "action_form": form,
        "note": note,
        "today": today,
        # Rendered as the Close link's href: only an address on this site.
        "next": _safe_next(request, "", request.GET.get("next") or request.POST.get("next") or ""),
        **_row_context(request),
    }
    context["row"] = prepare_rows([item], today, context)[0]
    if request.htmx:
        return render(request, "followups/worklist.html#item", context)
    return render(request, "followups/item_action.html", context)


# ---------------------------------------------------------------------------------------------------------
# One case's follow-up


@login_required
def case_followups(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, queryset=_CASES)
    return _render_case(request, case)


def _render_case(request: HttpRequest, case: Case, **forms) -> HttpResponse:
    today = timezone.localdate()
    # Each item's contacts and escalation steps as plain lists (`to_attr`): a related manager's prefetch builds a
    # queryset for every item (two for each of a ten-year course's 80 visits, a sixth of the page; issue 16).
    items = list(
        case.followups.select_related("responsible_nurse", "updated_by")
        .prefetch_related(
            Prefetch("contacts", ContactAttempt.objects.select_related("by"), to_attr="contact_list"),
            Prefetch(
                "escalations", EscalationStep.objects.select_related("recorded_by"), to_attr="escalation_list"
            ),
        )
        .order_by("due_date", "id")
    )
    for item in items:
        item.case = case  # the case already loaded with its sections: no query per item (issue 16)
    course = adjuvant_line(case)  # adjuvant imatinib as delivered: the treatment course's adjuvant line
    interruptions = list(course.interruptions.all()) if course else []
    context = {
        "case": case,
        "banner": patient_banner(case, today=today),
        "items": items,
        "course": course,
        "interruptions": interruptions,
        "real_end": svc.adjuvant_real_end(course, today=today, interruptions=interruptions)
        if course
        else None,
        "today": today,
        "can_reassess": request.user.has_perm(EDIT_CLINICAL) or request.user.has_perm(MANAGE_MDT),
        "can_close": request.user.has_perm(MANAGE_MDT),
        "closure": case.section("closure"),
        "letters": list(case.letters.select_related("created_by", "sent_by", "step").defer("pdf")),
        "can_write_letters": request.user.has_perm(MANAGE_FOLLOWUPS) or request.user.has_perm(MANAGE_MDT),
        "has_signed_report": case.signed_reports.exists(),
        "contact_form": forms.get("contact_form")
        or ff.ContactDetailsForm(
            initial={name: getattr(case.patient, name) for name in letters_svc.CONTACT_FIELDS}
        ),
        "letter_send_choices": ff.LetterSendForm.base_fields["via"].choices,
        "manual_form": forms.get("manual_form") or ff.ManualForm(initial={"window_days": 14}),
        "course_form": forms.get("course_form")
        or course_forms.AdjuvantLineForm(
            initial=course_forms.initial_values(
                {name: getattr(course, name) for name in course_svc.ADJUVANT_FIELDS}
                | {"version": course.version, "line": course.pk}
            )
            if course
            else None
        ),
        "interruption_form": forms.get("interruption_form") or course_forms.InterruptionFields(),
        **_row_context(request),
    }
    context["rows"] = prepare_rows(items, today, context)
    context["rows_html"] = tbodies(context["rows"])
    return render(request, "followups/case.html", context)


def _case_form_post(
    request: HttpRequest, case: Case, form, *, form_name: str, save, done: str, on_record=None
) -> HttpResponse:
    """A form of the case's follow-up page: save through `save(cleaned_data)`, or show the page again (400) with
    the form's errors (or the service's refusal) and everything typed kept. An edit conflict (409) names each
    field that differs from the record now (`on_record()`: its values) and carries the current version."""
    status = 400
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except EditConflict as conflict:
            current = on_record()
            show_conflict(form, conflict, conflict_differences(form, current))
            form.data = form.data.copy()
            form.data["version"] = current["version"]
            if "line" in current:  # the line now on record: the next save edits it
                form.data["line"] = current["line"]
            status = 409
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("followups:case", case_id=case.pk)
    response = _render_case(request, case, **{form_name: form})
    response.status_code = status
    return response


@login_required
@require_POST
def case_add_item(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, MANAGE_FOLLOWUPS, queryset=_CASES)
    return _case_form_post(
        request,
        case,
        ff.ManualForm(request.POST),
        form_name="manual_form",
        save=lambda data: svc.item_add_manual(case=case, user=request.user, **data),
        done=_("Follow-up item added."),
    )


@login_required
@require_POST
def case_adjuvant(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, MANAGE_FOLLOWUPS, queryset=_CASES)

    def on_record() -> dict:
        line = adjuvant_line(case)  # a conflict means there is one
        values = {name: getattr(line, name) for name in course_svc.ADJUVANT_FIELDS}
        return values | {"version": line.version, "line": line.pk}

    return _case_form_post(
        request,
        case,
        course_forms.AdjuvantLineForm(request.POST),
        form_name="course_form",
        save=lambda data: course_svc.adjuvant_line_save(
            case=case,
            user=request.user,
            data=data,
            line_id=data.get("line"),
            expected_version=data.get("version"),
        ),
        done=_("Adjuvant course saved; the schedule follows its real end date."),
        on_record=on_record,
    )


@login_required
@require_POST
def case_interruption(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, MANAGE_FOLLOWUPS, queryset=_CASES)
    course = adjuvant_line(case)

    def save(data: dict) -> None:
        if course is None:
            raise ServiceError(_("Record the adjuvant course first."))
        course_svc.interruption_save(case=case, user=request.user, data=data | {"line": course.pk})

    return _case_form_post(
        request,
        case,
        course_forms.InterruptionFields(request.POST),
        form_name="interruption_form",
        save=save,
        done=_("Interruption recorded; the schedule was moved accordingly."),
    )


@login_required
@require_POST
def case_regenerate(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, MANAGE_FOLLOWUPS, queryset=_CASES)
    result = svc.followups_regenerate(case=case, user=request.user, reason="Regenerated by hand")
    messages.success(
        request,
        _("Schedule regenerated: %(created)s new, %(kept)s kept, %(removed)s pending removed.")
        % {"created": result.created, "kept": result.kept, "removed": result.removed},
    )
    return redirect("followups:case", case_id=case.pk)


@login_required
@require_POST
def case_recurrent(request: HttpRequest, case_id) -> HttpResponse:
    require_any_perm(request, EDIT_CLINICAL, MANAGE_MDT)
    case = get_case_for_user(request, case_id, queryset=_CASES)
    try:
        svc.case_mark_recurrent(case=case, user=request.user)
    except svc.FollowUpError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Case re-assessed as recurrent disease."))
    return redirect(_safe_next(request, reverse("followups:case", kwargs={"case_id": case.pk})))


# ---------------------------------------------------------------------------------------------------------
# Cases flagged by a follow-up result


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    can_reassess = request.user.has_perm(EDIT_CLINICAL) or request.user.has_perm(MANAGE_MDT)
    context = {
        "flagged_cases": list(flagged_cases().select_related("patient", "owner", "presentation")),
        "can_reassess": can_reassess,
    }
    template = "followups/flagged.html"
    if request.htmx:
        template += "#flagged-list"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------------------
# Safety net: cases nobody is following, visits lost to follow-up


@login_required
def safety_net(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    cases = list(followup_safety.cases_without_safety_net())
    return render(request, "followups/safety_net.html", {"cases": cases})


@login_required
def lost(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    context = {"cases": list(esc.lost_to_follow_up()), "can_close": request.user.has_perm(MANAGE_MDT)}
    return render(request, "followups/lost.html", context)


@login_required
def case_close(request: HttpRequest, case_id) -> HttpResponse:
    """The coordinator ends a case's follow-up with a reason (a confirmation page; POST closes)."""
    case = get_case_for_user(request, case_id, MANAGE_MDT)
    form = ff.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            esc.case_close_followup(
                case=case,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except svc.FollowUpError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Follow-up closed; its pending visits were cancelled."))
            return redirect("followups:case", case_id=case.pk)
    pending = case.followups.filter(status=FollowUpStatus.PENDING).count()
    return render(request, "followups/close.html", {"case": case, "form": form, "pending": pending})


# ---------------------------------------------------------------------------------------------------------
# Letters and contact details


@login_required
@require_POST
def case_letter_new(request: HttpRequest, case_id) -> HttpResponse:
    require_any_perm(request, MANAGE_FOLLOWUPS, MANAGE_MDT)  # before the lookup: no existence oracle
    case = get_case_for_user(request, case_id)
    form = ff.LetterNewForm(request.POST)
    if not form.is_valid():
        # The page's own step was not valid (a stale page): say so; else what is missing is the choice.
        stale = " ".join(form.non_field_errors())
        messages.error(request, stale or _("Choose the recipient and the kind of letter."))
        return redirect("followups:case", case_id=case.pk)
    step = None
    if form.cleaned_data["step"]:
        step = get_object_or_404(EscalationStep, pk=form.cleaned_data["step"], item__case=case)
    try:
        letter = letters_svc.letter_create(
            case=case,
            user=request.user,
            recipient=form.cleaned_data["recipient"],
            purpose=form.cleaned_data["purpose"],
            step=step,
        )
    except svc.FollowUpError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(purpose)s letter to the %(recipient)s generated: review the PDF, then send it.")
            % {"purpose": letter.get_purpose_display(), "recipient": letter.get_recipient_display()},
        )
    return redirect(reverse("followups:case", kwargs={"case_id": case.pk}) + "#letters")


@login_required
def letter_pdf(request: HttpRequest, letter_id) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    letter = get_object_or_404(Letter, pk=letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    # No patient identifier in the file name.
    response["Content-Disposition"] = f'inline; filename="letter-{letter.sha256[:12]}.pdf"'
    return response


@login_required
@require_POST
def letter_send(request: HttpRequest, letter_id) -> HttpResponse:
    require_any_perm(request, MANAGE_FOLLOWUPS, MANAGE_MDT)
    letter = get_object_or_404(Letter.objects.select_related("case"), pk=letter_id)
    form = ff.LetterSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the letter is sent."))
    else:
        try:
            letters_svc.letter_send(letter=letter, user=request.user, via=form.cleaned_data["via"])
        except svc.FollowUpError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Letter recorded as sent."))
    return redirect(reverse("followups:case", kwargs={"case_id": letter.case_id}) + "#letters")


@login_required
@require_POST
def case_contact(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, MANAGE_FOLLOWUPS)
    form = ff.ContactDetailsForm(request.POST)
    if form.is_valid():
        try:
            letters_svc.patient_contact_update(
                patient=case.patient, user=request.user, values=form.cleaned_data
            )
        except svc.FollowUpError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("followups:case", case_id=case.pk)
    return _render_case(request, case, contact_form=form)


# ---------------------------------------------------------------------------------------------------------
# Calendar feed


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    require_perm(request, MANAGE_FOLLOWUPS)
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            svc.calendar_token_revoke(user=request.user)
            messages.success(request, _("Your calendar feed address no longer works."))
            return redirect("followups:calendar")
        created = svc.calendar_token_create(user=request.user)
        # Shown on this response only: the database keeps a hash, so the address cannot be shown again.
        feed_url = request.build_absolute_uri(reverse("followups:feed", kwargs={"token": created.token}))
    token = CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "followups/calendar.html", {"token": token, "feed_url": feed_url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the secret token in the URL is the credential (calendar apps cannot log in)."""
    feed = svc.calendar_token_find(token)
    if feed is None or not feed.user.has_perm(MANAGE_FOLLOWUPS):
        raise Http404
    # A case's follow-up page with its id put in the place of a stand-in: the address is built once a feed, not
    # once an event (a feed holds a year of visits). The stand-in is the path's last id (never the host's).
    stand_in = str(uuid.UUID(int=0))
    before, _, after = request.build_absolute_uri(
        reverse("followups:case", kwargs={"case_id": stand_in})
    ).rpartition(stand_in)
    with translation.override(stored_language(feed.user.pk)):  # the nurse's, whatever the calendar app sends
        ical = kept_calendar(feed.user, timezone.localdate(), case_url=(before, after))
    response = HttpResponse(ical, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gistcare-followups.ics"'
    return response
