"""Follow-up services: the engine's surveillance schedule becomes work items; nurses act on them.

Every write is a keyword-only function inside `transaction.atomic`. Item actions take the `version` the nurse
saw (`expected_version`) and claim the row with `UPDATE ... WHERE version = expected`: zero rows updated means
another nurse saved first, and the action raises `FollowUpConflict` instead of overwriting her work.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import (
    FLAGGING_RESULTS,
    AdjuvantDecision,
    CaseStatus,
    ContactOutcome,
    FollowUpModality,
    FollowUpResult,
    FollowUpSource,
    FollowUpStatus,
    PresentationKind,
    RescheduleReason,
)
from cases.course.texts import MARKED_RECURRENT
from cases.models import (
    CalendarFeedToken,
    Case,
    ContactAttempt,
    FollowUpItem,
)
from cases.models.api import hash_token
from cases.models.course import LineSetting, TherapyLine
from cases.records.assessment import case_assess
from cases.records.facts import build_facts
from cases.service_helpers import ServiceError, record_history
from cases.templatetags.people import staff_name
from guidelines import add_months, assess


class FollowUpError(ServiceError):
    """A follow-up action refused with a message meant for the nurse (in the language of the request)."""


def message_day(value: date) -> str:
    """A date as the messages print it: 16 Apr 2029 in English, 2029年4月16日 in Chinese."""
    return dateformat.format(value, _("d M Y"))


class RescheduleNeedsConfirmation(FollowUpError):
    """The new date breaks the order of the visits or leaves a gap: nothing was written until confirmed."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join([*warnings, _("Tick the confirmation to reschedule anyway.")]))
        self.warnings = warnings


class FollowUpConflict(FollowUpError):
    """Another user saved the item after this one was loaded: nothing was written."""

    def __init__(self, current: FollowUpItem) -> None:
        who = staff_name(current.updated_by) if current.updated_by else _("someone")
        when = timezone.localtime(current.updated_at).strftime("%H:%M")
        super().__init__(
            _(
                "%(who)s saved this follow-up item at %(when)s, after you opened it. Your changes were not saved: "
                "check the current values and save again."
            )
            % {"who": who, "when": when}
        )
        self.current = current


# ---------------------------------------------------------------------------------------------------------
# Adjuvant imatinib as delivered


def adjuvant_real_end(
    line: TherapyLine, *, today: date, interruptions: Iterable | None = None
) -> date | None:
    """The day a line of adjuvant imatinib ends (or ended): its stop date once recorded, else its planned stop
    pushed back by every day of interruption (an interruption still open counts up to today). None: neither is
    recorded."""
    if line.stop_date:
        return line.stop_date
    if line.planned_stop_date is None:
        return None
    if interruptions is None:
        interruptions = line.interruptions.all()
    lost = 0
    for gap in interruptions:
        end = gap.resume_date or today
        if end > gap.start_date:
            lost += (end - gap.start_date).days
    return line.planned_stop_date + timedelta(days=lost)


