"""The meeting printout as a background job: what goes into it, starting a job, and the steps a worker runs.

A request only decides what to print and records a job (`printout_request`); the work runs as Celery tasks
(cases/mdt/tasks.py): each draft report renders on its own (`render_part`), signed reports are never
re-rendered (their stored PDF bytes are used as they are), and `merge` puts the cover page and every report
into one PDF with a page number running over the whole printout.

A finished file is kept and served again until the fingerprint of its inputs changes: the agenda (which cases,
in which order), each case's version and last change, its latest assessment, the signed report printed for each
item, and the meeting's own details (the cover prints them).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from cases.mdt.reports import (
    PRINTOUT_COVER_TEMPLATE,
    ReportSource,
    _document,
    draft_source,
    render_report_pdf,
    report_context,
    signed_source,
)
from cases.models import AgendaItem, Assessment, Case, MdtMeeting, SignedReport
from cases.models.printout import PrintoutJob, PrintoutPart, PrintoutStatus
from cases.records.assessment import case_assessment_preview
from cases.service_helpers import ServiceError

logger = logging.getLogger(__name__)

# A job's error is stored in English (the printout is the installation's), printed in the reader's language.
NOTHING_TO_PRINT = gettext_noop(
    "There is no report to print: the agenda has no case that can be assessed yet."
)
EMPTY_AGENDA = "There is no case on the agenda to print."
WORKERS_UNREACHABLE = gettext_noop(
    "The printout could not be started: the background workers cannot be reached. Try again."
)
RENDER_FAILED = gettext_noop("The printout could not be made (the error is in the server's log). Try again.")


def printout_inputs(meeting: MdtMeeting) -> tuple[list[dict[str, Any]], str]:
    """(the plan: one entry per agenda item, in agenda order; the fingerprint of everything printed)."""
    latest_assessment = Assessment.objects.filter(case=OuterRef("case_id")).order_by("-created_at")
    latest_report = SignedReport.objects.filter(agenda_item=OuterRef("pk")).order_by("-version")
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order", "added_at")
        .annotate(
            assessment_id=Subquery(latest_assessment.values("id")[:1]),
            report_id=Subquery(latest_report.values("id")[:1]),
            case_version=F("case__version"),
            case_updated_at=F("case__updated_at"),
            patient_updated_at=F("case__patient__updated_at"),
        )
        .values(
            "id",
            "case_id",
            "assessment_id",
            "report_id",
            "case_version",
            "case_updated_at",
            "patient_updated_at",
        )
    )
    plan: list[dict[str, Any]] = []
    inputs: list[Any] = [
        str(meeting.id),
        meeting.version,
        meeting.updated_at.isoformat(),
        settings.GISTCARE_INSTITUTION,
    ]
    for row in items:
        signed = str(row["report_id"]) if row["report_id"] else None
        plan.append({"item": str(row["id"]), "case": str(row["case_id"]), "signed": signed})
        inputs.append(
            [
                str(row["id"]),
                str(row["case_id"]),
                signed,
                str(row["assessment_id"]) if row["assessment_id"] else None,
                row["case_version"],
                row["case_updated_at"].isoformat(),
                row["patient_updated_at"].isoformat(),
                # A case never assessed is assessed on the fly with today's date: another day, another result.
                None if signed or row["assessment_id"] else timezone.localdate().isoformat(),
            ]
        )
    fingerprint = hashlib.sha256(json.dumps(inputs, separators=(",", ":")).encode()).hexdigest()
    return plan, fingerprint


def printout_fingerprint(meeting: MdtMeeting) -> str:
    return printout_inputs(meeting)[1]


def current_job(meeting: MdtMeeting) -> PrintoutJob | None:
    """The meeting's job for its inputs as they are now (without the PDF bytes), or None."""
    return (
        PrintoutJob.objects.defer("pdf")
        .select_related("requested_by")
        .filter(meeting=meeting, fingerprint=printout_fingerprint(meeting))
        .first()
    )


