"""The nurses' worklist as queries: filters, tabs and their counts.

Shared by the worklist page, the CSV export and the benchmark so the three always agree. Tabs are date
comparisons on the stored window (see cases/models/followup.py):

- overdue: pending, today is after the window (window_end < today);
- due: pending, today is inside the window (window_start <= today <= window_end);
- upcoming: pending, the window has not opened yet and the due date is within the next 30 days;
- all: every item, whatever its status or date.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import astuple, dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Func, OuterRef, Q, QuerySet, Subquery, UUIDField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases import kept
from cases.choices import FollowUpStatus
from cases.models import Case, EscalationStep, FollowUpItem, Patient
from cases.models.followup import MAX_WINDOW_DAYS

TABS: tuple[tuple[str, str], ...] = (
    ("overdue", _("Overdue")),
    ("due", _("Due now")),
    ("upcoming", _("Upcoming (30 days)")),
    ("all", _("All")),
)
TAB_NAMES = frozenset(name for name, _ in TABS)
#: An item's state (FollowUpItem.state_on) in words, for the printed list and the CSV.
STATE_LABELS: dict[str, str] = {
    "overdue": pgettext_lazy("follow-up state", "overdue"),
    "due": pgettext_lazy("follow-up state", "due"),
    "upcoming": pgettext_lazy("follow-up state", "upcoming"),
    "done": pgettext_lazy("follow-up state", "done"),
    "cancelled": pgettext_lazy("follow-up state", "cancelled"),
}
UPCOMING_DAYS = 30


def tab_q(tab: str, today: date) -> Q:
    """The tab's rows, with bounds that select no other row but let the database read short index ranges (issue
    16). A window is at most ± MAX_WINDOW_DAYS wide (a database check) and due_date is its middle, so:

    - overdue: window_end < today implies due_date < today;
    - due: window_start <= today <= window_end implies today - MAX <= due_date <= today + MAX and
      window_end <= today + 2 x MAX;
    - upcoming: window_start > today implies due_date > today and window_end > today; due_date <= today + 30
      implies window_end <= today + 30 + MAX.

    The count reads the (status, window_end, ...) index range; the page walks the (status, due_date) index in
    the list's order and stops after its rows (without the due_date bound it sorted every overdue item).
    """
    pending = Q(status=FollowUpStatus.PENDING)
    widest = timedelta(days=MAX_WINDOW_DAYS)
    if tab == "overdue":
        return pending & Q(window_end__lt=today, due_date__lt=today)
    if tab == "due":
        return pending & Q(
            window_start__lte=today,
            window_end__gte=today,
            window_end__lte=today + 2 * widest,
            due_date__gte=today - widest,
            due_date__lte=today + widest,
        )
    if tab == "upcoming":
        horizon = today + timedelta(days=UPCOMING_DAYS)
        return pending & Q(
            window_start__gt=today,
            due_date__gt=today,
            due_date__lte=horizon,
            window_end__gt=today,
            window_end__lte=horizon + widest,
        )
    return Q()


@dataclass(frozen=True)
class WorklistFilters:
    modality: str = ""
    surgeon_id: int | None = None
    site: str = ""
    risk: str = ""
    nurse: str = ""  # "", "me" (mine and unassigned), "unassigned"

    @property
    def of_case(self) -> dict[str, object]:
        """The filters on the item's case (surgeon, site, risk), as conditions on the case."""
        of_case: dict[str, object] = {}
        if self.surgeon_id:
            of_case["owner_id"] = self.surgeon_id
        if self.site:
            of_case["presentation__site"] = self.site
        if self.risk:
            of_case["risk_category"] = self.risk
        return of_case

    def apply(self, qs: QuerySet, *, user=None, walk: bool = False) -> QuerySet:
        """The items of `qs` these filters select (for `user`, whose are "mine"). With `walk` (SQLite), the items'
        cases are tested against the matching cases, and the tab's index walked in the list's order
        (`walks_in_order`)."""
        if self.modality:
            qs = qs.filter(modality=self.modality)
        of_case = self.of_case
        if of_case and walk and connection.vendor == "sqlite":
            # Unary + makes the item's case a value to test, no longer a column SQLite may start the query from
            # (https://sqlite.org/optoverview.html, "Disqualifying WHERE clause terms using unary-+"): the page
            # then walks followup_status_due_page in its order, looking each item's case up in the matching cases
            # (read once, from case_owner, case_risk and presentation_site).
            matching = Case.objects.filter(**of_case).order_by().values("pk")
            qs = qs.alias(walked_case=_Unindexed("case_id")).filter(walked_case__in=matching)
            of_case = {}
        elif self.surgeon_id:
            qs = qs.filter(case__owner_id=self.surgeon_id)
            of_case.pop("owner_id")
        if of_case and connection.vendor == "postgresql":
            # PostgreSQL: the matching cases as one set, read from the indexes case_risk and presentation_site
            # alone, and each item's case looked up in it. Joined, PostgreSQL underestimates the overdue items
            # (correlated date bounds) and probes a case for each of them: 13,000 probes and 44 ms for the
            # overdue tab of one site and risk, 35 ms as a set (bench/followups.py, issue 16).
            qs = qs.filter(case_id__in=Case.objects.filter(**of_case).values("pk"))
        elif of_case:
            # SQLite runs the join from the cases (the same two indexes, then the items' followup_case_window);
            # as a set it reads the items case by case and sorts them (46 ms against 31 ms joined).
            qs = qs.filter(**{f"case__{name}": value for name, value in of_case.items()})
        if self.nurse == "unassigned":
            qs = qs.filter(responsible_nurse__isnull=True)
        elif self.nurse == "me" and user is not None:
            qs = qs.filter(Q(responsible_nurse=user) | Q(responsible_nurse__isnull=True))
        return qs


