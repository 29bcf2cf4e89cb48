"""The shipped gunicorn configuration survives slow clients (issue 11, finding 15); bench/slow_clients.py
drives it for real (docs/deploy.md has the figures)."""

from __future__ import annotations

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gistcare" / "gunicorn_conf.py"


def test_it_serves_with_threaded_workers_and_timeouts(monkeypatch):
    for name in ("GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["worker_class"] == "gthread"
    assert conf["threads"] == 8
    assert conf["workers"] * conf["threads"] >= 4 * 8
    assert conf["timeout"] == 30
    assert conf["keepalive"] <= 5
    assert conf["limit_request_fields"] == 50
    assert conf["bind"].startswith("127.0.0.1:")
