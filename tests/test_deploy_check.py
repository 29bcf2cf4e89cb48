"""`manage.py check --deploy` is clean with the production environment, and the production settings hold."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "gistcare.example",
    # A real mail server: with the default console backend password reset links would go to the log.
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    # Background jobs on Celery workers (docs/deploy.md); the check does not connect to it.
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    # Sessions and permissions in the shared cache (issue 16); the check does not connect to it either.
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}
# Test-only relaxations set by tests/testenv.py (and DJANGO_ALLOW_ASYNC_UNSAFE, set by the browser tests for
# Playwright's event loop) must not leak into the production check.
TEST_ONLY = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "STATIC_MANIFEST",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
}


def _run(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = (
        {k: v for k, v in os.environ.items() if k not in TEST_ONLY | set(PRODUCTION)} | PRODUCTION | overrides
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean():
    proc = _run("check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)" in proc.stdout


def test_it_refuses_the_console_email_backend_while_password_reset_is_on():
    console = "django.core.mail.backends.console.EmailBackend"
    proc = _run("check", "--deploy", EMAIL_BACKEND=console)
    assert proc.returncode != 0
    assert "gistcare.E001" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run("check", "--deploy", "--fail-level", "WARNING", EMAIL_BACKEND=console, PASSWORD_RESET="false")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_wsgi_application_refuses_to_start_with_the_console_backend():
    code = "import gistcare.wsgi"
    proc = _run("shell", "-c", code, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert proc.returncode != 0
    assert "gistcare.E001" in proc.stderr
    assert _run("shell", "-c", code).returncode == 0


def test_production_settings_are_strict():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.X_FRAME_OPTIONS)"
    )
    proc = _run("shell", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-8:] == ["False", "True", "True", "True", "True", "31536000", "True", "DENY"]


def test_it_warns_when_production_has_no_celery_broker():
    proc = _run("check", "--deploy", "--fail-level", "WARNING", CELERY_BROKER_URL="")
    assert proc.returncode != 0
    assert "gistcare.W002" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_it_warns_when_production_has_no_shared_cache():
    proc = _run("check", "--deploy", "--fail-level", "WARNING", CACHE_URL="")
    assert proc.returncode != 0
    assert "gistcare.W003" in proc.stderr
    assert "Traceback" not in proc.stderr
