"""Benchmark: every case checked against the current rules, and cases re-assessed, as background jobs (issue 16:
re-assessment of many cases runs as a Celery task).

Standalone: `python bench/rule_review.py [--cases 2000] [--reassess 60] [--runs 15] [--broker-url URL]`. Builds a
throw-away SQLite database with production settings and a Celery broker (Redis, database 13 at 127.0.0.1:6379 by
default; no worker listens: the tasks sent are removed from the queue at the end). Each case has a tumour (site,
size and mitotic count drawn at random) and a stored assessment, all made "with an older rule-set version"; one
in ten answered differently then. Measured, logged in as a surgeon:

- asking for a check (POST /cases/rules/check/: the task sent), R requests alternated with the anchor
  (``/healthz/``, a bare view on the same middleware);
- a finished check's page (one case in ten listed, with their boxes), R requests alternated with the anchor;
- the check itself, as a worker runs it (`records.rule_check` applied in this process), against its anchor: the
  engine alone on the same stored facts (each case's latest snapshot read back into facts and assessed, no
  database), three runs of each, alternated;
- re-assessing cases as a job (`records.reassess`), against its anchor: the same cases re-assessed one request
  each through the case page's button (POST /cases/<id>/reassess/), the same work; three rounds, alternated,
  per case.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _jobs import ANCHOR_URL, DEFAULT_BROKER_URL, alternated, empty_queue, load, use_broker  # noqa: E402

QUEUE = "gistcare-bench-rule-review"
OLDER = "2022.1+bench"


def seed(count: int):
    """`count` cases, each with a tumour and a stored assessment; the surgeon who may re-assess them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases import roles
    from cases.models import Case, Pathology, Patient, Presentation
    from cases.records.assessment import case_assess

    rng = random.Random(16)
    surgeon = get_user_model().objects.create(username="surgeon0", last_name="Surgeon")
    Group.objects.get(name=roles.SURGEON).user_set.add(surgeon)
    patients = Patient.objects.bulk_create(
        Patient(
            mrn=f"R{n:07d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            date_of_birth=date(1950 + n % 40, 1, 1),
        )
        for n in range(count)
    )
    cases = Case.objects.bulk_create(Case(patient=patient, owner=surgeon) for patient in patients)
    sites = ("stomach", "stomach", "jejunum", "ileum", "duodenum", "rectum", "colon")
    Presentation.objects.bulk_create(
        Presentation(case=case, site=rng.choice(sites), size_cm=Decimal(rng.randrange(5, 200)) / 10)
        for case in cases
    )
    Pathology.objects.bulk_create(
        Pathology(case=case, mitoses_per_5mm2=rng.randrange(0, 20)) for case in cases
    )
    for case in Case.objects.with_sections():
        case_assess(case=case, user=None)
    return surgeon, [case.pk for case in cases]


def made_with_an_older_version(case_ids) -> None:
    """The cases' latest assessments as if made with an older version; one in ten answered differently then."""
    from cases.models import Assessment

    for n, snapshot in enumerate(Assessment.objects.filter(case_id__in=case_ids).order_by("case_id")):
        result = snapshot.result
        if n % 10 == 0:
            result = {
                **result,
                "pathway": "surveillance" if result.get("pathway") != "surveillance" else "resection",
            }
        Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLDER, result=result)


