import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    proc = _check({"DEBUG": "false"})
    assert proc.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in proc.stderr


def test_it_starts_in_debug_without_a_secret_key():
    proc = _check({"DEBUG": "true"})
    assert proc.returncode == 0, proc.stderr


def test_it_rejects_a_malformed_boolean():
    proc = _check({"DEBUG": "maybe"})
    assert proc.returncode != 0
    assert "DEBUG must be true or false" in proc.stderr


def _settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """`code` run in `manage.py shell` with `env` (in debug, without the test run's secret key)."""
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}} | {
        "DEBUG": "true",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )


def test_default_ruleset_comes_from_the_environment():
    proc = _settings(
        {"GISTCARE_DEFAULT_RULESET": "csco-2020"},
        "from django.conf import settings; print(settings.GISTCARE_DEFAULT_RULESET)",
    )
    assert proc.stdout.strip().endswith("csco-2020"), proc.stderr


def test_a_malformed_setting_is_one_line_on_the_command_line_not_a_traceback():
    proc = _check(
        {"DEBUG": "true", "DATABASE_URL": "postgres://u@db.invalid/gc", "DB_PREPARED_STATEMENTS": "maybe"}
    )
    assert proc.returncode != 0
    assert "DB_PREPARED_STATEMENTS must be true or false, not 'maybe'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_mail_server_comes_from_the_environment():
    env = {
        "EMAIL_HOST": "smtp.hospital.example",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "gistcare",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": "true",
        "EMAIL_TIMEOUT": "7",
    }
    proc = _settings(
        env,
        "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT)",
    )
    assert proc.stdout.strip().splitlines()[-1] == "smtp.hospital.example 587 gistcare s3cret True 7", (
        proc.stderr
    )


def test_the_mail_server_is_waited_for_a_bounded_time_by_default():
    """A letter's email is sent while the nurse waits: without a timeout a mail server that never answers would
    hold her request until the worker is killed."""
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10
