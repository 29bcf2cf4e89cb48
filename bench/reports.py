"""Benchmark of the MDT report: one report PDF, and a 20-case meeting printout.

Usage: ``.venv/bin/python bench/reports.py [--single N] [--printout N]`` (defaults 20 and 3 runs).
Sets Django up on a throw-away SQLite database, creates 20 assessed cases on one meeting's agenda, then times
``render_report_pdf`` for one case (median of N runs, after one warm-up) and ``render_printout_pdf`` for the
whole agenda (median of N runs). Database reads are excluded: the report sources are built once.
Targets on the reference machine: one report under 300 ms median, the 20-case printout under 6 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SINGLE_MS = 300
TARGET_PRINTOUT_S = 6.0
SITES = (
    ("stomach", "greater_curvature"),
    ("stomach", "antrum"),
    ("jejunum", ""),
    ("duodenum", ""),
    ("rectum", ""),
)


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_agenda(n: int):
    from django.contrib.auth.models import Group, Permission, User

    from cases import roles
    from cases.mdt.services import agenda_add, meeting_create
    from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation
    from cases.records.assessment import case_assess

    coordinator = User.objects.create_user("bench-coordinator", first_name="Cora", last_name="Ordinator")
    coordinator.groups.add(Group.objects.get(name=roles.COORDINATOR))
    surgeon = User.objects.create_user("bench-surgeon", first_name="Sue", last_name="Surgeon")
    surgeon.groups.add(Group.objects.get(name=roles.SURGEON))
    surgeon.user_permissions.add(Permission.objects.get(codename=roles.CHAIR_PERMISSION))
    coordinator = User.objects.get(pk=coordinator.pk)
    meeting = meeting_create(
        user=coordinator, date=date(2026, 3, 2), title="Benchmark MDT", attendees="Dr A\nDr B"
    )
    for i in range(n):
        site, location = SITES[i % len(SITES)]
        patient = Patient.objects.create(
            mrn=f"BENCH{i:04d}",
            given_name=f"Given{i}",
            family_name=f"Family{i}",
            date_of_birth=date(1950, 1, 1) + timedelta(days=97 * i),
            sex="female" if i % 2 else "male",
        )
        case = Case.objects.create(patient=patient, owner=surgeon, diagnosis_date=date(2025, 11, 1))
        Presentation.objects.create(
            case=case, site=site, gastric_location=location, size_cm=Decimal("3.0") + Decimal(i % 9)
        )
        Diagnostics.objects.create(case=case, histology_confirmed=True, cd117="positive", dog1="positive")
        if i % 4:  # three in four resected, with pathology: full schedules
            Operation.objects.create(
                case=case,
                surgery_date=date(2026, 1, 15),
                approach_used="open",
                margin="R0",
                rupture=(i % 7 == 0),
            )
            Pathology.objects.create(case=case, mitoses_per_5mm2=(i * 3) % 14, genotype="kit_exon_11")
        case_assess(case=Case.objects.with_sections().get(pk=case.pk), user=surgeon)
        agenda_add(meeting=meeting, case=case, user=coordinator)
    return meeting


def timed(fn, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run: on a shared machine the two differ, and both are reported."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=20, help="runs of the single report (default 20)")
    parser.add_argument("--printout", type=int, default=3, help="runs of the 20-case printout (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from cases.mdt.reports import draft_source, render_printout_pdf, render_report_pdf
        from cases.models import Case

        meeting = make_agenda(20)
        items = list(meeting.items.select_related("case").order_by("order"))
        sources = []
        for item in items:
            case = Case.objects.with_sections().get(pk=item.case_id)
            sources.append((item, draft_source(case, case.assessments.latest())))
        # The single report: the contract-like resected gastric case with the full 31-visit schedule.
        single = next(source for _, source in sources if len(source.result["surveillance"]) >= 30)

        render_report_pdf(single)  # warm-up: fonts, stylesheet, template loading
        single_times, single_cpu = timed(lambda: render_report_pdf(single), args.single)
        printout_pages = []
        printout_times, printout_cpu = timed(
            lambda: printout_pages.append(len(render_printout_pdf(meeting, sources))), args.printout
        )

    single_ms = statistics.median(single_times) * 1000
    single_cpu_ms = statistics.median(single_cpu) * 1000
    printout_s = statistics.median(printout_times)
    printout_cpu_s = statistics.median(printout_cpu)
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"single report PDF ({len(single.result['surveillance'])} visits): median {single_ms:.0f} ms wall, "
        f"{single_cpu_ms:.0f} ms CPU over {args.single} runs (wall min {min(single_times) * 1000:.0f}, "
        f"max {max(single_times) * 1000:.0f}); target < {TARGET_SINGLE_MS} ms: "
        f"{'OK' if single_ms < TARGET_SINGLE_MS else 'MISSED'}"
    )
    print(
        f"20-case printout PDF ({printout_pages[-1] / 1024:.0f} KiB): median {printout_s:.2f} s wall, "
        f"{printout_cpu_s:.2f} s CPU over {args.printout} runs (wall min {min(printout_times):.2f}, "
        f"max {max(printout_times):.2f}); target < {TARGET_PRINTOUT_S:.0f} s: "
        f"{'OK' if printout_s < TARGET_PRINTOUT_S else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
