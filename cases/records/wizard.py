"""The stepwise case form: /cases/new/, /cases/<id>/step/<name>/ and the live panel /cases/<id>/panel/.

Every step posts as a plain form (works without JavaScript). Buttons carry an `action`:
next / back / save (validate, save, move), refresh ("Update form": redisplay with the branch's fields, no save)
and, on the decision and review steps, finish. htmx only adds conveniences on top: the fields of a branch are
swapped in when a deciding field changes (`?fragment=<branch id>`, one <div> per branch), and the live panel follows the typing.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user, require_perm
from cases.engine_texts import note_text
from cases.models import Case
from cases.permissions import EDIT_CLINICAL
from cases.records.banner import patient_banner
from cases.records.forms import STEP_FORMS, PatientForm, StepForm, initial_from_data
from cases.records.presenters import format_cm, result_display
from cases.records.preview import preview
from cases.records.selectors import case_sections, case_step_context, case_step_initial
from cases.records.services import case_create, case_save_step
from cases.records.steps import ALL_STEPS, STEP_TITLES, neighbours, steps_for_case
from cases.service_helpers import EditConflict, conflict_differences, posted_version

TEMPLATE = "records/wizard_step.html"


STASH_SESSION_KEY = "case_form_unsaved"


def login_required_keeping_post(view):
    """login_required that loses nothing when the session expired while a step was being filled in.

    A form posted without a live session is kept (in the new session, server side) and the user is sent to log
    in; back on the same page the form comes back with what was typed, to check and save. Django's login()
    keeps the session's data. htmx calls (panel, branch fragments) answer 204 so the page stays as it is.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            return HttpResponse(status=204)
        if request.method == "POST":
            data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
            request.session[STASH_SESSION_KEY] = {"path": request.path, "data": data}
        return redirect_to_login(request.path)

    return wrapper


def _take_stash(request: HttpRequest) -> QueryDict | None:
    """The values posted to this page when the session had expired, once (then forgotten)."""
    stash = request.session.get(STASH_SESSION_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASH_SESSION_KEY]
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    messages.warning(
        request, gettext("Your session had expired. What you entered is shown again: check it and save.")
    )
    return data


def _step_url(case: Case, step: str) -> str:
    return reverse("records:step", args=[case.pk, step])


def _saved_answer(case: Case) -> dict | None:
    """The engine's answer for the saved case, computed now (the decision step and the panel's first paint)."""
    return preview(case, "decision", {}, today=timezone.localdate())


def _panel_context(answer: dict | None) -> dict:
    if answer is None:
        return {"answer": None, "disagreements": [], "live_errors": []}
    shown = result_display(
        answer["result"], resected=answer["facts"].resected, genotype=answer["facts"].genotype
    )
    shown["pending"] = answer.get("pending") or {}
    shown["risk_blocked"] = answer.get("risk_blocked", False)
    return {
        "answer": shown,
        "disagreements": [note_text(note) for note in answer["disagreements"]],
        "live_errors": answer.get("errors", []),
    }


def _anchor(field) -> str:
    """The id the error summary links a field's message to: its input, or a list of choices' first choice (the
    list has no element of its own id)."""
    return field.id_for_label or field.field.widget.id_for_label(field.auto_id, 0) or field.auto_id


def _error_summary(form: StepForm | None) -> list[tuple[str, str]]:
    """(anchor, message) for every error, field errors first in form order, each message naming its field."""
    if form is None or not form.is_bound or form.is_valid():
        return []
    summary = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        anchor = _anchor(form[name]) if name in form.fields else "step-form"
        for message in errors:
            text = message if not label or message.startswith(label) else f"{label}: {message}"
            summary.append((anchor, text))
    return summary


def _render_step(
    request: HttpRequest,
    *,
    case: Case | None,
    step: str,
    form: StepForm | None,
    answer: dict | None,
    status: int = 200,
    version: int | None = None,
    conflict: dict | None = None,
) -> HttpResponse:
    steps = steps_for_case(case)
    previous, following = neighbours(steps, step) if step in steps else (None, None)
    context = {
        "case": case,
        "banner": patient_banner(case) if case is not None else None,
        "step": step,
        "step_title": STEP_TITLES[step],
        "steps": [(name, STEP_TITLES[name]) for name in steps],
        "step_number": steps.index(step) + 1 if step in steps else 1,
        "step_count": len(steps),
        "previous_step": previous,
        "next_step": following,
        "form": form,
        "error_summary": _error_summary(form),
        "panel_url": reverse("records:panel", args=[case.pk]) if case is not None else "",
        # The version of the case the form was opened at, carried through redisplays until the save.
        "case_version": version if version is not None else getattr(case, "version", None),
        "conflict": conflict,
        **_panel_context(answer),
    }
    if case is not None and step == "review":
        sections = case_sections(case)
        size = sections["presentation"].size_cm if sections["presentation"] else None
        context.update(sections, step_names=steps, can_edit=True, size_display=format_cm(size))
    return render(request, TEMPLATE, context, status=status)


