"""Fresh planner statistics after migrations and bulk loads (issue 16: "indexes and ANALYZE/PRAGMA optimize after
migrations and bulk loads").

A query planner chooses between the worklist's and the case list's indexes from its table statistics; after a
migration adds an index or an import adds thousands of rows, stale statistics can send a 100,000-row table down
a scan. PostgreSQL's autovacuum catches up eventually, SQLite never does on its own.

- PostgreSQL: ``ANALYZE`` (of the given tables, or of the whole database).
- SQLite: ``ANALYZE`` with an analysis limit (exact statistics up to a million rows an index, approximate
  beyond: a bounded cost however big the table), then ``PRAGMA optimize``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

# Rows SQLite reads per index to estimate its statistics (https://sqlite.org/lang_analyze.html#approx). Exact up to
# a million rows an index: a sample of a thousand rows cannot tell 1,000 rows a value from 30,000 (a site, a risk,
# a status), and the planner then walked every overdue item instead of the matching cases' (site and risk: 62 ->
# 40 ms with 100,000 items; issue 16). Measured: 0.1 s for 100,000 items and 20,000 cases.
SQLITE_ANALYSIS_LIMIT = 1_000_000


def statements(vendor: str, tables: Iterable[str] = (), quote=lambda name: f'"{name}"') -> list[str]:
    """The statements that refresh the statistics of `tables` (all tables when empty) on `vendor`."""
    names = [quote(table) for table in tables]
    if vendor == "postgresql":
        return [f"ANALYZE {', '.join(names)}" if names else "ANALYZE"]
    if vendor == "sqlite":
        analyze = [f"ANALYZE {name}" for name in names] or ["ANALYZE"]
        return [f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}", *analyze, "PRAGMA optimize"]
    return []


def refresh(*, tables: Iterable[str] = (), using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Run the statements on the database `using`; returns what was run."""
    connection = connections[using]
    run = statements(connection.vendor, tables, connection.ops.quote_name)
    with connection.cursor() as cursor:
        for sql in run:
            cursor.execute(sql)
    return run


def after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate receiver: after migrations were applied (not after a test's flush, which sends no plan)."""
    if plan:
        refresh(using=using)
