"""Missed visits escalate, one recorded step at a time; the coordinator closes a follow-up with a reason.

The ladder (cases/models/safety.py): second contact → letter to the patient → letter to the GP and the MDT
coordinator → lost to follow-up. An item enters it on the first day after its window; each further step opens
`GISTCARE_ESCALATION_STEP_DAYS` days (local policy, default 14: no guideline sets it) after the previous one
while the visit is still neither done nor rebooked. A nurse may open the next step at once ("Escalate"). Each step
is unique per item, so the nightly check (`send_followup_reminders`) can run any number of times.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from cases.choices import FollowUpSource, FollowUpStatus
from cases.followups.services import FollowUpError
from cases.models import (
    ESCALATION_LADDER,
    Case,
    ClosureReason,
    EscalationOutcome,
    EscalationStep,
    EscalationStepKind,
    FollowUpClosure,
    FollowUpItem,
)
from cases.service_helpers import record_history


def _next_kind(item: FollowUpItem) -> str | None:
    done = set(item.escalations.values_list("step", flat=True))
    return next((kind for kind in ESCALATION_LADDER if kind not in done), None)


def _open(item: FollowUpItem, kind: str, *, user, today: date) -> EscalationStep | None:
    step = EscalationStep(item=item, step=kind, opened_on=today, opened_by=user)
    record_history(step, user, f"Escalation: {EscalationStepKind(kind).label}")
    try:
        with transaction.atomic():  # a concurrent run opened it first: nothing to do
            step.save()
    except IntegrityError:
        return None
    return step


@transaction.atomic
def item_escalate(*, item: FollowUpItem, user, today: date | None = None) -> EscalationStep:
    """Open the next step for an overdue visit now (a nurse's decision, not waiting for the nightly check)."""
    today = today or timezone.localdate()
    item = FollowUpItem.objects.select_for_update().get(pk=item.pk)
    if item.source == FollowUpSource.REVIEW:
        raise FollowUpError("A result to review is not a visit: it is marked reviewed, not escalated.")
    if item.status != FollowUpStatus.PENDING or today <= item.window_end:
        raise FollowUpError(
            _("This visit is not overdue (its window ends %(end)s): nothing to escalate.")
            % {"end": dateformat.format(item.window_end, _("d M Y"))}
        )
    kind = _next_kind(item)
    if kind is None:
        raise FollowUpError(_("This visit is already lost to follow-up: the MDT coordinator closes it."))
    step = _open(item, kind, user=user if getattr(user, "is_authenticated", False) else None, today=today)
    if step is None:
        raise FollowUpError(_("Someone else escalated this visit at the same time: reload the page."))
    return step


def escalate_overdue(*, today: date) -> int:
    """The nightly check: move every overdue visit at most one step. Returns the number of steps opened."""
    gap = settings.GISTCARE_ESCALATION_STEP_DAYS
    opened = 0
    overdue = (
        FollowUpItem.objects.filter(
            status=FollowUpStatus.PENDING, window_end__lt=today, case__archived_at__isnull=True
        )
        .exclude(source=FollowUpSource.REVIEW)  # a result waiting for review is not a missed visit
        .prefetch_related("escalations")
    )
    for item in overdue.iterator(chunk_size=500):
        steps = sorted(item.escalations.all(), key=lambda s: ESCALATION_LADDER.index(s.step))
        if steps and (steps[-1].step == EscalationStepKind.LOST or (today - steps[-1].opened_on).days < gap):
            continue
        kind = ESCALATION_LADDER[len(steps)] if len(steps) < len(ESCALATION_LADDER) else None
        if kind is not None and _open(item, kind, user=None, today=today) is not None:
            opened += 1
    return opened


@transaction.atomic
def step_record_outcome(*, step: EscalationStep, user, outcome: str, notes: str = "") -> EscalationStep:
    if outcome not in EscalationOutcome.values or outcome == EscalationOutcome.CLOSED:
        raise FollowUpError(_("Choose the outcome of this step."), field="outcome")
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    step.outcome = outcome
    step.outcome_notes = (notes or "").strip()
    step.recorded_on = timezone.localdate()
    step.recorded_by = user
    record_history(step, user, f"Outcome: {EscalationOutcome(outcome).label}")
    step.save()
    return step


def lost_to_follow_up() -> QuerySet[Case]:
    """Active cases with a visit at the last step of the ladder and no closure yet: the coordinator's to-do."""
    # From the few visits at that step to their cases (an IN list), not a test of every active case (issue 16).
    lost = EscalationStep.objects.filter(step=EscalationStepKind.LOST, item__status=FollowUpStatus.PENDING)
    return (
        Case.objects.active()
        .filter(pk__in=lost.values("item__case_id"), closure__isnull=True)
        .select_related("patient", "owner")
        .order_by("patient__family_name", "patient__given_name")
    )


@transaction.atomic
def case_close_followup(*, case: Case, user, reason: str, note: str = "") -> FollowUpClosure:
    """End a case's follow-up with a reason (MDT coordinators only): pending visits are cancelled with it."""
    if not user.has_perm("cases.manage_mdt"):
        raise PermissionError("Only an MDT coordinator closes a follow-up.")
    if reason not in ClosureReason.values:
        raise FollowUpError(_("Choose why the follow-up ends."), field="reason")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if FollowUpClosure.objects.filter(case=case).exists():
        raise FollowUpError(_("This follow-up is already closed."))
    today = timezone.localdate()
    closure = FollowUpClosure(
        case=case, reason=reason, note=(note or "").strip()[:300], closed_on=today, closed_by=user
    )
    label = ClosureReason(reason).label
    record_history(closure, user, f"Follow-up closed: {label}")
    closure.save()
    for item in case.followups.filter(status=FollowUpStatus.PENDING):
        item.status = FollowUpStatus.CANCELLED
        item.next_contact_date = None
        item.reason = (_("Cancelled: follow-up closed (%(why)s)") % {"why": label})[:300]
        item.updated_by = user
        item.version += 1
        record_history(item, user, item.reason)
        item.save()
    for step in EscalationStep.objects.filter(item__case=case, step=EscalationStepKind.LOST, outcome=""):
        step.outcome = EscalationOutcome.CLOSED
        step.outcome_notes = closure.note
        step.recorded_on, step.recorded_by = today, user
        record_history(step, user, "Closed by the coordinator")
        step.save()
    return closure
