"""/mdt/<id>/printout/: the meeting printout, prepared as a background job (without a broker: in-process).

A POST starts a job (or finds the one for the same inputs); the status page polls it with htmx and offers the
PDF when ready: the cover with the agenda, then every case's report, numbered across the whole printout.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.mdt import printout
from cases.mdt.services import agenda_add, decision_record, report_sign
from cases.models import PrintoutJob, PrintoutPart
from cases.records.assessment import case_assess
from tests.factories import PASSWORD, CaseFactory, contract_example_case, meeting_with_case, pdf_pages_text

pytestmark = pytest.mark.django_db


def _start(client, meeting, **extra):
    return client.post(reverse("mdt:printout", args=[meeting.id]), **extra)


def _download(client, job):
    return client.get(reverse("mdt:printout_download", args=[job.meeting_id, job.id]))


@pytest.fixture
def signed_and_draft(coordinator, chair):
    """A meeting with a signed case (changed after signing), a draft case and a case not ready for a report."""
    signed_case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN1111")
    meeting, item = meeting_with_case(coordinator=coordinator, case=signed_case)
    draft_case = contract_example_case(given_name="Grace", family_name="Hopper", mrn="MRN2222")
    agenda_add(meeting=meeting, case=draft_case, user=coordinator)
    agenda_add(meeting=meeting, case=CaseFactory(), user=coordinator)
    decision_record(item=item, user=chair, decision="accept")
    report_sign(item=item, user=chair, password=PASSWORD)
    signed_case.presentation.size_cm = Decimal("1.2")
    signed_case.presentation.save()
    case_assess(case=signed_case, user=chair)
    return meeting, signed_case, draft_case


def test_anonymous_users_are_sent_to_login(client, coordinator, nurse):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    job, _ = printout.printout_request(meeting=meeting, user=nurse)
    for response in (
        client.get(reverse("mdt:printout", args=[meeting.id])),
        _start(client, meeting),
        client.get(reverse("mdt:printout_status", args=[meeting.id, job.id])),
        _download(client, job),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert PrintoutJob.objects.count() == 1


def test_it_refuses_users_without_a_clinical_role_whether_the_ids_exist_or_not(client, coordinator, outsider):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    job, _ = printout.printout_request(meeting=meeting, user=coordinator)
    client.force_login(outsider)
    made_up = uuid.uuid4()
    for meeting_id, job_id in ((meeting.id, job.id), (made_up, made_up)):
        assert client.get(reverse("mdt:printout", args=[meeting_id])).status_code == 403
        assert client.post(reverse("mdt:printout", args=[meeting_id])).status_code == 403
        assert client.get(reverse("mdt:printout_status", args=[meeting_id, job_id])).status_code == 403
        assert client.get(reverse("mdt:printout_download", args=[meeting_id, job_id])).status_code == 403
    assert PrintoutJob.objects.count() == 1


def test_a_job_is_not_found_through_another_meeting(client, coordinator, nurse):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    other, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    job, _ = printout.printout_request(meeting=meeting, user=nurse)
    client.force_login(nurse)
    assert client.get(reverse("mdt:printout_status", args=[other.id, job.id])).status_code == 404
    assert client.get(reverse("mdt:printout_download", args=[other.id, job.id])).status_code == 404


def test_the_page_offers_to_prepare_the_printout(client, coordinator, nurse):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(nurse)
    body = client.get(reverse("mdt:printout", args=[meeting.id])).content.decode()
    assert "No printout has been prepared" in body
    assert "Prepare printout (PDF)" in body
    assert 'hx-trigger="every 1s"' not in body
    assert PrintoutJob.objects.count() == 0  # opening the page starts nothing


def test_a_post_prepares_the_printout_a_cover_then_each_report_numbered_throughout(
    client, nurse, signed_and_draft
):
    meeting, _signed_case, _draft_case = signed_and_draft
    client.force_login(nurse)
    response = _start(client, meeting)
    job = PrintoutJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mdt:printout_status", args=[meeting.id, job.id])
    assert (job.status, job.done, job.total, job.requested_by, job.worker) == (
        "ready",
        3,
        3,
        nurse,
        "in-process",
    )
    assert job.pdf_sha256 == hashlib.sha256(bytes(job.pdf)).hexdigest()
    assert not PrintoutPart.objects.exists()  # the rendered parts go once merged

    page = client.get(response["Location"]).content.decode()
    assert "Download printout (PDF)" in page
    assert job.pdf_sha256 in page

    response = _download(client, job)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    assert f"gist-mdt-2026-02-03-{meeting.short_id}.pdf" in response["Content-Disposition"]
    pages = pdf_pages_text(response.content)
    assert job.pages == len(pages)
    cover = re.sub(r"\s+", " ", pages[0])
    assert "GIST MDT" in cover
    assert "Dr A, surgeon" in cover
    assert "MRN1111" in cover
    assert "MRN2222" in cover
    assert "Signed v1" in cover
    assert "Draft" in cover
    assert "cannot be assessed yet" in cover
    ada = [p for p in pages[1:] if "Ada Lovelace · MRN MRN1111" in p]
    grace = [p for p in pages[1:] if "Grace Hopper · MRN MRN2222" in p]
    assert ada
    assert grace
    assert len(ada) + len(grace) == len(pages) - 1
    assert all("DRAFT" not in p for p in ada)
    assert all("DRAFT" in p for p in grace)
    assert all(f"of {len(ada)}" in p for p in ada)  # each report keeps its own page numbering
    assert "6.5 cm" in " ".join(ada)  # the signed version, not the case as it is now
    assert "1.2 cm" not in " ".join(ada)
    # ... and the printout's own number runs over every page.
    for number, text in enumerate(pages, start=1):
        assert f"printout page {number} of {len(pages)}" in re.sub(r"\s+", " ", text)


def test_signed_reports_are_never_rendered_again_their_stored_bytes_are_used(
    client, nurse, signed_and_draft, monkeypatch
):
    meeting, signed_case, _draft_case = signed_and_draft
    rendered = []
    real = printout.render_report_pdf
    monkeypatch.setattr(printout, "render_report_pdf", lambda source: rendered.append(source) or real(source))
    client.force_login(nurse)
    _start(client, meeting)
    # One render: the draft (the case that cannot be assessed has nothing to render).
    assert [source.snapshot["patient"]["mrn"] for source in rendered] == ["MRN2222"]
    stored = signed_case.signed_reports.get().pdf
    merged = pdf_pages_text(bytes(PrintoutJob.objects.get().pdf))
    signed_pages = pdf_pages_text(bytes(stored))
    ada = [p for p in merged if "Ada Lovelace · MRN MRN1111" in p]
    assert len(ada) == len(signed_pages)
    for merged_page, signed_page in zip(ada, signed_pages, strict=True):
        assert signed_page.strip() in merged_page


def test_the_finished_file_is_reused_until_the_agenda_or_a_case_changes(
    client, coordinator, chair, nurse, signed_and_draft, monkeypatch
):
    meeting, _signed_case, draft_case = signed_and_draft
    client.force_login(nurse)
    _start(client, meeting)
    first = PrintoutJob.objects.get()

    # The same inputs: the same job, nothing rendered.
    monkeypatch.setattr(printout, "render_report_pdf", lambda source: pytest.fail("rendered again"))
    client.force_login(coordinator)
    response = _start(client, meeting)
    assert response["Location"] == reverse("mdt:printout_status", args=[meeting.id, first.id])
    assert PrintoutJob.objects.count() == 1
    assert (
        "Download printout (PDF)" in client.get(reverse("mdt:printout", args=[meeting.id])).content.decode()
    )
    monkeypatch.undo()

    # A case on the agenda changes: the old file is no longer offered, nor served.
    case_assess(case=draft_case, user=chair)
    page = client.get(reverse("mdt:printout", args=[meeting.id])).content.decode()
    assert "No printout has been prepared" in page
    response = client.get(reverse("mdt:printout_download", args=[meeting.id, first.id]), follow=True)
    assert "changed since this printout was made" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")

    _start(client, meeting)
    second = PrintoutJob.objects.get()  # the out-of-date file is gone
    assert second.id != first.id
    assert second.status == "ready"
    assert second.requested_by == coordinator

    # The agenda changes.
    agenda_add(meeting=meeting, case=contract_example_case(mrn="MRN3333"), user=coordinator)
    assert printout.current_job(meeting) is None
    _start(client, meeting)
    third = PrintoutJob.objects.get()
    assert third.total == 4
    assert "MRN3333" in pdf_pages_text(bytes(third.pdf))[0]


def test_the_status_fragment_polls_every_second_with_a_progress_bar_while_the_job_runs(
    client, coordinator, nurse
):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    job, created = printout.printout_request(meeting=meeting, user=coordinator)
    assert created
    PrintoutJob.objects.filter(pk=job.pk).update(status="running", done=1, total=3)
    client.force_login(nurse)
    url = reverse("mdt:printout_status", args=[meeting.id, job.id])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="printout-status"')
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="33"' in fragment
    assert "progress-bar" in fragment
    assert "pct-35" in fragment
    assert "1 of 3 reports ready" in fragment
    assert "Download printout" not in fragment

    # Without htmx the same address is a whole page (the Refresh link works without JavaScript).
    assert "<html" in client.get(url).content.decode()
    # The download of an unfinished job goes back to its progress.
    response = client.get(reverse("mdt:printout_download", args=[meeting.id, job.id]))
    assert response["Location"] == url

    PrintoutJob.objects.filter(pk=job.pk).update(status="ready", done=3)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # polling stops
    assert "Download printout (PDF)" in fragment


def test_an_htmx_post_answers_with_the_status_fragment(client, coordinator, nurse):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(nurse)
    fragment = _start(client, meeting, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="printout-status"')
    assert 'data-status="ready"' in fragment
    job = PrintoutJob.objects.get()
    assert f"prepared {timezone.localtime(job.finished_at):%Y-%m-%d %H:%M}" in fragment


def test_a_failed_render_marks_the_job_failed_without_an_error_page_and_can_be_retried(
    client, coordinator, nurse, monkeypatch
):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())

    def broken(source):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(printout, "render_report_pdf", broken)
    client.force_login(nurse)
    response = _start(client, meeting, follow=True)
    assert response.status_code == 200
    job = PrintoutJob.objects.get()
    assert job.status == "failed"
    assert "could not be made" in response.content.decode()
    assert "layout exploded" not in response.content.decode()
    assert "Try again" in response.content.decode()

    monkeypatch.undo()
    _start(client, meeting)
    retried = PrintoutJob.objects.get()
    assert retried.id != job.id
    assert retried.status == "ready"


def test_an_unreachable_broker_fails_the_job_with_a_message_not_an_error_page(
    client, coordinator, nurse, monkeypatch, settings
):
    from kombu.exceptions import OperationalError

    from cases.mdt import tasks

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    monkeypatch.setattr(tasks, "chord", lambda header: unreachable)
    client.force_login(nurse)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: the tasks go to the broker
    response = _start(client, meeting, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "the background workers cannot be reached" in body, body[body.find("printout-status") - 20 :][
        :1500
    ]
    assert PrintoutJob.objects.get().status == "failed"


def test_a_job_that_stopped_moving_is_started_again(client, coordinator, nurse, settings):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    job, _ = printout.printout_request(meeting=meeting, user=coordinator)  # never sent to a worker
    client.force_login(nurse)
    _start(client, meeting)
    assert PrintoutJob.objects.get().id == job.id  # still fresh: shared, not restarted
    assert PrintoutJob.objects.get().status == "queued"
    PrintoutJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.GISTCARE_PRINTOUT_STALE_SECONDS + 1)
    )
    _start(client, meeting)
    restarted = PrintoutJob.objects.get()
    assert restarted.id != job.id
    assert restarted.status == "ready"


def test_an_agenda_with_no_assessable_case_has_nothing_to_print(client, coordinator):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    client.force_login(coordinator)
    response = _start(client, meeting, follow=True)
    assert "no case that can be assessed" in response.content.decode()
    assert PrintoutJob.objects.get().status == "failed"


def test_an_empty_agenda_starts_no_job(client, coordinator):
    meeting, item = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    item.delete()
    client.force_login(coordinator)
    response = _start(client, meeting, follow=True)
    assert "There is no case on the agenda to print." in response.content.decode()
    assert not PrintoutJob.objects.exists()


def test_the_fingerprint_follows_the_inputs(coordinator, chair):
    case = contract_example_case()
    meeting, item = meeting_with_case(coordinator=coordinator, case=case)
    before = printout.printout_fingerprint(meeting)
    assert printout.printout_fingerprint(meeting) == before
    case_assess(case=case, user=chair)  # a new assessment
    after_assess = printout.printout_fingerprint(meeting)
    assert after_assess != before
    type(case).objects.filter(pk=case.pk).update(version=case.version + 5)  # a step saved
    assert printout.printout_fingerprint(meeting) != after_assess
    after_save = printout.printout_fingerprint(meeting)
    decision_record(item=item, user=chair, decision="accept")
    report_sign(item=item, user=chair, password=PASSWORD)  # a signed report now prints instead
    assert printout.printout_fingerprint(meeting) != after_save
