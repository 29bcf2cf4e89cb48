from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cases import kept
from cases.choices import CaseStatus
from cases.followups import safety as followup_safety
from cases.followups import worklist
from cases.followups.escalation import lost_to_follow_up
from cases.followups.selectors import flagged_cases
from cases.models import Case, MdtMeeting
from cases.permissions import EDIT_CLINICAL, MANAGE_FOLLOWUPS, MANAGE_MDT, SIGN_REPORT

#: How many cases the coordinator's lists show on home; the case list shows all of them (?attention=...).
HOME_UNSIGNED = 20
HOME_CHANGED = 10


def _meetings(today) -> list[dict]:
    meetings = MdtMeeting.objects.filter(date__gte=today).annotate(case_count=Count("items")).order_by("date")
    return list(meetings.values("pk", "date", "title", "case_count")[:3])


def _drafts(user) -> tuple[list, int]:
    drafts = Case.objects.active().filter(owner=user, status=CaseStatus.DRAFT)
    return list(drafts.order_by("-updated_at").values_list("pk", flat=True)[:5]), drafts.count()


def _unsigned(today) -> list[tuple]:
    # The oldest 20 and, past them, a link to all of them in the case list (one row more tells).
    unsigned = followup_safety.unsigned_too_long(today=today)
    return list(unsigned.values_list("pk", "assessed_since")[: HOME_UNSIGNED + 1])


def _changed() -> list:
    # Signed reports that no longer match their case (issue 10): re-discuss or amend.
    changed = Case.objects.active().filter(changed_since_signed=True).order_by("-updated_at")
    return list(changed.values_list("pk", flat=True)[: HOME_CHANGED + 1])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What each role works on next: the surgeon's drafts, the coming MDT meetings, the follow-up counts.

    The lists and counts are kept in the shared cache until a write to the tables they read (`kept.HOME`, issue
    16): the cases' ids, dates and counts and the meetings' titles, never a patient's name; the cases listed are
    read by their ids, with their patients, on every visit (one query)."""
    user = request.user
    today = timezone.localdate()
    days = settings.GISTCARE_SIGNOFF_ALERT_DAYS
    wanted: dict = {}
    if user.has_perm(EDIT_CLINICAL):
        wanted["drafts"] = (kept.HOME, f"drafts:{user.pk}", lambda: _drafts(user))
    if user.has_perm(MANAGE_MDT) or user.has_perm(SIGN_REPORT):
        wanted["meetings"] = (kept.HOME, f"meetings:{today}", lambda: _meetings(today))
        wanted["flagged_count"] = (kept.HOME, "flagged-count", lambda: flagged_cases().count())
    if user.has_perm(MANAGE_MDT):
        wanted["unsigned"] = (kept.HOME, f"unsigned:{today}:{days}", lambda: _unsigned(today))
        wanted["lost_count"] = (kept.HOME, "lost-count", lambda: lost_to_follow_up().count())
        wanted["changed"] = (kept.HOME, "changed-since-signed", _changed)
    found = kept.kept(wanted)

    context: dict = {
        "today": today,
        **{name: found[name] for name in ("meetings", "flagged_count", "lost_count") if name in found},
    }
    draft_ids, draft_count = found.get("drafts", ([], 0))
    unsigned, changed = found.get("unsigned", []), found.get("changed", [])
    # Active ones only: a case archived by a write the cache did not see (GISTCARE_QUERY_CACHE_SECONDS) is not listed.
    ids = {*draft_ids, *(pk for pk, _ in unsigned), *changed}
    cases = Case.objects.active().select_related("patient").in_bulk(ids) if ids else {}
    if "drafts" in found:
        context["drafts"], context["draft_count"] = (
            [cases[pk] for pk in draft_ids if pk in cases],
            draft_count,
        )
    if "unsigned" in found:
        for pk, assessed_since in unsigned:
            if pk in cases:
                cases[pk].assessed_since = assessed_since
        awaiting = [cases[pk] for pk, _ in unsigned if pk in cases]
        context["unsigned_days"] = days
        context["unsigned"], context["unsigned_more"] = (
            awaiting[:HOME_UNSIGNED],
            len(unsigned) > HOME_UNSIGNED,
        )
    if "changed" in found:
        changed_cases = [cases[pk] for pk in changed if pk in cases]
        context["changed_since_signed"] = changed_cases[:HOME_CHANGED]
        context["changed_more"] = len(changed) > HOME_CHANGED
    if user.has_perm(MANAGE_FOLLOWUPS):
        # Only the three tabs home shows: each count reads a short index range, none reads every item.
        context["followup_counts"] = worklist.filtered_counts(
            worklist.WorklistFilters(), today, ("overdue", "due", "upcoming")
        )
    return render(request, "home.html", context)