def engine_alone() -> float:
    """Seconds for the engine alone on every case's stored facts (no database inside the loop)."""
    from django.utils import timezone

    from cases.models import Assessment
    from cases.records.assessment import facts_from_json
    from guidelines import assess, get_ruleset

    snapshots = [(s.ruleset, s.facts) for s in Assessment.objects.only("ruleset", "facts")]
    today = timezone.localdate()
    start = time.perf_counter()
    for ruleset, facts in snapshots:
        assess(facts_from_json(facts), get_ruleset(ruleset), today=today)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reassess", type=int, default=60, help="cases re-assessed per round (even)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    args = parser.parse_args()
    use_broker(args.broker_url, QUEUE, "bench/rule_review.py")
    import followups as bench_followups  # bench/followups.py: settings

    with tempfile.TemporaryDirectory(prefix="gc-bench-") as tmp:
        bench_followups.configure(f"sqlite:///{tmp}/bench.sqlite3")
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        from cases.models import RuleReviewJob
        from cases.records import rule_review
        from cases.records.tasks import records_reassess, records_rule_check

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise SystemExit("no broker configured: the request would run the check itself")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        surgeon, case_ids = seed(args.cases)
        made_with_an_older_version(case_ids)
        print(f"Seeded {args.cases} assessed cases in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(surgeon)
        load_before = load()
        for _ in range(3):  # warm up
            client.post("/cases/rules/check/")
            client.get(ANCHOR_URL)
        ask, ask_anchor = alternated(client, "post", "/cases/rules/check/", args.runs)
        RuleReviewJob.objects.all().delete()

        check_seconds, engine_seconds = [], []
        for _ in range(3):
            job = rule_review.check_request(user=surgeon)
            start = time.perf_counter()
            if not records_rule_check.apply(args=(str(job.id),)).successful():
                raise SystemExit(f"the check failed: {job.id}")
            check_seconds.append(time.perf_counter() - start)
            engine_seconds.append(engine_alone())
        job.refresh_from_db()
        changed = len(job.result["changed"])
        page, page_anchor = alternated(client, "get", f"/cases/rules/{job.id}/", args.runs)

        per_case_job, per_case_view = [], []
        half = args.reassess // 2
        for round_ in range(3):
            chosen = case_ids[round_ * args.reassess : (round_ + 1) * args.reassess]
            by_job, by_view = (
                (chosen[:half], chosen[half:]) if round_ % 2 == 0 else (chosen[half:], chosen[:half])
            )
            made_with_an_older_version(chosen)
            again = rule_review.reassess_request(user=surgeon, check=job, case_ids=[str(pk) for pk in by_job])
            start = time.perf_counter()
            if not records_reassess.apply(args=(str(again.id),)).successful():
                raise SystemExit(f"the re-assessment failed: {again.id}")
            per_case_job.append((time.perf_counter() - start) * 1000 / len(by_job))
            start = time.perf_counter()
            for pk in by_view:
                if client.post(f"/cases/{pk}/reassess/").status_code != 302:
                    raise SystemExit(f"/cases/{pk}/reassess/ did not redirect")
            per_case_view.append((time.perf_counter() - start) * 1000 / len(by_view))
            again.refresh_from_db()
            if len(again.result["reassessed"]) != len(by_job):
                raise SystemExit(f"the job re-assessed {again.result}")
        load_after = load()
        empty_queue(args.broker_url, QUEUE)
        check, engine = statistics.median(check_seconds), statistics.median(engine_seconds)
        job_ms, view_ms = statistics.median(per_case_job), statistics.median(per_case_view)
        print(f"load average before: {load_before}, after: {load_after} on {os.cpu_count()} CPUs")
        print(
            f"anchor for requests: GET {ANCHOR_URL} through the same logged-in client, alternated with each request"
        )
        print(
            f"asking for a check (POST, the task sent): {ask:.1f} ms, anchor {ask_anchor:.2f} ms, {ask / ask_anchor:.1f}x"
        )
        print(
            f"a finished check's page ({changed} cases listed): {page:.1f} ms, anchor {page_anchor:.2f} ms, "
            f"{page / page_anchor:.1f}x"
        )
        print(
            f"the worker checking {args.cases} cases: {check:.2f} s ({args.cases / check:.0f} cases/s), "
            f"anchor the engine alone on the same facts {engine:.2f} s, {check / engine:.1f}x (median of 3, alternated)"
        )
        print(
            f"re-assessing as a job: {job_ms:.1f} ms a case, anchor the case page's button (one request a case) "
            f"{view_ms:.1f} ms a case, {job_ms / view_ms:.2f}x (median of 3 rounds of {half}, alternated)"
        )


if __name__ == "__main__":
    main()
