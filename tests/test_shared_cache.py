"""Issue 16: with a shared cache (CACHE_URL; Redis in production) sessions and permissions are read from it.

Every page read its session row and ran two joined permission queries (the user's own permissions, then its
groups'); in the profile these were a fifth of the live panel's time and about half of a plain page's. With
CACHE_URL set:

- sessions use Django's cached_db engine (gistcare.sessions): read from the cache, written through to the
  database (a cache restart logs nobody out), with the idle timeout kept (the cache entry lives
  SESSION_COOKIE_AGE from its last renewal), and served from the database while the cache is unreachable;
- a user's permission set is kept in the cache and voided the moment a role, a group's permissions or a
  superuser flag change (gistcare.auth_backends), so nobody keeps a capability that was taken away; a change
  that cannot void them (the cache unreachable) is refused.

Without CACHE_URL (`make run`, the default test settings) nothing changes: a per-process memory cache cannot be
told when another process changes a role, so permissions are read per request and sessions live in the database.

The Redis tests use the server at 127.0.0.1:6379 (GISTCARE_TEST_REDIS_URL for another; GISTCARE_SKIP_REDIS=1
skips them on a machine without Redis), with a key prefix of this run's own; the restore's test empties a database of
its own, 15 on the same server (GISTCARE_TEST_REDIS_FLUSHED_URL for another).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from cases import roles
from tests.conftest import reachable_redis
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("GISTCARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
#: A Redis database that a test empties whole (a restore's FLUSHDB): nothing else may keep keys there.
FLUSHED_REDIS_URL = os.environ.get("GISTCARE_TEST_REDIS_FLUSHED_URL") or REDIS_URL.rsplit("/", 1)[0] + "/15"
WORKLIST = reverse("followups:list")
CALENDAR = reverse("followups:calendar")  # nurses only (cases.manage_followups)
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _closed_breakers():
    """Each test starts with the shared cache's breakers closed (gistcare/cache.py keeps one per process)."""
    from gistcare import cache as shared_cache

    shared_cache._breakers.clear()
    yield
    shared_cache._breakers.clear()


