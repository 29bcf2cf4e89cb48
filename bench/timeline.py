"""Benchmark of the treatment-course timeline (issue 13): a ten-year course (3 lines, 40 scans, 20 drug levels).

Usage: ``.venv/bin/python bench/timeline.py [--runs N]`` (default 30).
Sets Django up on a throw-away SQLite database, writes the demo's ten-year course (cases/course/demo.py) on one
case, then times, interleaved run by run so that machine noise falls on all of them alike:
  - ``render_svg`` alone (the pure function, data already built): target under 50 ms;
  - the timeline from the database (``course_for`` + ``timeline_context``: queries, response arithmetic, SVG);
  - GET of the case page (which loads the timeline separately, by htmx) and GET of the timeline fragment,
    through Django's test client, signed in as a surgeon.
Prints medians and the ratio of the fragment to the case page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SVG_MS = 50.0


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.contrib.auth.models import Group, User
        from django.test import Client

        from cases import roles
        from cases.course.demo import long_course
        from cases.course.selectors import course_for, timeline_context, timeline_data
        from cases.course.timeline import render_svg
        from cases.models import Case
        from cases.records.services import case_create

        surgeon = User.objects.create_user("bench-surgeon", first_name="Sue", last_name="Surgeon")
        surgeon.groups.add(Group.objects.get(name=roles.SURGEON))
        case = case_create(mrn="BENCH-1", given_name="Ben", family_name="Chmark", date_of_birth=date(1960, 1, 1),
                           diagnosis_date=date(2016, 2, 1), user=surgeon)  # fmt: skip
        long_course(case=case, user=surgeon, start=date(2016, 2, 22))
        case = Case.objects.with_sections().get(pk=case.pk)
        data = timeline_data(case, course_for(case))
        client = Client()
        client.force_login(surgeon)
        page_url, fragment_url = f"/cases/{case.pk}/", f"/cases/{case.pk}/course/timeline/"
        for url in (page_url, fragment_url):
            status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"GET {url}: {status}")

        timings: dict[str, list[float]] = {"svg": [], "from_db": [], "case_page": [], "fragment": []}
        for _ in range(args.runs):
            t = time.perf_counter()
            render_svg(data)
            timings["svg"].append(time.perf_counter() - t)
            t = time.perf_counter()
            fresh = Case.objects.with_sections().get(pk=case.pk)
            timeline_context(fresh, course_for(fresh))
            timings["from_db"].append(time.perf_counter() - t)
            t = time.perf_counter()
            client.get(page_url)
            timings["case_page"].append(time.perf_counter() - t)
            t = time.perf_counter()
            client.get(fragment_url)
            timings["fragment"].append(time.perf_counter() - t)
        med = {name: statistics.median(values) * 1000 for name, values in timings.items()}
        print(f"course: {len(data.bars)} lines, 40 scans, 20 levels; {args.runs} interleaved runs, medians:")
        print(f"  render_svg alone          {med['svg']:8.2f} ms  (target < {TARGET_SVG_MS:.0f} ms: "
              f"{'met' if med['svg'] < TARGET_SVG_MS else 'MISSED'})")  # fmt: skip
        print(f"  timeline from the database {med['from_db']:7.2f} ms")
        print(f"  case page (without it)    {med['case_page']:8.2f} ms")
        print(f"  timeline fragment         {med['fragment']:8.2f} ms")
        print(f"  fragment / case page      {med['fragment'] / med['case_page']:8.2f}")


if __name__ == "__main__":
    main()
