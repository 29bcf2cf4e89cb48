"""Issue 16: the meeting printout, the worklist's CSV export, a check of every case against the current rules and a
register import on the production path, with a real `celery worker` process and Redis.

The scenario runs in a process of its own (tests/mdt/worker_printout.py) on a database the worker can share: a
SQLite file always, and a scratch PostgreSQL database in CI's PostgreSQL pass. Redis is the server at
127.0.0.1:6379 (GISTCARE_TEST_REDIS_URL to use another); this run gets a queue of its own, so parallel runs on one
Redis do not take each other's tasks. Without Redis the test fails, naming what is missing; set
GISTCARE_SKIP_REDIS=1 to skip it on a machine that has none.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import reachable_redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("GISTCARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_queue():
    """A queue name of this run's own on a reachable Redis; its keys are removed afterwards."""
    server = reachable_redis(REDIS_URL, "the Celery worker test")
    queue = f"gistcare-test-{uuid.uuid4().hex[:12]}"
    yield queue
    for key in server.scan_iter(match=f"*{queue}*"):
        server.delete(key)
    server.close()


@pytest.fixture
def scratch_postgresql():
    """A PostgreSQL database of its own on the suite's server (created and dropped here)."""
    import psycopg

    params = connection.settings_dict
    # Named as the test databases are (test_<database>...; this test may run before any of them is made), so that a
    # run killed before the drop leaves what CI's cleanup finds.
    base = params["NAME"] if params["NAME"].startswith("test_") else f"test_{params['NAME']}"
    name = f"{base[:40]}_worker_{uuid.uuid4().hex[:12]}"
    admin = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{admin['password']}" if admin["password"] else ""
    yield f"postgres://{admin['user']}{password}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_scenario(database_url: str, queue: str, tmp_path: Path) -> dict:
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")} | {
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "WORKER_LOG": str(log),
        "WORKER_PIDFILE": str(tmp_path / "worker.pid"),
    }
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "mdt" / "worker_printout.py")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=480,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        _kill_worker(tmp_path / "worker.pid")
        pytest.fail(f"the scenario did not finish in 480 s; worker log:\n{_tail(log)}")
    assert done.returncode == 0, f"{done.stderr[-3000:]}\nworker log:\n{_tail(log)}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["log"] = log.read_text(errors="replace")
    return result


def _kill_worker(pidfile: Path) -> None:
    """The worker of a scenario killed on its timeout (whose own clean-up never ran), with its pool: it runs in a
    process group of its own, led by the pid it wrote; left running, it would take the CPU from the tests after."""
    # No file (stopped already, or never started), or no such group: nothing to do.
    with contextlib.suppress(OSError, ValueError):
        os.killpg(int(pidfile.read_text().strip()), signal.SIGKILL)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def _check(result: dict, queue: str) -> None:
    log = result["log"]
    assert result["post_status"] == 302
    assert result["redirect_is_status_page"]
    assert result["status"] == "ready", f"{result}\n{log[-3000:]}"
    # Merged by the worker process, not in the request's process.
    assert result["worker"].startswith(f"{queue}@"), result["worker"]
    assert (result["done"], result["total"]) == (3, 3)
    assert result["statuses_seen"][-1] == "ready"
    assert result["polling_stopped"]
    assert result["numbered"]
    assert result["pages"] >= 4
    assert "MRN1111" in result["cover"]
    assert "Signed v1" in result["cover"]
    assert result["patients"] == ["MRN1111", "MRN2222", "MRN3333"]
    assert "no-store" in result["cache_control"]
    # The two drafts rendered as tasks on the worker (one per case), then the merge.
    assert log.count("Task mdt.printout_render_part") >= 4, log[-3000:]  # received and succeeded, twice
    assert "mdt.printout_merge" in log
    # Run by the worker on the same database: the steps it reports are the ones stored.
    assert result["escalate_and_remind"]["escalations"] == result["escalation_steps_in_database"]
    assert result["escalation_steps_in_database"] > 0
    assert isinstance(result["safety_net_check"], list)
    assert "followups.safety_net_check" in log
    # The worklist's CSV export: the request records it, the worker writes it (every visit of the signed case's
    # schedule among them), the file downloads whole.
    export = result["export"]
    assert export["post_status"] == 302, export
    assert export["status"] == "ready", f"{export}\n{log[-3000:]}"
    assert export["worker"].startswith(f"{queue}@"), export["worker"]
    assert export["done"] == export["total"] > 0
    assert export["download_status"] == 200
    assert export["lines"] == export["total"] + 1  # the header, then one line a visit
    assert "MRN1111" in export["mrns"]
    assert "followups.export_csv" in log
    # Every case checked against the current rules, and the one answered differently re-assessed, by the worker.
    review = result["rule_review"]
    assert review["check_status"] == "ready", f"{review}\n{log[-3000:]}"
    assert review["check_worker"].startswith(f"{queue}@"), review["check_worker"]
    assert review["changed"] == [review["case"]]
    assert review["reassess_status"] == "ready", f"{review}\n{log[-3000:]}"
    assert review["reassess_worker"].startswith(f"{queue}@"), review["reassess_worker"]
    assert review["reassessed"] == [review["case"]]
    assert review["latest_version"] == review["current_version"]
    assert "records.rule_check" in log
    assert "records.reassess" in log
    # A register checked, then imported ("Import now"), by the worker: the request only records the upload.
    imported = result["register_import"]
    assert imported["post_status"] == 302, imported
    assert imported["check_status"] == "ready", f"{imported}\n{log[-3000:]}"
    assert imported["check_worker"].startswith(f"{queue}@"), imported["check_worker"]
    assert imported["check_created"] == 2
    assert imported["import_status"] == "ready", f"{imported}\n{log[-3000:]}"
    assert imported["import_worker"].startswith(f"{queue}@"), imported["import_worker"]
    assert imported["created"] == ["H0012345", "H0099999"]
    assert imported["report"] == 1
    assert "interop.register_import" in log


def test_a_real_worker_prepares_the_printout_on_a_sqlite_file(redis_queue, tmp_path):
    result = _run_scenario(f"sqlite:///{tmp_path / 'worker.sqlite3'}", redis_queue, tmp_path)
    _check(result, redis_queue)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="CI's PostgreSQL pass (DATABASE_URL)")
def test_a_real_worker_prepares_the_printout_on_postgresql(redis_queue, scratch_postgresql, tmp_path):
    result = _run_scenario(scratch_postgresql, redis_queue, tmp_path)
    _check(result, redis_queue)
