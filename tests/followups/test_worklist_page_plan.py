"""A worklist page typed by its number alone (a bookmark, a shared link: no cursor) skips the rows before it with
OFFSET; every column its ids are chosen by is in the index it walks, so the skipped rows are read from the index
alone, never from the table (issue 16: page 500 of "all" by number cost 34 ms against 19 for the first, each of
its 25,000 skipped rows read from the table for its case; bench/followups.py).

Transactional: PostgreSQL reads an index alone only for the table's pages its visibility map marks as seen by
every transaction, which VACUUM sets (autovacuum in production) and cannot run inside a transaction."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from cases.followups.worklist import base_items, page_ids
from cases.models import FollowUpItem
from tests.factories import make_case

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
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}" if connection.vendor == "postgresql" else f"ANALYZE {TABLE}")


def _plan(queryset) -> list[str]:
    """The plan's lines that read the item table. PostgreSQL is told to use neither a sequential scan, a bitmap
    nor a sort where it has any other way: it then walks an index in the page's order, alone if one covers every
    column, else reading the table's row for each entry ("Index Scan")."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                    cursor.execute(f"SET LOCAL {setting} = off")
        plan = queryset.explain()
    return [line for line in plan.splitlines() if TABLE in line]


@pytest.mark.parametrize("tab", ["all", "overdue", "due", "upcoming"])
def test_a_page_typed_by_number_skips_rows_in_the_index_alone(items, tab):
    ids = page_ids(base_items(), tab, TODAY, offset=24_950, limit=50)
    assert "OFFSET 24950" in str(ids.query).upper()
    lines = _plan(ids)
    assert lines, "the plan reads the item table"
    for line in lines:
        if connection.vendor == "postgresql":
            assert "Index Only Scan" in line, lines
        else:
            assert "COVERING INDEX" in line, lines
