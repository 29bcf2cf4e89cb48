"""Issue 16: "counts that don't scan the whole table on every request".

The worklist's "due" and "upcoming" tabs bound `window_end` from above by the widest window a follow-up item can
have (± 180 days, a database check), so that counting them reads a short index range. These tests show that the
bound selects exactly the rows of the tabs' definitions (cases/followups/worklist.py), whatever the windows, and
that the database refuses a wider window (the bound would otherwise miss it).
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.followups.worklist import (
    WorklistFilters,
    base_items,
    filtered_counts,
    filtered_statement,
    tab_counts,
)
from cases.models import FollowUpItem
from tests.factories import make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


def _by_definition(item: FollowUpItem, tab: str) -> bool:
    """The tabs as the worklist's docstring defines them, in plain Python."""
    if tab == "all":
        return True
    if item.status != "pending":
        return False
    if tab == "overdue":
        return item.window_end < TODAY
    if tab == "due":
        return item.window_start <= TODAY <= item.window_end
    if tab == "upcoming":
        return item.window_start > TODAY and item.due_date <= TODAY + timedelta(days=30)
    raise AssertionError(tab)


def test_the_bounded_tabs_hold_exactly_the_rows_of_their_definition():
    case = make_case()
    rng = random.Random(16)
    items = []
    # Every window width from 0 to 180 days, due dates from two years ago to two years ahead, and the edges: a
    # window that ends today, opens tomorrow, is 180 days wide around today.
    for _n in range(600):
        window = rng.choice((0, 1, 7, 14, 30, 90, 179, 180, rng.randint(0, 180)))
        due = TODAY + timedelta(days=rng.randint(-730, 730))
        items.append((due, window))
    items += [(TODAY - timedelta(days=14), 14), (TODAY + timedelta(days=15), 14), (TODAY + timedelta(days=180), 180),
              (TODAY - timedelta(days=180), 180), (TODAY + timedelta(days=30), 0), (TODAY + timedelta(days=31), 0)]  # fmt: skip
    FollowUpItem.objects.bulk_create(
        FollowUpItem(
            case=case, due_date=due, window_days=window, window_start=due - timedelta(days=window),
            window_end=due + timedelta(days=window), modality="ct_or_mri", schedule_key=f"k{n}",
            status=rng.choice(("pending", "pending", "pending", "done", "cancelled")),
        )
        for n, (due, window) in enumerate(items)
    )  # fmt: skip
    every = list(FollowUpItem.objects.all())
    counts = tab_counts(base_items(), TODAY)
    for tab in ("overdue", "due", "upcoming", "all"):
        assert counts[tab] == sum(_by_definition(item, tab) for item in every), tab
    assert counts["due"] > 0
    assert counts["upcoming"] > 0
    assert counts["overdue"] > 0


def test_home_counts_three_tabs_without_reading_every_item():
    """The three tabs home shows, in one query, each on a bounded range of window_end. On SQLite the range's items
    are counted without testing each against the archived cases, less the archived cases' items of the range; on
    PostgreSQL each item is tested against the archived list, hashed once per count (issue 16; see the prepared
    statement's test below)."""
    with CaptureQueriesContext(connection) as ctx:
        filtered_counts(WorklistFilters(), TODAY, ("overdue", "due", "upcoming"))  # as home counts them
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    counts = sql.split("SELECT COUNT(*)")[1:]
    if connection.vendor == "postgresql":
        overdue, due, upcoming = counts
        for in_tab in counts:
            assert 'NOT ("cases_followupitem"."case_id" IN' in in_tab
    else:
        assert len(counts) == 6
        assert sql.count(") - (SELECT COUNT(*)") == 3  # each tab less its archived cases' items
        (overdue, overdue_archived), (due, due_archived), (upcoming, upcoming_archived) = zip(
            counts[::2], counts[1::2], strict=True
        )
        for in_tab, archived in (
            (overdue, overdue_archived),
            (due, due_archived),
            (upcoming, upcoming_archived),
        ):
            assert "archived_at" not in in_tab
            assert archived.count("archived_at") == 2  # the archived cases and the cases of archived patients
    assert "2027-11-28" in due  # window_end <= today + 2 x 180 days
    assert "2027-07-01" in upcoming  # window_end <= today + 30 + 180 days
    assert "2027" not in overdue


def test_the_database_refuses_a_window_wider_than_180_days():
    case = make_case()
    due = TODAY
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpItem.objects.create(
            case=case, due_date=due, window_days=181, window_start=due - timedelta(days=181),
            window_end=due + timedelta(days=181), modality="ct_or_mri",
        )  # fmt: skip


