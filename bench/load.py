"""Load test: gunicorn (4 workers, loopback) against a seeded database, 50 logged-in clients, with its anchor.

Usage: ``python bench/load.py [--clients 50] [--duration 20] [--rounds 3] [--workers 4] [--cases 3000]
[--database-url URL] [--cache-url URL]``

The anchor is a bare Django view on the same middleware and server (``/healthz/``). Phases alternate, each
``--duration`` seconds: the clients hit only the bare view, then the realistic mix of pages, ``--rounds`` times
(interleaved, so the machine's background load falls on both alike). The report gives each phase kind's median
throughput over the rounds, the ratio mix/bare (issue 16 target: >= 0.35), and per endpoint the latency
percentiles with the ratio of its median to the bare view's.

Creates a throw-away database (SQLite in a temporary directory unless ``--database-url`` names another, which
is then migrated and filled: use an empty one), runs ``seed_demo`` when the command exists plus bulk synthetic
cases, starts gunicorn on a free port of 127.0.0.1 with production settings (DEBUG off), logs every client in
through the real log-in form, then drives the worklist, case list, case page and live-panel endpoints until
the time is up. Endpoints whose view does not exist yet are skipped with a note. Prints, per endpoint, the
request count, errors (anything but 200, or a failed connection) and p50/p95/p99 latency in milliseconds.
Targets: zero errors, p95 under 300 ms (exit status 1 when missed with --strict only: `make bench` stops at the
first script that fails, and runs this one without it). Results: docs/load.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TARGET_P95_MS = 300.0
USERNAME = "loadtest"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/13"

# Runs inside `manage.py shell`: a user with every capability, bulk cases, and the endpoints' paths.
SEED = r"""
import json, random, sys
from datetime import date, timedelta
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from cases import roles
from cases.models import Case, Pathology, Patient, Presentation

args = json.loads(sys.stdin.readline())
user = get_user_model().objects.create_user(USERNAME, password=args["password"], first_name="Load", last_name="Test")
user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))

rng = random.Random(2026)
sites = ("stomach", "duodenum", "jejunum", "rectum", "colon", "egj", "ileum", "omentum")
n = args["cases"]
patients = Patient.objects.bulk_create(
    Patient(mrn=f"LOAD{i:07d}", given_name=f"Given{i}", family_name=f"Family{i % 997}",
            date_of_birth=date(1940, 1, 1) + timedelta(days=rng.randrange(20000)))
    for i in range(n)
)
cases = Case.objects.bulk_create(
    Case(patient=p, owner=user, diagnosis_date=date(2025, 1, 1) + timedelta(days=rng.randrange(500)),
         status=rng.choice(["draft", "assessed", "discussed"]),
         risk_category=rng.choice(["very_low", "low", "intermediate", "high", ""]),
         pathway=rng.choice(["surveillance", "resection", "neoadjuvant_then_resection", "systemic_therapy", ""]))
    for p in patients
)
Presentation.objects.bulk_create(
    Presentation(case=c, site=rng.choice(sites), size_cm=Decimal(rng.randrange(5, 200)) / 10) for c in cases
)
Pathology.objects.bulk_create(Pathology(case=c, mitoses_per_5mm2=rng.randrange(0, 20)) for c in cases)

# Case pages and panels are driven on the demo cases (complete records, real assessments) when seed_demo ran,
# and on a sample of the bulk cases.
demo = list(Case.objects.filter(patient__mrn__startswith="DEMO").values_list("pk", flat=True))
sample = demo + [c.pk for c in rng.sample(cases, min(200, len(cases)))]

