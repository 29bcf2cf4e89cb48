"""Production without a Celery broker (issue 16): a deployment warning, not a silent slowdown.

Without CELERY_BROKER_URL the tasks run inside the request that sends them (eager), which is right for
`make run` and the tests but makes a meeting printout hold a web worker for seconds in production, and leaves
the nightly jobs to cron (no beat).
"""

from __future__ import annotations

from django.core import checks
from django.test import override_settings

from cases.checks import celery_broker_check


def _ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in celery_broker_check(None)]


def test_production_without_a_broker_is_warned():
    with override_settings(DEBUG=False, CELERY_TASK_ALWAYS_EAGER=True):
        (message,) = celery_broker_check(None)
    assert message.id == "gistcare.W002"
    assert message.level == checks.WARNING
    assert "CELERY_BROKER_URL" in message.msg
    assert "docs/deploy.md" in message.hint


def test_a_broker_or_development_is_fine():
    assert _ids(DEBUG=False, CELERY_TASK_ALWAYS_EAGER=False) == []
    assert _ids(DEBUG=True, CELERY_TASK_ALWAYS_EAGER=True) == []


def test_it_runs_with_the_deployment_checks_only():
    with override_settings(DEBUG=False, CELERY_TASK_ALWAYS_EAGER=True):
        plain = {m.id for m in checks.run_checks()}
        deploy = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "gistcare.W002" not in plain
    assert "gistcare.W002" in deploy
