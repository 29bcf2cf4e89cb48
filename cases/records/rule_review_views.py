"""Checking every case against the current rules, and re-assessing the ticked cases (/cases/rules/; the work is
done in the background: cases/records/rule_review.py)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import require_perm
from cases.choices import Pathway, Ruleset
from cases.labels import ADJUVANT_LABELS, MODALITY_LABELS, RISK_LABELS, choice_labels
from cases.links import case_link_parts
from cases.models import Assessment, Case, RuleReviewJob, RuleReviewKind
from cases.models.case import short_id_of
from cases.models.patient import listed_name
from cases.permissions import EDIT_CLINICAL, VIEW_CLINICAL
from cases.records import rule_review
from cases.records.assessment import first_difference, visits_due
from cases.records.tasks import review_dispatch
from cases.sentences import fillable
from guidelines import RULESETS

PATHWAY_LABELS = choice_labels(Pathway)
RULESET_LABELS = choice_labels(Ruleset)
WHAT_LABELS = {
    "risk": _("Modified NIH risk"),
    "pathway": _("Pathway"),
    "adjuvant": _("Adjuvant imatinib"),
    "surveillance": _("Surveillance schedule"),
}
SKIPPED_LABELS = {
    rule_review.SKIPPED_CURRENT: _("already re-assessed with the current rules"),
    rule_review.SKIPPED_ARCHIVED: _("archived or deleted since the check"),
    rule_review.SKIPPED_NO_SITE: _("no site recorded: nothing to assess"),
    rule_review.SKIPPED_RULES_CHANGED: _("the rules changed again since the check: check every case again"),
    rule_review.SKIPPED_RECORDS_CHANGED: _("its records changed since the check: re-assess it from its page"),
    rule_review.SKIPPED_FAILED: _("an error stopped it (in the server's log): re-assess it from its page"),
}


class ReassessForm(forms.Form):
    """The cases of a check to re-assess: ticked one by one among those answered differently (or all of them with
    one tick: a thousand boxes would be more fields than a request may carry), and (one tick) all those answered the
    same."""

    cases = forms.MultipleChoiceField(
        label=_("Cases the current rules answer differently"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    every_changed = forms.BooleanField(
        label=_("Every case the current rules answer differently"), required=False
    )
    unchanged = forms.BooleanField(label=_("The cases the current rules answer the same"), required=False)

    def __init__(self, *args, check: RuleReviewJob, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        result = check.result or {}
        self.fields["cases"].choices = [(row["case"], row["case"]) for row in result.get("changed", [])]
        self.unchanged_ids = list(result.get("unchanged", []))

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not self.case_ids():
            self.add_error("cases", _("Tick at least one case to re-assess."))
        return data

    def case_ids(self) -> list[str]:
        """The ticked cases, each once, in the check's order."""
        data = self.cleaned_data
        changed = [value for value, _label in self.fields["cases"].choices]
        ticked = changed if data.get("every_changed") else data.get("cases", [])
        return list(dict.fromkeys([*ticked, *(self.unchanged_ids if data.get("unchanged") else [])]))


def _worded(what: str, value: object) -> str:
    if what == "risk":
        return str(RISK_LABELS.get(value, value)) if value else str(_("Not assessable"))
    if what == "pathway":
        return str(PATHWAY_LABELS.get(value, value)) if value else str(_("Undetermined"))
    if what == "surveillance":
        if not value:
            return str(_("No visits"))
        return ngettext(
            "%(count)s visit, %(first)s to %(last)s", "%(count)s visits, %(first)s to %(last)s", len(value)
        ) % {"count": len(value), "first": value[0][0], "last": value[-1][0]}
    recommendation, months = value  # type: ignore[misc]  # answer_of: [recommendation, months]
    words = str(ADJUVANT_LABELS.get(recommendation, recommendation or "—"))
    return f"{words}, {_('%(months)s months') % {'months': months}}" if months else words