endpoints = {
    "bare view": reverse("healthz"),
    "home": reverse("home"),
    "worklist": reverse("followups:list"),
    "case list": reverse("records:list"),
    "case page": reverse("records:case", kwargs={"case_id": "00000000-0000-4000-8000-000000000000"}),
    "live panel": reverse("records:panel", kwargs={"case_id": "00000000-0000-4000-8000-000000000000"}),
}
from gistcare import planner_statistics
planner_statistics.refresh()  # as after any bulk load in production (issue 16)
print("SEED-RESULT " + json.dumps({"endpoints": endpoints, "cases": [str(pk) for pk in sample]}))
""".replace("USERNAME", repr(USERNAME))

DUMMY = "00000000-0000-4000-8000-000000000000"
PANEL_QUERIES = [
    {"_step": "presentation", "site": "stomach", "size_cm": "6.5", "presentation": "localized"},
    {"_step": "pathology", "mitoses_per_5mm2": "8", "genotype": "kit_exon_11"},
    {"_step": "presentation", "site": "rectum", "size_cm": "2.1", "rectal_level": "low"},
    {"_step": "operation", "surgery_date": "2026-01-15", "approach_used": "open", "margin": "R0"},
]
CASE_LIST_QUERIES = ["", "?risk=high", "?page=2", "?status=assessed"]
#: The case list's search, posted by htmx as the page's search box does (the text stays out of the URL; a query
#: string's q is ignored): a family name shared by a few patients, a whole name, a hospital number, nothing (the
#: search cleared). The search is kept in the session, as for a user: the list's next visits show its results.
CASE_SEARCHES = ["Family12", "Given1234 Family237", "LOAD0001234", ""]
HTMX_SEARCH = {"HX-Request": "true", "HX-Target": "case-results"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def environment(database_url: str, cache_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CACHE_URL=cache_url,  # sessions and permissions in the shared cache, as in production (docs/deploy.md)
        CACHE_KEY_PREFIX=CACHE_PREFIX,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; everything else as in production
        SECURE_COOKIES="false",
        STATIC_MANIFEST="false",
        LOG_LEVEL="ERROR",
        PYTHONWARNINGS="ignore::UserWarning",  # whitenoise: no collected static files in a work tree
        DB_CONN_MAX_AGE="600",
        # No mail server here: without this the WSGI application refuses to start (cases/checks.py).
        PASSWORD_RESET="false",  # noqa: S106  (a switch, not a password)
    )
    return env


#: This run's keys in the shared cache (CACHE_KEY_PREFIX): removed at the end, nobody else's touched.
CACHE_PREFIX = f"gistcare-bench-{secrets.token_hex(6)}"


def usable_cache(cache_url: str) -> str:
    """`cache_url` when a Redis answers there, else '' (the run goes on without the shared cache, and says so)."""
    if not cache_url:
        return ""
    import redis

    try:
        with redis.Redis.from_url(cache_url, socket_connect_timeout=2) as server:
            server.ping()
    except redis.RedisError as exc:
        print(f"note: no Redis at {cache_url} ({exc}): measuring without the shared cache")
        return ""
    return cache_url


def clear_cache(cache_url: str) -> None:
    """Remove this run's keys (and only them) from the shared cache."""
    if cache_url:
        import redis

        with redis.Redis.from_url(cache_url, socket_connect_timeout=2) as server:
            for key in server.scan_iter(match=f"{CACHE_PREFIX}:*"):
                server.delete(key)


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def seed(env: dict[str, str], cases: int, password: str) -> dict:
    manage(env, "migrate", "--noinput")
    commands = manage(env, "help", "--commands")
    if "seed_demo" in commands.split():
        manage(env, "seed_demo", "--password", password)
        print("seeded: seed_demo")
    else:
        print("note: seed_demo does not exist yet; bulk data only")
    out = manage(env, "shell", "-c", SEED, stdin=json.dumps({"cases": cases, "password": password}) + "\n")
    line = next(x for x in out.splitlines() if x.startswith("SEED-RESULT "))
    print(f"seeded: {cases} bulk patients and cases")
    return json.loads(line.removeprefix("SEED-RESULT "))


