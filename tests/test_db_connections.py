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
