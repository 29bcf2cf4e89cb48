"""Follow-up queries used by more than one page (the flagged list, the MDT meeting page, the home page)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case


def flagged_cases() -> QuerySet[Case]:
    """Active cases a follow-up result flagged for MDT re-discussion, by patient name."""
    return (
        Case.objects.active()
        .filter(needs_mdt_review=True)
        .order_by("patient__family_name", "patient__given_name")
    )