class Client:
    """One simulated user: its own connection and cookies (http.client; gunicorn's sync workers close
    the connection after each response, and http.client reopens it)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.retries = 0  # requests sent again on a fresh connection after a stale keep-alive one

    def request(
        self, method: str, path: str, body: str | None = None, extra: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        reused = self.conn.sock is not None
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed a kept-alive connection (gthread's keepalive timeout) just as this request went
            # out: as a browser does, reconnect and send it once more. A new connection failing is an error.
            self.conn.close()
            if not reused:
                raise
            self.retries += 1
            return self.request(method, path, body, extra)
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, data

    def login(self, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"login page: {status}")
        body = urlencode(
            {"csrfmiddlewaretoken": match.group(1).decode(), "username": USERNAME, "password": password}
        )
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login refused: {status}")


def make_paths(endpoints: dict, cases: list[str], rng: random.Random) -> dict:
    """For each page of the realistic mix that exists, a generator of (method, path, form data or None). The
    live panel is posted with typed values, as the step form's page does."""
    makers = {}
    if endpoints.get("home"):
        makers["home"] = lambda: ("GET", endpoints["home"], None)
    if endpoints.get("worklist"):
        makers["worklist"] = lambda: ("GET", endpoints["worklist"], None)
    if endpoints.get("case list"):
        makers["case list"] = lambda: (
            ("GET", endpoints["case list"] + rng.choice(CASE_LIST_QUERIES), None)
            if rng.random() < 0.75
            else ("POST", endpoints["case list"], {"q": rng.choice(CASE_SEARCHES)})
        )
    if endpoints.get("case page"):
        makers["case page"] = lambda: ("GET", endpoints["case page"].replace(DUMMY, rng.choice(cases)), None)
    if endpoints.get("live panel"):
        makers["live panel"] = lambda: (
            "POST",
            endpoints["live panel"].replace(DUMMY, rng.choice(cases)),
            rng.choice(PANEL_QUERIES),
        )
    return makers


def bare_paths(endpoints: dict) -> dict:
    return {"bare view": lambda: ("GET", endpoints["bare view"], None)}


def run_load(port: int, password: str, makers: dict, clients: int, duration: float, think: float) -> dict:
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    go = threading.Event()
    stop_at = [0.0]

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        client = Client(port)
        try:
            client.login(password)
        except Exception as exc:  # reported, never raised out of the thread
            with lock:
                errors["login"].append(str(exc))
        ready.wait()
        go.wait()
        names = list(makers)
        while time.monotonic() < stop_at[0]:
            name = rng.choice(names)
            method, path, form = makers[name]()
            body = None
            if form is not None:
                body = urlencode({**form, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})
            started = time.perf_counter()
            try:
                searching = name == "case list" and method == "POST"
                status, _ = client.request(method, path, body, HTMX_SEARCH if searching else None)
            except Exception as exc:
                status, problem = 0, f"{type(exc).__name__}"
            else:
                problem = "" if status == 200 else f"HTTP {status}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results[name].append(elapsed)
                if problem:
                    errors[name].append(f"{problem} {path}")
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)  # a person reading the page before the next click

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()  # every client has logged in: the clock starts now
    stop_at[0] = time.monotonic() + duration
    started = time.monotonic()
    go.set()
    for thread in threads:
        thread.join(timeout=duration + 60)
    return {"results": results, "errors": errors, "elapsed": time.monotonic() - started}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _merge(outcomes: list[dict]) -> dict:
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for outcome in outcomes:
        for name, values in outcome["results"].items():
            results[name].extend(values)
        for name, problems in outcome["errors"].items():
            errors[name].extend(problems)
    return {"results": results, "errors": errors}


def _throughput(outcome: dict) -> float:
    return sum(len(v) for v in outcome["results"].values()) / max(outcome["elapsed"], 1e-9)


