import os

import hypothesis
import pytest
from django.conf import settings
from django.utils import translation

from cases import roles
from tests.factories import PASSWORD, CoordinatorFactory, NurseFactory, SurgeonFactory, make_user

# The property tests' examples take a few milliseconds; Hypothesis's deadline (200 ms an example) would fail a test
# whose process was merely descheduled while the suite runs on every core (make test: pytest-xdist).
hypothesis.settings.register_profile("suite", deadline=None)
hypothesis.settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _back_to_the_site_language():
    """A Chinese request leaves Chinese active in the test's thread (as LocaleMiddleware does): reset it so that
    the next test, which may call presenters or services outside any request, starts in the site's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def surgeon(db):
    return SurgeonFactory(username="surgeon", first_name="Sam", last_name="Cutter")


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(username="coordinator")


@pytest.fixture
def nurse(db):
    return NurseFactory(username="nurse")


@pytest.fixture
def surgeon_client(client, surgeon):
    client.force_login(surgeon)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def chair(db):
    """An MDT chair: a surgeon who also holds cases.sign_report."""
    return make_user(
        role=roles.SURGEON, chair=True, username="chair", first_name="Charles", last_name="Chairman"
    )


@pytest.fixture
def outsider(db):
    """A user with no role at all."""
    return make_user(role=None, username="outsider")


def reachable_redis(url: str, what: str):
    """A client of the Redis server at `url` for the production-path tests (`what` needs it), or the test is
    skipped (GISTCARE_SKIP_REDIS=1) or fails, naming what is missing."""
    import redis

    if os.environ.get("GISTCARE_SKIP_REDIS") == "1":
        pytest.skip(f"GISTCARE_SKIP_REDIS=1: {what} is skipped")
    server = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        server.ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is not reachable at {url} ({exc}): {what} needs a Redis server (start redis-server, point "
            "GISTCARE_TEST_REDIS_URL at one, or set GISTCARE_SKIP_REDIS=1 to skip)",
            pytrace=False,
        )
    return server


@pytest.fixture
def redis_cache():
    """The shared cache of production (GuardedRedisCache on the Redis server), under a key prefix of its own:
    yields the server's client and the prefix; the prefix's keys are removed afterwards."""
    import uuid

    from django.test import override_settings

    from tests.test_shared_cache import REDIS_URL

    server = reachable_redis(REDIS_URL, "the kept results' production-path tests")
    prefix = f"gistcare-test-{uuid.uuid4().hex[:12]}"
    redis = override_settings(
        CACHES={
            "default": {
                "BACKEND": "gistcare.cache.GuardedRedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
    )
    try:
        with redis:
            yield server, prefix
    finally:
        for key in server.scan_iter(match=f"{prefix}:*"):
            server.delete(key)
        server.close()


@pytest.fixture
def kept_results():
    """Results kept as in production (cases/kept.py), in a cache of the test's own (local memory), emptied before
    and after."""
    from django.core.cache import cache
    from django.test import override_settings

    kept = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept"}},
        GISTCARE_QUERY_CACHE_SECONDS=60,
    )
    with kept:
        cache.clear()
        yield
        cache.clear()