def months_ceil(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end`, rounded up (a partial month counts), never below 0."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) < end:
        months += 1
    return max(months, 0)


def schedule_facts(case: Case, *, today: date):
    """The engine facts behind the schedule: the case's records, plus the real adjuvant duration.

    When adjuvant imatinib was given and its course is recorded, `adjuvant_months` is the number of
    months from surgery to the real end of adjuvant therapy (rounded up), so that the schedule's "after
    adjuvant" phases start from the day the patient actually stopped, not the day it was planned to stop.
    """
    facts = build_facts(case, today=today)
    if facts is None or not (facts.resected and facts.surgery_date):
        return facts
    if facts.adjuvant_decision != AdjuvantDecision.GIVEN:
        return facts
    end = _adjuvant_stopped_on(case, today=today)
    if end is not None:
        facts = dataclasses.replace(facts, adjuvant_months=months_ceil(facts.surgery_date, end))
    return facts


def _adjuvant_stopped_on(case: Case, *, today: date) -> date | None:
    """The day adjuvant imatinib really ends, when the records say: the real end of the treatment course's
    adjuvant line (issue 13: the course is the record of what was given; the follow-up page records the same
    line), the latest when there are several. None: only the plan is known."""
    ends = [
        adjuvant_real_end(line, today=today)
        for line in case.therapy_lines.all()
        if line.setting == LineSetting.ADJUVANT
    ]
    return max((end for end in ends if end is not None), default=None)


# ---------------------------------------------------------------------------------------------------------
# Schedule → items


@dataclass(frozen=True)
class Regeneration:
    created: int
    kept: int
    removed: int


def _schedule_key(due: str, modality: str) -> str:
    return f"{due}|{modality}"


def _set_due(item: FollowUpItem, due: date, window_days: int) -> None:
    item.due_date = due
    item.window_days = window_days
    item.window_start, item.window_end = FollowUpItem.window_for(due, window_days)


def schedule_is_definitive(case: Case) -> bool:
    """The MDT has decided (or signed), or a nurse regenerated the schedule by hand: the schedule follows the
    records. Before that it is provisional (from the latest assessment)."""
    return (
        case.status in {CaseStatus.DISCUSSED, CaseStatus.FINALISED}
        or case.signed_reports.exists()
        or case.followups.filter(source=FollowUpSource.SCHEDULE, provisional=False).exists()
    )


def _provisional_visits(case: Case) -> list[dict]:
    """The surveillance of the case's latest stored assessment (what the MDT is about to sign)."""
    latest = case.assessments.order_by("-created_at").first()
    return list((latest.result or {}).get("surveillance") or []) if latest else []


@transaction.atomic
def followups_regenerate(*, case: Case, user, reason: str, provisional: bool = False) -> Regeneration:
    """Turn the engine's current surveillance schedule for `case` into follow-up items.

    Completed and cancelled items and hand-added items are never touched. A pending schedule item whose
    visit is still in the schedule stays (with its nurse, notes, contacts and any reschedule); pending
    schedule items whose visit left the schedule are removed; new visits become new items. Running it twice
    yields the same rows (the visit key is unique per case).

    With `provisional` (a case assessed but not signed yet) the visits come from the latest stored assessment
    and the items are marked provisional. A normal run (signing) makes every item of the case definitive: a
    provisional item of a visit still in the schedule is kept as that visit's item, the others are removed.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    today = timezone.localdate()
    if provisional:
        visits = _provisional_visits(case)
    else:
        facts = schedule_facts(case, today=today)
        visits = assess(facts, case.ruleset, today=today).to_dict()["surveillance"] if facts else []

    existing = {item.schedule_key: item for item in case.followups.filter(source=FollowUpSource.SCHEDULE)}
    nurse_id = (
        case.followups.exclude(responsible_nurse=None)
        .order_by("-updated_at")
        .values_list("responsible_nurse", flat=True)
        .first()
    )
    wanted: set[str] = set()
    created = kept = 0
    for visit in visits:
        key = _schedule_key(visit["due"], visit["modality"])
        wanted.add(key)
        item = existing.get(key)
        if item is not None:
            kept += 1
            changed = []
            # Only the phase label may differ for the same visit; a hand-edited item keeps what the nurse set.
            if item.status == FollowUpStatus.PENDING and not item.reason and item.phase != visit["phase"]:
                item.phase = visit["phase"]
                changed.append("phase")
            if item.provisional != provisional:
                item.provisional = provisional
                changed.append("provisional")
            if changed:
                record_history(item, user, reason)
                item.save(update_fields=[*changed, "updated_at"])
            continue
        item = FollowUpItem(
            case=case,
            modality=visit["modality"],
            phase=visit["phase"],
            source=FollowUpSource.SCHEDULE,
            schedule_key=key,
            provisional=provisional,
            responsible_nurse_id=nurse_id,
            updated_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _set_due(item, date.fromisoformat(visit["due"]), int(visit["window_days"]))
        record_history(item, user, reason)
        item.save()
        created += 1

    removed = 0
    for key, item in existing.items():
        if key in wanted:
            continue
        if item.status == FollowUpStatus.PENDING:
            record_history(item, user, reason)
            item.delete()
            removed += 1
        elif item.provisional and not provisional:  # a provisional visit that happened stays, as a record
            item.provisional = False
            record_history(item, user, reason)
            item.save(update_fields=["provisional", "updated_at"])
    return Regeneration(created=created, kept=kept, removed=removed)


def followups_on_case_change(*, case: Case, user) -> Regeneration | None:
    """Hook for the case services: the surgery date or the adjuvant decision changed.

    Schedules are made when the MDT signs; before that the items are provisional (from the latest assessment).
    Afterwards every change that moves the schedule regenerates it.
    """
    if not schedule_is_definitive(case):
        return followups_provisional(case=case, user=user)
    return followups_regenerate(
        case=case, user=user, reason="Case changed: surgery date or adjuvant decision"
    )


def followups_provisional(*, case: Case, user) -> Regeneration:
    """Provisional items from the latest assessment of a case not signed yet (called after each assessment).

    Surveillance must not wait for the signature: a nodule under surveillance or a resected case whose report
    waits would otherwise have nothing on the list, and a late sign-off could lose the 3-month EUS.
    """
    return followups_regenerate(
        case=case,
        user=user,
        reason="Provisional: from the latest assessment, until the MDT signs",
        provisional=True,
    )


# ---------------------------------------------------------------------------------------------------------
# Item actions (optimistic concurrency)


def _claim(item: FollowUpItem, expected_version: int, user) -> FollowUpItem:
    """Take the row from `expected_version` to the next one, or raise FollowUpConflict if someone else did.

    The conditional UPDATE is the lock: on PostgreSQL it also holds the row until the transaction commits.
    Returns the row as it is now in the database, ready for the caller to change and save (which writes the
    audit history).
    """
    claimed = FollowUpItem.objects.filter(pk=item.pk, version=expected_version).update(
        version=F("version") + 1
    )
    fresh = FollowUpItem.objects.select_related("case", "updated_by").get(pk=item.pk)
    if not claimed:
        raise FollowUpConflict(fresh)
    fresh.updated_by = user
    return fresh


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FollowUpError(_("Give a reason."), field="reason")
    return reason


def _require_pending(item: FollowUpItem, action: str) -> None:
    if item.status != FollowUpStatus.PENDING:
        raise FollowUpError(
            _("This item is already %(status)s: it cannot be %(action)s.")
            % {"status": item.get_status_display().lower(), "action": action}
        )


@transaction.atomic
def item_mark_done(
    *,
    item: FollowUpItem,
    user,
    expected_version: int,
    completed_date: date,
    result: str,
    notes: str = "",
) -> FollowUpItem:
    """Record the visit as done with its result; recurrence or progression flags the case for the MDT."""
    if completed_date > timezone.localdate():
        raise FollowUpError(_("The date done cannot be in the future."), field="completed_date")
    if result not in FollowUpResult.values:
        raise FollowUpError(_("Choose a result."), field="result")
    item = _claim(item, expected_version, user)
    _require_pending(item, gettext_lazy("marked done"))
    item.status = FollowUpStatus.DONE
    item.next_contact_date = None  # nobody calls back about a visit that has happened
    item.completed_date = completed_date
    item.result = result
    if notes.strip():
        item.notes = f"{item.notes}\n{notes.strip()}".strip()
    record_history(item, user, "Marked done")
    item.save()
    if result in FLAGGING_RESULTS:
        case_flag_for_mdt(
            case=item.case,
            user=user,
            reason=(
                _("Follow-up %(modality)s on %(date)s: %(result)s")
                % {
                    "modality": item.get_modality_display(),
                    "date": message_day(completed_date),
                    "result": FollowUpResult(result).label.lower(),
                }
            ),
        )
    return item


@transaction.atomic
def item_mark_reviewed(*, item: FollowUpItem, user, expected_version: int) -> FollowUpItem:
    """A nurse or a clinician has looked at a result entered in the treatment course (a "result to review")."""
    if item.source != FollowUpSource.REVIEW:
        raise FollowUpError("Only a result to review can be marked reviewed.")
    item = _claim(item, expected_version, user)
    _require_pending(item, "marked reviewed")
    item.status = FollowUpStatus.DONE
    item.completed_date = timezone.localdate()
    item.next_contact_date = None
    record_history(item, user, "Reviewed")
    item.save()
    return item


@transaction.atomic
def item_record_contact(
    *,
    item: FollowUpItem,
    user,
    expected_version: int,
    outcome: str,
    next_contact_date: date | None = None,
    notes: str = "",
) -> ContactAttempt:
    if outcome not in ContactOutcome.values:
        raise FollowUpError(_("Choose the outcome of the contact."), field="outcome")
    if next_contact_date is not None and next_contact_date < timezone.localdate():
        raise FollowUpError(_("The next contact date cannot be in the past."), field="next_contact_date")
    item = _claim(item, expected_version, user)
    _require_pending(item, gettext_lazy("contacted"))
    attempt = ContactAttempt(
        item=item,
        attempted_at=timezone.now(),
        by=user,
        outcome=outcome,
        next_contact_date=next_contact_date,
        notes=notes.strip(),
    )
    record_history(attempt, user)
    attempt.save()
    item.next_contact_date = next_contact_date
    record_history(item, user, "Contact attempt")
    item.save()
    return attempt


# A reschedule reason must say something: "x" or "ok" is not a reason a colleague can act on.
MIN_REASON_LENGTH = 5


def reschedule_warnings(item: FollowUpItem, due_date: date) -> list[str]:
    """What moving `item` to `due_date` does to the plan: passing the next visit, or leaving the visit's window
    (which widens the gap since the previous visit beyond what the schedule allows)."""
    warnings = []
    later = (
        FollowUpItem.objects.filter(
            case_id=item.case_id, status=FollowUpStatus.PENDING, due_date__gt=item.due_date
        )
        .exclude(pk=item.pk)
        .order_by("due_date")
        .first()
    )
    if later is not None and due_date >= later.due_date:
        warnings.append(
            _(
                "The new date is after the next visit (%(modality)s due %(due)s): the visits would be out of order."
            )
            % {"modality": later.get_modality_display(), "due": message_day(later.due_date)}
        )
    if due_date > item.window_end:
        earlier = (
            FollowUpItem.objects.filter(case_id=item.case_id, due_date__lt=item.due_date)
            .exclude(pk=item.pk)
            .exclude(status=FollowUpStatus.CANCELLED)
            .order_by("-due_date")
            .first()
        )
        since = ""
        if earlier is not None:
            previous = earlier.completed_date or earlier.due_date
            since = " " + _(
                "It leaves %(days)s days since the previous visit (%(previous)s) instead of %(planned)s."
            ) % {
                "days": (due_date - previous).days,
                "previous": message_day(previous),
                "planned": (item.due_date - previous).days,
            }
        warnings.append(
            _(
                "The new date is outside its window (due %(due)s ± %(window)s days, i.e. by %(end)s): "
                "%(late)s days late."
            )
            % {
                "due": message_day(item.due_date),
                "window": item.window_days,
                "end": message_day(item.window_end),
                "late": (due_date - item.window_end).days,
            }
            + since
        )
    return warnings


@transaction.atomic
def item_reschedule(
    *,
    item: FollowUpItem,
    user,
    expected_version: int,
    due_date: date,
    reason_code: str,
    reason: str,
    confirmed: bool = False,
) -> FollowUpItem:
    """Move a pending visit. Never into the past; a move past the next visit or out of the visit's window needs
    `confirmed` (the warnings are raised first) and, like every move, a reason from the list plus a text."""
    if reason_code not in RescheduleReason.values:
        raise FollowUpError(_("Choose why the visit is moved."), field="reason_code")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise FollowUpError(
            _("Say why in a few words (at least %(count)s characters), for the colleague who reads it.")
            % {"count": MIN_REASON_LENGTH},
            field="reason",
        )
    if due_date < timezone.localdate():
        raise FollowUpError(
            _("The new date (%(date)s) is in the past: choose today or a later date.")
            % {"date": message_day(due_date)},
            field="due_date",
        )
    item = _claim(item, expected_version, user)
    _require_pending(item, gettext_lazy("rescheduled"))
    warnings = reschedule_warnings(item, due_date)
    if warnings and not confirmed:
        raise RescheduleNeedsConfirmation(warnings)
    _set_due(item, due_date, item.window_days)
    item.reason = (
        _("Rescheduled (%(why)s): %(reason)s")
        % {"why": RescheduleReason(reason_code).label.lower(), "reason": reason}
    )[:300]
    record_history(item, user, item.reason)
    item.save()
    return item


@transaction.atomic
def item_cancel(*, item: FollowUpItem, user, expected_version: int, reason: str) -> FollowUpItem:
    reason = _require_reason(reason)
    item = _claim(item, expected_version, user)
    _require_pending(item, gettext_lazy("cancelled"))
    item.status = FollowUpStatus.CANCELLED
    item.next_contact_date = None
    item.reason = (_("Cancelled: %(reason)s") % {"reason": reason})[:300]
    record_history(item, user, item.reason)
    item.save()
    return item


@transaction.atomic
def item_add_manual(
    *,
    case: Case,
    user,
    due_date: date,
    modality: str,
    reason: str,
    window_days: int = 14,
    responsible_nurse=None,
    notes: str = "",
) -> FollowUpItem:
    reason = _require_reason(reason)
    if modality not in FollowUpModality.values:
        raise FollowUpError(_("Choose a modality."), field="modality")
    item = FollowUpItem(
        case=case,
        modality=modality,
        phase="manual",
        source=FollowUpSource.MANUAL,
        responsible_nurse=responsible_nurse,
        notes=notes.strip(),
        reason=(_("Added: %(reason)s") % {"reason": reason})[:300],
        updated_by=user,
    )
    _set_due(item, due_date, window_days)
    record_history(item, user, item.reason)
    item.save()
    return item


@transaction.atomic
def item_edit(
    *,
    item: FollowUpItem,
    user,
    expected_version: int,
    reason: str,
    due_date: date,
    window_days: int,
    modality: str,
    responsible_nurse,
    notes: str,
) -> FollowUpItem:
    """A hand edit of any field a nurse may change, with the reason (kept in the audit history)."""
    reason = _require_reason(reason)
    if modality not in FollowUpModality.values:
        raise FollowUpError(_("Choose a modality."), field="modality")
    item = _claim(item, expected_version, user)
    _set_due(item, due_date, window_days)
    item.modality = modality
    item.responsible_nurse = responsible_nurse
    item.notes = notes.strip()
    item.reason = (_("Edited: %(reason)s") % {"reason": reason})[:300]
    record_history(item, user, item.reason)
    item.save()
    return item


# ---------------------------------------------------------------------------------------------------------
# Back to the MDT


@transaction.atomic
def case_flag_for_mdt(*, case: Case, user, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.needs_mdt_review = True
    case.mdt_review_reason = reason
    record_history(case, user, "Flagged for MDT re-discussion")
    case.save(update_fields=["needs_mdt_review", "mdt_review_reason", "updated_at"])
    return case


@transaction.atomic
def case_mark_recurrent(*, case: Case, user):
    """Record the disease as recurrent and re-assess: the engine then recommends the systemic pathway.

    The flag for the MDT stays until the MDT has re-discussed the case; the follow-up schedule is regenerated
    when the MDT signs its new recommendation.
    """
    presentation = case.section("presentation")
    if presentation is None:
        raise FollowUpError(_("This case has no presentation recorded; it cannot be re-assessed."))
    presentation.presentation = PresentationKind.RECURRENT
    record_history(presentation, user, "Reassessed as recurrent after follow-up")
    presentation.save()
    previous = case.mdt_review_reason if case.needs_mdt_review else ""
    reason = MARKED_RECURRENT  # stored in English, read in each reader's language (cases/course/texts.py)
    case_flag_for_mdt(case=case, user=user, reason=f"{previous}; {reason}" if previous else reason)
    assessment = case_assess(case=Case.objects.get(pk=case.pk), user=user)
    from cases.mdt.services import case_note_clinical_change  # the MDT services import this module

    case_note_clinical_change(case=Case.objects.get(pk=case.pk))
    return assessment


# ---------------------------------------------------------------------------------------------------------
# Calendar feed tokens


@transaction.atomic
def calendar_token_create(*, user) -> CalendarFeedToken:
    """A new secret feed URL for `user`; any earlier one stops working.

    The secret itself is on the returned object only (`.token`), never in the database: show it now or never.
    """
    calendar_token_revoke(user=user)
    raw = secrets.token_urlsafe(32)
    record = CalendarFeedToken.objects.create(user=user, token_hash=hash_token(raw))
    record.token = raw
    return record


def calendar_token_find(raw: str) -> CalendarFeedToken | None:
    """The live token whose secret is `raw`, with its user, or None."""
    return (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