def _worded_change(what: str, before: object, after: object) -> tuple[str, str, str]:
    """(what, the stored answer, the current answer) in the reader's words; a schedule says where it first differs."""
    after_words = _worded(what, after)
    if what == "surveillance":
        due = first_difference(before, after)  # type: ignore[arg-type]
        after_words = _("%(schedule)s; the first to differ is due %(date)s") % {
            "schedule": after_words,
            "date": due,
        }
        old, new = visits_due(before, due), visits_due(after, due)  # type: ignore[arg-type]
        if old and new:  # the same day, another modality or window: say which
            after_words = f"{after_words} ({_visits(old)} → {_visits(new)})"
    return str(WHAT_LABELS.get(what, what)), _worded(what, before), str(after_words)


def _visits(visits: list) -> str:
    """Visits due the same day as the page words them: "CT or MRI (abdomen and pelvis), ± 14 days"."""
    return "; ".join(
        _("%(modality)s, ± %(days)s days")
        % {"modality": MODALITY_LABELS.get(modality, modality), "days": days}
        for _due, modality, days in visits
    )


def _cases_by_id(ids: list[str]) -> dict[str, Case]:
    """The cases of `ids` still on record, with their patient and the version of their latest assessment."""
    latest = (
        Assessment.objects.filter(case=OuterRef("pk")).order_by("-created_at").values("ruleset_version")[:1]
    )
    cases = (
        Case.objects.filter(pk__in=ids)
        .select_related("patient")
        .only("id", "archived_at", "patient__mrn", "patient__family_name", "patient__given_name")
        .annotate(latest_version=Subquery(latest))
    )
    return {str(case.pk): case for case in cases}


def _check_rows(check: RuleReviewJob) -> list[SimpleNamespace]:
    """What each listed case's row prints, in the reader's words (drawn by `listed_rows`)."""
    changed = (check.result or {}).get("changed", [])
    cases = _cases_by_id([row["case"] for row in changed])
    chinese = (get_language() or "").startswith("zh")
    case_base, case_end = case_link_parts("records:case")
    reassess_case = fillable(gettext_noop("Re-assess case %(case)s"), "case")
    rows = []
    for row in changed:
        case = cases.get(row["case"])
        if case is None:
            continue
        patient = case.patient
        family, name_separator, given = listed_name(patient.given_name, patient.family_name, chinese)
        rows.append(
            SimpleNamespace(
                pk=str(case.pk),
                url=f"{case_base}{case.pk}{case_end}",
                short_id=case.short_id,
                reassess_label=reassess_case % {"case": case.short_id},
                archived=case.archived_at is not None,
                family=family,
                name_separator=name_separator,
                given=given,
                mrn=patient.mrn,
                ruleset=str(RULESET_LABELS.get(row.get("ruleset"), row.get("ruleset", ""))),
                stored_version=row["stored_version"],
                current_version=row["current_version"],
                reassessed_since=case.latest_version == row["current_version"],
                changes=[_worded_change(what, before, after) for what, before, after in row["changes"]],
            )
        )
    return rows


def listed_rows(rows: list[SimpleNamespace], form: ReassessForm | None) -> SafeString:
    """The listed cases' `<tr>` (templates/jinja2/records/check_rows.html, one render for the page), with a box to
    tick each when `form` is given (ticked as it was sent back; tied to the refusal's message).

    A check can list hundreds of cases: through Django's engine each row cost about 0.3 ms (issue 16)."""
    ticked = set(form["cases"].value() or ()) if form is not None and form.is_bound else set()
    context = {
        "rows": rows,
        "tickable": form is not None,
        "ticked": ticked,
        "refused": bool(form is not None and form.is_bound and form.errors.get("cases")),
        "words": SimpleNamespace(
            reassessed=gettext("Re-assessed"), archived=gettext("Archived"), mrn=gettext("MRN")
        ),
    }
    html = engines["jinja2"].get_template("records/check_rows.html").render(context)
    return mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed)


