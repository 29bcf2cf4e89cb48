"""The shared cache's backend (CACHE_URL; docs/deploy.md): Django's RedisCache behind a circuit breaker.

Every page reads its session and its user's permission set from the shared cache, and falls back to the database
when a call fails (gistcare/sessions.py, gistcare/auth_backends.py). A Redis that refuses connections fails at
once; one that answers nothing at all (a host gone from the network, a firewall dropping packets) makes each call
wait for its socket timeout (0.5 s), three or four times a page. Here the first such failure opens the process's
breaker (pybreaker, the library redis-py's own multi-database client uses): for CACHE_RETRY_SECONDS every cache
call fails at once without touching the network, so pages are served from the database at their usual speed; then
one call tries Redis again, and its success closes the breaker.

Only a connection error or a timeout opens it; an answer from Redis, even an error, is the server at work. While
it is open a change to roles or permissions is refused as when Redis is down (the cached sets cannot be voided).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import pybreaker
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property


def _answered(exc: BaseException) -> bool:
    """An error that came back from Redis (not a lost connection): does not count against the breaker."""
    return not isinstance(exc, (redis.ConnectionError, redis.TimeoutError, OSError))


class _Guarded:
    """Django's Redis client with each call made through the breaker."""

    def __init__(self, client: Any, breaker: pybreaker.CircuitBreaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._breaker.call(attribute, *args, **kwargs)

        return guarded


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> pybreaker.CircuitBreaker:
    """The process's breaker for the Redis at `location`: one for all threads (Django gives each thread a cache
    object of its own), so one wait opens it for every request the process serves."""
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = pybreaker.CircuitBreaker(
                fail_max=1,
                reset_timeout=settings.GISTCARE_CACHE_RETRY_SECONDS,
                exclude=[_answered],
                # The failure that opens it is raised as it came (the callers log it), not as a breaker error.
                throw_new_error_on_trip=False,
                name="shared cache",  # not the location: it may hold a password
            )
        return _breakers[location]


class GuardedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self.breaker = breaker_for(server)

    @cached_property
    def _cache(self) -> _Guarded:
        return _Guarded(self._class(self._servers, **self._options), self.breaker)
