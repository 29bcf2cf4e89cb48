"""Celery tasks of the register import (cases/interop/import_jobs.py does the work)."""

from __future__ import annotations

import logging

from celery import shared_task

from cases.interop import import_jobs
from cases.models import ImportJob
from gistcare.celery import job_dispatch, worker_name

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="interop.register_import")
def interop_register_import(self, job_id: str) -> bool:
    """Check (and write) an import's file; an error marks the job failed, with a message, and is raised."""
    worker = worker_name(self)
    try:
        return import_jobs.import_run(job_id=job_id, worker=worker)
    except Exception:
        logger.exception("register import %s failed", job_id)
        import_jobs.import_fail(job_id=job_id, worker=worker)
        raise


@shared_task(name="interop.imports_purge")
def interop_imports_purge() -> int:
    """Nightly: delete the imports kept past GISTCARE_EXPORT_KEEP_HOURS (their reports hold patients' details)."""
    return import_jobs.imports_purge()


def import_dispatch(job: ImportJob) -> None:
    """Send a new import to a worker; without a broker, run it here (after the job's transaction has committed)."""
    job_dispatch(
        interop_register_import,
        str(job.id),
        unreachable=lambda: import_jobs.import_fail(
            job_id=str(job.id), message=import_jobs.WORKERS_UNREACHABLE
        ),
    )