def report(phases: dict[str, list[dict]], skipped: list[str], args: argparse.Namespace) -> bool:
    bare, mix = _merge(phases["bare"]), _merge(phases["mix"])
    bare_rate = statistics.median(_throughput(o) for o in phases["bare"])
    mix_rate = statistics.median(_throughput(o) for o in phases["mix"])
    print(
        f"\n{args.clients} clients (think time {args.think_ms:.0f} ms), gunicorn {args.workers} workers, "
        f"{args.rounds} rounds of {args.duration:.0f} s per phase, cache: {args.cache_url or 'none'}, "
        f"load average before: {args.load_before}"
    )
    print(
        f"throughput, median of the rounds: bare view {bare_rate:.0f}/s, realistic mix {mix_rate:.0f}/s, "
        f"ratio {mix_rate / max(bare_rate, 1e-9):.2f} (target >= 0.35)"
    )
    print(
        f"{'endpoint':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'p50/bare':>8}"
    )
    bare_p50 = statistics.median(bare["results"]["bare view"]) if bare["results"].get("bare view") else None
    ok = bool(mix["results"]) and not mix["errors"].get("login") and not bare["errors"]
    for name, values in [*sorted(mix["results"].items()), *bare["results"].items()]:
        p95 = percentile(values, 95)
        ratio = f"{statistics.median(values) / bare_p50:>8.1f}" if bare_p50 else f"{'':>8}"
        problems = (mix if name in mix["results"] else bare)["errors"].get(name, [])
        print(
            f"{name:<12} {len(values):>8} {len(problems):>6} {statistics.median(values):>8.1f} "
            f"{p95:>8.1f} {percentile(values, 99):>8.1f} {max(values):>8.1f} {ratio}"
        )
        ok = ok and not problems and (name == "bare view" or p95 < TARGET_P95_MS)
    for name in skipped:
        print(f"{name:<12} skipped: the view does not exist yet")
    for name, problems in [*mix["errors"].items(), *bare["errors"].items()]:
        print(f"errors on {name}: {len(problems)}, e.g. {problems[:3]}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"targets (zero errors, p95 < {TARGET_P95_MS:.0f} ms): {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=3, help="bare/mix phase pairs, interleaved")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="mean pause between a client's requests (default 0: flat out)",
    )
    parser.add_argument(
        "--database-url", default=None, help="an EMPTY database to fill (default: temp SQLite)"
    )
    parser.add_argument(
        "--cache-url",
        default=DEFAULT_CACHE_URL,
        help="the shared cache, as in production (this run's keys have a prefix of their own and are removed "
        "afterwards; without a Redis there the run goes on without it); '' for none (sessions and permissions "
        "read from the database on every request)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gistcare-load-") as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        args.cache_url = usable_cache(args.cache_url)
        env = environment(database_url, args.cache_url)
        password = secrets.token_urlsafe(16)
        seeded = seed(env, args.cases, password)
        endpoints = seeded["endpoints"]
        skipped = [name for name, path in endpoints.items() if not path and name != "bare view"]
        makers = make_paths(endpoints, seeded["cases"], random.Random(7))
        anchor = bare_paths(endpoints)
        if not makers:
            print("no endpoint to drive yet")
            return 1

        port = free_port()
        cmd = [
            sys.executable, "-m", "gunicorn", "-c", "gistcare/gunicorn_conf.py", "gistcare.wsgi",
            "--bind", f"{HOST}:{port}", "--workers", str(args.workers), "--access-logfile", os.devnull,
            "--error-logfile", str(Path(tmp) / "gunicorn.log"), "--timeout", "60",
        ]  # fmt: skip
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _ = Client(port).request("GET", "/accounts/login/")
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print((Path(tmp) / "gunicorn.log").read_text()[-3000:])
                    return 1
                time.sleep(0.3)
            print(f"gunicorn on {HOST}:{port}; driving {', '.join(makers)} and the bare view")
            args.load_before = f"{os.getloadavg()[0]:.2f}"
            phases: dict[str, list[dict]] = {"bare": [], "mix": []}
            for _ in range(args.rounds):
                for kind, paths in (("bare", anchor), ("mix", makers)):
                    phases[kind].append(
                        run_load(port, password, paths, args.clients, args.duration, args.think_ms / 1000)
                    )
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the gunicorn master started above, and its workers
            server.wait(timeout=30)
            clear_cache(args.cache_url)
        met = report(phases, skipped, args)
        return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
