"""Follow-up: surveillance visits as work items for the nurses, adjuvant imatinib as delivered, and the
bits that let the list leave the app (calendar feed tokens, reminder log).

Items come from the engine's surveillance schedule (source "schedule"), are added by hand ("manual"), or are made
by the treatment course ("dose_scan", "drug_level", "review": cases/course/worklist.py).
`window_start`/`window_end` are stored (due ± window_days) rather than computed in SQL so that the worklist
tabs are plain indexed date comparisons on every database; the services keep them in step with the due date.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cases.choices import (
    ContactOutcome,
    FollowUpModality,
    FollowUpResult,
    FollowUpSource,
    FollowUpStatus,
    ResultAttention,
)
from cases.labels import phase_label
from cases.models.base import BaseModel
from guidelines.rulesets.course_worklist import COURSE_WORKLIST

#: The widest tolerance window (± days): checked by the database too, so that the worklist's tabs can bound their
#: date ranges by it (cases/followups/worklist.py tab_q) and count from an index range, not the whole table.
MAX_WINDOW_DAYS = 180


class FollowUpItem(BaseModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The case and the nurse have no index of their own (db_index=False): followup_case_window and
    # followup_nurse_status_window begin with them (issue 16: each index is written by every insert).
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followups", db_index=False)
    due_date = models.DateField("due date")
    window_days = models.PositiveSmallIntegerField(
        "tolerance window (± days)", default=14, validators=[MaxValueValidator(MAX_WINDOW_DAYS)]
    )
    window_start = models.DateField(editable=False)
    window_end = models.DateField(editable=False)
    modality = models.CharField(max_length=12, choices=FollowUpModality.choices)
    phase = models.CharField(max_length=80, blank=True)
    source = models.CharField(max_length=10, choices=FollowUpSource.choices, default=FollowUpSource.SCHEDULE)
    # "<due>|<modality>" of the engine visit this item was made from; never changed by a nurse's edit, so a
    # regeneration recognises the visit even after the item was rescheduled. Empty for manual items.
    schedule_key = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING)
    responsible_nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_items",
        db_index=False,
    )
    completed_date = models.DateField("date done", null=True, blank=True)
    result = models.CharField(max_length=24, choices=FollowUpResult.choices, blank=True)
    notes = models.TextField(blank=True)
    # Why the last reschedule, cancellation, manual addition or hand edit happened (the history keeps earlier ones).
    reason = models.CharField(max_length=300, blank=True)
    next_contact_date = models.DateField("next contact", null=True, blank=True)
    # Made from the latest assessment of a case whose report is not signed yet, so that a delayed sign-off loses
    # no visit; signing replaces it by the signed schedule's item for the same visit (or removes it).
    provisional = models.BooleanField(default=False)
    # Items made by the treatment course (sources dose_scan, drug_level, review): the id of the therapy line,
    # dose change, scan or drug level that made the item (several models, so a plain id rather than a key).
    course_record = models.UUIDField(null=True, blank=True, editable=False)
    # The scan or drug level whose entry closed this item (so that deleting it opens the item again).
    closed_by_record = models.UUIDField(null=True, blank=True, editable=False)
    # A result to review that must stand out: a scan computing progression, a trough below the threshold.
    attention = models.CharField(max_length=12, choices=ResultAttention.choices, blank=True)
    # Optimistic concurrency: every write is `UPDATE ... WHERE version = <the version the nurse saw>`.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # Worklist: tabs are ranges on (status, window); "all" walks due_date; counts read the covering index.
            # A page walks (status, due_date, id) in the list's order; with the window, case and nurse in the index
            # the walk tests the tab, the archived cases and "mine" without reading the table (the "due" page
            # passed the last 180 days' overdue items row by row: its ids 3.1 -> 0.3 ms; issue 16).
            models.Index(
                fields=[
                    "status",
                    "due_date",
                    "id",
                    "window_start",
                    "window_end",
                    "case",
                    "responsible_nurse",
                ],
                name="followup_status_due_page",
            ),
            # (The nurse too: "mine and unassigned" is counted from this index alone, issue 16.)
            models.Index(
                fields=["status", "window_end", "window_start", "due_date", "case", "responsible_nurse"],
                name="followup_status_window_nurse",
            ),
            # "All" walks (due_date, id); with the case and the nurse in the index a page typed by its number skips
            # its rows in the index alone (page 500: its ids 20.9 -> 3.9 ms on PostgreSQL; issue 16).
            models.Index(fields=["due_date", "id", "case", "responsible_nurse"], name="followup_due_id_case"),
            # "Mine and unassigned": with the window and the case in the index each tab is counted from it alone,
            # as the planner prefers once its statistics are exact (issue 16).
            models.Index(
                fields=["responsible_nurse", "status", "due_date", "window_end", "window_start", "case"],
                name="followup_nurse_status_window",
            ),
            # A case's items; with the window in the index a worklist filtered by site, risk or surgeon counts each
            # tab from the matching cases' entries instead of joining every item of the tab to its case (the
            # overdue count with site and risk: 28.7 -> 9.5 ms, 100,000 items; issue 16).
            models.Index(
                fields=["case", "status", "window_end", "window_start", "due_date"],
                name="followup_case_window",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__lte=MAX_WINDOW_DAYS), name="followup_window_at_most_180_days"
            ),
            # One item per engine visit per case, whatever its status: regeneration can never duplicate.
            models.UniqueConstraint(
                fields=["case", "schedule_key"],
                condition=~models.Q(schedule_key=""),
                name="followup_one_item_per_visit",
            ),
            # One item of each kind per course record: a re-save of the record updates it, never duplicates it.
            models.UniqueConstraint(
                fields=["source", "course_record"],
                condition=models.Q(course_record__isnull=False),
                name="followup_one_item_per_course_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} due {self.due_date} ({self.get_status_display()})"

    @staticmethod
    def window_for(due: date, window_days: int) -> tuple[date, date]:
        return due - timedelta(days=window_days), due + timedelta(days=window_days)

    def phase_display(self) -> str:
        if self.course_record:  # made by the treatment course: its kind says what it is for
            return str(self.get_source_display())
        return phase_label(self.phase)

    def course_interval_source(self) -> str:
        """Where the due date of an item made by the treatment course comes from (a local default, with its source)."""
        if self.source == FollowUpSource.DOSE_SCAN:
            return COURSE_WORKLIST.scan_source
        if self.source == FollowUpSource.DRUG_LEVEL:
            return COURSE_WORKLIST.level_source
        return ""

    def current_escalation(self):
        """The latest step of the escalation ladder opened for this visit, or None.

        Worklist rows carry it as annotations (`esc_step`, `esc_opened_on`, `esc_outcome`: cases/followups/worklist.py);
        a case's follow-up page prefetches every item's steps into `escalation_list`; other pages read it from the
        database (or a prefetch).
        """
        from cases.models.safety import EscalationStep

        if hasattr(self, "esc_step"):
            if not self.esc_step:
                return None
            return EscalationStep(
                item=self, step=self.esc_step, opened_on=self.esc_opened_on, outcome=self.esc_outcome or ""
            )
        steps = self.escalation_list if hasattr(self, "escalation_list") else list(self.escalations.all())
        return steps[-1] if steps else None

    def state_on(self, today: date) -> str:
        """'overdue', 'due' (inside the window), 'upcoming', or the status when the item is closed."""
        if self.status != FollowUpStatus.PENDING:
            return self.status
        if today > self.window_end:
            return "overdue"
        if today >= self.window_start:
            return "due"
        return "upcoming"


class ContactAttempt(BaseModel):
    item = models.ForeignKey(FollowUpItem, on_delete=models.CASCADE, related_name="contacts")
    attempted_at = models.DateTimeField("when")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    next_contact_date = models.DateField("next contact", null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.attempted_at:%Y-%m-%d %H:%M}"


class CalendarFeedToken(BaseModel):
    """The credential of a nurse's iCalendar feed: whoever holds the URL reads the feed, so it can be revoked.

    Only a SHA-256 hash of the secret is stored (as for API tokens): a copy of the database or of a backup does
    not give access to any feed. The address is shown once, when it is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id} ({'revoked' if self.revoked_at else 'active'})"


class ReminderLog(BaseModel):
    """One digest sent to one address on one day: what makes the daily reminder command idempotent."""

    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    item_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_reminder_per_recipient_day")
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.day} ({self.item_count} items)"
