"""GISTCare settings: one file, driven by the environment.

Every setting that differs between a laptop and the hospital server is read from an environment variable
through the small strict helpers below, so a typo in a value fails at start-up instead of silently
falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


DEBUG = env_bool("DEBUG", False)

# A development key only when DEBUG is on; production refuses to start without a real one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "guidelines",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their caching; everything else is private (no-store).
    "gistcare.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: the language from the cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After SessionMiddleware: its response phase runs first and marks a session due for renewal as modified.
    "gistcare.middleware.SessionRenewalMiddleware",
    # A signed-in user's stored preference wins over the cookie and the browser (needs request.user).
    "gistcare.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request sent to log in: the whole browser goes there, not the fragment's target.
    "gistcare.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A role change the shared cache could not be told of: a page that says so (gistcare.auth_backends).
    "gistcare.middleware.RoleChangeRefusedMiddleware",
    # Axes must be last so that it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gistcare.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gistcare.context_processors.site",
            ],
        },
    },
    {
        # A compiled engine for a fragment a page repeats many times (issue 16): the worklist's row, 50 a page,
        # cost 0.15 ms each through the engine above and about a fifth of that here. Only for fragments whose
        # words and dates are prepared in Python (cases/followups/rows.py); pages stay Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "gistcare.jinja2.environment"},
    },
]

# Forms' widgets through Django's Jinja2 copies of its form templates (the admin's, which have none, through the engine
# above): a fifth of the case's follow-up page was its forms' widgets (gistcare/form_renderer.py, issue 16).
FORM_RENDERER = "gistcare.form_renderer.FormRenderer"

WSGI_APPLICATION = "gistcare.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection the server dropped (restart, failover, pg_terminate_backend) is tested at the
        # start of the next request and replaced, instead of failing that request with a 500.
        conn_health_checks=True,
    )
}

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "backups")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file: write-ahead logging lets readers proceed during a write (every
    # request renews its session), a writer waits up to 20 s for the lock instead of failing at once, and
    # synchronous=NORMAL is the durable setting for WAL. (IMMEDIATE transactions would queue writers better
    # but break the browser tests, whose live server shares one in-memory connection between two threads.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    # Server-side binding, and psycopg's prepared statements (Django turns them off by default): a statement a
    # connection has run 5 times is prepared, and PostgreSQL plans it once per connection, not once per request.
    # The case page's query (the case with its patient, surgeon and five sections) took about 2 ms to plan and
    # 0.5 ms to run (issue 16; docs/benchmarks.md). A pooler in transaction mode that does not track prepared
    # statements (PgBouncer before 1.21) needs DB_PREPARED_STATEMENTS=false (docs/deploy.md). Bound on the server, a
    # statement takes at most 65,535 parameters (the protocol's limit; Django 5.2 does not split for it): the
    # code's IN lists are bounded (a page's ids, an import's 20,000 MRNs at most, batches of 500).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 characters: NIST SP 800-63B rev. 4 asks for at least 15 for a password used alone, 8 with a second
    # factor; 12 is the floor (issue 11, finding 10) together with the common-password list below.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each user's permission set kept in a shared cache when there is one (below).
    "gistcare.auth_backends.CachedPermissionBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The languages a user can choose (issue 15). A user's stored preference wins, else the language cookie, else the
# browser's Accept-Language, else LANGUAGE_CODE. English keeps British formats (gistcare/formats/en).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["gistcare.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not env_bool("STATIC_MANIFEST", not DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions: 30 minutes idle. Activity renews them at most once a minute (gistcare.middleware.
# SessionRenewalMiddleware): the idle timeout stays 29-30 minutes without a session write on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
GISTCARE_SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The shared cache (issue 16; docs/deploy.md). CACHE_URL names it (production: Redis, a database of its own beside
# Celery's broker, e.g. redis://redis.internal:6379/1). With it, every page reads its session from the cache
# (gistcare.sessions: Django's cached_db engine, written through to the database so a cache restart logs nobody
# out, served from the database while the cache is unreachable; the cache entry lives SESSION_COOKIE_AGE from its
# last renewal, so the idle timeout is kept) and each user's permission set is kept in it, voided the moment a
# role or a group's permissions change (gistcare.auth_backends says which changes are seen). Without it (`make run`, the
# tests) Django's per-process memory cache is the default, sessions stay in the database and permissions are read
# on every request: a per-process cache cannot be told when another process changes a role.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's RedisCache behind a circuit breaker (gistcare/cache.py).
            "BACKEND": "gistcare.cache.GuardedRedisCache",
            "LOCATION": CACHE_URL,
            # Two installations sharing one Redis database must not read each other's keys (docs/deploy.md).
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip() or "gistcare",
            # A Redis host that answers nothing costs each call half a second (then the database answers),
            # not the system's TCP timeout of minutes.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "gistcare.sessions"  # Django's cached_db, working from the database if Redis is down
# After a lost connection or a timeout, each process leaves the cache alone (the database answers) this long before
# trying it again: a Redis that answers nothing costs a process one wait of half a second, not every call.
GISTCARE_CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 10)
# 0: permissions are not cached. A cached set is dropped on every change that Django signals; the lifetime only
# bounds a change made behind the ORM's back (raw SQL).
GISTCARE_PERMISSION_CACHE_SECONDS = env_int("PERMISSION_CACHE_SECONDS", 300) if CACHE_URL else 0
# Query results kept in the shared cache until a write to the tables they read (cases/kept.py): the follow-up
# counts, a case page's MDT discussions, report versions and next follow-ups. The seconds bound how long a write
# made outside the app can go unseen.
GISTCARE_QUERY_CACHE_SECONDS = env_int("QUERY_CACHE_SECONDS", 60) if CACHE_URL else 0
# A nurse's calendar feed is kept as long (cases/followups/exports.py `kept_calendar`): calendar apps poll every quarter
# of an hour or less often (and keep what they read for hours themselves), so a minute would never be used again. A
# write made inside the app renews it at once; one made outside (psql) is seen within this time.
GISTCARE_CALENDAR_KEEP_SECONDS = env_int("CALENDAR_KEEP_SECONDS", 3600)

# Login lockout: 5 failures locks the username+address for 15 minutes; 20 failures from one address, whatever
# the user names, lock the address (password spraying; gistcare/axes_handler.py). The address is the
# connection's, or what a trusted proxy (TRUSTED_PROXIES: addresses or networks) says it forwarded for.
AXES_FAILURE_LIMIT = 5
GISTCARE_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "gistcare.axes_handler.PerUserAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "gistcare.client_address.client_address"
AXES_USERNAME_CALLABLE = "gistcare.client_address.client_username"
GISTCARE_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Content-Security-Policy: no inline scripts, nothing from outside the app's own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Production hardening: on whenever DEBUG is off; each can be relaxed explicitly (e.g. behind a TLS proxy
# that already redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# The preload flag only matters if someone submits the domain to the browsers' preload list; sending it keeps
# `check --deploy` clean. Set SECURE_HSTS_PRELOAD=false for hosts that must never be preloaded.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page needs any powerful browser feature; deny them all, for this origin and anything it might embed.
GISTCARE_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The mail server of the SMTP backend (Django's defaults: a relay on localhost:25, no login, no TLS).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail server may keep us waiting (Django waits for ever by default). A letter's email is sent while the
# nurse waits (cases/followups/letters.py): one that does not answer is reported to her as not sent, nothing
# recorded, instead of holding her request until the worker is killed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Password reset by email ("Forgotten your password?"). Off removes its pages and link. With DEBUG off it needs a
# real mail server: the console or file backend would write every reset link to the log (cases/checks.py).
GISTCARE_PASSWORD_RESET = env_bool("PASSWORD_RESET", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gistcare@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_secret_paths": {"()": "gistcare.log_redaction.RedactSecretPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO: one line per page of every report.
        "weasyprint": {"level": "WARNING"},
    },
}

# GISTCare's own settings.
GISTCARE_DEFAULT_RULESET = os.environ.get("GISTCARE_DEFAULT_RULESET", "esmo-2022")
GISTCARE_INSTITUTION = os.environ.get("GISTCARE_INSTITUTION", "GISTCare demonstration hospital")
# Follow-up reminders: the address that receives items with no responsible nurse (empty: every nurse gets
# them), and the site's public address used in links inside emails.
GISTCARE_FOLLOWUP_UNASSIGNED_EMAIL = os.environ.get("GISTCARE_FOLLOWUP_UNASSIGNED_EMAIL", "")
GISTCARE_BASE_URL = os.environ.get("GISTCARE_BASE_URL", "")

# FHIR export/import (docs/fhir.md): the hospital's MRN identifier system, and the code system URL of this
# installation for the concepts that have no standard code. Change both to URLs the hospital controls.
GISTCARE_FHIR_MRN_SYSTEM = os.environ.get("GISTCARE_FHIR_MRN_SYSTEM", "http://gistcare.invalid/fhir/mrn")
GISTCARE_FHIR_LOCAL_SYSTEM = os.environ.get(
    "GISTCARE_FHIR_LOCAL_SYSTEM", "http://gistcare.invalid/fhir/CodeSystem"
)
# Register import (docs/import.md): the hospital's own date format, accepted beside ISO dates (strptime codes).
GISTCARE_IMPORT_DATE_FORMAT = os.environ.get("GISTCARE_IMPORT_DATE_FORMAT", "%d/%m/%Y")
# Follow-up safety net (local policy, not clinical rules: docs/followups.md). A report still unsigned this many
# days after the case's first assessment is shown to the MDT coordinators; an overdue visit moves one step up
# the escalation ladder after this many days without being rebooked or done.
GISTCARE_SIGNOFF_ALERT_DAYS = int(os.environ.get("GISTCARE_SIGNOFF_ALERT_DAYS", "14"))
# The follow-up team's telephone number, printed on the letters to patients ("whom to call").
GISTCARE_FOLLOWUP_PHONE = os.environ.get("GISTCARE_FOLLOWUP_PHONE", "")
GISTCARE_ESCALATION_STEP_DAYS = int(os.environ.get("GISTCARE_ESCALATION_STEP_DAYS", "14"))
# The MDT quorum: disciplines that must be present for a quorate meeting (issue 10's default: surgeon,
# oncologist, pathologist, radiologist). The sign page warns when a meeting's attendance does not meet it.
_DISCIPLINES = {
    "surgeon",
    "oncologist",
    "pathologist",
    "radiologist",
    "gastroenterologist",
    "nurse",
    "coordinator",
}
GISTCARE_MDT_QUORUM = env_list("GISTCARE_MDT_QUORUM", ["surgeon", "oncologist", "pathologist", "radiologist"])
if not set(GISTCARE_MDT_QUORUM) <= _DISCIPLINES | {"other"}:
    raise ImproperlyConfigured(
        f"GISTCARE_MDT_QUORUM lists unknown disciplines: {sorted(set(GISTCARE_MDT_QUORUM) - _DISCIPLINES)}"
    )

# Background jobs (Celery; docs/deploy.md). With CELERY_BROKER_URL set (production: redis://host:6379/0) tasks go
# to the workers; without it they run in-process when sent, so `make run` and the tests need no Redis. The result
# backend (needed by the printout's chord) is the broker's Redis unless CELERY_RESULT_BACKEND names another.
_CELERY_BROKER = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_ALWAYS_EAGER = not _CELERY_BROKER
# In-process: kombu's in-memory transport, so that nothing ever tries to reach a server.
CELERY_BROKER_URL = _CELERY_BROKER or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or _CELERY_BROKER or None
# In-process as on a worker: a failing task marks its job failed and does not turn the request into a 500.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "gistcare")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600  # results are tiny markers; the printouts themselves live in the database
# A worker takes one message at a time and acknowledges it when done: a worker killed mid-render leaves its
# task to another worker instead of losing it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The nightly jobs, in TIME_ZONE (beat runs exactly once per installation): escalation then the nurses'
# reminder digests at 06:30 (before the day shift), the safety-net check at 07:00.
CELERY_BEAT_SCHEDULE = {
    "followups-escalate-and-remind": {
        "task": "followups.escalate_and_remind",
        "schedule": crontab(hour=6, minute=30),
    },
    "followups-safety-net-check": {
        "task": "followups.safety_net_check",
        "schedule": crontab(hour=7, minute=0),
    },
    "followups-exports-purge": {
        "task": "followups.exports_purge",
        "schedule": crontab(hour=3, minute=0),
    },
    "interop-imports-purge": {
        "task": "interop.imports_purge",
        "schedule": crontab(hour=3, minute=5),
    },
    "records-checks-purge": {
        "task": "records.checks_purge",
        "schedule": crontab(hour=3, minute=10),
    },
}
# A finished export or register import (they hold patients' identifiers) is deleted this many hours after it
# was finished.
GISTCARE_EXPORT_KEEP_HOURS = env_int("GISTCARE_EXPORT_KEEP_HOURS", 24)
# A check of every case against the current rules (/cases/rules/) is deleted, with the re-assessments asked from its
# page, once no work was done on them for this many days (the latest check, and the latest that finished, are kept
# whatever their age). An installation's choice, not a clinical rule: a check is a working list that a new check
# answers again, and what a re-assessment did stays in each case's history.
GISTCARE_RULE_CHECK_KEEP_DAYS = env_int("GISTCARE_RULE_CHECK_KEEP_DAYS", 90)
# An export unchanged for this long (its message lost, its worker dead) is shown as stopped, with "Try again".
GISTCARE_EXPORT_STALE_SECONDS = env_int("GISTCARE_EXPORT_STALE_SECONDS", 15 * 60)
# A printout job with no progress for this long (its worker died) may be started again.
GISTCARE_PRINTOUT_STALE_SECONDS = env_int("GISTCARE_PRINTOUT_STALE_SECONDS", 15 * 60)
