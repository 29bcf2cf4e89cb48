"""Celery tasks of the follow-ups: the nightly jobs, run by Celery beat (settings.CELERY_BEAT_SCHEDULE), and the
worklist's CSV export (cases/followups/export_jobs.py).

They call the same service functions as the management commands `send_followup_reminders` and
`followup_safety_net`, which stay for cron and for running by hand. Each is idempotent for a day: escalation
opens at most one step per visit, a nurse's digest is sent once per day (ReminderLog).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cases.followups import export_jobs
from cases.followups.escalation import escalate_overdue
from cases.followups.reminders import reminders_send
from cases.followups.safety import cases_without_safety_net
from cases.models import ExportJob
from gistcare.celery import job_dispatch, worker_name

logger = logging.getLogger(__name__)


@shared_task(name="followups.escalate_and_remind")
def followups_escalate_and_remind() -> dict[str, object]:
    """Escalation first, so that today's digests include the steps it opened (as the command does)."""
    today = timezone.localdate()
    opened = escalate_overdue(today=today)
    result = reminders_send(today=today, base_url=getattr(settings, "GISTCARE_BASE_URL", "").rstrip("/"))
    logger.info("%s: %s escalation step(s) opened, %s reminder digest(s) sent", today, opened, result.sent)
    if result.not_sent:  # for monitoring: a nurse without her list today
        logger.error(
            "%s: %s reminder digest(s) not sent (the mail server did not take them): %s",
            today,
            len(result.not_sent),
            ", ".join(result.not_sent),
        )
    return {
        "date": today.isoformat(),
        "escalations": opened,
        "digests": result.sent,
        "digests_not_sent": len(result.not_sent),
    }


@shared_task(name="followups.safety_net_check")
def followups_safety_net_check() -> list[str]:
    """The cases with a signed report and no pending visit, closure or flag, logged as an error for monitoring.

    Returns their short ids (no patient identifiers: the result and the log line end up in logs).
    """
    missing = [case.short_id for case in cases_without_safety_net()]
    if missing:
        logger.error(
            "%s case(s) with a signed report have no pending visit, closure or flag: %s",
            len(missing),
            ", ".join(missing),
        )
    return missing


@shared_task(bind=True, name="followups.export_csv")
def followups_export_csv(self, job_id: str) -> bool:
    """Write an export's CSV (cases/followups/export_jobs.py); a failure marks the job failed, with a message."""
    try:
        return export_jobs.export_run(job_id=job_id, worker=worker_name(self))
    except Exception:
        logger.exception("export %s: writing the CSV failed", job_id)
        export_jobs.export_fail(job_id=job_id)
        raise


@shared_task(name="followups.exports_purge")
def followups_exports_purge() -> int:
    """Nightly: delete the exports kept past GISTCARE_EXPORT_KEEP_HOURS (they hold patients' identifiers)."""
    return export_jobs.exports_purge()


def export_dispatch(job: ExportJob) -> None:
    """Send a new export's work to a worker; without a broker, run it here. Call it after the job's transaction
    has committed (a worker must be able to read it)."""
    job_dispatch(
        followups_export_csv,
        str(job.id),
        unreachable=lambda: export_jobs.export_fail(
            job_id=str(job.id), message=export_jobs.WORKERS_UNREACHABLE
        ),
    )
