"""The tests after the browser tests run as they do alone: no event loop in the test thread (tests/e2e/conftest.py).

With Playwright's loop left running, Django opened the later tests' database connections in storage of their own,
which the test run never closed: on PostgreSQL the test database could not be dropped at the end ("is being
accessed by other users"). This module runs after tests/e2e in the suite's order.
"""

from __future__ import annotations

import asyncio


def test_no_event_loop_runs_in_the_test_thread():
    assert asyncio._get_running_loop() is None
