"""gistcare/celery.py and the CELERY_ settings: tasks run in-process without a broker, on Redis with one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from gistcare.celery import app

ROOT = Path(__file__).resolve().parents[1]


def _settings_in_a_fresh_process(**env: str) -> list[str]:
    """The Celery configuration the settings give for `env` (a fresh interpreter: settings read it once)."""
    code = (
        "import django; django.setup();"
        "from gistcare.celery import app; c = app.conf;"
        "print(c.task_always_eager, c.broker_url, c.result_backend, c.task_default_queue, sep='\\n')"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "gistcare.settings", "DEBUG": "1"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-4:]


def test_without_a_broker_tasks_run_in_process():
    assert _settings_in_a_fresh_process() == ["True", "memory://", "None", "gistcare"]


def test_with_a_broker_tasks_go_to_it_and_its_redis_keeps_the_results():
    assert _settings_in_a_fresh_process(
        CELERY_BROKER_URL="redis://redis.example:6379/2", CELERY_QUEUE="q1"
    ) == [
        "False",
        "redis://redis.example:6379/2",
        "redis://redis.example:6379/2",
        "q1",
    ]


def test_the_app_reads_django_settings_and_finds_every_task():
    assert app.conf.task_always_eager is settings.CELERY_TASK_ALWAYS_EAGER
    app.loader.import_default_modules()
    assert {
        "mdt.printout_render_part",
        "mdt.printout_merge",
        "followups.escalate_and_remind",
        "followups.safety_net_check",
        "followups.export_csv",
        "followups.exports_purge",
        "records.rule_check",
        "records.reassess",
        "interop.register_import",
        "interop.imports_purge",
        "records.checks_purge",
    } <= set(app.tasks)


def test_every_beat_entry_names_a_registered_task_at_a_documented_time():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    times = {
        entry["task"]: (sorted(entry["schedule"].hour), sorted(entry["schedule"].minute))
        for entry in schedule.values()
    }
    assert times == {
        "followups.escalate_and_remind": ([6], [30]),
        "followups.safety_net_check": ([7], [0]),
        "followups.exports_purge": ([3], [0]),
        "interop.imports_purge": ([3], [5]),
        "records.checks_purge": ([3], [10]),
    }
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert "06:30" in deploy
    assert "07:00" in deploy
    assert "03:00" in deploy
    assert "03:05" in deploy
    assert "03:10" in deploy
