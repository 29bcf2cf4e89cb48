"""The Celery application: background work (meeting printouts, the nightly follow-up jobs).

Configuration comes from Django's settings, every key prefixed CELERY_ (gistcare/settings.py). Without
CELERY_BROKER_URL in the environment, tasks run in-process when they are sent (task_always_eager), so a laptop
and the tests need no Redis; production names its Redis in CELERY_BROKER_URL and runs workers and one beat
(docs/deploy.md).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")

app = Celery("gistcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds cases/tasks.py, which imports each feature's tasks.
app.autodiscover_tasks()
