"""The treatment course's items on the nurses' worklist (issue 13, "Nurses").

Called by the course services (cases/course/services.py) inside their transaction, so an item is never written
without the record that made it, nor left behind by a refused write:

- a new therapy line or a dose change → "scan due after dose change" (source `dose_scan`), unless the
  surveillance schedule already has a scan then (on systemic therapy it counts from the current line's start);
- a dose change of imatinib, or a scan computing progression on imatinib → "imatinib trough level due"
  (`drug_level`);
- every scan and drug level entered → "result to review" (`review`), standing out for progression or a trough
  below the threshold, until a nurse or a clinician marks it reviewed;
- entering a scan closes the scan-due items of lines started and doses changed before its date; entering a level
  closes the level-due items of dose changes before its date and of progression scans on or before it;
- deleting a record cancels the pending items it made (done items stay, as a record) and opens again the items
  it had closed.

The intervals are rule data (guidelines/rulesets/course_worklist.py, with their sources): RULES.md gives none
for these items, so they are local defaults, individualised by the MDT (the items can be rescheduled).
"""

from __future__ import annotations

from datetime import date, timedelta

from cases.choices import FollowUpModality, FollowUpSource, FollowUpStatus, ResultAttention
from cases.models import DoseChange, DrugLevel, FollowUpItem, ImagingAssessment, TherapyLine
from cases.models.course import LineSetting
from cases.service_helpers import record_history
from guidelines import add_months
from guidelines.drug_levels import IMATINIB_TROUGH, trough_level
from guidelines.rulesets.course_worklist import COURSE_WORKLIST

RULES = COURSE_WORKLIST


def _set_due(item: FollowUpItem, due: date, window_days: int) -> None:
    item.due_date = due
    item.window_days = window_days
    item.window_start, item.window_end = FollowUpItem.window_for(due, window_days)


def _upsert(
    *,
    case_id,
    source: str,
    record_pk,
    due: date,
    window_days: int,
    modality: str,
    user,
    reason: str,
    attention: str = "",
    reopen: bool = False,
) -> FollowUpItem:
    """The item of `source` made by the record `record_pk`: created, or brought in step with the record.

    A pending item follows the record's date; a closed one is left alone, unless `reopen` (a result edited after
    it was reviewed is to review again)."""
    item = FollowUpItem.objects.filter(source=source, course_record=record_pk).first()
    if item is None:
        item = FollowUpItem(case_id=case_id, source=source, course_record=record_pk, modality=modality)
    elif item.status == FollowUpStatus.DONE and reopen:
        item.status = FollowUpStatus.PENDING
        item.completed_date = None
        reason = "Result edited: to review again"
    elif item.status != FollowUpStatus.PENDING or (item.due_date, item.attention, item.modality) == (
        due,
        attention,
        modality,
    ):
        return item  # closed, or already in step
    _set_due(item, due, window_days)
    item.attention = attention
    item.modality = modality
    item.reason = reason[:300]
    item.updated_by = user if getattr(user, "is_authenticated", False) else None
    record_history(item, user, reason)
    item.save()
    return item


def _cancel(items, *, user, reason: str) -> None:
    for item in items:
        item.status = FollowUpStatus.CANCELLED
        item.next_contact_date = None
        item.reason = f"Cancelled: {reason}"[:300]
        item.updated_by = user if getattr(user, "is_authenticated", False) else None
        record_history(item, user, item.reason)
        item.save()


def _close(items, *, user, by, on: date, reason: str) -> None:
    for item in items:
        item.status = FollowUpStatus.DONE
        item.completed_date = on
        item.closed_by_record = by
        item.next_contact_date = None
        item.reason = reason[:300]
        item.updated_by = user if getattr(user, "is_authenticated", False) else None
        record_history(item, user, reason)
        item.save()


def _answered_by(items: list[FollowUpItem], day: date) -> list[FollowUpItem]:
    """The items that a scan or level of `day` answers.

    After a new line or a dose change only a result dated after it answers (a scan on the day a line starts is
    its baseline, a level on the day the dose changes is still on the old dose); after a scan computing
    progression, a level of the same day answers."""
    ids = [item.course_record for item in items]
    after = dict(TherapyLine.objects.filter(pk__in=ids).values_list("pk", "start_date"))
    after.update(DoseChange.objects.filter(pk__in=ids).values_list("pk", "change_date"))
    on_or_after = dict(ImagingAssessment.objects.filter(pk__in=ids).values_list("pk", "scan_date"))
    return [
        item
        for item in items
        if (item.course_record in after and after[item.course_record] < day)
        or (item.course_record in on_or_after and on_or_after[item.course_record] <= day)
    ]


