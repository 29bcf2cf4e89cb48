"""The coordinator's home page finds its few flagged, lost and changed cases by index (issue 16).

With 20,000 cases and 100,000 follow-up items (bench/followups.py) SQLite read every case for the count of cases
flagged for the MDT (2.5 ms), every case from the newest for the ten signed reports that no longer match their
case (5.6 ms), and every pending item for the cases lost to follow-up (6.3 ms): 31 ms, 28.5x the bare view.

Transactional: PostgreSQL's plans depend on the table's statistics and visibility map, which VACUUM ANALYZE sets
(autovacuum in production) and which cannot run inside a transaction."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from cases.models import Case, EscalationStep, FollowUpItem, Patient
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
TABLES = ("cases_case", "cases_patient", "cases_followupitem", "cases_escalationstep")


@pytest.fixture
def many_cases():
    """300 active cases with two follow-up items each; three flagged for the MDT, three changed since signed, two
    with a visit at the last step of the ladder (and 40 at the first)."""
    owner = make_user(role=roles.SURGEON)
    patients = Patient.objects.bulk_create(
        Patient(mrn=f"P{n:05d}", given_name="Given", family_name=f"Family{n}", date_of_birth=date(1960, 1, 1))
        for n in range(300)
    )
    cases = Case.objects.bulk_create(
        Case(patient=p, owner=owner, needs_mdt_review=n < 3, changed_since_signed=3 <= n < 6)
        for n, p in enumerate(patients)
    )
    due = date(2026, 1, 1)
    items = FollowUpItem.objects.bulk_create(
        FollowUpItem(
            case=case,
            due_date=due + timedelta(days=n),
            window_days=14,
            window_start=due,
            window_end=due + timedelta(days=n + 28),
            modality="ct_or_mri",
            schedule_key=f"test|{n}",
        )  # fmt: skip
        for n, case in enumerate(cases * 2)
    )
    EscalationStep.objects.bulk_create(
        EscalationStep(item=item, step="lost" if n < 2 else "first_contact", opened_on=due)
        for n, item in enumerate(items[:42])
    )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}"
            )


def _home_queries(client) -> list[str]:
    client.force_login(make_user(role=roles.COORDINATOR))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 cases flagged for re-discussion" in html
    assert "2 lost to follow-up" in html
    assert html.count("Given Family") == 3  # the cases changed since signed
    return [query["sql"] for query in ctx.captured_queries]


def _plan(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # 300 rows: a scan would do as well as anything
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("marks", "index"),
    [
        (("COUNT(*)", 'AND "cases_case"."needs_mdt_review")'), "case_flagged_for_mdt"),
        (('AND "cases_case"."changed_since_signed")',), "case_changed_since_signed"),
        (("COUNT(*)", "'lost'"), "escalation_step_item"),
    ],
)
def test_the_coordinators_few_cases_are_found_by_index(client, many_cases, marks, index):
    queries = [sql for sql in _home_queries(client) if all(mark in sql for mark in marks)]
    assert len(queries) == 1, queries
    plan = _plan(queries[0])
    assert index in plan, plan
