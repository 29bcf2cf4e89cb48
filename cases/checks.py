"""GISTCare's own system checks (`manage.py check`), also run when the WSGI application starts."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "gistcare_security"
# Backends that write each message, reset links included, where server staff can read it.
LOG_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


# A deployment check (`check --deploy`) plus the WSGI start refusal below: management commands such as
# backup and restore keep working while the mail server is being sorted out.
@checks.register(checks.Tags.security, TAG, deploy=True)
def password_reset_email_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Issue 11, finding 7: a reset link printed to the log lets anyone who reads the log take over any
    account, the superuser's included."""
    if settings.DEBUG or not settings.GISTCARE_PASSWORD_RESET:
        return []
    if settings.EMAIL_BACKEND not in LOG_EMAIL_BACKENDS:
        return []
    return [
        checks.Error(
            f"Password reset is on and EMAIL_BACKEND is {settings.EMAIL_BACKEND}: every reset link would be "
            "written to the server's log, where anyone who reads it can take over any account.",
            hint="Set EMAIL_BACKEND to a real mail server (django.core.mail.backends.smtp.EmailBackend with "
            "EMAIL_HOST), or switch password reset off with PASSWORD_RESET=false.",
            id="gistcare.E001",
        )
    ]


def refuse_unsafe_start() -> None:
    """Gunicorn does not run system checks: the WSGI module calls this so the app refuses to start."""
    errors = [m for m in checks.run_checks(tags=[TAG], include_deployment_checks=True) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.id}: {m.msg} {m.hint}" for m in errors))


@checks.register("gistcare_deploy", deploy=True)
def celery_broker_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Issue 16: without a broker, Celery tasks run inside the request that sends them (right for `make run` and
    the tests). In production that makes a meeting printout hold a web worker for seconds, and no beat sends the
    nightly jobs."""
    if settings.DEBUG or not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        checks.Warning(
            "CELERY_BROKER_URL is not set: printouts and the other background jobs run inside web requests, "
            "and the nightly jobs (reminders, escalation, the safety-net check) run only if cron runs them.",
            hint="Set CELERY_BROKER_URL=redis://host:6379/0 on every app server, worker and beat, and run the "
            "Celery workers and one beat (docs/deploy.md).",
            id="gistcare.W002",
        )
    ]


@checks.register("gistcare_deploy", deploy=True)
def shared_cache_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Issue 16: without a shared cache every page reads its session row and runs the permission queries."""
    if settings.DEBUG or settings.CACHE_URL:
        return []
    return [
        checks.Warning(
            "CACHE_URL is not set: every page reads its session from the database and looks up the user's "
            "permissions again.",
            hint="Set CACHE_URL=redis://host:6379/1 (a Redis database of its own) on every app server, worker "
            "and beat (docs/deploy.md).",
            id="gistcare.W003",
        )
    ]
