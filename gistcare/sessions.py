"""Sessions in the shared cache, written through to the database (issue 16): Django's cached_db engine, kept
working from the database while the cache cannot be reached.

Django's own cached_db engine reads the cache first and the database on a miss, and writes both; but some of its
cache calls are not guarded (the write after a miss, the existence test when a new session key is drawn, the
removal at log-out), so with Redis unreachable every signed-in page and every log-in fails with a 500. Here each
cache call that fails is logged and treated as a miss: the database, which always holds the session, answers.

A session whose row is gone but which the cache still holds (removed at log-out while the cache was unreachable,
or by a restore) is refused at its next write (Django answers 400) and then dropped from the cache too. Removals
go past the cache's circuit breaker (gistcare/cache.py): they try Redis whatever another request's timeout did.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError

from gistcare.cache import past_breaker_of

logger = logging.getLogger(__name__)


class _Tolerant:
    """The session engine's view of the cache: a failing call is logged and counts as a miss."""

    def __init__(self, cache):
        self._cache = cache

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._cache.get(key, default)
        except Exception:
            logger.warning("Shared cache unreachable: session read from the database", exc_info=True)
            return default

    def set(self, key: str, value: Any, timeout: int | None) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception:
            logger.warning("Shared cache unreachable: session kept in the database only", exc_info=True)

    def delete(self, key: str) -> None:
        # Past the breaker (gistcare/cache.py): an ended session must leave Redis whenever Redis answers, not be
        # skipped because another request timed out a moment ago (its cookie, replayed, would still be signed in).
        try:
            with past_breaker_of(self._cache):
                self._cache.delete(key)
        except Exception:
            logger.error("Shared cache unreachable: an ended session stays in the cache until it expires")

    def __contains__(self, key: str) -> bool:
        try:
            return key in self._cache
        except Exception:
            logger.warning("Shared cache unreachable: session key tested in the database", exc_info=True)
            return False


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None):
        super().__init__(session_key)
        self._cache = _Tolerant(self._cache)

    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError:  # the row is gone: the cache's copy must not keep the session alive
            self._cache.delete(self.cache_key)
            raise
