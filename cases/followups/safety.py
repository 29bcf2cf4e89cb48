"""Read-only selectors of the follow-up safety net: the cases where a patient could slip through."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from cases.choices import VISIT_SOURCES, FollowUpStatus
from cases.models import Assessment, Case, FollowUpItem, SignedReport


def unsigned_too_long(*, today: date, days: int | None = None) -> QuerySet[Case]:
    """Active cases with no signed report whose first assessment is `days` or more old (oldest first)."""
    days = settings.GISTCARE_SIGNOFF_ALERT_DAYS if days is None else days
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))
    signed = SignedReport.objects.filter(case=OuterRef("pk"))
    # "The first assessment is older than the cut-off" is "some assessment is": an EXISTS per case and the first
    # one's date by index, instead of grouping every active case with all its assessments (issue 16: this was
    # 11 ms of the coordinator's 16 ms of queries on the home page with 3,000 cases).
    assessed_before = Assessment.objects.filter(case=OuterRef("pk"), created_at__lt=cutoff)
    first = Assessment.objects.filter(case=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    return (
        Case.objects.active()
        .filter(~Exists(signed), Exists(assessed_before))
        .annotate(assessed_since=Subquery(first))
        .select_related("patient", "owner")
        .order_by("assessed_since")
    )


def cases_without_safety_net() -> QuerySet[Case]:
    """Active cases with a signed report and nothing that keeps them in view: no pending (non-provisional) visit,
    no closure with a reason, no flag (for MDT re-discussion, or lost to follow-up awaiting the coordinator).

    Each of these is a patient who can silently drop out of follow-up; the list must be empty.
    """
    signed = SignedReport.objects.filter(case=OuterRef("pk"))
    # A result waiting for review plans nothing: it keeps no patient in view.
    pending = FollowUpItem.objects.filter(
        case=OuterRef("pk"), status=FollowUpStatus.PENDING, provisional=False, source__in=VISIT_SOURCES
    )
    return (
        Case.objects.active()
        .filter(Exists(signed), ~Exists(pending), closure__isnull=True, needs_mdt_review=False)
        .annotate(last_signed=Max("signed_reports__signed_at"))
        .select_related("patient", "owner")
        .order_by("last_signed")
    )
