"""The worklist's and home's follow-up counts, kept in the shared cache until what they count changes (issue 16).

Every visit to the worklist counted its tabs (one query of four COUNT subqueries, 5–6 ms with 100,000 items, a
fifth of the page), although the items rarely change between two visits. With a shared cache (CACHE_URL, Redis
in production; GISTCARE_COUNT_CACHE_SECONDS > 0) the counts are kept there and used again while they are current:

- Each entry is stored with the data's *generation*, a token renewed whenever a statement writes to a table the
  counts read (`COUNTED_TABLES`: the items, their cases, patients and presentations). The statements are watched
  at the database connection (an execute wrapper on every connection), so every write is seen however it is
  made: `save()`, `QuerySet.update()`, `bulk_create`, deletes and cascades, raw SQL, the nightly jobs and the
  workers. A write inside a transaction renews the token when the transaction commits (nothing changes for the
  others before); a rolled-back one renews nothing. `migrate` and `flush` renew it too.
- The cache is read and written only outside a transaction: a view that has just written, inside its own
  transaction, counts from the database (it sees its own write, which the others do not see yet).
- The key holds everything the counts depend on: the day (the tabs move at midnight), the tabs, the filters and,
  for "mine", the user.
- A write made outside the app (psql) or while the cache cannot be reached is not seen:
  GISTCARE_COUNT_CACHE_SECONDS bounds how long counts can then be stale (60 s by default).

Without a shared cache the counts are read from the database on every request, as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "followups:counts:generation"
#: The tables whose rows decide the counts (cases/followups/worklist.py: base_items, tab_q, WorklistFilters).
COUNTED_TABLES = ("cases_followupitem", "cases_case", "cases_patient", "cases_presentation")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE")
_COUNTED = re.compile(r"\b(?:" + "|".join(COUNTED_TABLES) + r")\b")


def _enabled() -> bool:
    return settings.GISTCARE_COUNT_CACHE_SECONDS > 0


def renew() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # counts kept under the old token are used until they expire (COUNT_CACHE_SECONDS)
        logger.warning("Shared cache unreachable: kept follow-up counts were not renewed", exc_info=True)


def _renew_pending(db) -> bool:
    return any(func is renew for _, func, _ in db.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper (installed on every connection): a statement that writes to a counted table renews the
    generation, at once in autocommit mode, else when its transaction commits."""
    result = execute(sql, params, many, context)
    if (
        isinstance(sql, str)
        and sql.lstrip()[:8].upper().startswith(_WRITES)
        and _enabled()
        and _COUNTED.search(sql)
    ):
        db = context["connection"]
        if not db.in_atomic_block:
            renew()
        elif not _renew_pending(db):
            transaction.on_commit(renew, using=db.alias)
    return result


def install(connection, **kwargs: Any) -> None:
    """connection_created: the connection's statements are watched (once per connection object)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def renew_after_migrate(**kwargs: Any) -> None:
    """A migration or `flush` may change any row without a statement of this process's connections: counts kept
    before it are void."""
    if _enabled():
        renew()


def kept(
    compute: Callable[[], dict[str, int]],
    *,
    today: date,
    tabs: tuple[str, ...],
    filters: Any,
    user_pk: Any = None,
    all_limit: int | None = None,
) -> dict[str, int]:
    """`compute()`, or the counts it gave for the same arguments while nothing they count has changed since.
    `filters` is the list's WorklistFilters; `user_pk` the reader, when the counts depend on who reads ("mine")."""
    seconds = settings.GISTCARE_COUNT_CACHE_SECONDS
    if not seconds or connection.in_atomic_block:
        return compute()
    described = repr((today.isoformat(), tabs, all_limit, dataclasses.astuple(filters), user_pk))
    key = "followups:counts:v1:" + hashlib.sha256(described.encode()).hexdigest()
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:  # first use, or evicted: whatever is stored is void
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
    except Exception:
        logger.warning("Shared cache unreachable: follow-up counts read from the database", exc_info=True)
        return compute()
    stored = found.get(key)
    if generation is not None and stored and stored["generation"] == generation:
        return dict(stored["counts"])
    counts = compute()  # read after the generation: a write committed meanwhile renews it, voiding this entry
    if generation is not None:
        try:
            cache.set(key, {"generation": generation, "counts": counts}, seconds)
        except Exception:
            logger.warning("Shared cache unreachable: follow-up counts were not kept", exc_info=True)
    return counts
