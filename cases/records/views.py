"""The case list (/cases/) and the case page (/cases/<id>/)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import kept
from cases.access import get_case_for_user, require_perm
from cases.audit.labels import REASSESSED
from cases.choices import CaseStatus, FollowUpSource, RiskCategory, Site
from cases.followups.safety import unsigned_too_long
from cases.mdt.report_views import stale_info
from cases.models import AgendaItem, Case, FollowUpItem
from cases.permissions import EDIT_CLINICAL, VIEW_CLINICAL
from cases.records import services as record_services
from cases.records.assessment import superseded_by
from cases.records.banner import patient_banner
from cases.records.presenters import format_cm, result_display
from cases.records.rows import case_rows
from cases.records.search import search_cases
from cases.records.selectors import case_sections
from cases.records.steps import STEP_TITLES, steps_for_case

PAGE_SIZE = 25


SEARCH_SESSION_KEY = "case_list_search"
SEARCH_FIELDS = ("q", "status", "site", "risk")


def _search(request: HttpRequest) -> dict[str, str]:
    """The list's search, kept in the session rather than the URL.

    The search text is often a hospital number or a name, and patient identifiers must not appear in URLs (nor
    therefore in access logs or browser history): the form posts it. The filters that identify nobody (status,
    site, risk) are also accepted in the query string, so other pages can link to e.g. /cases/?status=draft.
    """
    search = {} if "clear" in request.GET else dict(request.session.get(SEARCH_SESSION_KEY, {}))
    if request.method == "POST":
        # NUL characters cannot reach PostgreSQL; nobody types them on purpose.
        search = {
            name: request.POST.get(name, "").replace("\x00", "").strip()[:100] for name in SEARCH_FIELDS
        } | {"attention": search.get("attention", "")}  # reached by a link only: kept until "Show every case"
    for name in ("status", "site", "risk", "attention"):
        if name in request.GET:
            search[name] = request.GET[name][:40]
    # An unchanged search is not written back: a session write on every visit (issue 16).
    if request.session.get(SEARCH_SESSION_KEY) != search:
        request.session[SEARCH_SESSION_KEY] = search
    return search


#: The coordinator's lists on home, in full (reached by their links, `?attention=`; cases/home.py).
ATTENTION = ("changed_since_signed", "awaiting_signoff")


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW_CLINICAL)
    search = _search(request)
    if request.method == "POST" and not request.htmx:
        return redirect("records:list")  # post/redirect/get: reloading the page does not resubmit
    q = search.get("q", "")
    status = search.get("status", "")
    site = search.get("site", "")
    risk = search.get("risk", "")
    attention = search.get("attention", "")
    if attention not in ATTENTION:
        attention = ""
    cases = Case.objects.active().select_related("patient", "owner", "presentation").order_by("-updated_at")
    if q:
        cases = search_cases(cases, q)  # by hospital number or name (cases/records/search.py)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if site in Site.values:
        cases = cases.filter(presentation__site=site)
    if risk in RiskCategory.values:
        cases = cases.filter(risk_category=risk)
    if attention == "changed_since_signed":
        cases = cases.filter(changed_since_signed=True)
    elif attention == "awaiting_signoff":
        cases = cases.filter(pk__in=unsigned_too_long(today=timezone.localdate()).values("pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": case_rows(page.object_list),
        "q": q,
        "status": status,
        "site": site,
        "risk": risk,
        "status_choices": CaseStatus.choices,
        "site_choices": Site.choices,
        "risk_choices": RiskCategory.choices,
        "attention": attention,
        "unsigned_days": settings.GISTCARE_SIGNOFF_ALERT_DAYS,
        "can_edit": request.user.has_perm(EDIT_CLINICAL),
    }
    template = (
        "records/case_list.html#results" if request.htmx and request.htmx.target == "case-results" else None
    )
    return render(request, template or "records/case_list.html", context)


#: The columns the case page prints of its MDT discussions and next follow-ups (templates/mdt/case_page/_sections.html,
#: templates/followups/case_page/_sections.html): only these are read and kept, not the free text beside them (notes,
#: reasons, what the MDT recommends instead, a meeting's attendees and video link), which may name the patient.
DISCUSSION_FIELDS = (
    "id", "meeting_id", "status", "decision", "modification_reason", "meeting__id", "meeting__title", "meeting__date",
)  # fmt: skip
NEXT_FOLLOWUP_FIELDS = ("id", "due_date", "window_days", "modality", "phase", "source", "course_record")


def _case_lists(case: Case) -> dict[str, list]:
    """What the case page lists beside the record: its MDT discussions (agenda items with their meetings: one
    plain query; through prefetch_related it cost a third more), its signed report versions and its next three
    pending follow-up visits. Read by the case's id, not through the case's related managers, which would attach
    the case (with its patient and owner) to every row kept in the shared cache; and only the columns printed."""
    return kept.kept(
        {
            "discussions": (
                kept.MDT,
                f"discussions:{case.pk}",
                lambda: list(
                    AgendaItem.objects.filter(case_id=case.pk)
                    .select_related("meeting")
                    .only(*DISCUSSION_FIELDS)
                ),
            ),
            "report_versions": (kept.MDT, f"report-versions:{case.pk}", lambda: list(case.report_versions())),
            "next_followups": (
                kept.FOLLOWUPS,
                f"next-followups:{case.pk}",
                lambda: list(
                    FollowUpItem.objects.filter(case_id=case.pk, status="pending")
                    .exclude(source=FollowUpSource.REVIEW)
                    .only(*NEXT_FOLLOWUP_FIELDS)
                    .order_by("due_date")[:3]
                ),
            ),
        }
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    latest = case.assessments.order_by("-created_at").first()
    steps = steps_for_case(case)
    context = {
        "case": case,
        "banner": patient_banner(case),
        "patient": case.patient,
        **case_sections(case),
        "size_display": format_cm(case.presentation.size_cm) if case.section("presentation") else "",
        "step_names": steps,
        "assessment": latest,
        "answer": result_display(latest.result, resected=bool(latest.facts.get("resected")))
        if latest
        else None,
        "steps": [(name, STEP_TITLES[name]) for name in steps],
        # The MDT discussions, report versions and next follow-ups, kept in the shared cache until a write to their
        # tables (cases/kept.py, issue 16).
        **_case_lists(case),
        "can_edit": request.user.has_perm(EDIT_CLINICAL),
        "current_version": superseded_by(latest),
        "stale": stale_info(case),
    }
    return render(request, "records/case_detail.html", context)


@login_required
@require_POST
def case_reassess(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Assess the case again with the current rule set (after a rule-data change made its snapshot stale)."""
    case = get_case_for_user(request, case_id, EDIT_CLINICAL)
    snapshot = record_services.case_reassess(case=case, user=request.user, reason=REASSESSED)
    if snapshot is None:
        messages.error(request, gettext("This case has no site yet: there is nothing to assess."))
    else:
        messages.success(
            request,
            gettext("Re-assessed with %(ruleset)s version %(version)s.")
            % {"ruleset": snapshot.ruleset, "version": snapshot.ruleset_version},
        )
    return redirect("records:case", case_id=case.pk)