class _Unindexed(Func):
    """SQLite's unary + around a column: the same value, but no index constraint (see `WorklistFilters.apply`)."""

    template = "+%(expressions)s"
    output_field = UUIDField()


#: A page filtered by the case walks the tab in order when filtered x filtered x WALK_FACTOR >= rows x unfiltered
#: (`walks_in_order`): walking costs about one index entry for each item passed (rows x unfiltered / filtered of
#: them), starting from the cases about six times that for each of the filter's items (read and sorted); 4 leaves
#: the benefit of the doubt to the cases. Measured on bench/followups.py's 100,000 items (SQLite, 2026-12-07).
WALK_FACTOR = 4


def walks_in_order(filters: WorklistFilters, tab: str, filtered: int, unfiltered: int, *, rows: int) -> bool:
    """SQLite: whether a page of `tab` filtered by the case (surgeon, site, risk) should walk the tab's items in the
    list's order and test each one's case, rather than start from the matching cases and sort all their items of
    the tab. `filtered` and `unfiltered` are the tab's counts with and without the filters, `rows` how many of the
    filtered items the page passes (a page asked for by its number: every row before it, and its own). SQLite's
    planner chooses between the two on its statistics, and chose the sort for a surgeon with a twelfth of the
    overdue items: 5.9 ms against 0.4 walked (issue 16). Never for "all", whose count stops at ALL_COUNT_LIMIT.

    The estimate takes the filter's items to be spread along the list's order; where they are not (a new surgeon's
    items all at its end), the walk passes more of the tab, at most all of it: about as long as starting from the
    cases (a reviewer's trial, 40,000 overdue items, the last quarter one surgeon's: 14-17 against 10-21 ms)."""
    return (
        connection.vendor == "sqlite"
        and bool(filters.of_case)
        and tab != "all"
        and filtered > 0
        and filtered * filtered * WALK_FACTOR >= rows * unfiltered
    )


