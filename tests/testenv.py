"""Environment for the test run, loaded as a pytest plugin (`-p tests.testenv`) before Django reads settings.

Tests run with DEBUG off (pytest-django's default), so they need a secret key, and plain-HTTP test clients
must not be redirected to HTTPS; production keeps both protections (see gistcare/settings.py).
"""

import os

import pytest

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("GISTCARE_INSTITUTION", "Test Hospital")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    uses = set(getattr(item, "fixturenames", ()))
    return bool({"transactional_db", "live_server"} & uses) or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the role groups back after a transactional test (browser tests, backup/restore).

    Such tests end with a flush that empties every table, including the groups that migration 0002_roles
    created; Django re-creates permissions after a flush but not data-migration rows, so the next test that
    looks a group up would fail depending on test order.
    """
    try:
        return (yield)
    finally:
        # After the last test the test database is gone (nextitem is None): touch nothing then.
        if nextitem is not None and _is_transactional(item):
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                from django.contrib.auth.models import Group, Permission
                from django.db import connection

                from cases.roles import ensure_roles

                name = str(connection.settings_dict["NAME"])
                if name.startswith("test_") or "memory" in name:  # never the real database
                    ensure_roles(Group, Permission)
