"""Celery tasks of the MDT feature: the meeting printout (cases/mdt/printout.py does the work)."""

from __future__ import annotations

import logging

from celery import chord, shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from cases.mdt import printout
from cases.models.printout import PrintoutJob
from gistcare.celery import worker_name

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="mdt.printout_render_part")
def printout_render_part(self, job_id: str, position: int) -> bool:
    try:
        return printout.render_part(job_id=job_id, position=position)
    except Exception:
        logger.exception("printout %s: the report at position %s failed to render", job_id, position)
        printout.fail(job_id=job_id)
        raise


@shared_task(bind=True, name="mdt.printout_merge")
def printout_merge(self, *_results: object, job_id: str) -> bool:
    try:
        return printout.merge(job_id=job_id, worker=worker_name(self))
    except Exception:
        logger.exception("printout %s: merging failed", job_id)
        printout.fail(job_id=job_id)
        raise


def printout_dispatch(job: PrintoutJob) -> None:
    """Send a new job's work: one task per draft report, in parallel, then the merge (a chord).

    Call it after the job's transaction has committed. Without a broker the same tasks run here, one after the
    other (an eager chord would raise a failed part into the request instead of marking the job failed).
    """
    job_id = str(job.id)
    positions = printout.draft_positions(job)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        for position in positions:
            if not printout_render_part.apply(args=(job_id, position)).successful():
                return
        printout_merge.apply(kwargs={"job_id": job_id})
        return
    merge = printout_merge.si(job_id=job_id)
    try:
        if positions:
            chord(printout_render_part.si(job_id, position) for position in positions)(merge)
        else:
            merge.apply_async()
    except OperationalError:
        # The broker cannot be reached (after Celery's own retries): say so on the page instead of a 500.
        logger.exception("printout %s: the broker cannot be reached", job_id)
        printout.fail(job_id=job_id, message=printout.WORKERS_UNREACHABLE)
