"""Benchmark: server time of each wizard step (GET and POST), the live panel and the case list, each against
a bare Django view on the same middleware.

Standalone: `python bench/wizard.py [--patients N] [--runs R]`. Uses a temporary SQLite database (or
BENCH_DATABASE_URL), fills it with N patients (default 10,000) each with a case through bulk_create, then times
requests through Django's test client (no network; the figure is the time Django spends on the request).

Anchor: ``/healthz/`` (``gistcare.views.healthz``: no database, no session, no template) requested through the
same logged-in client, alternated with the endpoint's requests (anchor, endpoint, anchor, endpoint, ... R
times), so both see the same machine load. For each endpoint the table gives the median, the p95, the
anchor's median in the same loop and the ratio of the medians; the load average is printed before and after.
Target (issue 3): the live panel answers in under 50 ms median.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PANEL_MS = 50.0


def configure(db_url: str) -> None:
    # Production-like settings (DEBUG off: no query log), minus HTTPS redirects for the in-process client.
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's "testserver" host


def populate(patients: int) -> object:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cases import roles
    from cases.models import Case, Pathology, Patient, Presentation

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench-surgeon")  # force_login: no password
    user.groups.add(Group.objects.get(name=roles.SURGEON))

    sites = ("stomach", "duodenum", "jejunum", "rectum", "colon", "egj", "ileum", "omentum")
    started = time.perf_counter()
    people = [
        Patient(
            mrn=f"B{i:07d}",
            given_name=f"Given{i % 977}",
            family_name=f"Family{i % 1009}",
            date_of_birth=date(1940, 1, 1) + timedelta(days=i % 18000),
        )
        for i in range(patients)
    ]
    Patient.objects.bulk_create(people, batch_size=2000)
    cases = [
        Case(patient=p, owner=user, diagnosis_date=date(2025, 1, 1), status="assessed", risk_category="low")
        for p in people
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    Presentation.objects.bulk_create(
        [
            Presentation(case=c, site=sites[i % len(sites)], size_cm=Decimal(str(1 + i % 14)))
            for i, c in enumerate(cases)
        ],
        batch_size=2000,
    )
    Pathology.objects.bulk_create(
        [Pathology(case=c, mitoses_per_5mm2=i % 15) for i, c in enumerate(cases) if i % 2], batch_size=2000
    )
    print(f"populated {patients} patients with cases in {time.perf_counter() - started:.1f} s")
    return user


ANCHOR_URL = "/healthz/"


def timed(
    client, method: str, url: str, data: dict | None, runs: int, expect: tuple[int, ...]
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Milliseconds (wall) of each request to ``url`` and to the anchor, alternated (anchor first), then the
    same in CPU time of this process (the test client runs the server in-process: on a loaded machine the wall
    time includes waiting for a CPU, the CPU time does not)."""
    call = getattr(client, method)
    for _ in range(3):  # warm-up: first-use imports and template compilation are not what we measure
        call(url, data or {})
        client.get(ANCHOR_URL)
    samples, anchor, cpu, anchor_cpu = [], [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(ANCHOR_URL)
        anchor.append((time.perf_counter() - t0) * 1000)
        anchor_cpu.append((time.process_time() - c0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {ANCHOR_URL} answered {response.status_code}")
        t0, c0 = time.perf_counter(), time.process_time()
        response = call(url, data or {})
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if response.status_code not in expect:
            raise SystemExit(f"{method.upper()} {url} answered {response.status_code}")
    return samples, anchor, cpu, anchor_cpu


def query_summary(queries: list[dict]) -> str:
    """ "1 database query: django_session": how many queries and the tables they read."""
    tables = sorted({m.group(1) for q in queries for m in re.finditer(r'FROM "(\w+)"', q["sql"])})
    return f"{len(queries)} database quer{'y' if len(queries) == 1 else 'ies'}: {', '.join(tables) or '-'}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        configure(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3")
        from django.test import Client
        from django.urls import reverse

        from cases.records.services import case_create

        user = populate(args.patients)
        client = Client()
        client.force_login(user)
        case = case_create(mrn="BENCH-1", given_name="Bench", family_name="Case", date_of_birth=date(1960, 1, 1),
                           diagnosis_date=date(2025, 11, 1), user=user)  # fmt: skip

        def step(name: str) -> str:
            return reverse("records:step", args=[case.pk, name])

        posts = {
            "patient": {"mrn": "BENCH-1", "given_name": "Bench", "family_name": "Case", "date_of_birth": "1960-01-01",
                        "sex": "female", "preferred_contact": "phone", "diagnosis_date": "2025-11-01",
                        "ruleset": "esmo-2022", "action": "save"},
            "presentation": {"presentation": "localized", "site": "stomach", "gastric_location": "antrum",
                             "size_cm": "6.5", "boundary_clear": "on", "r0_feasible": "on",
                             "histology_confirmed": "on", "action": "save"},
            "operation": {"resected": "on", "surgery_date": "2026-01-15", "approach_used": "open", "margin": "R0",
                          "action": "save"},
            "pathology": {"mitoses_per_5mm2": "8", "genotype": "kit_exon_11", "action": "save"},
        }  # fmt: skip
        figures: list[tuple[str, tuple[list[float], ...]]] = []
        load_before = load()
        for name in ("patient", "presentation", "operation", "pathology"):
            figures.append(
                (f"POST step/{name}", timed(client, "post", step(name), posts[name], args.runs, (302,)))
            )
        for name in ("patient", "presentation", "decision", "operation", "pathology", "review"):
            figures.append((f"GET  step/{name}", timed(client, "get", step(name), None, args.runs, (200,))))
        panel = reverse("records:panel", args=[case.pk])
        typed = {"_step": "pathology", "mitoses_per_5mm2": "8", "genotype": "kit_exon_11"}
        figures.append(("POST panel (pathology)", timed(client, "post", panel, typed, args.runs * 3, (200,))))
        typed = {"_step": "presentation", **posts["presentation"]}
        figures.append(
            ("POST panel (presentation)", timed(client, "post", panel, typed, args.runs * 3, (200,)))
        )
        figures.append(("POST fragment branch-site", timed(
            client, "post", step("presentation") + "?fragment=branch-site", posts["presentation"], args.runs, (200,)
        )))  # fmt: skip
        figures.append(
            ("GET  case list", timed(client, "get", reverse("records:list"), None, args.runs, (200,)))
        )
        # The search is posted (identifiers stay out of URLs) and kept in the session; the list then applies it.
        client.post(reverse("records:list"), {"q": "family12"})
        figures.append(("GET  case list, name search", timed(
            client, "get", reverse("records:list"), None, args.runs, (200,)
        )))  # fmt: skip
        client.post(reverse("records:list"), {"q": "B0004242"})
        figures.append(("GET  case list, MRN search", timed(
            client, "get", reverse("records:list"), None, args.runs, (200,)
        )))  # fmt: skip
        figures.append(("GET  case page", timed(
            client, "get", reverse("records:case", args=[case.pk]), None, args.runs, (200,)
        )))  # fmt: skip

        load_after = load()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as anchor_queries:
            client.get(ANCHOR_URL)

        print(f"load average before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
        print(
            f"anchor: GET {ANCHOR_URL} through the same logged-in client, alternated with each endpoint "
            f"({query_summary(anchor_queries.captured_queries)})"
        )
        print(
            f"{'endpoint':32} {'median ms':>10} {'p95 ms':>8} {'anchor ms':>10} {'ratio':>7}"
            f" {'CPU ms':>7} {'anchor':>7} {'ratio':>7} {'runs':>5}"
        )
        all_anchor: list[float] = []
        all_anchor_cpu: list[float] = []
        for label, (samples, anchor, cpu, anchor_cpu) in figures:
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            median, anchor_median = statistics.median(samples), statistics.median(anchor)
            all_anchor.extend(anchor)
            all_anchor_cpu.extend(anchor_cpu)
            cpu_median, anchor_cpu_median = statistics.median(cpu), statistics.median(anchor_cpu)
            print(
                f"{label:32} {median:10.1f} {p95:8.1f} {anchor_median:10.2f} {median / anchor_median:6.1f}x"
                f" {cpu_median:7.1f} {anchor_cpu_median:7.2f} {cpu_median / anchor_cpu_median:6.1f}x {len(samples):5d}"
            )
        print(
            f"{'anchor, all loops':32} {statistics.median(all_anchor):10.2f} {'':8} {'':10} {'':7}"
            f" {'':7} {statistics.median(all_anchor_cpu):7.2f} {'':7} {len(all_anchor):5d}"
        )
        print("ratio: the endpoint's median over the anchor's median in the same loop (wall, then CPU time)")
        panel_median = statistics.median(dict(figures)["POST panel (pathology)"][0])
        verdict = "meets" if panel_median < TARGET_PANEL_MS else "MISSES"
        print(f"live panel median {panel_median:.1f} ms {verdict} the {TARGET_PANEL_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