def page_items(
    filters: WorklistFilters,
    tab: str,
    today: date,
    counts: dict[str, int],
    *,
    user,
    rows: int,
    all_limit: int,
) -> QuerySet:
    """The live items a page of `tab` is chosen from: `filters` applied, and the case's filters walked in the
    list's order or started from (`walks_in_order`; `counts` are the page's tab counts, `rows` as there)."""
    walk = False
    if filters.of_case and tab != "all" and connection.vendor == "sqlite":
        unfiltered = filtered_counts(WorklistFilters(), today, tuple(counts), all_limit=all_limit)[tab]
        walk = walks_in_order(filters, tab, counts[tab], unfiltered, rows=rows)
    return filters.apply(base_items(), user=user, walk=walk)


def _archived_cases() -> QuerySet:
    """The ids of the archived cases and of the cases of archived patients, as one list (UNION ALL) of two short
    ones, each read from a partial index of the archived rows: one list with an OR read every case and every
    patient, for each count; two lists cost two probes for each item counted (issue 16)."""
    archived_patients = Patient.objects.filter(archived_at__isnull=False).values("pk")
    return (
        Case.objects.filter(archived_at__isnull=False)
        .order_by()
        .values("pk")
        .union(Case.objects.filter(patient_id__in=archived_patients).order_by().values("pk"), all=True)
    )


def base_items() -> QuerySet:
    """Items of live cases (archived cases and patients drop off the list).

    Written as NOT IN (the few archived cases) rather than a join, so that counting 100,000 items reads only
    the item table (and its covering index) instead of looking up every item's case and patient.
    """
    return FollowUpItem.objects.exclude(case_id__in=_archived_cases())


def tab_counts(
    qs: QuerySet, today: date, tabs: tuple[str, ...] = tuple(TAB_NAMES), *, all_limit: int | None = None
) -> dict[str, int]:
    """The count of each of `tabs` among the live items of `qs` (follow-up items with the list's filters applied;
    items of archived cases are never counted, whether `qs` leaves them out already or not), in one query."""
    return _counted(counts_statement(qs, today, tabs, all_limit=all_limit))


def counts_statement(
    qs: QuerySet, today: date, tabs: tuple[str, ...] = tuple(TAB_NAMES), *, all_limit: int | None = None
) -> tuple[tuple[str, ...], str, tuple]:
    """The tabs counted, and the one statement (SQL and parameters) that counts them.

    COUNT subqueries per tab, each reading its own index range (a single aggregate with one filtered Count per
    tab would read every item of the table on each request). "All" is every item of `qs` less those of archived
    cases: unfiltered, the first is the table's own row count (SQLite counts the entries of its smallest index
    without decoding a row or testing a condition; PostgreSQL scans it) and the second a look-up of the few
    archived cases' items by index; leaving the archived ones out row by row read all 100,000 items on every
    request (10.7 ms; issue 16).

    The other tabs, on SQLite, are subtracted the same way: testing each item of the range against the archived
    list cost 1.0 of 3.5 ms with 100,000 items, at each recount after a write. On PostgreSQL they are left out row
    by row (NOT IN a hashed list, read once per count): the subtraction saved 0.15 ms there, and in the generic
    plan PostgreSQL keeps for a prepared statement (DB_PREPARED_STATEMENTS) it looked the archived list up once
    per item of the range: 16 ms against 3.3, 1.5 s with 330 archived cases
    (tests/followups/test_tab_bounds.py).

    With `all_limit`, "all" is counted up to `all_limit` + 1 items only (a count above `all_limit` means "more
    than"): the page reads that many index entries instead of every item of the table.
    """
    names = tuple(name for name, _ in TABS if name in tabs)
    archived = _archived_cases()
    live = qs.exclude(case_id__in=archived)
    subtract = connection.vendor != "postgresql"
    parts, params = [], []
    for number, name in enumerate(names):
        if name == "all" and all_limit is not None:
            counted = [(live, "+")]
        elif name == "all" or subtract:
            in_tab = qs if name == "all" else qs.filter(tab_q(name, today))
            counted = [(in_tab, "+"), (in_tab.filter(case_id__in=archived), "-")]
        else:
            counted = [(live.filter(tab_q(name, today)), "+")]
        terms = []
        for term, (part, sign) in enumerate(counted):
            ids = part.order_by().values("pk")
            if name == "all" and all_limit is not None:
                ids = ids[: all_limit + 1]
            sql, part_params = ids.query.sql_with_params()
            # Django's own SQL for the queryset, its values bound as parameters: nothing typed reaches the text.
            terms.append(f"{sign} (SELECT COUNT(*) FROM ({sql}) AS tab_{number}_{term})")  # noqa: S608
            params.extend(part_params)
        parts.append(f"(0 {' '.join(terms)})")
    return names, f"SELECT {', '.join(parts)}", tuple(params)