def _job_context(request: HttpRequest, job: RuleReviewJob, form: ReassessForm | None = None) -> dict:
    context: dict = {"job": job, "can_reassess": request.user.has_perm(EDIT_CLINICAL)}
    if job.status != "ready":
        return context
    if job.kind == RuleReviewKind.CHECK:
        context["rows"] = rows = _check_rows(job)
        context["unchanged_count"] = len((job.result or {}).get("unchanged", []))
        context["failed"] = [
            (case_id, short_id_of(case_id)) for case_id in (job.result or {}).get("failed", [])
        ]
        if context["can_reassess"]:
            context["form"] = form = form or ReassessForm(check=job)
        context["rows_html"] = listed_rows(rows, form if context["can_reassess"] else None)
    else:
        result = job.result or {}
        cases = _cases_by_id(
            list(result.get("reassessed", [])) + [case for case, _why in result.get("skipped", [])]
        )
        context["reassessed"] = [cases[case] for case in result.get("reassessed", []) if case in cases]
        context["skipped"] = [
            (cases.get(case), short_id_of(case), SKIPPED_LABELS.get(why, why))
            for case, why in result.get("skipped", [])
        ]
    return context


@login_required
@require_GET
def rule_review_index(request: HttpRequest) -> HttpResponse:
    """The rule sets' current versions and the latest check of every case against them."""
    require_perm(request, VIEW_CLINICAL)
    latest = RuleReviewJob.objects.filter(kind=RuleReviewKind.CHECK).select_related("requested_by").first()
    rulesets = [(RULESET_LABELS.get(name, name), ruleset.version) for name, ruleset in RULESETS.items()]
    return render(request, "records/rule_review.html", {"latest": latest, "rulesets": rulesets})


@login_required
@require_POST
def rule_check(request: HttpRequest) -> HttpResponse:
    """Check every case against the current rules, in the background (it changes nothing)."""
    require_perm(request, VIEW_CLINICAL)
    running = rule_review.checks_under_way().first()
    if running is not None:  # one check at a time: the one under way answers the same question
        messages.info(request, _("A check asked for earlier is still under way: here it is."))
        return redirect("records:rule_review_job", job_id=running.id)
    job = rule_review.check_request(user=request.user)
    review_dispatch(job)  # after the job's transaction: a worker must be able to read it
    return redirect("records:rule_review_job", job_id=job.id)


def _get_job(request: HttpRequest, job_id: uuid.UUID, perm: str = VIEW_CLINICAL) -> RuleReviewJob:
    require_perm(request, perm)
    return get_object_or_404(RuleReviewJob.objects.select_related("requested_by", "check_job"), pk=job_id)


@login_required
@require_GET
def rule_review_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """A check's or a re-assessment's progress (the fragment htmx polls every second) and, when done, its result."""
    job = _get_job(request, job_id)
    if request.htmx and not job.finished:
        return render(request, "records/rule_review_job.html#status", _job_context(request, job))
    return render(request, "records/rule_review_job.html", _job_context(request, job))


@login_required
@require_POST
def rule_reassess(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """Re-assess the cases ticked on a finished check's page, in the background."""
    check = _get_job(request, job_id, EDIT_CLINICAL)
    if check.kind != RuleReviewKind.CHECK:
        raise Http404("Only a check's cases are re-assessed from its page.")
    if check.status != "ready":
        messages.error(request, _("The check has not finished: its cases can be ticked when it has."))
        return redirect("records:rule_review_job", job_id=check.id)
    form = ReassessForm(request.POST, check=check)
    if not form.is_valid():
        return render(request, "records/rule_review_job.html", _job_context(request, check, form), status=400)
    job = rule_review.reassess_request(user=request.user, check=check, case_ids=form.case_ids())
    review_dispatch(job)
    return redirect("records:rule_review_job", job_id=job.id)
