"""MDT meetings, their agendas, and the signed recommendation reports.

A signed report is a frozen record: the facts the engine was given, what it answered, the decision the MDT
took, who signed and when, the rule set version, and the rendered PDF with its SHA-256. Nothing here is
recomputed from the case afterwards; a correction is a new version (an amendment) that points at the one it
replaces, and every version stays readable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import dateformat
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import BaseModel


class MdtDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept the recommendation")
    MODIFY = "modify", _("Modify the recommendation")
    DEFER = "defer", _("Defer: more information needed")
    NOT_DISCUSSED = "not_discussed", _("Not discussed")


# Only these decisions can be signed: a deferred or undiscussed case has no MDT recommendation yet.
SIGNABLE_DECISIONS = frozenset({MdtDecision.ACCEPT, MdtDecision.MODIFY})


class DeferralNeed(models.TextChoices):
    IMAGING = "imaging", _("Further imaging")
    BIOPSY = "biopsy", _("Biopsy")
    GENOTYPE = "genotype", _("Genotype (mutation analysis)")
    OTHER = "other", _("Other (see note)")


class Discipline(models.TextChoices):
    """An attendee's discipline (the quorum rule counts these; see settings.GISTCARE_MDT_QUORUM).

    The labels are plain English (marked for the catalogue only): cases.mdt.decisions reads them at import to
    parse attendance lines, and translates them where it prints them."""

    SURGEON = "surgeon", gettext_noop("Surgeon")
    ONCOLOGIST = "oncologist", gettext_noop("Oncologist")
    PATHOLOGIST = "pathologist", gettext_noop("Pathologist")
    RADIOLOGIST = "radiologist", gettext_noop("Radiologist")
    GASTROENTEROLOGIST = "gastroenterologist", gettext_noop("Gastroenterologist")
    NURSE = "nurse", gettext_noop("Specialist nurse")
    COORDINATOR = "coordinator", gettext_noop("MDT coordinator")
    OTHER = "other", gettext_noop("Other")


class AgendaItemStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting discussion")
    DECIDED = "decided", _("Decision recorded")
    SIGNED = "signed", _("Signed")


class MdtMeetingQuerySet(models.QuerySet["MdtMeeting"]):
    def upcoming(self, today: object) -> MdtMeetingQuerySet:
        return self.filter(date__gte=today).order_by("date", "title")


class MdtMeeting(BaseModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    date = models.DateField("meeting date")
    title = models.CharField(max_length=200)
    start_time = models.TimeField("start time", null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField("video link", max_length=500, blank=True)
    # An ad-hoc meeting held today to sign between scheduled meetings ("virtual MDT <date>").
    is_virtual = models.BooleanField("virtual MDT", default=False)
    # Attendance, one person per line as "Name, discipline" (see cases.mdt_attendance).
    attendees = models.TextField(
        blank=True, help_text="One name per line, with role (e.g. surgeon, oncologist)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_meetings_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency of the meeting's details, as for cases (cases.service_helpers.claim_version).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = MdtMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = "MDT meeting"

    def __str__(self) -> str:
        # The date in the reader's language: "GIST MDT (05 Mar 2026)", "GIST MDT (2026年3月5日)".
        return f"{self.title} ({dateformat.format(self.date, gettext('d M Y'))})"

    @property
    def short_id(self) -> str:
        return str(self.id)[:8]

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    @property
    def label(self) -> str:
        """How a signed report names the meeting: a virtual one as "virtual MDT <date>"."""
        if self.is_virtual:
            return gettext("virtual MDT %(date)s") % {"date": dateformat.format(self.date, gettext("d M Y"))}
        return str(self)


class AgendaItem(BaseModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own (db_index=False): agenda_item_unique_case_per_meeting begins with it (issue 16).
    meeting = models.ForeignKey(MdtMeeting, on_delete=models.CASCADE, related_name="items", db_index=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=AgendaItemStatus.choices, default=AgendaItemStatus.PENDING
    )
    decision = models.CharField(max_length=16, choices=MdtDecision.choices, blank=True)
    # What the MDT changed, field by field (cases.mdt_decisions.MODIFIABLE): {"adjuvant": "declined", ...}.
    modifications = models.JSONField(default=dict, blank=True)
    deferral_need = models.CharField(
        "what is needed before the decision", max_length=10, choices=DeferralNeed.choices, blank=True
    )
    modification_reason = models.CharField(
        "reason for the modification", max_length=300, blank=True, help_text="e.g. adjuvant declined"
    )
    modification_text = models.TextField("what the MDT recommends instead", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency of the decision, as for cases (cases.service_helpers.claim_version).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_unique_case_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.order} of {self.meeting}"


class SignedReport(BaseModel):
    """One signed version of a case's MDT report. Created once, never updated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own (db_index=False): signed_report_unique_version begins with it (issue 16).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="signed_reports", db_index=False
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    version = models.PositiveIntegerField()
    # The engine's input and output exactly as they were at signing (the assessment contract's shapes).
    facts = models.JSONField()
    result = models.JSONField()
    # Everything else the report prints (patient identity, the case summary, the institution), frozen too so
    # that the HTML view of a signed version matches its PDF even after the records change.
    snapshot = models.JSONField(default=dict)
    ruleset = models.CharField(max_length=40)
    ruleset_version = models.CharField(max_length=80)
    decision = models.CharField(max_length=16, choices=MdtDecision.choices)
    modifications = models.JSONField(default=dict, blank=True)
    # The meeting this version was signed at (an amendment between meetings: a virtual MDT of its date).
    meeting = models.ForeignKey(
        MdtMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_reports"
    )
    signer_role = models.CharField(max_length=200, blank=True)
    # Who attended, by discipline, as it stood at signing: [{"name": ..., "discipline": ...}].
    attendees = models.JSONField(default=list, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)
    decision_text = models.TextField(blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    # SHA-256 over the previous version's chain hash and this version's PDF hash (cases/mdt/integrity.py).
    chain_sha256 = models.CharField("SHA-256 chained over the earlier versions", max_length=64, blank=True)
    amends = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by"
    )
    amendment_reason = models.CharField(max_length=300, blank=True)

    # The PDF bytes are immutable and already stored once; the audit trail records everything else.
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["case", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="signed_report_unique_version"),
        ]

    def __str__(self) -> str:
        return f"Report v{self.version} of case {str(self.case_id)[:8]}"

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None
