"""Benchmark: the MDT meeting page with 10, 20 and 40 cases on its agenda, as the chair and as the coordinator.

Standalone: `python bench/mdt.py [--runs R]`. Builds a throw-away SQLite database (bench/timeline.py's settings),
puts assessed draft cases on one meeting's agenda (tests/factories.py, as bench/printout.py), then requests the meeting
page through Django's test client, with 10 cases, 20, then 40. The chair (who may sign) sees a "Record the
decision" disclosure under every case not yet signed (until 7 Dec, the form itself); the coordinator sees the agenda
with its order and removal buttons.
Also timed: one case's decision form as the meeting page fetches it when the chair opens it (htmx) and as its own
page (without JavaScript; since 7 Dec the meeting page draws no decision form until asked), the sign page of one
case (the chair's password form) and the meetings' list (the new meeting form).

Anchor: ``/healthz/`` (a bare view on the same middleware) through the same logged-in client, alternated with each
request (anchor, page, anchor, page, ... R times). Each row gives the page's median and p90, the anchor's median in
the same loop and the ratio of the medians, wall time and CPU time of this process (the test client runs the server
in-process); the load average is printed before and after. Issue 16: every page near the framework's floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timeline import setup_django  # noqa: E402  (the same production-like settings on a throw-away SQLite file)

ANCHOR_URL = "/healthz/"
HTMX = {"HX-Request": "true"}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def add_cases(meeting, coordinator, start: int, stop: int) -> None:
    from cases.mdt.services import agenda_add
    from tests.factories import contract_example_case

    for i in range(start, stop):
        agenda_add(meeting=meeting, case=contract_example_case(mrn=f"BENCH{i:04d}"), user=coordinator)


def timed(
    client, path: str, runs: int, headers: dict | None = None
) -> tuple[list[float], list[float], list[float], list[float]]:
    headers = headers or {}
    for _ in range(3):  # warm up
        client.get(path, headers=headers)
        client.get(ANCHOR_URL)
    page, page_cpu, anchor, anchor_cpu = [], [], [], []
    for _ in range(runs):
        for url, wall, cpu in ((ANCHOR_URL, anchor, anchor_cpu), (path, page, page_cpu)):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers if url == path else {})
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
    return page, page_cpu, anchor, anchor_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gc-bench-") as tmp:
        setup_django(f"{tmp}/bench.sqlite3")
        from django.contrib.auth.models import Permission
        from django.test import Client

        from cases.models import AgendaItem
        from tests.factories import (
            CoordinatorFactory,
            SurgeonFactory,
            contract_example_case,
            meeting_with_case,
        )

        t0 = time.perf_counter()
        coordinator = CoordinatorFactory(username="bench-coordinator")
        chair = SurgeonFactory(username="bench-chair")
        chair.user_permissions.add(Permission.objects.get(codename="sign_report"))
        meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case(mrn="BENCH0000"))
        clients = {}
        for role, user in (("chair", chair), ("coordinator", coordinator)):
            clients[role] = Client()
            clients[role].force_login(user)
        rows = []
        load_before = load()
        built = 1
        for cases in (10, 20, 40):
            add_cases(meeting, coordinator, built, cases)
            built = cases
            for role in ("chair", "coordinator"):
                rows.append(
                    (
                        f"meeting, {cases} cases, {role}",
                        *timed(clients[role], f"/mdt/{meeting.pk}/", args.runs),
                    )
                )
        item = AgendaItem.objects.filter(meeting=meeting).order_by("order").first()
        decision = f"/mdt/{meeting.pk}/items/{item.pk}/decision/"
        rows.append(("decision form (htmx), chair", *timed(clients["chair"], decision, args.runs, HTMX)))
        rows.append(("decision page (no JS), chair", *timed(clients["chair"], decision, args.runs)))
        rows.append(
            (
                "sign page, chair",
                *timed(clients["chair"], f"/mdt/{meeting.pk}/items/{item.pk}/sign/", args.runs),
            )
        )
        rows.append(("meetings' list, coordinator", *timed(clients["coordinator"], "/mdt/", args.runs)))
        load_after = load()
        print(f"Built {built} assessed cases on one agenda in {time.perf_counter() - t0:.1f} s")
        print(f"load average before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
        print(f"anchor: GET {ANCHOR_URL} through the same logged-in client, alternated with each request")
        print(
            f"{'scenario':<32}{'median ms':>10}{'p90 ms':>9}{'anchor ms':>11}{'ratio':>8}"
            f"{'CPU ms':>8}{'anchor':>8}{'ratio':>8}"
        )
        for name, page, page_cpu, anchor, anchor_cpu in rows:
            median, anchor_median = statistics.median(page), statistics.median(anchor)
            cpu, cpu_anchor = statistics.median(page_cpu), statistics.median(anchor_cpu)
            print(
                f"{name:<32}{median:>10.1f}{sorted(page)[int(len(page) * 0.9) - 1]:>9.1f}{anchor_median:>11.2f}"
                f"{median / anchor_median:>7.1f}x{cpu:>8.1f}{cpu_anchor:>8.2f}{cpu / cpu_anchor:>7.1f}x"
            )


if __name__ == "__main__":
    main()
