from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Assessment, Case
from cases.records.facts import build_facts
from guidelines import CaseFacts, UnknownRuleset, assess, get_ruleset

logger = logging.getLogger(__name__)


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
    # The category the advice follows (after neoadjuvant imatinib: the pre-treatment one; none when the risk
    # is not assessable), not the shrunken specimen's.
    case.risk_category = result.risk_category or ""
    case.pathway = payload["pathway"]
    fields = ["risk_category", "pathway", "updated_at"]
    if case.status == CaseStatus.DRAFT:
        case.status = CaseStatus.ASSESSED
        fields.append("status")
    case.save(update_fields=fields)
    from cases.followups import services as followups  # it imports this module

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


def superseded_by(snapshot: Assessment | None) -> str | None:
    """The current version of the snapshot's rule set when the snapshot was made with an older one, else None."""
    if snapshot is None:
        return None
    try:
        current = get_ruleset(snapshot.ruleset).version
    except UnknownRuleset:
        return None
    return current if current != snapshot.ruleset_version else None


# Facts stored under an earlier name (issue 9: "adjuvant_months_actual" held the planned months too).
LEGACY_FACT_NAMES = {"adjuvant_months_actual": "adjuvant_months"}


def facts_from_json(data: dict) -> CaseFacts:
    """The inverse of :func:`facts_to_json`: a stored snapshot's facts as engine facts again.

    Fields a later engine added take their defaults; dates come back from their ISO strings.
    """
    known = {f.name: f for f in dataclasses.fields(CaseFacts)}
    values: dict = {}
    for name, value in data.items():
        name = LEGACY_FACT_NAMES.get(name, name)
        if name not in known:
            continue
        if isinstance(value, str) and name.endswith("_date"):
            value = date.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return CaseFacts(**values)


@dataclasses.dataclass(frozen=True)
class RuleChange:
    """A case's latest stored assessment beside what the current rule set answers on the same stored facts."""

    case: Case
    ruleset: str
    stored_version: str
    current_version: str
    # (what, stored answer, current answer) for each part of the answer that differs: `what` is a key of
    # `answer_of`. Empty when the answer is the same, or the snapshot was made with the current version.
    changes: tuple[tuple[str, object, object], ...]
    # The snapshot could not be checked (its stored facts unreadable, or the engine failed on them: logged).
    failed: bool = False

    @property
    def superseded(self) -> bool:
        return self.stored_version != self.current_version


def answer_of(result: dict) -> dict[str, object]:
    """The parts of an assessment the MDT and the nurses act on: the modified NIH risk, the pathway, the adjuvant
    advice (recommendation and months) and the surveillance schedule (each visit's due date, modality and window),
    as the engine's codes (None where it gives none)."""
    risk = result.get("risk") or {}
    adjuvant = result.get("adjuvant") or {}
    return {
        "risk": risk.get("modified_nih"),
        "pathway": result.get("pathway"),
        "adjuvant": [adjuvant.get("recommendation"), adjuvant.get("duration_months")],
        "surveillance": [
            [visit.get("due"), visit.get("modality"), visit.get("window_days")]
            for visit in result.get("surveillance") or []
        ],
    }


def first_difference(before: list, after: list) -> str | None:
    """The due date of the first visit that differs between two schedules of `answer_of` (a visit moved, added,
    removed, or of another modality or window), None when they are the same."""
    for old, new in zip(before, after, strict=False):
        if old != new:
            return min(old[0], new[0])  # a visit removed is named by its own date, one added by its
    if len(before) == len(after):
        return None
    return (after if len(after) > len(before) else before)[min(len(before), len(after))][0]


def visits_due(schedule: list, due: str) -> list:
    """The visits of a schedule of `answer_of` due on `due` ([due, modality, window days] each)."""
    return [visit for visit in schedule if visit[0] == due]


def cases_with_an_assessment() -> QuerySet[Assessment]:
    """Every stored assessment of the cases not archived, each case's latest first."""
    return (
        Assessment.objects.filter(case__archived_at__isnull=True)
        .select_related("case", "case__patient")
        .order_by("case_id", "-created_at")
    )


def assessed_case_count() -> int:
    return cases_with_an_assessment().order_by().values("case_id").distinct().count()


def rule_changes() -> Iterator[RuleChange]:
    """Each case's latest stored assessment (cases not archived, with an assessment) beside the current rule set's
    answer on the same stored facts and on the same day (a schedule counted from the day of the assessment is not
    "changed" by a later check); the engine runs only where the snapshot's version is superseded.

    For the MDT to review after a rule-data change (issue 17: the corrected modified-NIH cell; the corrected
    schedule after rupture)."""
    seen: set = set()
    for snapshot in cases_with_an_assessment().iterator(chunk_size=500):
        if snapshot.case_id in seen:
            continue
        seen.add(snapshot.case_id)
        try:
            ruleset = get_ruleset(snapshot.ruleset)
        except UnknownRuleset:
            continue
        if ruleset.version == snapshot.ruleset_version:
            yield RuleChange(snapshot.case, snapshot.ruleset, snapshot.ruleset_version, ruleset.version, ())
            continue
        try:
            after = current_answer(snapshot, ruleset)
        except Exception:  # one unreadable snapshot must not hide the others: it is named as not checked
            logger.exception("case %s: its latest assessment could not be checked", snapshot.case_id)
            yield RuleChange(
                snapshot.case, snapshot.ruleset, snapshot.ruleset_version, ruleset.version, (), True
            )
            continue
        before = answer_of(snapshot.result)
        differences = tuple((key, before[key], after[key]) for key in before if before[key] != after[key])
        yield RuleChange(
            snapshot.case, snapshot.ruleset, snapshot.ruleset_version, ruleset.version, differences
        )


def current_answer(snapshot: Assessment, ruleset, facts: CaseFacts | None = None) -> dict[str, object]:
    """What `ruleset` answers (`answer_of`) on the snapshot's stored facts, or on `facts`, on the day the snapshot
    was made (a schedule renewed from "today", as on systemic therapy, does not change with the day of the check)."""
    facts = facts_from_json(snapshot.facts) if facts is None else facts
    return answer_of(assess(facts, ruleset, today=timezone.localdate(snapshot.created_at)).to_dict())


def cases_changed_by_current_rules() -> list[RuleChange]:
    """Cases whose latest stored assessment was made with a superseded rule-set version and whose answer
    (risk category, pathway, adjuvant advice or schedule) differs under the current version, on the same stored
    facts."""
    return [change for change in rule_changes() if change.changes]