def _settings_with(env: dict[str, str]) -> dict:
    """The settings a process started with `env` computes (CACHE_URL is read once, at start-up)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'engine': settings.SESSION_ENGINE, 'cache': settings.CACHES['default']['BACKEND'], "
        "'location': settings.CACHES['default'].get('LOCATION', ''), "
        "'perms': settings.GISTCARE_PERMISSION_CACHE_SECONDS, "
        "'prefix': settings.CACHES['default'].get('KEY_PREFIX', ''), "
        "'options': settings.CACHES['default'].get('OPTIONS', {})}))"
    )
    base = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "gistcare.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cache_url_puts_sessions_and_permissions_in_the_shared_cache():
    shared = _settings_with({"CACHE_URL": "redis://cache.internal:6379/1"})
    assert shared == {
        "engine": "gistcare.sessions",
        "cache": "gistcare.cache.GuardedRedisCache",
        "location": "redis://cache.internal:6379/1",
        "perms": 300,
        "prefix": "gistcare",
        # A Redis host that answers nothing (down, or packets dropped) costs each call half a second, not the
        # system's TCP timeout of minutes: the pages fall back to the database instead of hanging.
        "options": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    other = _settings_with({"CACHE_URL": "redis://cache.internal:6379/1", "CACHE_KEY_PREFIX": "training"})
    assert other["prefix"] == "training"


def test_without_cache_url_sessions_stay_in_the_database_and_permissions_are_read_per_request():
    alone = _settings_with({})
    assert alone["engine"] == "django.contrib.sessions.backends.db"
    assert alone["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert alone["perms"] == 0


def _permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"auth_permission"' in q["sql"]]


# --- the permission cache, on a memory cache (the logic; Redis below for the production path) ---------------

PERMISSION_CACHE = override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "perm-tests"}
    },
    GISTCARE_PERMISSION_CACHE_SECONDS=300,
)


@pytest.fixture
def permission_cache(db):
    with PERMISSION_CACHE:
        cache.clear()
        yield
        cache.clear()


def _get(client, url=CALENDAR):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, _permission_queries(queries.captured_queries)


def test_without_the_setting_every_request_reads_the_permissions(client, db):
    client.force_login(make_user("nurse", role=roles.NURSE))
    for _ in range(2):
        response, perm_queries = _get(client)
        assert response.status_code == 200
        assert len(perm_queries) == 2  # the user's own permissions, then its groups'


def test_the_second_request_reads_no_permission(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    response, perm_queries = _get(client)
    assert response.status_code == 200
    assert len(perm_queries) == 2
    response, perm_queries = _get(client)
    assert response.status_code == 200
    assert perm_queries == []


def test_a_role_taken_away_is_refused_at_once(client, permission_cache):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    assert _get(client)[0].status_code == 200
    nurse.groups.remove(Group.objects.get(name=roles.NURSE))
    assert _get(client)[0].status_code == 403


def test_a_role_given_from_the_groups_side_counts_at_once(client, permission_cache):
    user = make_user("newcomer", role=None)
    client.force_login(user)
    assert _get(client)[0].status_code == 403
    Group.objects.get(name=roles.NURSE).user_set.add(user)
    assert _get(client)[0].status_code == 200


def test_a_group_emptied_from_its_side_is_refused_at_once(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    Group.objects.get(name=roles.NURSE).user_set.clear()
    assert _get(client)[0].status_code == 403


def test_a_capability_taken_from_the_role_is_refused_at_once(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    manage = Permission.objects.get(content_type__app_label="cases", codename="manage_followups")
    Group.objects.get(name=roles.NURSE).permissions.remove(manage)
    assert _get(client)[0].status_code == 403


def test_a_capability_taken_from_its_permission_side_is_refused_at_once(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    Permission.objects.get(content_type__app_label="cases", codename="manage_followups").group_set.clear()
    assert _get(client)[0].status_code == 403


def test_a_deleted_role_is_refused_at_once(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    Group.objects.get(name=roles.NURSE).delete()  # its rows in the link tables go without an m2m signal
    assert _get(client)[0].status_code == 403


def test_a_personal_permission_taken_away_is_refused_at_once(client, permission_cache):
    user = make_user("helper", role=None, perms=("view_clinical", "manage_followups"))
    client.force_login(user)
    assert _get(client)[0].status_code == 200
    user.user_permissions.clear()
    assert _get(client)[0].status_code == 403


def test_a_superuser_demoted_is_refused_at_once(client, permission_cache):
    user = make_user("root", role=None, is_superuser=True)
    client.force_login(user)
    assert _get(client)[0].status_code == 200
    assert "cases.manage_followups" in user.get_all_permissions()  # every permission, now in the cache
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=False)  # no signal: the flag is compared
    assert _get(client)[0].status_code == 403


def test_a_permission_deleted_or_renamed_is_refused_at_once(client, permission_cache):
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    manage = Permission.objects.get(content_type__app_label="cases", codename="manage_followups")
    manage.codename = "manage_followups_renamed"
    manage.save()
    assert _get(client)[0].status_code == 403


def test_a_deactivated_user_is_logged_out_at_once(client, permission_cache):
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    assert _get(client)[0].status_code == 200
    get_user_model().objects.filter(pk=nurse.pk).update(is_active=False)
    response = _get(client)[0]
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_reused_user_id_does_not_inherit_a_cached_set(client, permission_cache):
    """After a restore or a flush, a new user can be given the id of a user the cache still holds a set for."""
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    assert _get(client)[0].status_code == 200
    pk = nurse.pk
    get_user_model().objects.filter(pk=pk).delete()  # as a restore would, without a signal for the cache
    stranger = get_user_model().objects.create_user("stranger", pk=pk)
    client.force_login(stranger)
    assert _get(client)[0].status_code == 403


def test_migrations_void_the_cached_sets(client, permission_cache):
    """A data migration changes roles through historical models, whose m2m changes send no signal we hear."""
    from django.core.management import call_command

    client.force_login(make_user("nurse", role=roles.NURSE))
    assert _get(client)[0].status_code == 200
    with connection.cursor() as cursor:  # as a data migration would: no signal
        cursor.execute(
            "DELETE FROM auth_group_permissions WHERE group_id = %s",
            [Group.objects.get(name=roles.NURSE).pk],
        )
    assert _get(client)[0].status_code == 200  # still cached: nothing told the cache
    call_command("migrate", verbosity=0)
    assert _get(client)[0].status_code == 403


def test_the_cache_holds_each_user_apart(client, permission_cache):
    nurse, coordinator = make_user("nurse", role=roles.NURSE), make_user("coord", role=roles.COORDINATOR)
    client.force_login(nurse)
    assert _get(client)[0].status_code == 200
    client.force_login(coordinator)
    assert _get(client)[0].status_code == 403


def test_a_set_read_before_the_commit_is_not_used_after_it(
    client, permission_cache, django_capture_on_commit_callbacks
):
    """Another request may read the roles between the change and its commit (the old rows) and store that set under
    the token the change put in place: the token is replaced again once the change is committed."""
    from gistcare import auth_backends

    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    assert _get(client)[0].status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        nurse.groups.remove(Group.objects.get(name=roles.NURSE))
        stale = {
            "generation": cache.get(auth_backends.GENERATION_KEY),
            "who": {"superuser": False, "joined": nurse.date_joined.isoformat()},
            "permissions": ["cases.manage_followups", "cases.view_clinical"],
        }
        cache.set(auth_backends._user_key(nurse.pk), stale, 300)  # as that other request would
    assert _get(client)[0].status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_restore_empties_the_shared_cache(tmp_path):
    """The restored database has other sessions and roles than the ones the cache holds (the cache database is the
    installation's own: docs/deploy.md)."""
    from django.core.management import call_command

    if connection.vendor != "sqlite":
        pytest.skip("one restore is enough: tests/test_backup_restore.py restores on PostgreSQL")
    # The restore empties the whole cache database (FLUSHDB): one of this test's own, never the suite's (whose
    # other tests, in another pytest-xdist worker, keep their keys there) nor another database on the server.
    cache_url = FLUSHED_REDIS_URL
    if cache_url == REDIS_URL:
        pytest.fail(
            f"GISTCARE_TEST_REDIS_FLUSHED_URL ({cache_url}) is the suite's own Redis database", pytrace=False
        )
    server = reachable_redis(cache_url, "the restore's shared-cache test")
    probe = f"gistcare:1:permissions:probe-{uuid.uuid4().hex[:12]}"
    server.set(probe, "1")
    call_command("backup", "--dir", str(tmp_path), stdout=io.StringIO())
    (backup,) = tmp_path.glob("gistcare-*")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "DEBUG": "0", "CACHE_URL": cache_url}
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), "--yes"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert not server.exists(probe)
    server.close()