def _counted(statement: tuple[tuple[str, ...], str, tuple]) -> dict[str, int]:
    names, sql, params = statement
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))


@functools.lru_cache(maxsize=256)
def filtered_statement(
    filters: WorklistFilters, today: date, tabs: tuple[str, ...], all_limit: int | None, nurse_id: int | None
) -> tuple[tuple[str, ...], str, tuple]:
    """`counts_statement` of the items `filters` selects (for "mine": for the nurse `nurse_id`), built once per
    process for the day, the tabs, the filters and the nurse: the statement depends on nothing else, and Django
    building it cost more than the database running it (2.6 of 4.8 ms with 100,000 items, PostgreSQL; issue 16).
    The nurse is kept by her id: a request's user refers to the request, which would be kept with it."""
    nurse = get_user_model()(pk=nurse_id) if nurse_id is not None else None
    return counts_statement(
        filters.apply(FollowUpItem.objects.all(), user=nurse), today, tabs, all_limit=all_limit
    )


def filtered_counts(
    filters: WorklistFilters,
    today: date,
    tabs: tuple[str, ...] = tuple(TAB_NAMES),
    *,
    user=None,
    all_limit: int | None = None,
) -> dict[str, int]:
    """`tab_counts` of the items `filters` selects for `user`, kept in the shared cache while nothing they count
    changes (cases/kept.py): the key holds the day (the tabs move on at midnight), the tabs, the filters and, for
    "mine", the reader."""
    reader = user.pk if user is not None and filters.nurse == "me" else None
    bound = all_limit if "all" in tabs else None  # home's three tabs and the worklist's are the same counts
    described = repr((today.isoformat(), tuple(tabs), bound, astuple(filters), reader))
    key = "counts:" + hashlib.sha256(described.encode()).hexdigest()

    def count() -> dict[str, int]:
        return _counted(filtered_statement(filters, today, tuple(tabs), bound, reader))

    return dict(kept.kept({"counts": (kept.FOLLOWUPS, key, count)})["counts"])


def rows(qs: QuerySet, tab: str, today: date) -> QuerySet:
    """Every row of the tab with what the list shows, by due date (for the CSV)."""
    return qs.filter(tab_q(tab, today)).select_related(*ROW_RELATED).order_by("due_date", "id")


ROW_RELATED = (
    "case",
    "case__patient",
    "case__owner",
    "case__presentation",
    "responsible_nurse",
)
NAME_FIELDS = ("first_name", "last_name", "username")  # what staff_name reads
#: What a worklist row reads of the rows it joins (followups/worklist.html#item, cases/followups/rows.py): every
#: item field, and of the case, patient, presentation and users only what the row prints (building 300 model
#: instances a page with every column cost 1.2 ms more). A field read but not listed here would cost a query per
#: row: tests/test_query_counts.py counts the worklist's queries with 3 and 31 rows.
PAGE_ROW_FIELDS = (
    *(field.name for field in FollowUpItem._meta.concrete_fields),
    *(f"case__{name}" for name in ("owner", "patient", "risk_category", "needs_mdt_review")),
    *(
        f"case__patient__{name}"
        for name in ("family_name", "given_name", "mrn", "phone", "preferred_contact")
    ),
    "case__presentation__site",
    *(f"case__owner__{name}" for name in NAME_FIELDS),
    *(f"responsible_nurse__{name}" for name in NAME_FIELDS),
)

