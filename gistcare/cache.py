"""The shared cache's backend (CACHE_URL; docs/deploy.md): Django's RedisCache behind a circuit breaker.

Every page reads its session and its user's permission set from the shared cache, and falls back to the database
when a call fails (gistcare/sessions.py, gistcare/auth_backends.py). A Redis that refuses connections fails at
once; one that answers nothing at all (a host gone from the network, a firewall dropping packets) makes each call
wait for its socket timeout (0.5 s), three or four times a page. Here the first such failure opens the process's
breaker (pybreaker, the library redis-py's own multi-database client uses): for CACHE_RETRY_SECONDS every cache
call fails at once without touching the network, so pages are served from the database at their usual speed; then
one call tries Redis again, and its success closes the breaker.

Only a connection error or a timeout opens it; an answer from Redis, even an error, is the server at work.

A write that must not be skipped goes past the breaker (`past_breaker()`): the permission token that voids every
cached permission set when a role changes (gistcare/auth_backends.py). A breaker opened by another request's
timeout must neither refuse a role change while Redis answers nor skip the renewal after its commit.

pybreaker holds its lock for the whole guarded call; here only its state changes are made under the lock
(`_Breaker.call`), so the threads of a process (gunicorn's gthread workers) do not wait on each other's Redis calls.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

import pybreaker
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


def _answered(exc: BaseException) -> bool:
    """An error that came back from Redis (not a lost connection): does not count against the breaker."""
    return not isinstance(exc, (redis.ConnectionError, redis.TimeoutError, OSError))


class _Breaker(pybreaker.CircuitBreaker):
    def call(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        # pybreaker's own call() holds the breaker's lock while `func` runs, so every thread of the process would
        # wait for the one talking to Redis (half a second, when Redis answers nothing). The state objects take the
        # lock themselves to change state (open, half-open, close); at worst a few threads try Redis together
        # once the pause is over.
        return self.state.call(func, *args, **kwargs)


class _Guarded:
    """Django's Redis client with each call made through the breaker, except in a `past_breaker()` block."""

    def __init__(self, client: Any, breaker: pybreaker.CircuitBreaker):
        self._client = client
        self._breaker = breaker
        self.bypass = threading.local()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if getattr(self.bypass, "active", False):
                return attribute(*args, **kwargs)
            return self._breaker.call(attribute, *args, **kwargs)

        return guarded


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> pybreaker.CircuitBreaker:
    """The process's breaker for the Redis at `location`: one for all threads (Django gives each thread a cache
    object of its own), so one wait opens it for every request the process serves."""
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = _Breaker(
                fail_max=1,
                reset_timeout=settings.GISTCARE_CACHE_RETRY_SECONDS,
                exclude=[_answered],
                # The failure that opens it is raised as it came (the callers log it), not as a breaker error.
                throw_new_error_on_trip=False,
                name="shared cache",  # not the location: it may hold a password
            )
        return _breakers[location]


class _KeptClients(RedisCacheClient):
    """Django's Redis client with one redis-py client kept per connection pool. Django builds a client for every
    cache call, and redis-py fills its table of response callbacks each time: about 0.1 ms, on every page (issue
    16). A redis-py client takes a connection from its pool for each command, so one client serves every call; and
    Django gives each thread a cache object (and so a client) of its own."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class GuardedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._class = _KeptClients
        self.breaker = breaker_for(server)

    @cached_property
    def _cache(self) -> _Guarded:
        return _Guarded(self._class(self._servers, **self._options), self.breaker)

    @contextlib.contextmanager
    def past_breaker(self) -> Iterator[None]:
        """The cache calls of this thread inside the block try Redis whatever the breaker's state."""
        bypass = self._cache.bypass
        previous, bypass.active = getattr(bypass, "active", False), True
        try:
            yield
        finally:
            bypass.active = previous


def past_breaker_of(cache: Any) -> contextlib.AbstractContextManager[None]:
    """`cache.past_breaker()` for a guarded cache; for any other backend (tests, no CACHE_URL) a block that changes
    nothing."""
    return getattr(cache, "past_breaker", contextlib.nullcontext)()
