"""Issue 11 finding 2: two chairs signing, or amending, the same report at the same moment.

Before: 3 of 4 parallel signatures failed with "database is locked" on SQLite, and two parallel amendments
raised an IntegrityError on PostgreSQL (both claimed to amend version 1). Now the case row is locked first: the
second waits for the first, then gets a clear refusal naming who signed. Real threads need a database with
real locks: the PostgreSQL ones run in CI's second pass; for SQLite a separate process signs on a database
file, as the served app uses it (the in-memory test database shares one cache between threads).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from cases.mdt.services import decision_record, report_amend, report_sign
from cases.models import SignedReport
from cases.service_helpers import ServiceError
from tests.factories import PASSWORD, contract_example_case, meeting_with_case, signed_report

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database with row locks (CI's PostgreSQL pass)"
)
ROOT = Path(__file__).resolve().parents[2]


def test_four_chairs_signing_at_once_on_a_sqlite_file_give_one_report_and_three_refusals(tmp_path):
    # The served app's SQLite set-up (a file in WAL mode, several workers), in a process of its own.
    env = dict(os.environ) | {"DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "mdt" / "race_sign.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["reports"] == 1
    outcomes = sorted(outcome.split(" Version ")[0] for outcome in result["outcomes"])
    assert outcomes == ["ServiceError: This report is already signed; amend it instead."] * 3 + ["signed"]


def _race(*calls):
    """Run the calls at once, each on its own thread and database connection; (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # the test inspects every outcome
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_chairs_signing_at_once_give_one_report_and_one_clear_refusal(coordinator, chair):
    case = contract_example_case()
    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision="accept")
    results, errors = _race(*[lambda: report_sign(item=item, user=chair, password=PASSWORD)] * 2)
    assert len(results) == 1
    assert [type(e) for e in errors] == [ServiceError]
    assert "This report is already signed; amend it instead. Version 1 was signed by" in errors[0].message
    assert SignedReport.objects.filter(case=case).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_amendments_at_once_give_one_new_version_and_one_clear_refusal(coordinator, chair):
    case = contract_example_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)

    def amend(reason):
        return lambda: report_amend(report=first, reason=reason, user=chair, password=PASSWORD)

    results, errors = _race(amend("Corrected mitotic count"), amend("Corrected size"))
    assert len(results) == 1
    assert [type(e) for e in errors] == [ServiceError]
    assert "Only the latest version of a report can be amended. Version 2 was signed by" in errors[0].message
    assert list(
        SignedReport.objects.filter(case=case).values_list("version", flat=True).order_by("version")
    ) == [1, 2]
