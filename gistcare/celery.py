"""The Celery application: background work (meeting printouts, CSV exports, the nightly follow-up jobs).

Configuration comes from Django's settings, every key prefixed CELERY_ (gistcare/settings.py). Without
CELERY_BROKER_URL in the environment, tasks run in-process when they are sent (task_always_eager), so a laptop
and the tests need no Redis; production names its Redis in CELERY_BROKER_URL and runs workers and one beat
(docs/deploy.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from celery import Celery
from django.conf import settings
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")

logger = logging.getLogger(__name__)

app = Celery("gistcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds cases/tasks.py, which imports each feature's tasks.
app.autodiscover_tasks()


def worker_name(task) -> str:
    """Which process runs `task` (a bound task's self): "<worker host> pid <n>", or "in-process" without a broker.
    Recorded on a job (a printout, an export): where to look when something went wrong."""
    hostname = getattr(task.request, "hostname", None)
    return f"{hostname} pid {os.getpid()}" if hostname and not task.request.is_eager else "in-process"


def job_dispatch(task, job_id: str, *, unreachable: Callable[[], None]) -> None:
    """Send a new job's one task (a CSV export, a rule review) to a worker; without a broker, run it here.

    Call it after the job's transaction has committed (a worker must be able to read the job). When the broker
    cannot be reached (after Celery's own retries), `unreachable` marks the job failed, so that its page says so
    instead of a 500.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.apply(args=(job_id,))
        return
    try:
        task.apply_async(args=(job_id,))
    except OperationalError:
        logger.exception("%s %s: the broker cannot be reached", task.name, job_id)
        unreachable()
