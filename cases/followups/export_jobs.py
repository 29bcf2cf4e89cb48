"""The worklist's CSV export as a background job (issue 16: no request renders a long export).

A request only records what to export (`export_request`: the tab and filters, the requester's language); a
Celery task writes the file (`export_run`, cases/followups/tasks.py), updating the job's progress as it goes,
and the page polls it. Without a broker the task runs inside the request, as the meeting printout's do. The CSV
is the one the worklist always exported: the same columns, rows, labels and spreadsheet-safe cells
(cases/followups/exports.py), with the byte-order mark that tells Excel it is UTF-8.

The file holds patients' names, hospital numbers and telephone numbers: only its requester may download it, and it
is deleted GISTCARE_EXPORT_KEEP_HOURS after it was finished (`exports_purge`: nightly, and on every request).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from cases.csv_safe import with_bom
from cases.followups.exports import csv_lines
from cases.followups.forms import worklist_filters
from cases.followups.selectors import surgeon_choices
from cases.followups.worklist import base_items, rows
from cases.models import ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# Stored in English (the job is the installation's), printed in the reader's language (export.html).
WORKERS_UNREACHABLE = gettext_noop(
    "The export could not be started: the background workers cannot be reached. Try again."
)
WRITE_FAILED = gettext_noop("The export could not be written (the error is in the server's log). Try again.")
#: The job's progress is written every this many rows (one UPDATE; the page polls it every second).
PROGRESS_EVERY = 1000


def export_request(*, user, tab: str, query: str, language: str) -> ExportJob:
    """Record an export of the worklist's `tab` with the filters of `query` (a query string), for `user`."""
    exports_purge()
    return ExportJob.objects.create(
        kind=ExportKind.FOLLOWUPS_CSV,
        params={"tab": tab, "query": query},
        language=language,
        requested_by=user,
    )


def export_run(*, job_id: str, worker: str) -> bool:
    """Write the job's CSV (False when there is no such job, or it is finished already)."""
    job = ExportJob.objects.defer("content").select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return False
    today = timezone.localdate(job.requested_at)
    data = QueryDict(job.params.get("query", ""), mutable=True)
    data["tab"] = job.params.get("tab", "overdue")
    with translation.override(job.language):
        _form, filters, tab, _query = worklist_filters(data, surgeon_choices())
        items = rows(filters.apply(base_items(), user=job.requested_by), tab, today)
        total = items.count()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.RUNNING, total=total, worker=worker, updated_at=timezone.now()
        )
        lines = []
        for n, line in enumerate(with_bom(csv_lines(items, today))):
            lines.append(line)
            if n and n % PROGRESS_EVERY == 0:  # line 0 is the byte-order mark, line 1 the header
                ExportJob.objects.filter(pk=job.pk).update(done=n - 1, updated_at=timezone.now())
    content = "".join(lines).encode("utf-8")
    ExportJob.objects.filter(pk=job.pk).exclude(status=ExportStatus.FAILED).update(
        status=ExportStatus.READY,
        done=max(0, len(lines) - 2),
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
        filename=f"followups-{tab}-{today.isoformat()}.csv",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return True


def export_fail(*, job_id: str, message: str = WRITE_FAILED) -> None:
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportStatus.READY).update(
        status=ExportStatus.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def expired_exports() -> Q:
    """The exports finished (or, stuck, asked for) more than GISTCARE_EXPORT_KEEP_HOURS ago: never served, and
    deleted by the purge."""
    before = timezone.now() - timedelta(hours=settings.GISTCARE_EXPORT_KEEP_HOURS)
    return Q(finished_at__lt=before) | Q(finished_at__isnull=True, requested_at__lt=before)


def exports_purge() -> int:
    """Delete the expired exports; their number."""
    deleted, _ = ExportJob.objects.filter(expired_exports()).delete()
    return deleted
