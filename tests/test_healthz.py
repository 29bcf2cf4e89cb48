"""/healthz/: the proxy's liveness check, and the load benchmark's floor (a bare view on the same middleware)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_it_answers_ok_without_login_or_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert len(queries) == 0
    assert "sessionid" not in response.cookies


def test_it_only_reads(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_a_logged_in_client_costs_it_only_the_session_read(client, surgeon):
    # The user's language is kept in the session (gistcare.middleware.UserLanguageMiddleware), so a request with
    # a session cookie reads the session row; nothing else (no user, no permissions, no renewal write).
    client.force_login(surgeon)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("healthz")).status_code == 200
    assert [q["sql"].split(" FROM ")[1].split()[0] for q in queries] == ['"django_session"']
