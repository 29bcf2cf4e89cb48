"""Issue 16: "counts that don't scan the whole table on every request".

The worklist's "due" and "upcoming" tabs bound `window_end` from above by the widest window a follow-up item can
have (± 180 days, a database check), so that counting them reads a short index range. These tests show that the
bound selects exactly the rows of the tabs' definitions (cases/followups/worklist.py), whatever the windows, and
that the database refuses a wider window (the bound would otherwise miss it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.followups.worklist import WorklistFilters, base_items, filtered_counts, tab_counts
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
    """The three tabs home shows, in one query, each on a bounded range of window_end: the range's items counted
    without testing each against the archived cases, less the archived cases' items of the range (issue 16)."""
    with CaptureQueriesContext(connection) as ctx:
        filtered_counts(WorklistFilters(), TODAY, ("overdue", "due", "upcoming"))  # as home counts them
    assert len(ctx.captured_queries) == 1
    counts = ctx.captured_queries[0]["sql"].split("SELECT COUNT(*)")[1:]
    assert len(counts) == 6
    (overdue, overdue_archived), (due, due_archived), (upcoming, upcoming_archived) = zip(
        counts[::2], counts[1::2], strict=True
    )
    assert "2027-11-28" in due  # window_end <= today + 2 x 180 days
    assert "2027-07-01" in upcoming  # window_end <= today + 30 + 180 days
    assert "2027" not in overdue
    for in_tab, archived in ((overdue, overdue_archived), (due, due_archived), (upcoming, upcoming_archived)):
        assert "archived_at" not in in_tab
        assert archived.count("archived_at") == 2  # the archived cases and the cases of archived patients
        assert "- (" in in_tab[-20:]  # taken away


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
