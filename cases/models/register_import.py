"""A hospital's register imported in the background (issue 16: no request holds a web worker for a long job): the
upload, its progress and its report.

The administrators' page records the file and sends it to a Celery worker (cases/interop/import_jobs.py), which
checks every row with the case form's rules and, for a real run with every row valid, writes the cases in one
transaction (cases/interop/register_import.py). 1,000 rows took 5.7 s inside the request, and the page accepts
20,000. The upload holds patients' names, hospital numbers and dates of birth: it is emptied when it is no longer
needed (a real run done, a check that refused rows) and the job is deleted `GISTCARE_EXPORT_KEEP_HOURS` after it
finished, as the exports are.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import BackgroundJob


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Checking the rows")
    READY = "ready", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(BackgroundJob):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(max_length=255)
    # The uploaded file, kept until the job is done with it (a check that passed keeps it for "Import now").
    upload = models.BinaryField(default=b"", editable=False)
    upload_sha256 = models.CharField("SHA-256 of the file", max_length=64)
    dry_run = models.BooleanField()
    # The language of the report's reasons: the requester's at the time.
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    # {"rows": n, "refusal": why the file cannot be read, or "", "errors": [[row, column, reason]],
    #  "warnings": [[row, column, reason]], "skipped": [[row, reason]], "created": [[row, case id or None]]}
    result = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # An import asked for from a check's page ("Import now"): the check, whose file it imports.
    from_check = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        kind = "check" if self.dry_run else "import"
        return f"Register {kind} {str(self.id)[:8]} ({self.filename}, {self.status})"