#: What the printable list prints of each row (cases/followups/rows.py `print_rows`), and no more: it prints up to
#: 2,000 rows, and each column, and each joined row made a model instance, costs (issue 16).
PRINT_ROW_RELATED = ("case__patient", "case__owner", "responsible_nurse")
PRINT_ROW_FIELDS = (
    *("due_date", "window_start", "window_end", "status", "modality", "phase", "source", "course_record"),
    *("case", "responsible_nurse", "case__owner", "case__patient"),
    *(
        f"case__patient__{name}"
        for name in ("family_name", "given_name", "mrn", "phone", "preferred_contact")
    ),
    *(f"case__owner__{name}" for name in NAME_FIELDS),
    *(f"responsible_nurse__{name}" for name in NAME_FIELDS),
)


def print_rows_of(qs: QuerySet, tab: str, today: date) -> QuerySet:
    """Every row of the tab with what the printable list prints, by due date."""
    return (
        qs.filter(tab_q(tab, today))
        .select_related(*PRINT_ROW_RELATED)
        .only(*PRINT_ROW_FIELDS)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class Cursor:
    """A row's place in the worklist's order: (due date, id). "Next" carries the page's last row, "Previous" its
    first, so the next page is read from there by the (due_date, id) index instead of skipping rows (OFFSET)."""

    due_date: date
    pk: uuid.UUID

    def __str__(self) -> str:
        return f"{self.due_date.isoformat()}_{self.pk}"

    @classmethod
    def of(cls, item: FollowUpItem) -> Cursor:
        return cls(item.due_date, item.pk)

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in `text`, or None when it is missing or malformed (the page is then found by number)."""
        day, _, pk = (text or "").partition("_")
        try:
            return cls(date.fromisoformat(day), uuid.UUID(pk))
        except ValueError:
            return None


def page_ids(
    qs: QuerySet,
    tab: str,
    today: date,
    offset: int,
    limit: int,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> QuerySet:
    """The ids of one page of the tab, chosen on the item table alone: with `after` (or `before`) the `limit`
    rows after (before) that row, else the rows from `offset`.

    Every column a page's ids are chosen by (the tab's dates, the case, the nurse) is in the index the page
    walks, so even a page typed by its number alone, which skips the rows before it (OFFSET), reads no row of the
    table (followup_status_due_page for the tabs, followup_due_id_case for "all"; issue 16). The modality is in
    neither: a page filtered by modality reads each row it walks.
    """
    ordered = qs.filter(tab_q(tab, today))
    if after is not None:
        # The first term bounds the index walk (the OR alone is no index condition: PostgreSQL walked every
        # row before the cursor, 47 ms for page 500 against 31 for the first; issue 16).
        ordered = ordered.filter(
            Q(due_date__gte=after.due_date),
            Q(due_date__gt=after.due_date) | Q(id__gt=after.pk),
        ).order_by("due_date", "id")
        return ordered.values("pk")[:limit]
    if before is not None:
        ordered = ordered.filter(
            Q(due_date__lte=before.due_date),
            Q(due_date__lt=before.due_date) | Q(id__lt=before.pk),
        ).order_by("-due_date", "-id")
        return ordered.values("pk")[:limit]
    return ordered.order_by("due_date", "id").values("pk")[offset : offset + limit]


def page_rows(ids: QuerySet) -> list[FollowUpItem]:
    """One page of the tab in one query: the rows of the page's ids (`page_ids`), joined to their case, patient
    and users."""
    return list(
        FollowUpItem.objects.filter(pk__in=ids)
        .select_related(*ROW_RELATED)
        .only(*PAGE_ROW_FIELDS)
        .annotate(**escalation_annotations())
        .order_by("due_date", "id")
    )


def escalation_annotations() -> dict:
    """The latest escalation step of each row, read in the row query itself (no query per row or per page)."""
    latest = EscalationStep.objects.filter(item=OuterRef("pk")).order_by("-opened_on", "-id")
    return {f"esc_{name}": Subquery(latest.values(name)[:1]) for name in ("step", "opened_on", "outcome")}
