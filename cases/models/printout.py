"""Meeting printouts prepared in the background: the job, its progress and the finished PDF.

A job is made for one meeting and one fingerprint of its inputs (the agenda, each case's version, the signed
report ids; cases/mdt/printout.py). The finished file is served until the fingerprint changes; then a new job
is started. Each draft report renders on its own (a PrintoutPart), and the parts are merged into one PDF.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import BackgroundJob, BaseModel


class PrintoutStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PrintoutJob(BackgroundJob):
    STALE_SETTING = "GISTCARE_PRINTOUT_STALE_SECONDS"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own (db_index=False): printout_job_unique_inputs begins with it (issue 16).
    meeting = models.ForeignKey(
        "cases.MdtMeeting", on_delete=models.CASCADE, related_name="printout_jobs", db_index=False
    )
    # SHA-256 over what the printout is made of: equal fingerprints make equal printouts.
    fingerprint = models.CharField(max_length=64)
    # What to print, fixed when the job starts: [{"item": id, "case": id, "signed": report id or null}, ...]
    # and the agenda items that had no report yet.
    plan = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=PrintoutStatus.choices, default=PrintoutStatus.QUEUED)
    pdf = models.BinaryField(default=b"", editable=False)
    pdf_sha256 = models.CharField("SHA-256 of the PDF", max_length=64, blank=True)
    pages = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # One job per meeting and inputs: two people pressing the button at once share one job.
            models.UniqueConstraint(fields=["meeting", "fingerprint"], name="printout_job_unique_inputs"),
        ]

    def __str__(self) -> str:
        return f"Printout {str(self.id)[:8]} of {self.meeting} ({self.status})"


class PrintoutPart(BaseModel):
    """One draft report rendered for a job, kept until the job merges them."""

    # No index of its own (db_index=False): printout_part_unique_position begins with it (issue 16).
    job = models.ForeignKey(PrintoutJob, on_delete=models.CASCADE, related_name="parts", db_index=False)
    position = models.PositiveIntegerField()
    pdf = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="printout_part_unique_position"),
        ]

    def __str__(self) -> str:
        return f"Part {self.position} of printout {str(self.job_id)[:8]}"
