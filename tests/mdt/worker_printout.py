"""The production path of the meeting printout: a real Celery worker process, Redis, a shared database.

Run by tests/mdt/test_printout_worker.py in its own process, with DATABASE_URL (a SQLite file or a scratch
PostgreSQL database: pytest's own test database cannot be shared with another process), CELERY_BROKER_URL (Redis)
and CELERY_QUEUE (a queue of this run's own) in the environment. It builds a meeting, starts
`celery -A gistcare worker`, asks for the printout through the views as a browser would, polls the status
fragment until the file is ready, and prints what it saw as JSON on its last line. The worker is always stopped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")

WAIT_SECONDS = 240  # for the whole printout; each step below is bounded too


def _build_meeting():
    from cases import roles
    from cases.mdt.services import agenda_add, decision_record, report_sign
    from tests.factories import (
        PASSWORD,
        CoordinatorFactory,
        NurseFactory,
        contract_example_case,
        make_user,
        meeting_with_case,
    )

    coordinator = CoordinatorFactory(username="worker-coordinator")
    chair = make_user(role=roles.SURGEON, chair=True, username="worker-chair")
    nurse = NurseFactory(username="worker-nurse")
    signed = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN1111")
    meeting, item = meeting_with_case(coordinator=coordinator, case=signed)
    for given, family, mrn in (("Grace", "Hopper", "MRN2222"), ("Alan", "Turing", "MRN3333")):
        agenda_add(meeting=meeting, case=contract_example_case(given_name=given, family_name=family, mrn=mrn),
                   user=coordinator)  # fmt: skip
    decision_record(item=item, user=chair, decision="accept")
    report_sign(item=item, user=chair, password=PASSWORD)
    return meeting, nurse


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    # Its own session (process group): stopping it stops its pool's children too.
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "gistcare", "worker", "--loglevel=INFO", "--pool=prefork",
            "--concurrency=2", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", f"--pidfile={os.environ['WORKER_PIDFILE']}",
        ],
        cwd=ROOT, env=dict(os.environ), stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _poll(client, url: str, seconds: float = 120) -> None:
    """Poll a job's page as its htmx fragment does, until the job is finished (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        if re.search(r'data-status="(ready|failed)"', page):
            return
        time.sleep(0.5)


