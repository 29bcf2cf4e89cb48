"""Benchmark: the register import (issue 14): 1,000 rows in under 30 s with a constant number of queries per row.

Standalone: `python bench/import.py [--rows N]`. Uses a temporary SQLite database (or BENCH_DATABASE_URL),
builds a valid CSV of N rows (and one of N/10 rows), imports both with `register_import` (a real run, one
transaction) and prints the time and the number of SQL queries per row for each: the two per-row figures must
be equal (a query count that grows with the file would show up as a difference).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 30.0
SITES = ("stomach", "duodenum", "jejunum", "rectum", "colon", "ileum")


def configure(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
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
        small_time, small_cpu, small_queries = run(small, "S", user)
        big_time, big_cpu, big_queries = run(args.rows, "B", user)
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


if __name__ == "__main__":
    main()
