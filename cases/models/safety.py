"""Nobody slips: escalation of missed visits, the closing of a follow-up, and the letters sent.

A visit overdue beyond its window climbs a ladder of steps (second contact, letter to the patient, letter to the
GP and the MDT coordinator, lost to follow-up), one step at a time, each recorded with its outcome. A case's
follow-up ends only with a recorded closure (discharged, died, moved, declined, lost to follow-up). Letters are
stored exactly as generated (the PDF and its SHA-256), never edited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import BaseModel


class EscalationStepKind(models.TextChoices):
    SECOND_CONTACT = "second_contact", _("Second contact")
    PATIENT_LETTER = "patient_letter", _("Letter to the patient")
    GP_LETTER = "gp_letter", _("Letter to the GP and the MDT coordinator")
    LOST = "lost", _("Lost to follow-up")


# The ladder, in order.
ESCALATION_LADDER = (
    EscalationStepKind.SECOND_CONTACT,
    EscalationStepKind.PATIENT_LETTER,
    EscalationStepKind.GP_LETTER,
    EscalationStepKind.LOST,
)


class EscalationOutcome(models.TextChoices):
    REACHED = "reached", _("Reached: visit rebooked")
    NO_ANSWER = "no_answer", _("No answer / no reply")
    LETTER_SENT = "letter_sent", _("Letter sent")
    UNDELIVERABLE = "undeliverable", _("Details out of date / letter returned")
    DECLINED = "declined", _("Patient declined follow-up")
    CLOSED = "closed", _("Closed by the coordinator")


class EscalationStep(BaseModel):
    # No index of its own (db_index=False): escalation_one_step_per_item begins with it (issue 16).
    item = models.ForeignKey(
        "cases.FollowUpItem", on_delete=models.CASCADE, related_name="escalations", db_index=False
    )
    step = models.CharField(max_length=20, choices=EscalationStepKind.choices)
    opened_on = models.DateField("opened on")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=EscalationOutcome.choices, blank=True)
    outcome_notes = models.TextField("notes", blank=True)
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_on", "id"]
        constraints = [
            # Each step once per item: what makes the nightly check idempotent.
            models.UniqueConstraint(fields=["item", "step"], name="escalation_one_step_per_item")
        ]
        indexes = [
            # The few visits at a step (the coordinator's "lost to follow-up"), found from the step: SQLite
            # otherwise walked every pending item to look up its steps (6.3 ms with 100,000 items; issue 16).
            models.Index(fields=["step", "item"], name="escalation_step_item"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} opened {self.opened_on}"


class ClosureReason(models.TextChoices):
    DISCHARGED = "discharged", _("Discharged: follow-up completed (year 10) or none planned")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved to another centre")
    DECLINED = "declined", _("Declined follow-up")
    LOST = "lost", _("Lost to follow-up: every contact failed")


class FollowUpClosure(BaseModel):
    """Why a case's follow-up ended: the safety net's proof that nobody is waiting for a visit."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="closure"
    )
    reason = models.CharField(max_length=12, choices=ClosureReason.choices)
    note = models.CharField(max_length=300, blank=True)
    closed_on = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Follow-up closed ({self.get_reason_display()}) on {self.closed_on}"


class LetterRecipient(models.TextChoices):
    PATIENT = "patient", _("Patient")
    GP = "gp", _("GP (copy to the MDT coordinator)")


class LetterPurpose(models.TextChoices):
    PLAN = "plan", _("MDT decision and follow-up plan")
    MISSED_VISIT = "missed_visit", _("Missed follow-up visit")


class LetterSentVia(models.TextChoices):
    PRINT = "print", _("Printed and posted")
    EMAIL = "email", _("Email")


class Letter(BaseModel):
    """A letter generated from the case's structured data and stored unchanged (PDF + SHA-256)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    recipient = models.CharField(max_length=10, choices=LetterRecipient.choices)
    purpose = models.CharField(max_length=14, choices=LetterPurpose.choices)
    step = models.ForeignKey(
        EscalationStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_via = models.CharField(max_length=10, choices=LetterSentVia.choices, blank=True)
    sent_to = models.CharField("sent to", max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} letter to the {self.get_recipient_display()}"