@login_required_keeping_post
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    require_perm(request, EDIT_CLINICAL)
    stashed = _take_stash(request) if request.method == "GET" else None
    if stashed is not None:
        form = PatientForm(stashed)
        form.is_valid()
        return _render_step(request, case=None, step="patient", form=form, answer=None)
    if request.method == "POST":
        if request.POST.get("action") == "refresh":
            form = PatientForm(initial=initial_from_data(PatientForm, request.POST))
            return _render_step(request, case=None, step="patient", form=form, answer=None)
        form = PatientForm(request.POST)
        if form.is_valid():
            case = case_create(**form.cleaned_data, user=request.user)
            messages.success(
                request, gettext("Case %(id)s started. Enter the presentation next.") % {"id": case.short_id}
            )
            return redirect(_step_url(case, "presentation"))
    else:
        form = PatientForm(initial={"ruleset": settings.GISTCARE_DEFAULT_RULESET})
    return _render_step(request, case=None, step="patient", form=form, answer=None)


def _after_save(request: HttpRequest, case: Case, step: str, action: str) -> HttpResponse:
    steps = steps_for_case(case)  # the answer may have changed the steps (e.g. surveillance ends early)
    if step not in steps:
        return redirect(_step_url(case, steps[-1]))
    previous, following = neighbours(steps, step)
    if action == "save":
        messages.success(request, gettext("%(step)s saved.") % {"step": STEP_TITLES[step]})
        return redirect(_step_url(case, step))
    if action == "back" and previous:
        return redirect(_step_url(case, previous))
    if action in ("next", "finish") and following:
        return redirect(_step_url(case, following))
    messages.success(request, gettext("Case %(id)s saved.") % {"id": case.short_id})
    return redirect("records:case", case_id=case.pk)


@login_required_keeping_post
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, case_id: uuid.UUID, step: str) -> HttpResponse:
    case = get_case_for_user(request, case_id, EDIT_CLINICAL)
    if step not in ALL_STEPS:
        raise Http404("No such step")
    steps = steps_for_case(case)
    if step not in steps:
        messages.info(
            request,
            gettext("This case does not need the %(step)s step.") % {"step": str(STEP_TITLES[step]).lower()},
        )
        return redirect(_step_url(case, steps[-1]))

    form_class = STEP_FORMS.get(step)
    action = request.POST.get("action", "next")
    today = timezone.localdate()

    if form_class is None:  # decision and review: nothing to enter
        if request.method == "POST":
            return _after_save(request, case, step, action)
        return _render_step(request, case=case, step=step, form=None, answer=_saved_answer(case))

    form_kwargs = {
        "context": case_step_context(case, step),
        "fragment_url": _step_url(case, step),
        "today": today,
    }
    if step == "patient":
        form_kwargs["patient"] = case.patient  # the MRN may stay this patient's own
    fragment = request.GET.get("fragment", "")
    opened_at = posted_version(request.POST) if request.method == "POST" else None
    if request.method == "POST" and (fragment in form_class.branches or action == "refresh"):
        # Redisplay with the fields the new values call for; nothing is validated or saved.
        form = form_class(initial=initial_from_data(form_class, request.POST), **form_kwargs)
        if fragment in form_class.branches:
            return render(request, f"{TEMPLATE}#branch", {"branch": form.render_branch(fragment)})
        parsed = form_class(request.POST, **form_kwargs)
        answer = preview(case, step, request.POST, today=today, form=parsed)
        return _render_step(request, case=case, step=step, form=form, answer=answer, version=opened_at)

    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                case_save_step(
                    case=case,
                    step=step,
                    data=form.cleaned_data,
                    user=request.user,
                    expected_version=opened_at,
                )
            except EditConflict as conflict:
                # Nothing was written. The page shows what changed, keeps what was typed, and now carries the
                # current version: saving again is a deliberate choice to replace the record.
                case = get_case_for_user(request, case_id, EDIT_CLINICAL)
                answer = preview(case, step, request.POST, today=today, form=form)
                differences = conflict_differences(form, case_step_initial(case, step))
                return _render_step(
                    request,
                    case=case,
                    step=step,
                    form=form,
                    answer=answer,
                    status=409,
                    conflict={"message": conflict.message, "differences": differences},
                )
            return _after_save(request, case, step, action)
        answer = preview(case, step, request.POST, today=today, form=form)
        return _render_step(request, case=case, step=step, form=form, answer=answer, version=opened_at)

    stashed = _take_stash(request)
    if stashed is not None:  # typed before the session expired: shown again, validated, not saved yet
        form = form_class(stashed, **form_kwargs)
        form.is_valid()
        return _render_step(
            request,
            case=case,
            step=step,
            form=form,
            answer=preview(case, step, stashed, today=today, form=form),
            version=posted_version(stashed),
        )
    form = form_class(initial=case_step_initial(case, step), **form_kwargs)
    return _render_step(request, case=case, step=step, form=form, answer=_saved_answer(case))


@login_required_keeping_post
@require_http_methods(["GET", "POST"])
def case_panel(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The live panel for the unsaved values of the step form; reads only, writes nothing.

    The page posts the values (the patient step carries names and the MRN, which must stay out of URLs);
    a GET shows the answer for the saved case.
    """
    case = get_case_for_user(request, case_id, EDIT_CLINICAL)
    data = request.POST if request.method == "POST" else {}
    step = data.get("_step", "")
    if step not in ALL_STEPS:
        step = "decision"
    answer = preview(case, step, data, today=timezone.localdate())
    return render(request, f"{TEMPLATE}#live_panel", _panel_context(answer))
