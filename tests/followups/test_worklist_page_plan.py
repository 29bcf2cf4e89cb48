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
from cases.followups.worklist import Cursor, WorklistFilters, base_items, page_ids, walks_in_order
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


@pytest.fixture
def common_and_rare():
    """240 overdue items: 200 of ten stomach high-risk cases of one surgeon, 40 of four rectal low-risk cases of
    another; and a surgeon with a single case of 2 items."""
    common, rare, single = (make_user(f"surgeon{n}", role=roles.SURGEON) for n in range(3))
    cases = [
        make_case(surgery_date=None, owner=common, site="stomach", risk_category="high") for _ in range(10)
    ]
    cases += [make_case(surgery_date=None, owner=rare, site="rectum", risk_category="low") for _ in range(4)]
    cases.append(make_case(surgery_date=None, owner=single, site="colon", risk_category="low"))
    owners = [n % 10 for n in range(200)] + [10 + n % 4 for n in range(40)] + [14, 14]
    FollowUpItem.objects.bulk_create(
        FollowUpItem(
            case=cases[index], due_date=TODAY - timedelta(days=20 + n % 97), window_days=14,
            window_start=TODAY - timedelta(days=34 + n % 97), window_end=TODAY - timedelta(days=6 + n % 97),
            modality="ct_or_mri", phase="manual", schedule_key=f"test|{n}", status="pending",
        )
        for n, index in enumerate(owners)
    )  # fmt: skip
    _fresh_statistics(TABLE, "cases_case", "cases_presentation")
    return {"common": common, "rare": rare, "single": single}


def _expected(filters: WorklistFilters) -> list:
    """The overdue items `filters` selects, in the list's order, worked out in Python."""
    items = FollowUpItem.objects.select_related("case__presentation").filter(status="pending")
    return [
        item.pk
        for item in sorted(items, key=lambda item: (item.due_date, str(item.pk)))
        if item.window_end < TODAY
        and (not filters.surgeon_id or item.case.owner_id == filters.surgeon_id)
        and (not filters.site or item.case.presentation.site == filters.site)
        and (not filters.risk or item.case.risk_category == filters.risk)
    ]


@pytest.mark.parametrize(
    ("who", "site", "risk"),
    [("common", "", ""), ("", "stomach", "high"), ("common", "stomach", ""), ("rare", "", "")],
)
def test_a_page_filtered_by_the_case_walks_the_tab_in_order_or_joins_the_cases_alike(
    common_and_rare, who, site, risk
):
    filters = WorklistFilters(surgeon_id=common_and_rare[who].pk if who else None, site=site, risk=risk)
    expected = _expected(filters)
    assert expected
    for walk in (False, True):
        qs = filters.apply(base_items(), walk=walk)
        first = [row["pk"] for row in page_ids(qs, "overdue", TODAY, 0, 50)]
        assert first == expected[:50]
        if len(expected) > 50:
            after = FollowUpItem.objects.get(pk=first[-1])
            following = [row["pk"] for row in page_ids(qs, "overdue", TODAY, 0, 50, after=Cursor.of(after))]
            assert following == expected[50:100]
            by_number = [row["pk"] for row in page_ids(qs, "overdue", TODAY, 50, 50)]
            assert by_number == expected[50:100]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL reads the matching cases as one set already"
)
def test_sqlite_walks_the_tab_in_order_for_a_common_filter_and_starts_from_the_cases_for_a_rare_one(
    common_and_rare,
):
    """A surgeon's, a site's or a risk's share of a tab decides (`walks_in_order`): a common one is found sooner by
    walking the tab's index in the list's order and testing each item's case than by reading every one of its items
    and sorting them (bench/followups.py, 100,000 items, the overdue tab of one surgeon: 0.4-0.7 against 2.2-7.0 ms;
    of one site and risk: 1.9-3.7 against 4.5-10.6 ms); a rare one the other way round."""
    counts = {"overdue": 242}
    common = WorklistFilters(surgeon_id=common_and_rare["common"].pk)
    assert walks_in_order(common, "overdue", filtered=200, unfiltered=counts["overdue"], rows=50)
    assert walks_in_order(WorklistFilters(site="stomach", risk="high"), "overdue", 200, 242, rows=50)
    single = WorklistFilters(surgeon_id=common_and_rare["single"].pk)
    assert not walks_in_order(single, "overdue", filtered=2, unfiltered=242, rows=50)
    # Deep pages by number walk past every row before them: the cases first.
    assert not walks_in_order(common, "overdue", filtered=200, unfiltered=242, rows=5_000)
    # Never for "all" (its count stops at ALL_COUNT_LIMIT: how far the walk goes is not known), nor without a filter
    # on the case.
    assert not walks_in_order(common, "all", filtered=200, unfiltered=242, rows=50)
    assert not walks_in_order(WorklistFilters(nurse="unassigned"), "overdue", 200, 242, rows=50)

    walked = page_ids(common.apply(base_items(), walk=True), "overdue", TODAY, 0, 50)
    plan = walked.explain()
    assert "followup_status_due_page" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    joined = page_ids(single.apply(base_items()), "overdue", TODAY, 0, 50)
    assert "followup_case_window" in joined.explain()


def test_the_worklist_page_shows_a_walked_page_as_a_joined_one(common_and_rare, client, monkeypatch):
    from cases.followups import worklist as worklist_module

    client.force_login(make_user("nurse", role=roles.NURSE))
    params = {"tab": "overdue", "surgeon": common_and_rare["common"].pk}
    pages = {}
    for walk in (False, True):
        monkeypatch.setattr(worklist_module, "walks_in_order", lambda *args, walk=walk, **kwargs: walk)
        html = client.get("/followups/", params).content.decode()
        pages[walk] = re.findall(r'<tbody id="item-([0-9a-f-]+)"', html)
    assert len(pages[True]) == 50
    assert pages[True] == pages[False]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL never walks")
def test_the_worklist_walks_for_a_common_surgeon_and_joins_for_a_rare_one(
    common_and_rare, client, monkeypatch
):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from cases.followups import worklist as worklist_module

    client.force_login(make_user("nurse", role=roles.NURSE))
    asked = []
    decide = worklist_module.walks_in_order

    def spy(*args, **kwargs):
        asked.append((args[1:], kwargs))
        return decide(*args, **kwargs)

    monkeypatch.setattr(worklist_module, "walks_in_order", spy)
    walked = re.compile(r'\+"?\w+"?\."case_id" IN')
    for who, page, walks in (("common", "1", True), ("common", "3", True), ("rare", "1", False)):
        asked.clear()
        with CaptureQueriesContext(db) as queries:
            response = client.get(
                "/followups/", {"tab": "overdue", "surgeon": common_and_rare[who].pk, "page": page}
            )
        assert response.status_code == 200
        filtered = {"common": 200, "rare": 40}[who]
        # The tab's counts with and without the filter (242 overdue items in all); a page by its number passes every
        # row before it.
        assert asked == [(("overdue", filtered, 242), {"rows": int(page) * 50})]
        assert any(walked.search(query["sql"]) for query in queries.captured_queries) is walks
    # "Next": the page passes its own rows only.
    first = FollowUpItem.objects.filter(case__owner=common_and_rare["common"]).order_by("due_date", "id")[49]
    asked.clear()
    params = {
        "tab": "overdue",
        "surgeon": common_and_rare["common"].pk,
        "page": "2",
        "after": str(Cursor.of(first)),
    }
    assert client.get("/followups/", params).status_code == 200
    assert asked == [(("overdue", 200, 242), {"rows": 50})]
