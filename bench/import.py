"""Benchmark: the register import (issue 14): 1,000 rows in under 30 s with a constant number of queries per row;
and (issue 16) no request waits on it: the upload page's POST only records the file for a Celery worker.

Standalone: `python bench/import.py [--rows N] [--runs R] [--broker-url URL]`. Uses a temporary SQLite database (or
BENCH_DATABASE_URL) and a Celery broker (Redis, database 13 at 127.0.0.1:6379 by default; no worker listens: the
request only sends the task, which the bench then applies in its own process as a worker runs it). It builds a
valid CSV of N rows (and one of N/10 rows), imports both with `register_import` (a real run, one transaction) and
prints the time and the number of SQL queries per row for each: the two per-row figures must be equal (a query
count that grows with the file would show up as a difference). Then:
- the upload page's POST of the N-row file as a check (the job recorded, its task sent), R requests alternated with
  the anchor (``/healthz/``, a bare view on the same middleware);
- the job as a worker runs it (`interop.register_import` applied in this process) against its anchor, the same check
  by `register_import` alone, 3 runs each, alternated.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _jobs import ANCHOR_URL, DEFAULT_BROKER_URL, empty_queue, load, use_broker  # noqa: E402

QUEUE = f"gistcare-bench-import-{os.getpid()}"

TARGET_SECONDS = 30.0
SITES = ("stomach", "duodenum", "jejunum", "rectum", "colon", "ileum")


def configure(db_url: str) -> None:
    import followups as bench_followups  # bench/followups.py: production settings a test client can reach

    bench_followups.configure(db_url)


def register(rows: int, prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mrn", "given_name", "family_name", "date_of_birth", "diagnosis_date", "site",
                     "size_cm", "resected", "surgery_date", "approach_used", "margin", "mitoses_per_5mm2",
                     "genotype"])  # fmt: skip
    for i in range(rows):
        site = SITES[i % len(SITES)]
        writer.writerow([f"{prefix}{i:06d}", f"Given{i % 97}", f"Family{i % 101}", f"19{40 + i % 50}-0{1 + i % 9}-15",
                         "2025-06-01", site, f"{1 + i % 14}.{i % 10}", "yes", "2025-07-01", "open", "R0",
                         str(i % 15), "kit_exon_11"])  # fmt: skip
    return out.getvalue().encode()


def run(rows: int, prefix: str, user) -> tuple[float, float, int]:
    from django.db import connection

    from cases.interop.register_import import register_import

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    content = register(rows, prefix)
    with connection.execute_wrapper(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        report = register_import(content=content, filename=f"{prefix}.csv", user=user, dry_run=False)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if report.errors:
        raise SystemExit(f"benchmark file refused: {report.errors[:3]}")
    return elapsed, cpu, queries


def requests_and_job(rows: int, runs: int, user) -> dict[str, float]:
    """The upload's POST against the anchor, and the job as a worker runs it against `register_import` alone."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cases.interop import import_jobs
    from cases.interop.register_import import register_import
    from cases.interop.tasks import interop_register_import
    from cases.models import ImportJob

    content = register(rows, "R")
    client = Client()
    client.force_login(user)
    post, anchor = [], []
    for n in range(runs + 2):  # two to warm up
        start = time.perf_counter()
        if client.get(ANCHOR_URL).status_code != 200:
            raise SystemExit(f"{ANCHOR_URL} did not answer 200")
        anchor_ms = (time.perf_counter() - start) * 1000
        upload = SimpleUploadedFile("register.csv", content, "text/csv")
        start = time.perf_counter()
        response = client.post("/cases/import/register/", {"register": upload, "dry_run": "on"})
        post_ms = (time.perf_counter() - start) * 1000
        if response.status_code != 302:
            raise SystemExit(f"the upload answered {response.status_code}")
        if n >= 2:
            post.append(post_ms)
            anchor.append(anchor_ms)
    if ImportJob.objects.exclude(status="queued").exists():
        raise SystemExit("a job ran inside the request: no broker?")
    ImportJob.objects.all().delete()
    job_seconds, alone_seconds = [], []
    for _ in range(3):
        job = import_jobs.import_request(
            user=user, content=content, filename="register.csv", dry_run=True, language="en"
        )
        start = time.perf_counter()
        if not interop_register_import.apply(args=(str(job.id),)).successful():
            raise SystemExit(f"the job failed: {job.id}")
        job_seconds.append(time.perf_counter() - start)
        job.refresh_from_db()
        if len(job.result["created"]) != rows:
            raise SystemExit(f"the job's check did not pass: {job.result.get('errors', [])[:3]}")
        start = time.perf_counter()
        register_import(content=content, filename="register.csv", user=user, dry_run=True)
        alone_seconds.append(time.perf_counter() - start)
    return {
        "post": statistics.median(post),
        "anchor": statistics.median(anchor),
        "job": statistics.median(job_seconds),
        "alone": statistics.median(alone_seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    args = parser.parse_args()
    use_broker(args.broker_url, QUEUE, "bench/import.py")
    with tempfile.TemporaryDirectory() as tmp:
        configure(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command

        from cases import roles

        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user("bench-admin")
        user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        small = max(args.rows // 10, 1)
        load_before = load()
        small_time, small_cpu, small_queries = run(small, "S", user)
        big_time, big_cpu, big_queries = run(args.rows, "B", user)
        try:
            timed = requests_and_job(args.rows, args.runs, user)
        finally:
            empty_queue(args.broker_url, QUEUE)
        load_after = load()
    for n, wall, cpu, queries in (
        (small, small_time, small_cpu, small_queries),
        (args.rows, big_time, big_cpu, big_queries),
    ):
        print(
            f"{n:>6} rows: {wall:6.2f} s wall, {cpu:6.2f} s CPU, {queries} queries ({queries / n:.2f} per row)"
        )
    # Queries per row: the extra queries of the big file over the small one, divided by the extra rows.
    per_row = (big_queries - small_queries) / (args.rows - small) if args.rows > small else 0.0
    print(
        f"marginal queries per row: {per_row:.2f}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"target: {args.rows} rows under {TARGET_SECONDS:.0f} s -> {'OK' if big_time < TARGET_SECONDS else 'MISSED'}"
    )
    print(
        f"the upload's POST of {args.rows} rows (the job recorded, its task sent): {timed['post']:.1f} ms, anchor "
        f"GET {ANCHOR_URL} {timed['anchor']:.2f} ms, {timed['post'] / timed['anchor']:.1f}x (median of {args.runs}, "
        "alternated)"
    )
    print(
        f"the check of {args.rows} rows as a worker runs it: {timed['job']:.2f} s, anchor register_import alone "
        f"{timed['alone']:.2f} s, {timed['job'] / timed['alone']:.2f}x (median of 3, alternated)"
    )
    print(f"load average before {load_before}, after {load_after}")


if __name__ == "__main__":
    main()