def _rule_review() -> dict:
    """The signed case's assessment made as if with an older rule-set version that answered otherwise; the chair
    checks every case and re-assesses it: both jobs done by the worker."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from cases.models import Assessment, Case, RuleReviewJob
    from guidelines import get_ruleset

    case = Case.objects.get(patient__mrn="MRN1111")
    snapshot = case.assessments.latest("created_at")
    Assessment.objects.filter(pk=snapshot.pk).update(
        ruleset_version="2022.2+older", result={**snapshot.result, "pathway": "surveillance"}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username="worker-chair"))
    response = client.post(reverse("records:rule_check"))
    _poll(client, response["Location"])
    check = RuleReviewJob.objects.get(kind="check")
    out = {
        "case": str(case.pk),
        "check_status": check.status,
        "check_worker": check.worker,
        "changed": [row["case"] for row in check.result.get("changed", [])],
    }
    response = client.post(reverse("records:rule_reassess", args=[check.id]), {"cases": [str(case.pk)]})
    _poll(client, response["Location"])
    job = RuleReviewJob.objects.get(kind="reassess")
    out.update(
        reassess_status=job.status,
        reassess_worker=job.worker,
        reassessed=job.result.get("reassessed"),
        latest_version=case.assessments.latest("created_at").ruleset_version,
        current_version=get_ruleset(snapshot.ruleset).version,
    )
    return out


def _export(client) -> dict:
    from django.urls import reverse

    from cases.models import ExportJob

    response = client.post(reverse("followups:export") + "?tab=all")
    job = ExportJob.objects.defer("content").get()
    out = {"post_status": response.status_code, "status_after_post": job.status}
    _poll(client, response["Location"])
    job = ExportJob.objects.get()
    out.update(status=job.status, done=job.done, total=job.total, worker=job.worker, error=job.error)
    download = client.get(reverse("followups:export_download", args=[job.id]))
    out["download_status"] = download.status_code
    text = download.content.decode("utf-8-sig") if download.status_code == 200 else ""
    out["lines"] = len(text.strip().splitlines())
    out["mrns"] = sorted({mrn for mrn in ("MRN1111", "MRN2222", "MRN3333") if mrn in text})
    return out


def _register_import() -> dict:
    """An administrator checks a register of two new cases, then imports it ("Import now"): both jobs done by the
    worker, the cases written on the shared database."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from cases.interop.register_import import EXAMPLE_ROW, template_csv
    from cases.models import Case, ImportJob
    from tests.factories import make_user

    lines = template_csv().splitlines()
    second = lines[1].replace(EXAMPLE_ROW["mrn"], "H0099999")
    content = "\n".join([*lines, second]).encode()
    client = Client(SERVER_NAME="localhost")
    client.force_login(make_user("worker-registrar", role="Administrator"))
    response = client.post(
        reverse("interop:register_import"),
        {"register": SimpleUploadedFile("register.csv", content, "text/csv"), "dry_run": "on"},
    )
    check = ImportJob.objects.defer("upload").get()
    out = {"post_status": response.status_code}
    _poll(client, response["Location"])
    check.refresh_from_db()
    out.update(
        check_status=check.status, check_worker=check.worker, check_created=len(check.result["created"])
    )
    response = client.post(reverse("interop:register_import_now", args=[check.id]))
    _poll(client, response["Location"])
    job = ImportJob.objects.exclude(pk=check.pk).get()
    out.update(
        import_status=job.status,
        import_worker=job.worker,
        import_error=job.error,
        created=sorted(Case.objects.filter(pk__in=[c for _r, c in job.result.get("created", [])]).values_list(
            "patient__mrn", flat=True
        )),
        report=client.get(response["Location"]).content.decode().count("2 draft cases created"),
    )  # fmt: skip
    return out


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from cases.followups.tasks import followups_escalate_and_remind, followups_safety_net_check
    from cases.models import EscalationStep, PrintoutJob
    from tests.factories import pdf_pages_text

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "CELERY_BROKER_URL must be set"
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    call_command("migrate", verbosity=0)
    meeting, nurse = _build_meeting()
    out: dict = {"queue": queue}
    log = Path(os.environ["WORKER_LOG"])
    worker = _start_worker(queue, log)
    try:
        client = Client(SERVER_NAME="localhost")
        client.force_login(nurse)
        response = client.post(reverse("mdt:printout", args=[meeting.id]))
        out["post_status"] = response.status_code
        job = PrintoutJob.objects.defer("pdf").get()
        out["status_after_post"] = job.status
        out["redirect_is_status_page"] = response["Location"] == reverse(
            "mdt:printout_status", args=[meeting.id, job.id]
        )
        seen = []
        deadline = time.monotonic() + WAIT_SECONDS
        fragment = ""
        while time.monotonic() < deadline:
            fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
            status = re.search(r'data-status="(\w+)"', fragment).group(1)
            if not seen or seen[-1] != status:
                seen.append(status)
            if status in {"ready", "failed"} or worker.poll() is not None:
                break
            time.sleep(0.5)
        out["statuses_seen"] = seen
        out["polling_stopped"] = "hx-trigger" not in fragment
        job = PrintoutJob.objects.get()
        out.update(status=job.status, done=job.done, total=job.total, worker=job.worker, error=job.error)
        if job.status == "ready":
            download = client.get(reverse("mdt:printout_download", args=[meeting.id, job.id]))
            pages = [re.sub(r"\s+", " ", page) for page in pdf_pages_text(download.content)]
            out["pages"] = len(pages)
            out["cover"] = pages[0]
            out["numbered"] = all(
                f"printout page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1)
            )
            out["cache_control"] = download["Cache-Control"]
            out["patients"] = [
                mrn for mrn in ("MRN1111", "MRN2222", "MRN3333") if any(f"MRN {mrn}" in p for p in pages[1:])
            ]
        # The worklist's CSV, asked for by the nurse: written by the worker, polled, downloaded.
        out["export"] = _export(client)
        # Every case checked against the current rules, and one re-assessed, by the chair.
        out["rule_review"] = _rule_review()
        # A register checked, then imported, by an administrator.
        out["register_import"] = _register_import()
        # The nightly jobs go through the same worker (beat only sends them).
        out["escalate_and_remind"] = followups_escalate_and_remind.delay().get(timeout=60)
        out["safety_net_check"] = followups_safety_net_check.delay().get(timeout=60)
        out["escalation_steps_in_database"] = EscalationStep.objects.count()
    finally:
        _stop(worker)
    out["worker_exit"] = worker.returncode
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
