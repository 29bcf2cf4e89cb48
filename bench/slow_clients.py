"""Slow clients against the shipped gunicorn configuration (issue 11, finding 15), on loopback only.

Usage: ``python bench/slow_clients.py [--slow 4] [--interval 2] [--duration 20] [--worker-class gthread]``

Starts gunicorn with gistcare/gunicorn_conf.py on a free port of 127.0.0.1 (DEBUG off, a throw-away SQLite
database), opens ``--slow`` connections that each send one header line every ``--interval`` seconds (the
"slowloris" pattern that stalled every sync worker: a normal request then took 33 s), and meanwhile times a normal
request once a second. Everything is bounded: the slow clients stop after ``--duration`` seconds, each normal
request times out after 10 s, and gunicorn is stopped at the end. Prints the normal requests' latencies and exits
with status 1 when any took longer than ``--max-ms`` (default 1000). ``--worker-class sync`` shows the failure.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only: this script never talks to another machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def slow_client(port: int, interval: float, stop: threading.Event) -> None:
    """Send a request's headers one line per `interval` seconds until `stop` (never completing them)."""
    try:
        with socket.create_connection((HOST, port), timeout=interval + 5) as sock:
            sock.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            n = 0
            while not stop.wait(interval):
                n += 1
                sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
    except OSError:
        pass  # the server closed the connection: fine, that is one way to survive


def timed_request(port: int, timeout: float = 10.0) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"status {response.status}")
    finally:
        conn.close()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=4)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="")
    parser.add_argument("--max-ms", type=float, default=1000.0)
    args = parser.parse_args()

    port = free_port()
    tmp = tempfile.TemporaryDirectory()
    env = dict(os.environ) | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{Path(tmp.name) / 'slow.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    command = [python, "-m", "gunicorn", "-c", "gistcare/gunicorn_conf.py", "gistcare.wsgi"]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        # Warm-up: every worker boots (imports Django and WeasyPrint) and opens its database connection.
        for _ in range(2 * args.workers):
            timed_request(port, timeout=90)
        stop = threading.Event()
        slow = [
            threading.Thread(target=slow_client, args=(port, args.interval, stop), daemon=True)
            for _ in range(args.slow)
        ]
        for thread in slow:
            thread.start()
        time.sleep(min(args.interval, 2.0))  # let every slow client occupy its connection
        latencies, failures = [], 0
        deadline = time.monotonic() + args.duration
        while time.monotonic() < deadline:
            try:
                latencies.append(timed_request(port))
            except (OSError, RuntimeError):
                failures += 1
            time.sleep(1.0)
        stop.set()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        tmp.cleanup()
    worst = max(latencies) if latencies else float("inf")
    print(
        f"worker class {args.worker_class or 'from gunicorn_conf.py'}, {args.workers} workers, "
        f"{args.slow} slow clients (one header line every {args.interval:g} s) for {args.duration:g} s"
    )
    if latencies:
        print(
            f"normal requests: {len(latencies)} answered, {failures} failed; median "
            f"{statistics.median(latencies):.0f} ms, worst {worst:.0f} ms (limit {args.max_ms:.0f} ms)"
        )
    else:
        print(f"normal requests: none answered, {failures} failed")
    return 0 if failures == 0 and worst <= args.max_ms else 1


if __name__ == "__main__":
    sys.exit(main())
