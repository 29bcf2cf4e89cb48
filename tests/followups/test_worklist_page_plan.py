"""A worklist page typed by its number alone (a bookmark, a shared link: no cursor) skips the rows before it with
OFFSET; every column its ids are chosen by is in the index it walks, so the skipped rows are read from the index
alone, never from the table (issue 16: page 500 of "all" by number cost 34 ms against 19 for the first, each of
its 25,000 skipped rows read from the table for its case; bench/followups.py).

Transactional: PostgreSQL reads an index alone only for the table's pages its visibility map marks as seen by
every transaction, which VACUUM sets (autovacuum in production) and cannot run inside a transaction."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from cases import roles
from cases.followups.worklist import WorklistFilters, base_items, page_ids
from cases.models import FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 6, 1)
TABLE = "cases_followupitem"


@pytest.fixture
def items():
    """300 items of two cases, pending, done and cancelled, due from a year before TODAY to a year after."""
    cases = [make_case(surgery_date=None), make_case(surgery_date=None)]
    made = []
    for n in range(300):
        due = TODAY + timedelta(days=n * 7 % 730 - 365)
        made.append(
            FollowUpItem(
                case=cases[n % 2], due_date=due, window_days=14, window_start=due - timedelta(days=14),
                window_end=due + timedelta(days=14), modality="ct_or_mri", phase="manual",
                schedule_key=f"test|{n}", status=("pending", "pending", "done", "cancelled")[n % 4],
            )
        )  # fmt: skip
    FollowUpItem.objects.bulk_create(made)
    _fresh_statistics(TABLE)


def _fresh_statistics(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}"
            )


def _plan(queryset, *, table: str = TABLE) -> list[str]:
    """The plan's lines that read `table` (the item table). PostgreSQL is told to use neither a sequential scan, a bitmap
    nor a sort where it has any other way: it then walks an index in the page's order, alone if one covers every
    column, else reading the table's row for each entry ("Index Scan")."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    cursor.execute(f"SET LOCAL {setting} = off")
        plan = queryset.explain()
    # The table itself, not under an alias (the archived cases' subqueries read the case table as U0 and V0).
    read = re.compile(rf"\b(?:SEARCH|SCAN|on) {table}(?: USING|\s*\(|\s*$)")
    return [line for line in plan.splitlines() if read.search(line)]


@pytest.mark.parametrize("tab", ["all", "overdue", "due", "upcoming"])
def test_a_page_typed_by_number_skips_rows_in_the_index_alone(items, tab):
    ids = page_ids(base_items(), tab, TODAY, offset=24_950, limit=50)
    assert "OFFSET 24950" in str(ids.query).upper()
    _assert_read_from_an_index_alone(_plan(ids))


def _assert_read_from_an_index_alone(lines: list[str], index: str = "") -> None:
    """Every line of the plan that reads the table reads an index alone (`index`, when named)."""
    assert lines, "the plan reads the table"
    for line in lines:
        if connection.vendor == "postgresql":
            assert f"Index Only Scan using {index}" in line, lines
        else:
            assert f"COVERING INDEX {index}" in line, lines


@pytest.fixture
def surgeons_items():
    """300 items of 40 cases, ten for each of four surgeons."""
    surgeons = [make_user(f"surgeon{n}", role=roles.SURGEON) for n in range(4)]
    cases = [make_case(surgery_date=None, owner=surgeons[n % 4]) for n in range(40)]
    FollowUpItem.objects.bulk_create(
        FollowUpItem(
            case=cases[n % 40], due_date=TODAY - timedelta(days=n), window_days=14,
            window_start=TODAY - timedelta(days=n + 14), window_end=TODAY - timedelta(days=n - 14),
            modality="ct_or_mri", phase="manual", schedule_key=f"test|{n}", status="pending",
        )
        for n in range(300)
    )  # fmt: skip
    _fresh_statistics(TABLE, "cases_case")
    return surgeons


def test_a_surgeons_page_reads_each_items_case_from_an_index_alone(surgeons_items):
    """The surgeon filter: each item's case is tested for its surgeon in the index of (surgeon, case) alone. With
    the surgeon's own index (the foreign key's) each case was read from the table: on 100,000 items SQLite then
    started from the surgeon's 1,700 cases and sorted their 992 overdue items (page ids 5.8 ms), where it now walks
    the overdue items in the page's order until 50 are the surgeon's (0.35 ms; PostgreSQL 7.7 -> 1.4 ms)."""
    filters = WorklistFilters(surgeon_id=surgeons_items[0].pk)
    ids = page_ids(filters.apply(base_items()), "overdue", TODAY, offset=0, limit=50)
    assert len(ids) == 50
    _assert_read_from_an_index_alone(_plan(ids, table="cases_case"), index="case_owner ")
