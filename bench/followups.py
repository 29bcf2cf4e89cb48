"""Benchmark: the follow-up worklist with 20,000 patients and 100,000 items.

Standalone: builds its own temporary SQLite database (or uses BENCH_DATABASE_URL, e.g. a scratch PostgreSQL
database), seeds it with bulk_create, then requests /followups/ through Django's test client and prints the
median server time over ~30 requests per tab and the number of database queries per request.

Anchor: ``/healthz/`` (``gistcare.views.healthz``, a bare view on the same middleware: no template, and no
database beyond what the middleware does for a logged-in request) through the same logged-in client,
alternated with the worklist's requests (anchor, worklist, anchor, worklist, ... ``--repeat`` times per
scenario). Each row gives the worklist's median and p90, the anchor's median in the same loop and the ratio of
the medians; the load average is printed before and after.
Targets (issue 5): median < 150 ms, at most 10 queries whatever the number of rows; issue 16: the worklist
at most 25x the bare view.

    python bench/followups.py [--patients 20000] [--items 100000] [--repeat 30] [--cache-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import CACHE_PREFIX, DEFAULT_CACHE_URL, clear_cache, usable_cache  # noqa: E402  (as the load test)


def configure(db_url: str, cache_url: str = "") -> None:
    os.environ["DATABASE_URL"] = db_url
    # Sessions and permissions in the shared cache, as in production (docs/deploy.md); '' for none.
    os.environ["CACHE_URL"] = cache_url
    os.environ["CACHE_KEY_PREFIX"] = CACHE_PREFIX
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def seed(n_patients: int, n_items: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cases import roles
    from cases.models import Case, EscalationStep, FollowUpItem, Patient, Presentation

    rng = random.Random(42)
    user_model = get_user_model()
    surgeons = [user_model.objects.create(username=f"surgeon{i}", last_name=f"Surgeon{i}") for i in range(12)]
    Group.objects.get(name=roles.SURGEON).user_set.add(*surgeons)
    nurses = [user_model.objects.create(username=f"nurse{i}", email=f"nurse{i}@x.test") for i in range(8)]
    Group.objects.get(name=roles.NURSE).user_set.add(*nurses)

    sites = ["stomach", "stomach", "stomach", "jejunum", "ileum", "duodenum", "rectum", "colon", "egj"]
    risks = ["very_low", "low", "intermediate", "high"]
    patients = [
        Patient(
            mrn=f"B{i:07d}",
            given_name=f"Given{i}",
            family_name=f"Family{i}",
            date_of_birth=timezone.localdate().replace(year=1950 + i % 40),
            phone=f"+44 20 {i:08d}",
        )
        for i in range(n_patients)
    ]
    Patient.objects.bulk_create(patients, batch_size=5000)
    cases = [
        Case(patient=p, owner=rng.choice(surgeons), risk_category=rng.choice(risks), pathway="resection")
        for p in patients
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    Presentation.objects.bulk_create(
        [Presentation(case=c, site=rng.choice(sites), size_cm=5) for c in cases], batch_size=5000
    )
    today = timezone.localdate()
    items = []
    for n in range(n_items):
        due = today + timedelta(days=rng.randint(-730, 3650))
        window = rng.choice((14, 30))
        status = rng.choices(("pending", "done", "cancelled"), (80, 15, 5))[0]
        items.append(
            FollowUpItem(
                case=cases[n % n_patients],
                due_date=due,
                window_days=window,
                window_start=due - timedelta(days=window),
                window_end=due + timedelta(days=window),
                modality=rng.choice(("ct_or_mri", "ct_or_mri", "mri", "eus", "chest_xray")),
                phase="post_adjuvant_mid",
                schedule_key=f"{due.isoformat()}|{n}",
                status=status,
                responsible_nurse=rng.choice([*nurses, None]),
            )
        )
        if len(items) == 10000:
            FollowUpItem.objects.bulk_create(items)
            items = []
    FollowUpItem.objects.bulk_create(items)
    # What the coordinator's home lists: a few cases flagged for the MDT, a few whose signed report no longer matches
    # and a few lost to follow-up (about 1 in 700 each).
    Case.objects.filter(pk__in=[c.pk for c in cases[::700]]).update(needs_mdt_review=True)
    Case.objects.filter(pk__in=[c.pk for c in cases[1::700]]).update(changed_since_signed=True)
    overdue = FollowUpItem.objects.filter(status="pending", due_date__lt=today).order_by("id")
    lost = [EscalationStep(item=item, step="lost", opened_on=today) for item in overdue[: n_patients // 700]]
    EscalationStep.objects.bulk_create(lost)
    # Archived records, as any installation has (about 1 in 1,000 cases and 1 in 2,000 patients, with their items):
    # every list leaves them out (without any, a plan that looked the archived list up once per item went unseen).
    now = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c in cases[2::1000]]).update(archived_at=now)
    Patient.objects.filter(pk__in=[p.pk for p in patients[3::2000]]).update(archived_at=now)
    # As after any bulk load in production (issue 16): the planner's statistics of the filled tables.
    from gistcare import planner_statistics

    planner_statistics.refresh()


ANCHOR_URL = "/healthz/"
TARGET_RATIO = 25.0  # issue 16: worklist and home at most 25x the bare view


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _user_of(role: str):
    """The coordinator (made on first use, so that a reused database has one) or the first surgeon."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases import roles

    if role == "surgeon":
        return get_user_model().objects.get(username="surgeon0")
    user, made = get_user_model().objects.get_or_create(username="coordinator0")
    if made:
        Group.objects.get(name=roles.COORDINATOR).user_set.add(user)
    return user