def _stale(job: PrintoutJob) -> bool:
    """A job that stopped moving (its worker died, or its messages were lost) may be started again."""
    if job.finished:
        return False
    limit = timedelta(seconds=settings.GISTCARE_PRINTOUT_STALE_SECONDS)
    return job.updated_at < timezone.now() - limit


def printout_request(*, meeting: MdtMeeting, user: Any) -> tuple[PrintoutJob, bool]:
    """The printout job for the meeting's current inputs: the existing one, or a new one (created True).

    Only records the job: the caller sends it to the workers (cases.mdt.tasks.printout_dispatch) once this
    transaction has committed, so that a worker can read it.
    """
    plan, fingerprint = printout_inputs(meeting)
    if not plan:
        raise ServiceError(EMPTY_AGENDA)
    with transaction.atomic():
        existing = PrintoutJob.objects.defer("pdf").filter(meeting=meeting, fingerprint=fingerprint).first()
        if existing is not None and (existing.status == PrintoutStatus.FAILED or _stale(existing)):
            existing.delete()
            existing = None
        if existing is not None:
            return existing, False
        # Finished printouts of earlier inputs are out of date: their files go (patient data kept no longer
        # than needed). Running ones finish on their own and are removed by the next request.
        PrintoutJob.objects.filter(
            meeting=meeting, status__in=[PrintoutStatus.READY, PrintoutStatus.FAILED]
        ).delete()
        signed = sum(1 for entry in plan if entry["signed"])
        try:
            with transaction.atomic():
                job = PrintoutJob.objects.create(
                    meeting=meeting,
                    fingerprint=fingerprint,
                    plan={"items": plan},
                    total=len(plan),
                    done=signed,
                    requested_by=user,
                )
        except IntegrityError:
            # Someone else asked for the same printout a moment earlier: share theirs.
            return PrintoutJob.objects.defer("pdf").get(meeting=meeting, fingerprint=fingerprint), False
    return job, True


def draft_positions(job: PrintoutJob) -> list[int]:
    return [index for index, entry in enumerate(job.plan["items"]) if not entry["signed"]]


def _draft(case_id: str) -> tuple[Case, ReportSource | None]:
    case = Case.objects.with_sections().get(pk=case_id)
    assessment = case_assessment_preview(case=case)  # computes, never stores
    return case, draft_source(case, assessment) if assessment else None


def render_part(*, job_id: str, position: int) -> bool:
    """Render the draft report at `position` of the job's plan and count it done. False if the job is gone."""
    job = PrintoutJob.objects.defer("pdf").filter(pk=job_id).first()
    if job is None or job.finished:
        return False
    PrintoutJob.objects.filter(pk=job_id, status=PrintoutStatus.QUEUED).update(
        status=PrintoutStatus.RUNNING, updated_at=timezone.now()
    )
    _case, source = _draft(job.plan["items"][position]["case"])
    # The patient's language, else the installation's: one file for every attendee, whoever asked for it.
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_report_pdf(source) if source is not None else b""  # b"": the case cannot be assessed yet
    with transaction.atomic():
        # The counter's UPDATE comes first: it takes the write lock (SQLite) or the row lock (PostgreSQL).
        PrintoutJob.objects.filter(pk=job_id).update(done=F("done") + 1, updated_at=timezone.now())
        PrintoutPart.objects.update_or_create(job_id=job_id, position=position, defaults={"pdf": pdf})
    return True