def _pending_of(source: str, record_pks) -> list[FollowUpItem]:
    """The pending items of `source` made by the records `record_pks`."""
    return list(
        FollowUpItem.objects.filter(
            source=source, course_record__in=record_pks, status=FollowUpStatus.PENDING
        )
    )


def _pending(case_id, source: str) -> list[FollowUpItem]:
    return list(FollowUpItem.objects.filter(case_id=case_id, source=source, status=FollowUpStatus.PENDING))


IMAGING = (FollowUpModality.CT_OR_MRI, FollowUpModality.MRI)


def _scheduled_scan_near(case_id, due: date, window_days: int) -> bool:
    """The surveillance schedule already has a pending scan whose window meets this one's: on systemic therapy
    it counts from the start of the current line (RULES.md section 8), so a new line's month-3 scan is on it."""
    return FollowUpItem.objects.filter(
        case_id=case_id,
        source=FollowUpSource.SCHEDULE,
        status=FollowUpStatus.PENDING,
        modality__in=IMAGING,
        window_start__lte=due + timedelta(days=window_days),
        window_end__gte=due - timedelta(days=window_days),
    ).exists()


def _scan_due(*, case_id, record_pk, since: date, user, reason: str) -> None:
    due = add_months(since, RULES.scan_after_change_months)
    if _scheduled_scan_near(case_id, due, RULES.window_days):
        # The same scan twice on the nurses' list would be one too many: the schedule's visit answers it.
        pending = FollowUpItem.objects.filter(
            source=FollowUpSource.DOSE_SCAN, course_record=record_pk, status=FollowUpStatus.PENDING
        )
        _cancel(list(pending), user=user, reason="the surveillance schedule has a scan at that time")
        return
    _upsert(
        case_id=case_id,
        source=FollowUpSource.DOSE_SCAN,
        record_pk=record_pk,
        due=due,
        window_days=RULES.window_days,
        modality=FollowUpModality.CT_OR_MRI,
        user=user,
        reason=reason,
    )


def _level_due(*, case_id, record_pk, due: date, user, reason: str) -> None:
    _upsert(
        case_id=case_id,
        source=FollowUpSource.DRUG_LEVEL,
        record_pk=record_pk,
        due=due,
        window_days=RULES.window_days,
        modality=FollowUpModality.DRUG_LEVEL,
        user=user,
        reason=reason,
    )


def line_saved(line: TherapyLine, *, user) -> None:
    """A new line (or its start moved): a response-assessment scan is due after its start. A line whose drug is
    not one whose trough is measured (a correction from imatinib, say) cancels the levels its dose changes asked
    for."""
    if line.setting == LineSetting.ADJUVANT:
        # After a complete resection there is no disease whose response a scan would assess: the surveillance
        # schedule has the scans (a line changed to adjuvant cancels the one it had).
        _cancel(
            _pending_of(FollowUpSource.DOSE_SCAN, [line.pk, *line.dose_changes.values_list("pk", flat=True)]),
            user=user,
            reason="an adjuvant line has no response to assess",
        )
    else:
        _scan_due(
            case_id=line.case_id,
            record_pk=line.pk,
            since=line.start_date,
            user=user,
            reason="New therapy line",
        )
    if line.drug not in RULES.level_drugs:
        asked = FollowUpItem.objects.filter(
            source=FollowUpSource.DRUG_LEVEL,
            status=FollowUpStatus.PENDING,
            course_record__in=line.dose_changes.values("pk"),
        )
        _cancel(list(asked), user=user, reason=f"no trough level is measured for {line.drug}")


