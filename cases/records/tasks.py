"""Celery tasks of the case records: checking every case against the current rules, and re-assessing the cases the
MDT ticks (cases/records/rule_review.py does the work)."""

from __future__ import annotations

import logging

from celery import shared_task

from cases.models import RuleReviewJob, RuleReviewKind
from cases.records import rule_review
from gistcare.celery import job_dispatch, worker_name

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="records.rule_check")
def records_rule_check(self, job_id: str) -> bool:
    return _run(rule_review.check_run, self, job_id, "the check")


@shared_task(bind=True, name="records.reassess")
def records_reassess(self, job_id: str) -> bool:
    return _run(rule_review.reassess_run, self, job_id, "re-assessing")


@shared_task(name="records.checks_purge")
def records_checks_purge() -> int:
    """Nightly (beat): delete the old checks against the current rules (rule_review.checks_purge)."""
    return rule_review.checks_purge()


def _run(work, task, job_id: str, what: str) -> bool:
    """Do a job's work; an error marks the job failed, with a message for its page, and is raised for Celery."""
    try:
        return work(job_id=job_id, worker=worker_name(task))
    except Exception:
        logger.exception("rule review %s: %s failed", job_id, what)
        rule_review.review_fail(job_id=job_id)
        raise


def review_dispatch(job: RuleReviewJob) -> None:
    """Send a new check or re-assessment to a worker; without a broker, run it here (after the job's transaction
    has committed)."""
    task = records_rule_check if job.kind == RuleReviewKind.CHECK else records_reassess
    job_id = str(job.id)
    job_dispatch(
        task,
        job_id,
        unreachable=lambda: rule_review.review_fail(job_id=job_id, message=rule_review.WORKERS_UNREACHABLE),
    )
