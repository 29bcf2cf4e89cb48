"""Planner statistics after migrations and bulk loads (issue 16): ANALYZE (PostgreSQL) or ANALYZE with an analysis
limit and PRAGMA optimize (SQLite)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext

from cases.interop.register_import import BULK_ROWS, register_import
from gistcare import planner_statistics
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _analyze_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].upper().startswith(("ANALYZE", "PRAGMA"))]


def test_the_statements_per_database():
    assert planner_statistics.statements("postgresql") == ["ANALYZE"]
    assert planner_statistics.statements("postgresql", ["cases_case", "cases_patient"]) == [
        'ANALYZE "cases_case", "cases_patient"'
    ]
    assert planner_statistics.statements("sqlite", ["cases_case"]) == [
        "PRAGMA analysis_limit=1000000",
        'ANALYZE "cases_case"',
        "PRAGMA optimize",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's approximate ANALYZE")
def test_sqlite_statistics_tell_a_common_value_from_a_rarer_one():
    """A thousand-row sample saw at most 1,001 rows a value: a site shared by 3,000 cases looked as selective as a
    rare one, and the planner walked every overdue item instead of the matching cases' (issue 16)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stat_probe (value TEXT)")
        cursor.execute("CREATE INDEX stat_probe_value ON stat_probe (value)")
        cursor.executemany("INSERT INTO stat_probe VALUES (%s)", [("common",)] * 6000 + [("rare",)] * 10)
        planner_statistics.refresh(tables=["stat_probe"])
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'stat_probe_value'")
        rows, per_value = map(int, cursor.fetchone()[0].split())
    assert rows == 6010
    assert per_value == 3005  # 6,010 rows, 2 values: 3,005 a value on average (ceil)


def test_applied_migrations_refresh_the_statistics_and_a_flush_does_not():
    config = apps.get_app_config("cases")
    with CaptureQueriesContext(connection) as applied:
        post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False, using="default",
                          plan=[("migration", False)])  # fmt: skip
    assert _analyze_statements(applied.captured_queries)[-1 if connection.vendor == "sqlite" else 0] in (
        "PRAGMA optimize",
        "ANALYZE",
    )
    with CaptureQueriesContext(connection) as flushed:
        post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False, using="default")
    assert _analyze_statements(flushed.captured_queries) == []


def _register(rows: int) -> bytes:
    from cases.interop.register_import import template_csv

    header, example = template_csv().splitlines()[:2]
    lines = [header]
    for i in range(rows):
        cells = example.split(",")
        columns = header.split(",")
        cells[columns.index("mrn")] = f"BULK{i:05d}"
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def test_a_bulk_import_refreshes_the_statistics_of_the_tables_it_filled():
    admin = make_user(role="Administrator")
    with CaptureQueriesContext(connection) as captured:
        report = register_import(content=_register(BULK_ROWS), filename="bulk.csv", user=admin, dry_run=False)
    assert len(report.created) == BULK_ROWS, report.errors[:3]
    statements = _analyze_statements(captured.captured_queries)
    assert any('"cases_case"' in sql for sql in statements)
    assert any('"cases_patient"' in sql for sql in statements)


def test_a_small_import_does_not():
    admin = make_user(role="Administrator")
    with CaptureQueriesContext(connection) as captured:
        report = register_import(content=_register(3), filename="few.csv", user=admin, dry_run=False)
    assert len(report.created) == 3, report.errors[:3]
    assert _analyze_statements(captured.captured_queries) == []