def measure(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases import kept
    from cases.followups.worklist import WorklistFilters, base_items, tab_counts

    client = Client()
    nurse = get_user_model().objects.get(username="nurse0")
    client.force_login(nurse)
    from cases.followups.services import calendar_token_create

    feed = f"/followups/calendar/{calendar_token_create(user=nurse).token}.ics"
    # Page 500 of "all" as the page's "Next" link reaches it (keyset: after the last row of page 499), and by
    # its number alone (OFFSET: every row before it is counted).
    from cases.followups.views import PAGE_SIZE
    from cases.followups.worklist import Cursor, page_ids, page_rows

    today = timezone.localdate()
    page_499 = page_rows(page_ids(base_items(), "all", today, 498 * PAGE_SIZE, PAGE_SIZE))
    worklist = "/followups/"
    # A case with its 5 follow-up items (100,000 items over 20,000 cases), as the nurse opens it from the list.
    some_case = page_499[0].case_id
    surgeon = str(get_user_model().objects.get(username="surgeon0").pk)
    scenarios = [
        ("overdue", worklist, {"tab": "overdue"}),
        # The same after a write to what the counts read (every kept result renewed before each request: read
        # again from the database, cases/kept.py); without a shared cache every scenario reads it.
        ("overdue, counts renewed", worklist, {"tab": "overdue"}),
        # After a nurse's action (a write to the follow-up items alone: their groups renewed, the surgeons' list kept).
        ("overdue, after an item", worklist, {"tab": "overdue"}),
        ("due", worklist, {"tab": "due"}),
        ("upcoming", worklist, {"tab": "upcoming"}),
        ("all", worklist, {"tab": "all"}),
        (
            "all, page 500 (Next)",
            worklist,
            {"tab": "all", "page": "500", "after": str(Cursor.of(page_499[-1]))},
        ),
        ("all, page 500 by number", worklist, {"tab": "all", "page": "500"}),
        ("overdue, site+risk", worklist, {"tab": "overdue", "site": "stomach", "risk": "high"}),
        ("overdue, surgeon", worklist, {"tab": "overdue", "surgeon": surgeon}),
        ("due, mine", worklist, {"tab": "due", "nurse": "me"}),
        # Issue 16: home and the case page with 100,000 follow-up items (home <= 25x, case page <= 10x the anchor).
        ("home (nurse)", "/", {}),
        # The coordinator's home adds the coming meetings, the flagged, unsigned, lost and changed cases.
        ("home (coordinator)", "/", {}),
        ("home (surgeon)", "/", {}),
        ("case page", f"/cases/{some_case}/", {}),
        ("case page, lists renewed", f"/cases/{some_case}/", {}),
        # The first visit after one kind of write only (cases/kept.py's groups of tables): a nurse's action, an
        # assessment or a case saved renews the follow-up group (the next follow-ups read again); an MDT decision, a
        # meeting or a signed report the MDT group (the discussions and report versions read again).
        ("case page, follow-ups renewed", f"/cases/{some_case}/", {}),
        ("case page, MDT lists renewed", f"/cases/{some_case}/", {}),
        ("case's follow-up page", f"/followups/case/{some_case}/", {}),
        # Built inside their requests (no target; issue 16 asks that no request render a printout or a long export):
        # the nurse's calendar feed (her pending visits and those of no one, from 60 days ago to a year ahead) and
        # the printable list of "All" (its first 2,000 rows).
        ("calendar feed", feed, {}),
        # The first poll after a write to the follow-up items (the kept feed built again).
        ("calendar feed, renewed", feed, {}),
        ("printable list, all", "/followups/print/", {"tab": "all"}),
    ]
    #: The kept results renewed before each request of a scenario (a write to their tables just before).
    renewed = {
        "overdue, counts renewed": kept.GENERATIONS,
        "overdue, after an item": kept.groups_of("cases_followupitem"),
        "case page, lists renewed": kept.GENERATIONS,
        "case page, follow-ups renewed": (kept.FOLLOWUPS,),
        "case page, MDT lists renewed": (kept.MDT,),
        "calendar feed, renewed": (kept.FOLLOWUPS,),
    }
    load_before = load()
    rows = []
    all_anchor: list[float] = []
    clients = {"nurse": client}
    for role in ("coordinator", "surgeon"):
        clients[role] = Client()
        clients[role].force_login(_user_of(role))
    for name, path, params in scenarios:
        client = (
            clients[name.partition("(")[2].rstrip(")")] if name.startswith("home (") else clients["nurse"]
        )
        client.get(path, params)  # warm up
        client.get(ANCHOR_URL)
        times, anchor, cpu, anchor_cpu = [], [], [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(ANCHOR_URL)
            anchor.append((time.perf_counter() - start) * 1000)
            anchor_cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{ANCHOR_URL}: HTTP {response.status_code}")
            for generation in renewed.get(name, ()):
                generation.renew()
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, params)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, params)
        times.sort()
        all_anchor.extend(anchor)
        filters = WorklistFilters(
            surgeon_id=int(params.get("surgeon", 0)) or None,
            site=params.get("site", ""),
            risk=params.get("risk", ""),
        )
        total = (
            tab_counts(filters.apply(base_items()), timezone.localdate())[params["tab"]]
            if "tab" in params
            else 0
        )
        rows.append((name, total, times, anchor, cpu, anchor_cpu, len(ctx.captured_queries)))
    load_after = load()
    with CaptureQueriesContext(connection) as ctx:
        client.get(ANCHOR_URL)
    tables = sorted(
        {m.group(1) for q in ctx.captured_queries for m in re.finditer(r'FROM "(\w+)"', q["sql"])}
    )

    print(f"load average before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
    print(
        f"anchor: GET {ANCHOR_URL} through the same logged-in client, alternated with each request "
        f"({len(ctx.captured_queries)} database quer{'y' if len(ctx.captured_queries) == 1 else 'ies'}: "
        f"{', '.join(tables) or '-'})"
    )
    print(
        f"{'scenario':<26}{'rows in tab':>12}{'median ms':>11}{'p90 ms':>9}{'anchor ms':>11}{'ratio':>8}"
        f"{'CPU ms':>8}{'anchor':>8}{'ratio':>8}{'queries':>9}"
    )
    for name, total, times, anchor, cpu, anchor_cpu, queries in rows:
        median, anchor_median = statistics.median(times), statistics.median(anchor)
        cpu_median, anchor_cpu_median = statistics.median(cpu), statistics.median(anchor_cpu)
        print(
            f"{name:<26}{total:>12}{median:>11.1f}{times[int(len(times) * 0.9) - 1]:>9.1f}"
            f"{anchor_median:>11.2f}{median / anchor_median:>7.1f}x"
            f"{cpu_median:>8.1f}{anchor_cpu_median:>8.2f}{cpu_median / anchor_cpu_median:>7.1f}x{queries:>9}"
        )
    print(f"{'anchor, all loops':<26}{'':>12}{statistics.median(all_anchor):>11.2f}")
    print(
        "ratio: the worklist's median over the anchor's median in the same loop (wall, then CPU time of this "
        "process: the test client runs the server in-process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--cache-url",
        default=DEFAULT_CACHE_URL,
        help="the shared cache, as in production (this run's keys have a prefix of their own and are removed "
        "afterwards; without a Redis there the run goes on without it); '' for none",
    )
    args = parser.parse_args()
    args.cache_url = usable_cache(args.cache_url)
    with tempfile.TemporaryDirectory(prefix="gc-bench-") as tmp:
        configure(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3", args.cache_url)
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        from cases.models import FollowUpItem

        if not FollowUpItem.objects.exists():  # a reused BENCH_DATABASE_URL keeps its data
            seed(args.patients, args.items)
        from django.db import connection

        if connection.vendor == "postgresql":
            # As autovacuum leaves a table some minutes after a bulk load: statistics, and the visibility map that
            # lets the counts read their indexes alone (without it every count visits the table's pages).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"Seeded {args.patients} patients and {args.items} follow-up items on {connection.vendor} "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        print(f"Cache: {args.cache_url or 'none'}")
        try:
            measure(args.repeat)
        finally:
            clear_cache(args.cache_url)
        print(
            f"Targets: median < 150 ms, queries <= 10 whatever the number of rows; "
            f"at most {TARGET_RATIO:.0f}x the bare view (issue 16)."
        )


if __name__ == "__main__":
    main()