def dose_change_saved(change: DoseChange, *, user) -> None:
    """A dose change: a scan is due after it; for imatinib (not stopped), also a trough level on the new dose."""
    case_id = change.line.case_id
    if change.line.setting != LineSetting.ADJUVANT:  # no response to assess after a complete resection
        _scan_due(
            case_id=case_id, record_pk=change.pk, since=change.change_date, user=user, reason="Dose change"
        )
    if change.line.drug in RULES.level_drugs and change.dose_mg_per_day > 0:  # no trough of a stopped drug
        _level_due(
            case_id=case_id,
            record_pk=change.pk,
            due=change.change_date + timedelta(days=RULES.level_after_dose_change_days),
            user=user,
            reason="Dose change",
        )


def _drug_on(case_id, day: date) -> str | None:
    line = (
        TherapyLine.objects.filter(case_id=case_id, start_date__lte=day)
        .exclude(stop_date__lt=day)
        .order_by("-start_date")
        .first()
    )
    return line.drug if line else None


def scan_saved(scan: ImagingAssessment, *, user, progression: bool, new: bool) -> None:
    """A scan entered: it closes the scan-due items of changes made before it, waits for review (standing
    out when it computes progression) and, on progression under imatinib, asks for a trough level."""
    _close(
        _answered_by(_pending(scan.case_id, FollowUpSource.DOSE_SCAN), scan.scan_date),
        user=user,
        by=scan.pk,
        on=scan.scan_date,
        reason=f"Closed: scan of {scan.scan_date:%d %b %Y} entered in the treatment course",
    )
    _upsert(
        case_id=scan.case_id,
        source=FollowUpSource.REVIEW,
        record_pk=scan.pk,
        due=scan.scan_date,
        window_days=0,
        modality=FollowUpModality.MRI if scan.modality == "mri" else FollowUpModality.CT_OR_MRI,
        user=user,
        reason="Scan entered" if new else "Scan edited",
        attention=ResultAttention.PROGRESSION if progression else "",
        reopen=not new,
    )
    if progression and _drug_on(scan.case_id, scan.scan_date) in RULES.level_drugs:
        _level_due(
            case_id=scan.case_id,
            record_pk=scan.pk,
            due=scan.scan_date + timedelta(days=RULES.level_after_progression_days),
            user=user,
            reason="Progression on imatinib",
        )
    elif not progression:
        _cancel(
            FollowUpItem.objects.filter(
                source=FollowUpSource.DRUG_LEVEL, course_record=scan.pk, status=FollowUpStatus.PENDING
            ),
            user=user,
            reason="the scan no longer computes progression",
        )


def level_saved(level: DrugLevel, *, user, new: bool) -> None:
    """A level entered: it closes the level-due items it answers (see _answered_by) and waits for review
    (standing out when an imatinib trough is below the threshold)."""
    _close(
        _answered_by(_pending(level.case_id, FollowUpSource.DRUG_LEVEL), level.sample_date),
        user=user,
        by=level.pk,
        on=level.sample_date,
        reason=f"Closed: trough level of {level.sample_date:%d %b %Y} entered in the treatment course",
    )
    low = level.drug == IMATINIB_TROUGH.drug and trough_level(float(level.trough_ng_ml)).flag == "low"
    _upsert(
        case_id=level.case_id,
        source=FollowUpSource.REVIEW,
        record_pk=level.pk,
        due=level.sample_date,
        window_days=0,
        modality=FollowUpModality.DRUG_LEVEL,
        user=user,
        reason="Drug level entered" if new else "Drug level edited",
        attention=ResultAttention.LOW_LEVEL if low else "",
        reopen=not new,
    )


def record_deleted(obj, *, user, what: str) -> None:
    """Cancel the pending items the record made (and those of a deleted line's dose changes); open again the items
    a deleted scan or level had closed (the next result entered closes them)."""
    ids = [obj.pk]
    if isinstance(obj, TherapyLine):
        ids += list(obj.dose_changes.values_list("pk", flat=True))
    _cancel(
        FollowUpItem.objects.filter(course_record__in=ids, status=FollowUpStatus.PENDING),
        user=user,
        reason=f"the {what} it came from was deleted",
    )
    for item in FollowUpItem.objects.filter(closed_by_record=obj.pk, status=FollowUpStatus.DONE):
        item.status = FollowUpStatus.PENDING
        item.completed_date = None
        item.closed_by_record = None
        item.reason = f"Open again: the {what} that closed it was deleted"
        item.updated_by = user if getattr(user, "is_authenticated", False) else None
        record_history(item, user, item.reason)
        item.save()