def fail(*, job_id: str, message: str = RENDER_FAILED) -> None:
    PrintoutJob.objects.filter(pk=job_id).exclude(status=PrintoutStatus.READY).update(
        status=PrintoutStatus.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def merge(*, job_id: str, worker: str) -> bool:
    """Cover page, then every report in agenda order, as one PDF with running page numbers; the job is ready.

    The printout is the installation's document, kept for every attendee until its inputs change: its cover and
    page numbers are in the site's language (LANGUAGE_CODE), whoever asked for it (issue 15)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _merge(job_id=job_id, worker=worker)


def _merge(*, job_id: str, worker: str) -> bool:
    job = PrintoutJob.objects.defer("pdf").select_related("meeting").filter(pk=job_id).first()
    if job is None or job.finished:
        return False
    meeting = job.meeting
    entries = job.plan["items"]
    items = _by_id(AgendaItem.objects.select_related("case__patient"), [e["item"] for e in entries])
    parts = dict(PrintoutPart.objects.filter(job_id=job_id).values_list("position", "pdf"))
    signed_ids = [e["signed"] for e in entries if e["signed"]]
    signed = _by_id(SignedReport.objects.select_related("amends", "meeting").defer("pdf"), signed_ids)
    # The stored bytes, exactly as signed: never rendered again.
    signed_pdfs = {
        str(pk): bytes(pdf)
        for pk, pdf in SignedReport.objects.filter(pk__in=signed_ids).values_list("id", "pdf")
    }
    rows: list[tuple[AgendaItem, dict[str, Any]]] = []
    skipped: list[AgendaItem] = []
    blobs: list[bytes] = []
    for position, entry in enumerate(entries):
        item = items[entry["item"]]
        if entry["signed"]:
            rows.append((item, report_context(signed_source(signed[entry["signed"]]))))
            blobs.append(signed_pdfs[entry["signed"]])
            continue
        pdf = bytes(parts.get(position) or b"")
        _case, source = _draft(entry["case"]) if pdf else (None, None)
        if not pdf or source is None:
            skipped.append(item)
            continue
        rows.append((item, report_context(source)))
        blobs.append(pdf)
    if not blobs:
        fail(job_id=job_id, message=NOTHING_TO_PRINT)
        return False
    cover = _document(
        render_to_string(
            PRINTOUT_COVER_TEMPLATE,
            {
                "meeting": meeting,
                "rows": rows,
                "skipped": skipped,
                "institution": settings.GISTCARE_INSTITUTION,
                "generated_at": timezone.localtime(),
            },
        )
    ).write_pdf()
    pdf, pages = merge_pdfs([cover, *blobs], label=f"{meeting.title} {meeting.date:%Y-%m-%d}")
    with transaction.atomic():
        updated = (
            PrintoutJob.objects.filter(pk=job_id)
            .exclude(status__in=[PrintoutStatus.READY, PrintoutStatus.FAILED])
            .update(
                status=PrintoutStatus.READY,
                pdf=pdf,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                pages=pages,
                done=F("total"),
                worker=worker[:200],
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
        )
        PrintoutPart.objects.filter(job_id=job_id).delete()
    return bool(updated)


def _by_id(queryset: Any, ids: list[str]) -> dict[str, Any]:
    """The rows of `ids` by their id as the plan stores it (a string)."""
    return {str(pk): row for pk, row in queryset.in_bulk(ids).items()}


def merge_pdfs(blobs: list[bytes], *, label: str) -> tuple[bytes, int]:
    """One PDF of `blobs` in order, each page stamped "<label> · printout page x of y" at its foot.

    Each report keeps its own footer and "Page x of y" (a signed report's bytes are not touched); the running
    number sits below them, in the bottom margin that every report leaves free.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for blob in blobs:
        writer.append(PdfReader(io.BytesIO(blob)))
    numbers = PdfReader(io.BytesIO(page_number_overlay(len(writer.pages), label=label)))
    for page, overlay in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(overlay)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def page_number_overlay(count: int, *, label: str) -> bytes:
    """`count` transparent A4 pages carrying only the running page number (WeasyPrint's counters)."""
    from weasyprint import HTML

    # Translators: the running page number of a meeting printout, as CSS "content" (keep string(label),
    # counter(page), counter(pages) and the straight quotes).
    content = gettext('string(label) " · printout page " counter(page) " of " counter(pages)')
    html = render_to_string(
        "mdt/printout_page_numbers.html", {"pages": range(count), "label": label, "content": content}
    )
    return HTML(string=html).write_pdf()
