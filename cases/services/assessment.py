from __future__ import annotations

import dataclasses
from datetime import date

from django.db import transaction
from django.utils import timezone

from cases.choices import CaseStatus
from cases.facts import build_facts
from cases.models import Assessment, Case
from guidelines import assess


def facts_to_json(facts: object) -> dict:
    """The facts as stored in a snapshot: JSON types only (dates as ISO strings, tuples as lists)."""
    out: dict = {}
    for field in dataclasses.fields(facts):  # type: ignore[arg-type]
        value = getattr(facts, field.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[field.name] = value
    return out


@transaction.atomic
def case_assess(*, case: Case, user: object | None) -> Assessment | None:
    """Run the engine on the case's current records and store the answer as a frozen snapshot.

    Returns None (and stores nothing) while the case has no site yet. A draft becomes "assessed"; a case
    already discussed or finalised keeps its status (its signed reports are frozen elsewhere).
    """
    facts = build_facts(case, today=timezone.localdate())
    if facts is None:
        return None
    result = assess(facts, case.ruleset, today=timezone.localdate())
    payload = result.to_dict()
    snapshot = Assessment.objects.create(
        case=case,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        ruleset=payload["ruleset"],
        ruleset_version=payload["ruleset_version"],
        facts=facts_to_json(facts),
        result=payload,
    )
    risk = payload.get("risk") or {}
    case.risk_category = risk.get("modified_nih") or ""
    case.pathway = payload["pathway"]
    fields = ["risk_category", "pathway", "updated_at"]
    if case.status == CaseStatus.DRAFT:
        case.status = CaseStatus.ASSESSED
        fields.append("status")
    case.save(update_fields=fields)
    from cases.services import followups  # it imports this module

    if not followups.schedule_is_definitive(case):
        followups.followups_provisional(case=case, user=user)
    return snapshot


def case_assessment_preview(*, case: Case) -> Assessment | None:
    """The case's latest stored assessment, or what `case_assess` would store, computed but NOT saved.

    For pages that only read (a draft report, a meeting printout): opening a page must not create records or
    move a draft to "assessed", least of all for a reader such as a nurse. Signing stores the assessment.
    """
    stored = case.assessments.order_by("-created_at").first()
    if stored is not None:
        return stored
    facts = build_facts(case, today=timezone.localdate())
    if facts is None:
        return None
    payload = assess(facts, case.ruleset, today=timezone.localdate()).to_dict()
    return Assessment(
        case=case,
        ruleset=payload["ruleset"],
        ruleset_version=payload["ruleset_version"],
        facts=facts_to_json(facts),
        result=payload,
    )
