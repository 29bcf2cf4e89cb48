"""Long exports prepared in the background (issue 16: no request renders a long export): the job, its progress
and the finished file.

A job is made for one user and what they asked for (the worklist's tab and filters); a Celery task writes the
file (cases/followups/export_jobs.py) and the page polls its progress. Only the user who asked for it may see the
job and download the file. The file holds patients' names, hospital numbers and telephone numbers: it is deleted
`GISTCARE_EXPORT_KEEP_HOURS` after it is finished (the nightly purge, and whenever anyone asks for an export).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import BackgroundJob


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Writing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ExportKind(models.TextChoices):
    FOLLOWUPS_CSV = "followups_csv", _("Follow-up worklist (CSV)")


class ExportJob(BackgroundJob):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    # What to export, fixed when the job is asked for: the worklist's tab and its filters as a query string.
    params = models.JSONField(default=dict)
    # The language of the file's header and labels: the requester's at the time.
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    content = models.BinaryField(default=b"", editable=False)
    content_sha256 = models.CharField("SHA-256 of the file", max_length=64, blank=True)
    filename = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Export {str(self.id)[:8]} ({self.kind}, {self.status})"