# --- the production path: a real Redis ---------------------------------------------------------------------


@pytest.fixture
def redis_cache(db):
    """Django's cache and sessions on the Redis server, under a key prefix of this run's own."""
    server = reachable_redis(REDIS_URL, "the shared-cache test")
    prefix = f"gistcare-test-{uuid.uuid4().hex[:12]}"
    shared = override_settings(
        CACHES={
            "default": {
                "BACKEND": "gistcare.cache.GuardedRedisCache",  # as in production
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        },
        SESSION_ENGINE="gistcare.sessions",
        GISTCARE_PERMISSION_CACHE_SECONDS=300,
    )
    with shared:
        yield server
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)
    server.close()


def _session_key_in_redis(session_key: str) -> str:
    return cache.make_key(f"django.contrib.sessions.cached_db{session_key}")


@pytest.fixture
def redis_session(client, redis_cache):
    with time_machine.travel(START, tick=False):
        client.force_login(make_user("nurse", role=roles.NURSE))
        assert client.get(WORKLIST).status_code == 200
    return client, redis_cache, client.cookies["sessionid"].value


def test_a_page_reads_neither_the_session_row_nor_the_permissions(redis_session):
    client, server, session_key = redis_session
    assert server.exists(_session_key_in_redis(session_key))
    with (
        time_machine.travel(START + dt.timedelta(seconds=10), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(WORKLIST).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "django_session" in q]
    assert not _permission_queries(queries.captured_queries)


def test_the_session_is_written_through_to_the_database(redis_session):
    client, server, session_key = redis_session
    assert Session.objects.get(session_key=session_key).expire_date == START + dt.timedelta(minutes=30)
    server.delete(_session_key_in_redis(session_key))  # the cache restarted: nobody is logged out
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        assert client.get(WORKLIST).status_code == 200
    assert server.exists(_session_key_in_redis(session_key))


def test_the_idle_timeout_is_kept_in_the_cache(redis_session):
    client, server, session_key = redis_session
    key = _session_key_in_redis(session_key)
    assert 30 * 60 - 5 <= server.ttl(key) <= 30 * 60  # the entry ends 30 idle minutes after its renewal
    server.expire(key, 100)
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert client.get(WORKLIST).status_code == 200  # within the minute: no renewal, no write
    assert server.ttl(key) <= 100
    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        assert client.get(WORKLIST).status_code == 200  # renewed: 30 more minutes, in the cache and the row
    assert 30 * 60 - 5 <= server.ttl(key) <= 30 * 60
    assert Session.objects.get(session_key=session_key).expire_date == START + dt.timedelta(
        seconds=61, minutes=30
    )


def test_logging_out_ends_the_session_in_redis_even_with_the_breaker_open(redis_session):
    """A breaker opened by another request's timeout a moment ago must not leave a logged-out session in Redis,
    where its replayed cookie would still be signed in."""
    client, server, session_key = redis_session
    cookie = client.cookies["sessionid"].value
    cache.breaker.open()
    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        assert client.post(reverse("logout")).status_code == 302
    assert not server.exists(_session_key_in_redis(session_key))
    cache.breaker.close()
    with time_machine.travel(START + dt.timedelta(seconds=20), tick=False):
        client.cookies["sessionid"] = cookie  # the old cookie, replayed once the breaker is closed
        response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logging_out_ends_the_session_everywhere(redis_session):
    client, server, session_key = redis_session
    cookie = client.cookies["sessionid"].value
    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        assert client.post(reverse("logout")).status_code == 302
        assert not server.exists(_session_key_in_redis(session_key))
        assert not Session.objects.filter(session_key=session_key).exists()
        client.cookies["sessionid"] = cookie  # the old cookie, replayed
        response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_role_taken_away_is_refused_at_once_on_redis(redis_session):
    client, _server, _session_key = redis_session
    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        assert client.get(WORKLIST).status_code == 200
        Group.objects.get(name=roles.NURSE).user_set.clear()
        assert client.get(WORKLIST).status_code == 403


# --- the deployment check ----------------------------------------------------------------------------------


def test_production_without_a_shared_cache_is_warned():
    from django.core import checks

    from cases.checks import shared_cache_check

    with override_settings(DEBUG=False, CACHE_URL=""):
        (message,) = shared_cache_check(None)
        assert "gistcare.W003" in {m.id for m in checks.run_checks(include_deployment_checks=True)}
        assert "gistcare.W003" not in {m.id for m in checks.run_checks()}
    assert message.level == checks.WARNING
    assert "CACHE_URL" in message.msg
    assert "docs/deploy.md" in message.hint
    with override_settings(DEBUG=False, CACHE_URL="redis://cache.internal:6379/1"):
        assert shared_cache_check(None) == []
    with override_settings(DEBUG=True, CACHE_URL=""):
        assert shared_cache_check(None) == []


# --- the cache unreachable ---------------------------------------------------------------------------------

UNREACHABLE = override_settings(
    CACHES={
        "default": {
            "BACKEND": "gistcare.cache.GuardedRedisCache",  # as in production
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: the connection is refused
        }
    },
    SESSION_ENGINE="gistcare.sessions",
    GISTCARE_PERMISSION_CACHE_SECONDS=300,
)


def test_pages_still_answer_from_the_database_when_the_cache_is_unreachable(client, db):
    """Log-in, pages and log-out keep working from the database (Django's cached_db alone answers 500)."""
    nurse, coordinator = make_user("nurse", role=roles.NURSE), make_user("coord", role=roles.COORDINATOR)
    with UNREACHABLE:
        client.force_login(nurse)
        response, perm_queries = _get(client)
        assert response.status_code == 200
        assert len(perm_queries) == 2  # read from the database, as without a cache
        client.force_login(coordinator)
        assert _get(client)[0].status_code == 403
        session_key = client.cookies["sessionid"].value
        assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()


@pytest.mark.django_db(transaction=True)
def test_a_role_change_is_refused_while_the_cache_is_unreachable():
    """A cached set that could not be voided would outlive the change once the cache is reachable again. (A
    transactional test: each change runs in its own transaction, as in the admin, and nothing masks a write.)"""
    from gistcare.auth_backends import PermissionCacheUnreachable

    nurse = make_user("nurse", role=roles.NURSE)
    group = Group.objects.get(name=roles.NURSE)
    with UNREACHABLE, pytest.raises(PermissionCacheUnreachable, match="CACHE_URL"):
        nurse.groups.remove(group)
    assert nurse.groups.filter(pk=group.pk).exists()  # refused before anything was removed
    with UNREACHABLE, pytest.raises(PermissionCacheUnreachable):
        group.delete()
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_session_gone_from_the_database_ends_in_the_cache_too(redis_session):
    """A session row removed behind the cache's back (a restore, a log-out while the cache was unreachable) is
    refused at its next renewal and then no longer read from the cache."""
    client, server, session_key = redis_session
    Session.objects.filter(session_key=session_key).delete()
    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        assert client.get(WORKLIST).status_code == 400  # Django: the session was deleted during the request
    assert not server.exists(_session_key_in_redis(session_key))
    with time_machine.travel(START + dt.timedelta(seconds=62), tick=False):
        response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the upgrade -------------------------------------------------------------------------------------------


def test_open_sessions_keep_their_user_across_the_upgrade(client, db):
    """Sessions opened before the new backend (recorded under Django's ModelBackend) are moved to it by migration
    0025, so the upgrade logs nobody out; a session that has expired is left alone, and going back moves them back."""
    import importlib

    from django.apps import apps as django_apps
    from django.contrib.sessions.backends.db import SessionStore

    migration = importlib.import_module("cases.migrations.0025_sessions_to_cached_permission_backend")
    nurse = make_user("nurse", role=roles.NURSE)
    client.force_login(nurse)
    key = client.cookies["sessionid"].value
    store = SessionStore(session_key=key)
    store["_auth_user_backend"] = migration.OLD  # as every session opened before the upgrade
    store.save()
    assert _get(client)[0].status_code == 302  # the old backend is no longer configured: logged out
    store = SessionStore(session_key=key)
    store["_auth_user_backend"] = migration.OLD
    store.save()
    migration.forward(django_apps, None)
    assert SessionStore(session_key=key).load()["_auth_user_backend"] == migration.NEW
    assert _get(client)[0].status_code == 200
    migration.backward(django_apps, None)
    assert SessionStore(session_key=key).load()["_auth_user_backend"] == migration.OLD


def _admin_user_change(user, groups: list[Group]) -> dict:
    """The admin's user change form as the browser posts it, with `groups` ticked."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(g.pk) for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_admin_refuses_a_role_change_with_a_message_while_the_cache_is_unreachable(client):
    """Not a server error: the form comes back with what was entered and says why, on the field (issue 16)."""
    admin = make_user("root", is_superuser=True, is_staff=True)
    nurse = make_user("nurse", role=roles.NURSE)
    nurse_group, surgeon_group = Group.objects.get(name=roles.NURSE), Group.objects.get(name=roles.SURGEON)
    url = reverse("admin:auth_user_change", args=[nurse.pk])
    with UNREACHABLE:
        client.force_login(admin)
        response = client.post(url, _admin_user_change(nurse, [surgeon_group]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be changed while the shared cache" in page
    assert 'class="errorlist' in page
    # What was entered is still ticked: the surgeon role, not the nurse role.
    assert (
        f'value="{surgeon_group.pk}" selected' in page
        or f'<option value="{surgeon_group.pk}" selected' in page
    )
    assert list(nurse.groups.values_list("name", flat=True)) == [roles.NURSE]  # nothing saved
    assert nurse_group.user_set.filter(pk=nurse.pk).exists()

    # Other fields may still be changed while the cache is down (no permission set depends on them).
    with UNREACHABLE:
        response = client.post(url, {**_admin_user_change(nurse, [nurse_group]), "last_name": "Renamed"})
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=nurse.pk).last_name == "Renamed"


@pytest.mark.django_db(transaction=True)
def test_the_admin_refuses_a_group_permission_change_with_a_message_while_the_cache_is_unreachable(client):
    admin = make_user("root", is_superuser=True, is_staff=True)
    group = Group.objects.get(name=roles.NURSE)
    before = set(group.permissions.values_list("pk", flat=True))
    extra = Permission.objects.exclude(pk__in=before).filter(content_type__app_label="cases").first()
    with UNREACHABLE:
        client.force_login(admin)
        response = client.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": group.name, "permissions": [str(pk) for pk in sorted(before | {extra.pk})]},
        )
    assert response.status_code == 200
    assert "cannot be changed while the shared cache" in response.content.decode()
    assert set(group.permissions.values_list("pk", flat=True)) == before


@pytest.mark.django_db(transaction=True)
def test_a_role_change_refused_in_mid_save_is_a_clear_page_not_a_server_error(client, monkeypatch):
    """The cache answered when the form was checked and failed before the save (a race): the change is rolled
    back and the page says so, with status 503, instead of the server-error page."""
    from gistcare import auth_backends

    admin = make_user("root", is_superuser=True, is_staff=True)
    nurse = make_user("nurse", role=roles.NURSE)
    monkeypatch.setattr(auth_backends, "permission_cache_reachable", lambda: True)
    with UNREACHABLE:
        client.force_login(admin)
        response = client.post(
            reverse("admin:auth_user_change", args=[nurse.pk]),
            _admin_user_change(nurse, [Group.objects.get(name=roles.SURGEON)]),
        )
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "shared cache" in page
    assert list(nurse.groups.values_list("name", flat=True)) == [roles.NURSE]


@pytest.mark.django_db(transaction=True)
def test_seed_demo_says_why_it_cannot_give_roles_while_the_cache_is_unreachable():
    """A command-line message, not a traceback."""
    from django.core.management import CommandError, call_command

    with UNREACHABLE, pytest.raises(CommandError, match="shared cache"):
        call_command("seed_demo", "--password", "a-long-demo-password-1", stdout=io.StringIO())
    assert not get_user_model().objects.exists()  # nobody left without a role (or a password that was shown)


# --- the circuit breaker (gistcare/cache.py) ----------------------------------------------------------------


@pytest.fixture
def connection_attempts(monkeypatch):
    """Every attempt to open a connection to a Redis server, counted."""
    import redis.connection

    attempts = []
    real = redis.connection.Connection._connect

    def counted(self):
        attempts.append(self.port)
        return real(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    return attempts


def test_an_unreachable_cache_is_left_alone_for_a_while_then_tried_again(client, db, connection_attempts):
    """One failed connection opens the process's breaker: the next pages are served from the database without
    trying Redis (a Redis that answers nothing would cost each try half a second); after CACHE_RETRY_SECONDS one
    call tries again."""
    nurse = make_user("nurse", role=roles.NURSE)
    with UNREACHABLE, time_machine.travel(START, tick=False):
        client.force_login(nurse)
        assert _get(client)[0].status_code == 200
        tried = len(connection_attempts)
        assert tried >= 1
        for _ in range(3):
            response, perm_queries = _get(client)
            assert response.status_code == 200
            assert len(perm_queries) == 2  # the database answers
        assert len(connection_attempts) == tried  # Redis was not tried again
    with UNREACHABLE, time_machine.travel(START + dt.timedelta(seconds=11), tick=False):
        assert _get(client)[0].status_code == 200
        assert (
            len(connection_attempts) == tried + 1
        )  # one try after the pause, which fails and opens it again
        assert _get(client)[0].status_code == 200
        assert len(connection_attempts) == tried + 1


def test_an_open_breaker_neither_refuses_a_role_change_nor_skips_its_renewal_while_redis_answers(
    redis_cache, django_capture_on_commit_callbacks
):
    """The breaker may be open because another request timed out a moment ago while Redis answers now: the token
    that voids the cached permission sets is renewed all the same, before the change and after its commit."""
    from gistcare.auth_backends import GENERATION_KEY, permission_cache_reachable

    nurse = make_user("nurse", role=roles.NURSE)
    with cache.past_breaker():
        cache.set(GENERATION_KEY, "before", timeout=None)
    cache.breaker.open()
    assert permission_cache_reachable()
    with django_capture_on_commit_callbacks(execute=True):
        nurse.groups.clear()
        with cache.past_breaker():
            assert cache.get(GENERATION_KEY) != "before"  # renewed before the change
            # As if a set read from the database before the commit had been stored under the current token:
            cache.set(GENERATION_KEY, "between", timeout=None)
    assert not nurse.groups.exists()
    with cache.past_breaker():
        assert cache.get(GENERATION_KEY) not in ("before", "between")  # renewed again after the commit


def test_the_threads_of_a_process_do_not_wait_on_each_others_cache_calls():
    """pybreaker's own call() holds its lock while the call runs: one thread waiting on Redis (half a second when
    it answers nothing) would hold up every other thread of the process."""
    import threading

    from gistcare.cache import breaker_for

    breaker = breaker_for("redis://threads.test:6379/0")
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(30)

    waiting = threading.Thread(target=breaker.call, args=(slow,))
    waiting.start()
    assert started.wait(30)
    other = threading.Thread(target=lambda: (breaker.call(lambda: None), done.set()))
    other.start()
    finished_meanwhile = done.wait(10)  # the other thread's call, while the first one still waits on "Redis"
    release.set()
    waiting.join()
    other.join()
    assert finished_meanwhile


def test_the_breaker_closes_when_the_cache_answers_again(redis_cache):
    import pybreaker

    cache.set("probe", 1)
    breaker = cache.breaker
    breaker.open()  # as after a lost connection
    with pytest.raises(pybreaker.CircuitBreakerError):
        cache.get("probe")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=11)):
        assert cache.get("probe") == 1
    assert breaker.current_state == pybreaker.STATE_CLOSED
    assert cache.get("probe") == 1


def test_an_error_answered_by_redis_does_not_open_the_breaker(redis_cache):
    import pybreaker
    import redis

    cache.set("text", "not a number")
    with pytest.raises(redis.ResponseError):
        cache._cache.incr(cache.make_and_validate_key("text"), 1)
    assert cache.breaker.current_state == pybreaker.STATE_CLOSED


def test_each_cache_call_reuses_the_redis_client(redis_cache, monkeypatch):
    """Django builds a redis-py client for every cache call (redis-py fills its table of response callbacks each
    time: about 0.1 ms, twice a page); the guarded cache keeps one per connection pool (issue 16)."""
    import redis

    built = []
    real = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        built.append(self)
        real(self, *args, **kwargs)

    cache.set("warm", 1)  # the pool and its client exist
    monkeypatch.setattr(redis.Redis, "__init__", counted)
    for number in range(5):
        cache.set(f"probe-{number}", number)
        assert cache.get(f"probe-{number}") == number
    assert cache.get_many([f"probe-{n}" for n in range(5)]) == {f"probe-{n}": n for n in range(5)}
    assert built == []
    writer, reader = cache._cache.get_client(write=True), cache._cache.get_client()
    assert writer is cache._cache.get_client(write=True)
    assert reader is cache._cache.get_client()
