"""The worklist's surgeon filter lists the users who own a case: kept in the shared cache until a write to the
users or the cases (issue 16; cases/kept.py `STAFF`), as their ids and names, never a whole user row.

Transactional tests: each write commits as in the app, and renews what it should when it commits."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.models import Case, UserProfile
from tests.factories import make_case, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kept_results")]


def _worklist(client) -> tuple[str, list[str]]:
    """The worklist's HTML and its queries that look the surgeons up (the users who own a case)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("followups:list"))
    assert response.status_code == 200
    return response.content.decode(), [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "auth_user"' in q["sql"] and "cases_case" in q["sql"]
    ]


def _surgeon_options(html: str) -> str:
    start = html.index('name="surgeon"')
    return html[start : html.index("</select>", start)]


@pytest.fixture
def nurse_client(client):
    client.force_login(make_user("nurse", role=roles.NURSE))
    return client


@pytest.fixture
def surgeon():
    surgeon = make_user("hale", role=roles.SURGEON, first_name="Sam", last_name="Hale")
    make_case(owner=surgeon)
    return surgeon


def test_the_second_visit_reads_no_surgeon_and_lists_the_same(nurse_client, surgeon):
    html, read = _worklist(nurse_client)
    assert len(read) == 1
    assert f'<option value="{surgeon.pk}">Sam Hale</option>' in _surgeon_options(html)
    html_again, read_again = _worklist(nurse_client)
    assert read_again == []
    assert _surgeon_options(html_again) == _surgeon_options(html)


def test_nothing_kept_holds_a_password_hash(nurse_client, surgeon):
    _worklist(nurse_client)
    stored = cache.get("kept:v2:staff:surgeons")
    assert stored is not None
    assert stored[1] == [(surgeon.pk, "Sam", "Hale", "hale")]  # (token, value): ids and the names printed
    assert surgeon.password not in repr(stored)


def test_a_surgeon_renamed_is_listed_by_the_new_name(nurse_client, surgeon):
    _worklist(nurse_client)
    get_user_model().objects.filter(pk=surgeon.pk).update(last_name="Hale-Cutter")
    html, read = _worklist(nurse_client)
    assert read
    assert "Sam Hale-Cutter" in _surgeon_options(html)


def test_a_new_surgeon_s_first_case_lists_them(nurse_client, surgeon):
    _worklist(nurse_client)
    newcomer = make_user("ito", role=roles.SURGEON, first_name="Kenji", last_name="Ito")
    assert "Kenji Ito" not in _surgeon_options(_worklist(nurse_client)[0])
    make_case(owner=newcomer)
    assert "Kenji Ito" in _surgeon_options(_worklist(nurse_client)[0])


def test_a_surgeon_whose_cases_went_to_another_leaves_the_list(nurse_client, surgeon):
    other = make_user("cutter", role=roles.SURGEON, first_name="Ann", last_name="Cutter")
    assert "Ann Cutter" not in _surgeon_options(_worklist(nurse_client)[0])
    Case.objects.filter(owner=surgeon).update(owner=other)
    options = _surgeon_options(_worklist(nurse_client)[0])
    assert "Ann Cutter" in options
    assert "Sam Hale" not in options


def test_the_names_follow_the_reader_s_language(nurse_client, surgeon):
    """The names are kept, not the labels: a reader of Chinese sees the family name first. (Both readers signed in
    first: a log-in writes the user's row, which renews the list.)"""
    reader = make_user("li", role=roles.NURSE)
    UserProfile.objects.create(user=reader, language="zh-hans")
    chinese = Client()
    chinese.force_login(reader)
    _worklist(nurse_client)  # kept while an English reader looked
    html, read = _worklist(chinese)
    assert read == []  # the kept list
    assert f'<option value="{surgeon.pk}">Hale Sam</option>' in _surgeon_options(html)


def test_a_log_in_renews_the_list(nurse_client, surgeon):
    """Signing in writes the user's row (its last log-in): the list is read again once, never a stale name."""
    _worklist(nurse_client)
    Client().force_login(make_user("other", role=roles.NURSE))
    assert _worklist(nurse_client)[1]
