"""The worklist's CSV is written in the background, not inside the request (issue 16: no request renders a long
export). With 20,000 visits the export took 5.6-8.5 s inside the request, about 0.3 ms a row: 100,000 would hold a
web worker for half a minute.

The request records a job and answers at once; a Celery worker writes the file, the page polls its progress and
offers the file when it is ready. Only its requester may download it, and it is deleted a day after it was written
(it holds patients' names, hospital numbers and telephone numbers).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from cases import roles
from cases.followups import export_jobs
from cases.followups.services import item_add_manual
from cases.followups.tasks import followups_export_csv, followups_exports_purge
from cases.models import ExportJob, ExportStatus, UserProfile
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        yield
    translation.activate("en")


@pytest.fixture
def nurse(client):
    user = make_user(role=roles.NURSE, username="anna")
    client.force_login(user)
    return user


@pytest.fixture
def visits():
    stomach, rectum = make_case(surgery_date=None), make_case(site="rectum", surgery_date=None)
    for case, due in ((stomach, date(2026, 5, 1)), (rectum, date(2026, 6, 2)), (stomach, date(2026, 12, 1))):
        item_add_manual(case=case, user=None, due_date=due, modality="ct_or_mri", reason="t")
    return stomach, rectum


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_asking_for_an_export_records_a_job_that_a_worker_writes(client, settings, nurse, visits):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # production: a broker, workers elsewhere
    with mock.patch.object(followups_export_csv, "apply_async") as sent:
        response = client.post(reverse("followups:export") + "?tab=all&site=stomach")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:export_status", args=[job.id])
    sent.assert_called_once_with(args=(str(job.id),))
    # The request wrote nothing: the job waits for a worker, and the page says so (and polls).
    assert (job.status, job.total, bytes(job.content)) == (ExportStatus.QUEUED, 0, b"")
    assert job.params == {"tab": "all", "query": "site=stomach"}
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page
    assert f'hx-get="{reverse("followups:export_status", args=[job.id])}" hx-trigger="every 1s"' in page
    download = reverse("followups:export_download", args=[job.id])
    assert client.get(download)["Location"] == reverse("followups:export_status", args=[job.id])

    assert followups_export_csv.apply(args=(str(job.id),)).successful()  # the worker
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (ExportStatus.READY, 2, 2)  # the stomach's two visits
    assert job.filename == "followups-all-2026-06-01.csv"
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Ready: 2 rows" in fragment
    assert "hx-trigger" not in fragment  # finished: the polling stops
    assert f'href="{download}"' in fragment
    response = client.get(download)
    assert response["Content-Disposition"] == 'attachment; filename="followups-all-2026-06-01.csv"'
    assert response.content.startswith("\ufeff".encode())  # for Excel
    assert [row["due_date"] for row in _rows(response.content)] == ["2026-05-01", "2026-12-01"]
    assert {row["site"] for row in _rows(response.content)} == {"Stomach"}


def test_the_page_without_a_job_offers_to_prepare_the_export_of_the_tab(client, nurse):
    html = client.get(reverse("followups:export"), {"tab": "due", "site": "rectum"}).content.decode()
    assert 'action="/followups/export/?tab=due&amp;site=rectum"' in html
    assert "Prepare the CSV" in html
    assert not ExportJob.objects.exists()  # opening the page starts nothing


def test_only_the_requester_sees_and_downloads_an_export(client, nurse, visits):
    client.post(reverse("followups:export") + "?tab=all")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.READY  # no broker here: written inside the POST
    client.force_login(make_user(role=roles.ADMINISTRATOR))
    assert client.get(reverse("followups:export_status", args=[job.id])).status_code == 404
    assert client.get(reverse("followups:export_download", args=[job.id])).status_code == 404


def test_a_failed_export_says_so_and_can_be_asked_for_again(client, nurse, visits):
    with mock.patch.object(export_jobs, "csv_lines", side_effect=RuntimeError("disk full")):
        response = client.post(reverse("followups:export") + "?tab=overdue")
    job = ExportJob.objects.get()
    assert (job.status, job.error) == (ExportStatus.FAILED, export_jobs.WRITE_FAILED)
    html = client.get(response["Location"]).content.decode()
    assert "The export could not be written" in html
    assert 'action="/followups/export/?tab=overdue"' in html  # "Try again", for the same tab
    assert client.get(reverse("followups:export_download", args=[job.id])).status_code == 302


def test_an_unreachable_broker_is_said_on_the_page_not_a_500(client, settings, nurse, visits):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch.object(followups_export_csv, "apply_async", side_effect=OperationalError("refused")):
        response = client.post(reverse("followups:export") + "?tab=all")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.error) == (ExportStatus.FAILED, export_jobs.WORKERS_UNREACHABLE)
    assert "background workers cannot be reached" in client.get(response["Location"]).content.decode()


def test_a_failed_export_reads_in_chinese(client, nurse, visits):
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)  # the stored preference is read at log-in
    with mock.patch.object(export_jobs, "csv_lines", side_effect=RuntimeError("disk full")):
        response = client.post(reverse("followups:export") + "?tab=all")
    html = client.get(response["Location"]).content.decode()
    assert "无法写入导出文件" in html
    assert "The export could not be written" not in html
    assert ExportJob.objects.get().language == "zh-hans"  # the file's header and labels in her language


def _written(nurse, tab: str) -> ExportJob:
    job = export_jobs.export_request(user=nurse, tab=tab, query="", language="en")
    export_jobs.export_run(job_id=str(job.pk), worker="in-process")
    return job


def test_exports_are_deleted_a_day_after_they_are_written(client, nurse, visits):
    start = timezone.now()
    old = _written(nurse, "all")
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert followups_exports_purge.apply().get() == 0  # the nightly purge: not yet a day
        recent = _written(nurse, "due")
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert followups_exports_purge.apply().get() == 1
    assert list(ExportJob.objects.all()) == [recent]
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    # Asking for an export purges too (more than a day after `recent`): only the new one is left.
    with time_machine.travel(start + timedelta(hours=48), tick=False):
        client.force_login(nurse)
        client.post(reverse("followups:export") + "?tab=upcoming")
    assert ExportJob.objects.get().params["tab"] == "upcoming"


def test_progress_is_recorded_while_the_rows_are_written(nurse, visits, monkeypatch):
    """Every PROGRESS_EVERY lines the job's count of rows written is saved, for the page's progress bar."""
    job = export_jobs.export_request(user=nurse, tab="all", query="", language="en")

    def updates(every: int) -> list[int]:
        monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", every)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED, done=0)
        with CaptureQueriesContext(connection) as queries:
            assert export_jobs.export_run(job_id=str(job.pk), worker="in-process")
        statements = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        job.refresh_from_db()
        assert (job.status, job.total, job.done, job.percent) == (ExportStatus.READY, 3, 3, 100)
        return statements

    # The byte-order mark, the header, then 3 rows: lines 2 and 4 save the progress (1 and 3 rows written),
    # besides the job's start and its end.
    assert len(updates(2)) == 4
    assert len(updates(1000)) == 2
    assert (
        export_jobs.export_run(job_id=str(job.pk), worker="in-process") is False
    )  # finished: not written again


def test_an_export_past_its_day_is_gone_before_the_nightly_purge(client, nurse, visits):
    """The page says a file is deleted after a day: past it, it is not served, whenever the purge runs."""
    start = timezone.now()
    job = _written(nurse, "all")
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        client.force_login(nurse)
        assert client.get(reverse("followups:export_status", args=[job.id])).status_code == 404
        assert client.get(reverse("followups:export_download", args=[job.id])).status_code == 404
    assert ExportJob.objects.filter(pk=job.pk).exists()  # the purge has not run yet


def test_a_job_that_stopped_moving_says_so_and_can_be_asked_for_again(client, settings, nurse, visits):
    """A lost message or a dead worker: the page stops polling and offers "Try again" (the job, untouched, would
    still be used if its worker came back)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch.object(followups_export_csv, "apply_async"):
        response = client.post(reverse("followups:export") + "?tab=due")
    html = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in html  # waiting: polls
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        client.force_login(nurse)
        html = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert "stopped" in html
    assert 'action="/followups/export/?tab=due"' in html  # "Try again"
    assert ExportJob.objects.get().status == ExportStatus.QUEUED


def test_mine_is_the_requesters(client, nurse):
    """The "mine" filter of an export is the visits of the nurse who asked for it (and the unassigned ones)."""
    other = make_user(role=roles.NURSE, username="bea")
    case = make_case(surgery_date=None)
    for who, due in ((nurse, date(2026, 5, 1)), (other, date(2026, 5, 2)), (None, date(2026, 5, 3))):
        item_add_manual(case=case, user=None, due_date=due, modality="mri", reason="t", responsible_nurse=who)
    response = client.post(reverse("followups:export") + "?tab=all&nurse=me")
    job = ExportJob.objects.get()
    download = client.get(reverse("followups:export_download", args=[job.id]))
    assert response.status_code == 302
    rows = _rows(download.content)
    mine = [row["due_date"] for row in rows if row["responsible_nurse"]]
    assert mine == ["2026-05-01"]  # hers, never Bea's
    assert [row["due_date"] for row in rows] == ["2026-05-01", "2026-05-03"]  # and the unassigned one
