"""No index that another one already serves (issue 16: every index is written by each insert and each update of
its columns): a plain index whose columns begin another index of the same table is redundant, since the database
looks values up by a leading part of an index as by a whole one."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, tuple[list[str], bool]]:
    """Every index of `table`: name → ((column, order) in order, unique), the primary key's and constraints'
    included."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: (
            list(
                zip(
                    details["columns"],
                    details.get("orders") or ["ASC"] * len(details["columns"]),
                    strict=True,
                )
            ),
            bool(details["unique"] or details["primary_key"]),
        )
        for name, details in found.items()
        if (details["index"] or details["unique"] or details["primary_key"]) and details["columns"]
    }


def _app_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("cases").get_models(include_auto_created=True)
        if model._meta.managed
    )


def test_no_plain_index_begins_another():
    redundant = []
    for table in _app_tables():
        indexes = _indexes(table)
        plain = {name: columns for name, (columns, _) in indexes.items() if not _special(table, name)}
        for name, columns in plain.items():
            if indexes[name][1]:
                continue  # a unique index enforces a rule
            for other, (other_columns, _) in indexes.items():
                if other != name and other_columns[: len(columns)] == columns and not _special(table, other):
                    redundant.append(f"{table}.{name} {columns}: served by {other} {other_columns}")
                    break
    assert redundant == [], "\n".join(redundant)


def _special(table: str, name: str) -> bool:
    """Whether the index serves other look-ups than a plain one of its columns would, or fewer: partial (a WHERE
    clause: only its rows, and smaller), or of another operator class (PostgreSQL's `varchar_pattern_ops` index
    Django adds beside a text column's index, for LIKE)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s", [table, name]
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        row = cursor.fetchone()
    definition = (row[0] or "") if row else ""
    return " WHERE " in definition or "_pattern_ops" in definition
