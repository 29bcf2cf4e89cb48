"""Query results kept in the shared cache until a write to the tables they read (issue 16).

Every visit to the worklist counted its tabs (5–6 ms with 100,000 items, a fifth of the page), and every case page
read its MDT discussions, signed report versions and next follow-ups (three queries, ~2.5 ms on PostgreSQL, most
of it Django building the SQL), and every visit to home read its six lists and counts (7 queries, 16x the bare
view for a coordinator), although these rarely change between two visits. With a shared cache (CACHE_URL,
Redis in production; GISTCARE_QUERY_CACHE_SECONDS > 0) such results are kept there and used again while they are
current:

- Each result is stored with the *generation* of the tables it reads (`Generation`: `FOLLOWUPS`, `MDT`, `HOME`,
  `STAFF`), a token renewed whenever a statement writes to one of those tables (a table may be in several groups:
  a write renews each). The statements are watched at the database connection (an execute wrapper on every
  connection, `watch_writes`), so every write the app makes is seen however it is made: `save()`,
  `QuerySet.update()`, `bulk_create`, deletes and cascades, raw SQL through a cursor (a table named in any case; a
  statement that is not text, such as psycopg's `sql.Composed`, renews every group; a statement that fails renews
  too), the nightly jobs, the workers. A write inside a transaction renews the token when the
  transaction commits (nothing changes for the others before); a rolled-back one renews nothing. `migrate` and
  `flush` renew every token. Not seen, and not made by the app: what bypasses Django's cursor wrapper
  (`cursor.copy()`, `callproc()`, the driver's own connection, which `restore` uses and then empties the cache),
  and a write made by a database function called from a SELECT; under manual transaction management the tokens
  are renewed before the commit (kept._renew_for).
- The cache is read and written only outside a transaction: a view that has just written, inside its own
  transaction, reads the database (it sees its own write, which the others do not see yet).
- The key holds everything else the result depends on (the day, the filters, the case, the reader).
- Every process configured with the shared cache renews the tokens, whether it keeps results itself or not (a
  worker or a command run with QUERY_CACHE_SECONDS=0), and past the cache's circuit breaker (a breaker opened by
  another request's timeout must not skip a renewal while Redis answers; while Redis answers nothing at all, each
  renewal waits for its socket timeout, 0.5 s: a transaction's renewals are one round trip to the cache when it
  commits, however many groups its writes touch). A write made outside the app (psql), by a process without
  CACHE_URL, or while Redis cannot be reached is not seen: GISTCARE_QUERY_CACHE_SECONDS bounds how long a result
  can then be stale (60 s by default; a nurse's calendar feed, GISTCARE_CALENDAR_KEEP_SECONDS: an hour).
- What is kept holds only its own rows, and of them only the columns the page prints (not the free text beside
  them, which may name the patient): the lists are read by the case's id, not through the case (a related
  manager would attach the page's case, with its patient and owner, to every row, and into the cache). Home keeps
  the ids of the cases it lists (with dates, counts and the meetings' titles), never a patient's name: the cases
  are read by their ids on each visit. A nurse's calendar feed is kept whole (cases/followups/exports.py
  `kept_calendar`): it names no patient (case short ids, examinations, dates and links).

The clinical record itself (the case, its sections, its assessment) is always read from the database.
Without a shared cache every result is read from the database on every request.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from gistcare.cache import past_breaker_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Generation:
    """The token of a group of tables: renewed by every committed write to any of them."""

    name: str
    tables: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"kept:{self.name}:generation"

    def renew(self) -> None:
        renew((self,))


def renew(generations: Collection[Generation]) -> None:
    """New tokens for `generations`, in one round trip to the cache."""
    tokens = {generation.key: uuid.uuid4().hex for generation in generations}
    if not tokens:
        return
    # Past the breaker (gistcare/cache.py), as the permission token: a breaker opened by another request's
    # timeout a moment ago must not skip a renewal while Redis answers.
    try:
        with past_breaker_of(cache):
            cache.set_many(tokens, timeout=None)
    except Exception:  # what is kept under the old tokens is used until it expires (QUERY_CACHE_SECONDS)
        names = ", ".join(sorted(generation.name for generation in generations))
        logger.warning("Shared cache unreachable: kept %s results were not renewed", names, exc_info=True)


class _Renewal:
    """A transaction's renewals: the groups its writes touched, renewed together when it commits (one hook, one
    round trip to the cache, however many groups). Its hook is the bound method `run` (Django names a robust hook
    that raised by its `__qualname__`, which an instance lacks)."""

    def __init__(self) -> None:
        self.generations: set[Generation] = set()

    def run(self) -> None:
        renew(self.generations)


#: The follow-up counts and a case's next follow-ups: the items, and the cases, patients and presentations the
#: worklist's filters and its archived cases read (cases/followups/worklist.py).
FOLLOWUPS = Generation(
    "followups", ("cases_followupitem", "cases_case", "cases_patient", "cases_presentation")
)
#: A case's MDT discussions (agenda items with their meetings) and signed report versions.
MDT = Generation("mdt", ("cases_agendaitem", "cases_mdtmeeting", "cases_signedreport"))
#: Home's lists and counts (cases/home.py): the coming meetings with their cases, the cases flagged, awaiting sign-off
#: (assessed, no signed report), changed since signed and lost to follow-up (an escalation's last step, no
#: closure), and a surgeon's drafts. A table may belong to several groups: a write renews each.
HOME = Generation(
    "home",
    (
        "cases_case",
        "cases_patient",
        "cases_assessment",
        "cases_signedreport",
        "cases_followupitem",
        "cases_escalationstep",
        "cases_followupclosure",
        "cases_mdtmeeting",
        "cases_agendaitem",
    ),
)
#: The users who own a case (the worklist's surgeon filter, cases/followups/views.py): the users' names and the
#: cases' owners.
STAFF = Generation("staff", ("auth_user", "cases_case"))
GENERATIONS = (FOLLOWUPS, MDT, HOME, STAFF)

_OF_TABLE: dict[str, tuple[Generation, ...]] = {}
for _generation in GENERATIONS:
    for _table in _generation.tables:
        _OF_TABLE[_table] = (*_OF_TABLE.get(_table, ()), _generation)
# Matched in the statement made lower-case (both databases read an unquoted CASES_MDTMEETING as cases_mdtmeeting):
# a case-insensitive pattern scanned a bulk insert's values twice as slowly.
_TABLES = re.compile(r"\b(" + "|".join(_OF_TABLE) + r")\b")


def groups_of(table: str) -> tuple[Generation, ...]:
    """The groups a write to `table` renews."""
    return _OF_TABLE.get(table.lower(), ())


def _written(sql: object) -> set[Generation]:
    """The groups a statement may write to: those of the tables it names, every group for a statement that is not
    text (a psycopg `sql.Composed`: its tables cannot be read off it), none for a SELECT."""
    if not isinstance(sql, str):
        return set(GENERATIONS)
    if not _writes(sql):
        return set()
    return {g for table in _TABLES.findall(sql.lower()) for g in groups_of(table)}


def _shared() -> bool:
    """Whether writes renew the tokens: whenever a shared cache is configured, even in a process that keeps
    nothing itself (QUERY_CACHE_SECONDS=0 on a worker or a command), since the servers may keep results."""
    return bool(settings.CACHE_URL) or settings.GISTCARE_QUERY_CACHE_SECONDS > 0


def _writes(sql: str) -> bool:
    """Whether `sql` may write: anything but a SELECT. Told from its first word alone, as it runs for every
    statement; a statement that only reads but does not start with SELECT (a WITH clause, an EXPLAIN) renews the
    results of the tables it names for nothing, which costs a recount, never a stale result, while parsing the
    forms a write can take (comments, WITH clauses, aliases, UPDATE ONLY, INSERT OR IGNORE, MERGE, EXPLAIN
    ANALYZE) would miss some. Django's own reads all start with SELECT (or "(SELECT": a union of sliced parts)."""
    return sql.lstrip(" \t\r\n(")[:6].upper() != "SELECT"


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper (installed on every connection): a statement that writes to a watched table renews its
    generation, at once in autocommit mode, else when its transaction commits; also when the statement fails
    (SQLite in autocommit mode keeps the rows an executemany wrote before the one that failed: a renewal for
    nothing costs a recount, never a stale result)."""
    try:
        return execute(sql, params, many, context)
    finally:
        if _shared():
            _renew_for(_written(sql), context["connection"])


def _renew_for(generations: set[Generation], db: Any) -> None:
    """Renew `generations` now in autocommit mode, else when the transaction on `db` commits."""
    if not generations:
        return
    if not db.in_atomic_block:
        # Also under manual transaction management (autocommit off, no atomic block), where Django runs no commit
        # hooks: renewed before the commit, so a reader in between may keep what it read under the new token until
        # QUERY_CACHE_SECONDS. The app does not manage transactions by hand.
        renew(generations)
        return
    # One hook per transaction, found among its commit hooks: a hook queued inside a savepoint that was rolled
    # back has left them, and the next write queues another (a group added by a write that a savepoint then undid
    # is renewed for nothing: a recount, never a stale result). Robust: a renewal never stops the hooks queued
    # after it. (Django stops running a transaction's hooks at the first one that raises, so a renewal queued
    # behind such a hook would be skipped; the app registers none that raises: a letter's email is sent inside its
    # transaction, cases/followups/letters.py. A hook queued before the transaction's first watched write runs
    # before the renewal: the app's only one, gistcare/auth_backends.py, reads nothing kept.) In a test that
    # captures the hooks a block adds (django_capture_on_commit_callbacks), a write inside the block joins the
    # renewal an earlier write of the transaction queued: the captured hooks hold no renewal for it.
    pending = next(
        (
            func.__self__
            for _, func, _ in db.run_on_commit
            if isinstance(getattr(func, "__self__", None), _Renewal)
        ),
        None,
    )
    if pending is None:
        pending = _Renewal()
        db.on_commit(pending.run, robust=True)
    pending.generations |= generations


def install(connection, **kwargs: Any) -> None:
    """connection_created: the connection's statements are watched (once per connection object)."""
    if watch_writes not in connection.execute_wrappers:
        # First (the outermost wrapper): Django's `execute_wrapper()` removes the *last* wrapper when its block
        # ends, which for a connection opened inside the block would be this one.
        connection.execute_wrappers.insert(0, watch_writes)


