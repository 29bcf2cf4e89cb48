from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What each role works on next: the surgeon's drafts, the coming MDT meetings, the follow-up counts."""
    user = request.user
    today = timezone.localdate()
    context: dict = {"today": today}
    if user.has_perm(EDIT_CLINICAL):
        drafts = Case.objects.active().filter(owner=user, status=CaseStatus.DRAFT).select_related("patient")
        context["drafts"] = list(drafts.order_by("-updated_at")[:5])
        context["draft_count"] = drafts.count()
    if user.has_perm(MANAGE_MDT) or user.has_perm(SIGN_REPORT):
        meetings = MdtMeeting.objects.filter(date__gte=today).annotate(case_count=Count("items"))
        context["meetings"] = list(meetings.order_by("date")[:3])
        context["flagged_count"] = flagged_cases().count()
    if user.has_perm(MANAGE_MDT):
        context["unsigned_days"] = settings.GISTCARE_SIGNOFF_ALERT_DAYS
        # The oldest 20 and, past them, a link to all of them in the case list (one row more tells).
        unsigned = list(followup_safety.unsigned_too_long(today=today)[: HOME_UNSIGNED + 1])
        context["unsigned"], context["unsigned_more"] = (
            unsigned[:HOME_UNSIGNED],
            len(unsigned) > HOME_UNSIGNED,
        )
        context["lost_count"] = lost_to_follow_up().count()
        # Signed reports that no longer match their case (issue 10): re-discuss or amend.
        stale = Case.objects.active().filter(changed_since_signed=True).select_related("patient")
        changed = list(stale.order_by("-updated_at")[: HOME_CHANGED + 1])
        context["changed_since_signed"] = changed[:HOME_CHANGED]
        context["changed_more"] = len(changed) > HOME_CHANGED
    if user.has_perm(MANAGE_FOLLOWUPS):
        # Only the three tabs home shows: each count reads a short index range, none reads every item.
        context["followup_counts"] = worklist.filtered_counts(
            worklist.WorklistFilters(), today, ("overdue", "due", "upcoming")
        )
    return render(request, "home.html", context)