def _item(case, due: date, n: int, **fields) -> FollowUpItem:
    return FollowUpItem.objects.create(
        case=case, due_date=due, window_days=14, window_start=due - timedelta(days=14),
        window_end=due + timedelta(days=14), modality=fields.pop("modality", "ct_or_mri"), schedule_key=f"a{n}",
        **fields,
    )  # fmt: skip


def test_items_of_archived_cases_and_patients_are_counted_in_no_tab_whatever_the_queryset():
    """The "all" tab is every item less those of archived cases (issue 16: unfiltered, the table's row count and an index
    look-up of the archived cases' items, instead of reading every item). An item whose case and patient are both
    archived is taken away once; a filtered list takes away only its own archived items."""
    from django.utils import timezone

    live, archived_case, archived_patient, both = make_case(), make_case(), make_case(), make_case()
    overdue, due = TODAY - timedelta(days=40), TODAY
    for n, case in enumerate((live, archived_case, archived_patient, both)):
        _item(case, overdue, 10 * n)
        _item(case, due, 10 * n + 1, modality="mri")
        _item(case, due, 10 * n + 2, status="done")
    now = timezone.now()
    for case in (archived_case, both):
        case.archived_at = now
        case.save(update_fields=["archived_at"])
    for case in (archived_patient, both):
        case.patient.archived_at = now
        case.patient.save(update_fields=["archived_at"])

    expected = {"overdue": 1, "due": 1, "upcoming": 0, "all": 3}
    assert tab_counts(FollowUpItem.objects.all(), TODAY) == expected
    assert tab_counts(base_items(), TODAY) == expected  # a queryset that leaves them out already
    mri = WorklistFilters(modality="mri").apply(FollowUpItem.objects.all())
    assert tab_counts(mri, TODAY) == {"overdue": 0, "due": 1, "upcoming": 0, "all": 1}


def _numbered(sql: str) -> str:
    """Django's SQL (`%s` placeholders, `%%` a literal percent sign) with PostgreSQL's `$1`, `$2`, ..."""
    numbers = iter(range(1, 10_000))
    return re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_a_prepared_counts_statement_reads_the_archived_lists_once_not_per_item():
    """In production the counts' statement is prepared (DB_PREPARED_STATEMENTS): after five runs PostgreSQL may
    keep a generic plan. In it the archived cases and patients must be read once per count (a hashed list), never
    once per item of the tab: with the archived items subtracted, the generic plan looped over the archived list
    for each item of the range (839 loops for the "due" tab of 100,000 items; 16 ms against 3.3, and 1.5 s with 330
    archived cases; issue 16's review)."""
    from django.utils import timezone

    cases = [make_case() for _ in range(4)]
    for n, case in enumerate(cases):
        for k, days in enumerate((-40, -35, -30, 0, 1, 2, 20, 25)):
            _item(case, TODAY + timedelta(days=days), 100 * n + k)
    now = timezone.now()
    cases[0].archived_at = now
    cases[0].save(update_fields=["archived_at"])
    cases[1].patient.archived_at = now
    cases[1].patient.save(update_fields=["archived_at"])
    _names, sql, params = filtered_statement(
        WorklistFilters(), TODAY, ("overdue", "due", "upcoming"), None, None
    )
    # Through the driver, the values written into the text (the simple protocol): a parameter bound to PREPARE or
    # to EXPLAIN EXECUTE would be taken for one of those statements' own.
    driver = connection.connection
    arguments = connection.ops.compose_sql(", ".join(["%s"] * len(params)), params)
    driver.execute(f"PREPARE counts_generic AS {_numbered(sql)}")
    try:
        driver.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        plan = driver.execute(
            f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE counts_generic({arguments})"
        ).fetchone()[0]
        counts = driver.execute(f"EXECUTE counts_generic({arguments})").fetchone()
    finally:
        driver.execute("DEALLOCATE counts_generic")
    plan = plan if isinstance(plan, list) else json.loads(plan)
    archived_reads = [
        node
        for node in _nodes(plan[0]["Plan"])
        if node.get("Relation Name") in ("cases_case", "cases_patient")
    ]
    assert archived_reads
    assert [node["Actual Loops"] for node in archived_reads] == [1] * len(archived_reads)
    assert counts == (6, 6, 4)  # the two live cases' items: three overdue, three due, two upcoming each