def renew_after_migrate(**kwargs: Any) -> None:
    """A migration or `flush` may change any row: whatever was kept before it is void."""
    if _shared():
        renew(GENERATIONS)


#: In every key: renewed when what a result holds changes shape (v2: the case page's lists keep only the columns they
#: print, not the free text beside them), so that nothing stored before is used.
KEY_VERSION = "v2"


def kept(
    wanted: dict[str, tuple[Generation, str, Callable[[], Any]]], *, seconds: int | None = None
) -> dict[str, Any]:
    """For each name in `wanted`, (generation, key, compute): `compute()`, or the value it gave for the same key
    while the generation has not changed since. One round trip to the cache for them all. The key names what the
    value depends on besides the generation's tables (it is used as given: no spaces). The values are kept
    `seconds` at most (by default GISTCARE_QUERY_CACHE_SECONDS; longer for what may be seen that much later after a
    write made outside the app); nothing is kept when `seconds` or GISTCARE_QUERY_CACHE_SECONDS is 0."""
    if seconds is None:
        seconds = settings.GISTCARE_QUERY_CACHE_SECONDS
    if not seconds or not settings.GISTCARE_QUERY_CACHE_SECONDS or connection.in_atomic_block:
        return {name: compute() for name, (_, _, compute) in wanted.items()}
    keys = {
        name: f"kept:{KEY_VERSION}:{generation.name}:{key}" for name, (generation, key, _) in wanted.items()
    }
    generations = {generation for generation, _, _ in wanted.values()}
    try:
        found = cache.get_many([generation.key for generation in generations] + list(keys.values()))
        tokens = {}
        for generation in generations:
            tokens[generation] = found.get(generation.key)
            if tokens[generation] is None:  # first use, or evicted: whatever is stored is void
                cache.add(generation.key, uuid.uuid4().hex, timeout=None)  # add: another process may be first
                tokens[generation] = cache.get(generation.key)
    except Exception:
        logger.warning("Shared cache unreachable: kept results read from the database", exc_info=True)
        return {name: compute() for name, (_, _, compute) in wanted.items()}
    values, new = {}, {}
    for name, (generation, _, compute) in wanted.items():
        token, stored = tokens[generation], found.get(keys[name])
        if token is not None and stored is not None and stored[0] == token:
            values[name] = stored[1]
            continue
        # Computed after the token was read: a write committed meanwhile renews it, voiding this entry.
        values[name] = compute()
        if token is not None:
            new[keys[name]] = (token, values[name])
    if new:
        try:
            cache.set_many(new, seconds)
        except Exception:
            logger.warning("Shared cache unreachable: results were not kept", exc_info=True)
    return values
