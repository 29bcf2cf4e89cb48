"""Dropped database connections (issue 11, finding 3).

A persistent connection (CONN_MAX_AGE) that the server has closed must be noticed at the start of the next
request and replaced, instead of failing that request with a 500.
"""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.client import RequestFactory

from tests.factories import make_user


def test_it_checks_persistent_connections_before_reusing_them():
    db = settings.DATABASES["default"]
    assert db["CONN_MAX_AGE"] > 0
    assert db["CONN_HEALTH_CHECKS"] is True


def _get(handler: WSGIHandler, path: str, cookie: str) -> str:
    # The real WSGI handler, not the test client: the test client disconnects the request_started signal that
    # recycles unusable connections, which is the very thing under test.
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    statuses: list[str] = []
    handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return statuses[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_it_answers_the_request_after_the_server_dropped_the_connection(client):
    user = make_user("terminated")
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()
    assert _get(handler, "/", cookie).startswith("200")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    with psycopg.connect(**{**params, "autocommit": True}) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert _get(handler, "/", cookie).startswith("200")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def _database_settings(env_overrides: dict[str, str]) -> dict:
    """The default database's settings as gistcare/settings.py builds them from `env_overrides` (no connection)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DB_PREPARED_STATEMENTS"}}
    proc = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "gistcare.settings", **env_overrides},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_postgresql_connections_prepare_the_statements_they_repeat():
    """Issue 16: the case page's eight-table query took longer to plan (about 2 ms) than to run (0.5 ms), every
    time. With server-side binding psycopg prepares a statement its connection has run 5 times, and PostgreSQL
    plans it once per connection instead of once per request."""
    options = _database_settings({"DATABASE_URL": "postgres://u@db.invalid:5432/gistcare"})["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    settings_ = _database_settings(
        {"DATABASE_URL": "postgres://u@db.invalid:6432/gistcare", "DB_PREPARED_STATEMENTS": "false"}
    )
    assert "server_side_binding" not in settings_["OPTIONS"]
    assert "prepare_threshold" not in settings_["OPTIONS"]


def test_sqlite_is_left_as_it_was():
    options = _database_settings({"DATABASE_URL": "sqlite:////tmp/gc-settings-test.sqlite3"})["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_a_query_run_five_times_is_prepared_on_the_server():
    from cases.models import Case

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {statement for (statement,) in cursor.fetchall()}

    before = prepared()
    for _ in range(6):
        list(Case.objects.with_sections().filter(mdt_review_reason__endswith="prepared-statement-probe"))
    new = prepared() - before
    assert [s for s in new if '"cases_treatmentdecision"' in s and "mdt_review_reason" in s.split("WHERE")[1]]
