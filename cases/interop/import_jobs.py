"""The register import as a background job (issue 16: no request holds a web worker for a long job).

The administrators' page records the upload (`import_request`) and sends it to a Celery worker; the worker checks
every row and, for a real run with every row valid, writes the cases (`import_run`: the same `register_import` as
the `import_cases` command, with its one transaction and its idempotence on MRN and date of diagnosis), saving its
progress every 100 rows; the page polls it and shows the report. Without a broker the job runs inside the request,
as the exports do. A check that passed keeps its file for "Import now" (`import_confirm`), so the administrator
does not choose it again.

Only one real import is asked for at a time (`import_under_way`), and `register_import` writes one import at a time
and skips the cases another has written: two at once could otherwise both find a case not yet on record and both
write it. The upload holds patients' names, hospital numbers and dates of birth: it is emptied as soon as it
is no longer needed, and the job is deleted GISTCARE_EXPORT_KEEP_HOURS after it finished (`imports_purge`: nightly,
and on every request), as the exports are.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from cases.followups.export_jobs import expired_exports
from cases.interop.register_import import FileRefused, Problem, RegisterReport, register_import
from cases.models import Case, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

# Stored in English (the job is the installation's), printed in the reader's language (register_import.html).
WORKERS_UNREACHABLE = gettext_noop(
    "The import could not be started: the background workers cannot be reached. Try again."
)
RUN_FAILED = gettext_noop(
    "The import stopped with an error (it is in the server's log); nothing was written. Try again."
)


class ImportUnderWay(Exception):
    """A real import is waiting or running: another may not start (it is the exception's `job`)."""

    def __init__(self, job: ImportJob) -> None:
        super().__init__(f"import {job.pk} is under way")
        self.job = job


def import_under_way() -> ImportJob | None:
    """The real import waiting for a worker or running, if any (one that stopped moving does not count).

    The page's courtesy, not the guarantee: two imports asked for at the same moment may both start, and a stalled
    one may come back; `register_import` writes one import at a time and skips what another has written.
    """
    for job in ImportJob.objects.defer("upload").filter(
        dry_run=False, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ):
        if not job.stalled:
            return job
    return None


def import_request(
    *, user, content: bytes, filename: str, dry_run: bool, language: str, from_check: ImportJob | None = None
) -> ImportJob:
    """Record an import (or a check, `dry_run`) of the file `content` named `filename`, for `user`.

    Raises ImportUnderWay for a real import while another is under way.
    """
    imports_purge()
    if not dry_run:
        under_way = import_under_way()
        if under_way is not None:
            raise ImportUnderWay(under_way)
    return ImportJob.objects.create(
        filename=filename[:255],
        upload=content,
        upload_sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        language=language,
        requested_by=user,
        from_check=from_check,
    )


def import_confirm(*, check_id, user, language: str) -> ImportJob | None:
    """A real import of the file a passed check kept (its page's "Import now"). None when the check cannot be
    imported: not a check that passed, or imported already (an import from it waiting, running or done)."""
    with transaction.atomic():
        check = ImportJob.objects.select_for_update().filter(pk=check_id).first()
        if check is None or not can_import_now(check):
            return None
        return import_request(
            user=user,
            content=bytes(check.upload),
            filename=check.filename,
            dry_run=False,
            language=language,
            from_check=check,
        )


def import_from(check: ImportJob) -> ImportJob | None:
    """The import asked for from this check that is waiting or running (and has not stopped moving), or that wrote
    its cases, if any: while there is none, the check may be imported again (one that failed, stopped or refused
    rows did not import it)."""
    for job in check.imports.defer("upload").exclude(status=ImportStatus.FAILED).order_by("-requested_at"):
        if job.status == ImportStatus.READY and not _refused(job.result):
            return job
        if not job.finished and not job.stalled:
            return job
    return None


def _refused(result: dict) -> bool:
    return bool(result.get("refusal") or result.get("errors"))


def can_import_now(job: ImportJob) -> bool:
    """A finished check that passed with cases to create, not imported yet (an import from it that failed may be
    asked for again: its file is kept until a real run from it is done)."""
    result = job.result or {}
    return (
        job.dry_run
        and job.status == ImportStatus.READY
        and not _refused(result)
        and bool(result.get("created"))
        and import_from(job) is None
    )


class Superseded(Exception):
    """The job is no longer this run's: another delivery of its message took it over (this one had stopped moving),
    or it was marked failed meanwhile. This run writes nothing."""


def import_run(*, job_id: str, worker: str) -> bool:
    """Check (and, a real run, write) the job's file (False when there is no such job, it is finished, or another
    delivery of its message runs it).

    A run claims the job first: a waiting one, or a running one that has stopped moving (its worker died; its
    message came back). A real run's report and its done state are written, if the job is still this run's, in the
    transaction that writes the cases: a worker that dies after it leaves a finished job, one that dies before it
    leaves nothing written, and a run whose job was taken over rolls its cases back.
    """
    stale = timezone.now() - timedelta(seconds=getattr(settings, ImportJob.STALE_SETTING))
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, updated_at__lt=stale))
        .update(status=ImportStatus.RUNNING, worker=worker, updated_at=timezone.now())
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    mine = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING, worker=worker)

    def progress(checked: int, rows: int) -> None:
        mine.update(done=checked, total=rows, updated_at=timezone.now())

    def finish(result: dict) -> None:
        # The file is kept only for a passed check's "Import now": it holds patients' identifiers.
        keep = job.dry_run and not _refused(result) and bool(result["created"])
        finished = mine.update(
            status=ImportStatus.READY,
            result=result,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            **({} if keep else {"upload": b""}),
        )
        if not finished:
            raise Superseded(job_id)
        if not job.dry_run and job.from_check_id and not _refused(result):  # the check's file, imported
            ImportJob.objects.filter(pk=job.from_check_id).update(upload=b"")

    try:
        with translation.override(job.language):
            try:
                report = register_import(
                    content=bytes(job.upload),
                    filename=job.filename,
                    user=job.requested_by,
                    dry_run=job.dry_run,
                    progress=progress,
                    on_written=lambda written: finish(result_of(written)),
                )
            except FileRefused as exc:
                finish(
                    {
                        "rows": 0,
                        "refusal": str(exc),
                        "errors": [],
                        "warnings": [],
                        "skipped": [],
                        "created": [],
                    }
                )
                return True
        if job.dry_run or report.errors:  # nothing written: finished here
            finish(result_of(report))
    except Superseded:
        logger.warning(
            "register import %s: taken over by another run; this run (%s) wrote nothing", job_id, worker
        )
        return False
    return True


