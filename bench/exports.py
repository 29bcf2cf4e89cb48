"""Benchmark: the worklist's CSV export, asked for by a request and written by a background job (issue 16).

Standalone: `python bench/exports.py [--patients 4000] [--items 20000] [--runs 15] [--broker-url URL]`. Builds a
throw-away SQLite database with bench/followups.py's data (patients, cases, tumours and follow-up visits, in bulk),
with production settings and a Celery broker (Redis, database 13 at 127.0.0.1:6379 by default; no worker listens:
the tasks sent are removed from the queue at the end). Measured through Django's test client, logged in as a nurse:

- asking for the export of the "All" tab (POST /followups/export/?tab=all): what the request costs now that a
  worker writes the file; R requests, each alternated with the anchor (``/healthz/``, a bare view on the same
  middleware), median and ratio;
- the job itself, as a worker runs it (`followups.export_csv` applied in this process): its rows, its time and
  its rows a second, for "All" and for "Overdue";
- the status page a user polls every second while it runs (R requests, alternated with the anchor).

Before 7 Dec the same file was written inside the GET request: 19,971 rows in 5.6-8.5 s on this kind of machine
(docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _jobs import ANCHOR_URL, DEFAULT_BROKER_URL, alternated, empty_queue, load, use_broker  # noqa: E402

QUEUE = "gistcare-bench-exports"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=4000)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    args = parser.parse_args()
    use_broker(args.broker_url, QUEUE, "bench/exports.py")
    import followups as bench_followups  # bench/followups.py: settings and data

    with tempfile.TemporaryDirectory(prefix="gc-bench-") as tmp:
        bench_followups.configure(f"sqlite:///{tmp}/bench.sqlite3")
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from cases.followups.tasks import followups_export_csv
        from cases.models import ExportJob

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise SystemExit("no broker configured: the request would write the file itself")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        bench_followups.seed(args.patients, args.items)
        print(
            f"Seeded {args.patients} patients and {args.items} follow-up items in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(get_user_model().objects.get(username="nurse0"))
        load_before = load()
        for _ in range(3):  # warm up
            client.post("/followups/export/?tab=all")
            client.get(ANCHOR_URL)
        ask, ask_anchor = alternated(client, "post", "/followups/export/?tab=all", args.runs)
        job = ExportJob.objects.order_by("-requested_at").first()
        status, status_anchor = alternated(client, "get", f"/followups/export/{job.id}/", args.runs)
        written = []
        for tab in ("all", "overdue"):
            client.post(f"/followups/export/?tab={tab}")
            job = ExportJob.objects.order_by("-requested_at").first()
            start, start_cpu = time.perf_counter(), time.process_time()
            if not followups_export_csv.apply(args=(str(job.id),)).successful():
                raise SystemExit(f"the export of {tab!r} failed: {job.id}")
            seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            job.refresh_from_db()
            written.append((tab, job.done, seconds, cpu, len(job.content)))
        load_after = load()
        empty_queue(args.broker_url, QUEUE)
        print(f"load average before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
        print(f"anchor: GET {ANCHOR_URL} through the same logged-in client, alternated with each request")
        print(
            f"asking for the export of 'All' (POST, the task sent): {ask:.1f} ms, anchor {ask_anchor:.2f} ms, "
            f"{ask / ask_anchor:.1f}x"
        )
        print(
            f"the status page (polled every second): {status:.1f} ms, anchor {status_anchor:.2f} ms, "
            f"{status / status_anchor:.1f}x"
        )
        for tab, rows, seconds, cpu, size in written:
            print(
                f"the worker writing '{tab}': {rows} rows in {seconds:.2f} s (CPU {cpu:.2f} s), "
                f"{rows / seconds:.0f} rows/s, {size / 1e6:.1f} MB"
            )


if __name__ == "__main__":
    main()
