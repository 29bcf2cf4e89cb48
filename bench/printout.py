"""Benchmark of the meeting printout on Celery: a 20-case printout with 1 and with 2 worker processes.

Usage: ``.venv/bin/python bench/printout.py [--cases 20] [--rounds 3] [--redis redis://127.0.0.1:6379/15]``

Builds a throw-away SQLite database with N draft cases on one meeting's agenda (tests/factories.py), then
in each round, in alternating order, times three ways of making the same printout:

- ``in-request``: the old way, ``render_printout_pdf`` in this process (the anchor the issue measured);
- ``1 worker``: a ``celery -A gistcare worker --concurrency=1`` process, from the job's dispatch until it is ready;
- ``2 workers``: the same with ``--concurrency=2`` (two pool processes render the drafts in parallel).

The worker is started, and answers a ping, before its timing starts; it is stopped after. Prints each median
and the ratios to the 1-worker time, and the machine's load average before and after (2 cores, shared: the
2-worker figure cannot beat what the other work on the machine leaves free).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def setup_django(db: Path) -> None:
    os.environ.update(DATABASE_URL=f"sqlite:///{db}", DEBUG="1", DJANGO_SETTINGS_MODULE="gistcare.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_agenda(n: int):
    from cases.mdt.services import agenda_add
    from tests.factories import CoordinatorFactory, contract_example_case, meeting_with_case

    coordinator = CoordinatorFactory(username="bench-coordinator")
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case(mrn="BENCH0000"))
    for i in range(1, n):
        agenda_add(meeting=meeting, case=contract_example_case(mrn=f"BENCH{i:04d}"), user=coordinator)
    return meeting, coordinator


def start_worker(concurrency: int, queue: str, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "gistcare", "worker", "--loglevel=WARNING", "--pool=prefork",
            f"--concurrency={concurrency}", "-Q", queue, "-n", f"{queue}-{concurrency}@%h", "--without-gossip",
            "--without-mingle", "--without-heartbeat",
        ],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def wait_ready(app, name: str, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with status {worker.returncode}")
        if app.control.ping(destination=[name], timeout=1.0):
            return
    raise SystemExit(f"the worker {name} did not answer a ping in {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--redis", default=os.environ.get("GISTCARE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()

    queue = f"gistcare-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(CELERY_BROKER_URL=args.redis, CELERY_QUEUE=queue, LOG_LEVEL="WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        setup_django(db)
        from cases.mdt import printout
        from cases.mdt.reports import draft_source, render_printout_pdf
        from cases.mdt.tasks import printout_dispatch
        from cases.models import Case, PrintoutJob
        from cases.records.assessment import case_assessment_preview
        from gistcare.celery import app

        print(f"building {args.cases} cases on one agenda ...", flush=True)
        meeting, user = make_agenda(args.cases)
        env = dict(os.environ)
        log = Path(tmp) / "worker.log"

        def in_request() -> float:
            start = time.perf_counter()
            sources = []
            for item in meeting.items.order_by("order"):
                case = Case.objects.with_sections().get(pk=item.case_id)
                sources.append((item, draft_source(case, case_assessment_preview(case=case))))
            render_printout_pdf(meeting, sources)
            return time.perf_counter() - start

        def on_workers(concurrency: int) -> float:
            worker = start_worker(concurrency, queue, env, log)
            try:
                wait_ready(app, f"{queue}-{concurrency}@{os.uname().nodename}", worker)
                PrintoutJob.objects.all().delete()
                start = time.perf_counter()
                job, _ = printout.printout_request(meeting=meeting, user=user)
                printout_dispatch(job)
                while True:
                    status = PrintoutJob.objects.values_list("status", flat=True).get(pk=job.pk)
                    if status in {"ready", "failed"}:
                        break
                    if time.perf_counter() - start > 600:
                        raise SystemExit("the printout did not finish in 600 s")
                    time.sleep(0.05)
                elapsed = time.perf_counter() - start
                if status != "ready":
                    raise SystemExit(f"the printout failed: {PrintoutJob.objects.get(pk=job.pk).error}")
                return elapsed
            finally:
                stop_worker(worker)

        ways = {
            "in-request": in_request,
            "1 worker": lambda: on_workers(1),
            "2 workers": lambda: on_workers(2),
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        load_before = loadavg()
        print(f"load average before: {load_before}", flush=True)
        for round_no in range(args.rounds):
            order = list(ways) if round_no % 2 == 0 else list(reversed(ways))
            for name in order:
                times[name].append(ways[name]())
                print(f"  round {round_no + 1}: {name}: {times[name][-1]:.2f} s", flush=True)
        load_after = loadavg()
        pages = PrintoutJob.objects.values_list("pages", flat=True).first()

    medians = {name: statistics.median(values) for name, values in times.items()}
    anchor = medians["1 worker"]
    print(f"\n{args.cases}-case printout ({pages} pages), median of {args.rounds} interleaved rounds:")
    for name, value in medians.items():
        print(f"  {name:11s} {value:6.2f} s   ratio to 1 worker {value / anchor:.2f}")
    print(f"load average before {load_before}; after {load_after} (2 cores)")
    print(f"(the machine: {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