def result_of(report: RegisterReport) -> dict:
    """The report as the job keeps it (JSON)."""
    return {
        "rows": report.rows,
        "refusal": "",
        "errors": [[p.row, p.column, p.reason] for p in report.errors],
        "warnings": [[p.row, p.column, p.reason] for p in report.warnings],
        "skipped": [[p.row, p.reason] for p in report.skipped],
        "created": [[row, str(case.pk) if case is not None else None] for row, case in report.created],
    }


def report_of(job: ImportJob) -> RegisterReport | None:
    """A finished job's report, as the page shows it (None before it is finished, or when the file was refused)."""
    result = job.result or {}
    if job.status != ImportStatus.READY or result.get("refusal"):
        return None
    return RegisterReport(
        source=job.filename,
        dry_run=job.dry_run,
        rows=result["rows"],
        created=[(row, case_id) for row, case_id in result["created"]],
        skipped=[Problem(row, "", reason) for row, reason in result["skipped"]],
        errors=[Problem(*problem) for problem in result["errors"]],
        warnings=[Problem(*problem) for problem in result["warnings"]],
    )


def created_drafts(report: RegisterReport, limit: int) -> tuple[list[tuple[int, Case]], int]:
    """The first `limit` cases a real import created, as (row, case with its patient) in the file's order, leaving
    out any archived since; and how many created cases are not listed (the page links to the case list for them)."""
    created = [(row, case_id) for row, case_id in report.created if case_id]
    listed = created[:limit]
    cases = Case.objects.active().select_related("patient").in_bulk([case_id for _row, case_id in listed])
    drafts = [(row, cases[uuid.UUID(case_id)]) for row, case_id in listed if uuid.UUID(case_id) in cases]
    return drafts, len(created) - len(listed)


def import_fail(*, job_id: str, message: str = RUN_FAILED, worker: str = "") -> None:
    """Mark the job failed (a run's error: only while the job is that run's `worker`'s; or it could not be sent)."""
    jobs = ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.READY)
    if worker:
        jobs = jobs.filter(worker=worker)
    jobs.update(
        status=ImportStatus.FAILED,
        error=message,
        upload=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def imports_purge() -> int:
    """Delete the imports finished (or, stuck, asked for) more than GISTCARE_EXPORT_KEEP_HOURS ago; their number."""
    deleted, _ = ImportJob.objects.filter(expired_exports()).delete()
    return deleted
