"""The follow-up list's exports: the CSV of a worklist tab and the nurse's iCal feed.

Built here; the CSV is written by a background job (cases/followups/export_jobs.py) and downloaded from its page,
the feed served by cases/followups/views.py (calendar_feed).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language, gettext, pgettext_lazy

from cases import kept
from cases.choices import VISIT_SOURCES, FollowUpStatus
from cases.csv_safe import csv_lines as safe_csv_lines
from cases.followups.forms import person_name
from cases.followups.worklist import STATE_LABELS, base_items
from cases.labels import phase_label
from cases.models import FollowUpItem
from cases.models.case import short_id_of

FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 366


#: The export's columns: their codes are the English header (stable for scripts that read the file); a Chinese
#: reader gets them in words (the msgids are the codes, translated under the context "CSV column").
CSV_HEADER = [
    "due_date",
    "window_start",
    "window_end",
    "state",
    "modality",
    "phase",
    "family_name",
    "given_name",
    "mrn",
    "phone",
    "preferred_contact",
    "surgeon",
    "site",
    "risk",
    "responsible_nurse",
    "next_contact",
    "result",
    "date_done",
    "notes",
    "provisional",
    "case",
]
CSV_HEADER_LABELS = {
    "due_date": pgettext_lazy("CSV column", "due_date"),
    "window_start": pgettext_lazy("CSV column", "window_start"),
    "window_end": pgettext_lazy("CSV column", "window_end"),
    "state": pgettext_lazy("CSV column", "state"),
    "modality": pgettext_lazy("CSV column", "modality"),
    "phase": pgettext_lazy("CSV column", "phase"),
    "family_name": pgettext_lazy("CSV column", "family_name"),
    "given_name": pgettext_lazy("CSV column", "given_name"),
    "mrn": pgettext_lazy("CSV column", "mrn"),
    "phone": pgettext_lazy("CSV column", "phone"),
    "preferred_contact": pgettext_lazy("CSV column", "preferred_contact"),
    "surgeon": pgettext_lazy("CSV column", "surgeon"),
    "site": pgettext_lazy("CSV column", "site"),
    "risk": pgettext_lazy("CSV column", "risk"),
    "responsible_nurse": pgettext_lazy("CSV column", "responsible_nurse"),
    "next_contact": pgettext_lazy("CSV column", "next_contact"),
    "result": pgettext_lazy("CSV column", "result"),
    "date_done": pgettext_lazy("CSV column", "date_done"),
    "notes": pgettext_lazy("CSV column", "notes"),
    "provisional": pgettext_lazy("CSV column", "provisional"),
    "case": pgettext_lazy("CSV column", "case"),
}


def csv_lines(items: QuerySet[FollowUpItem], today: date) -> Iterator[str]:
    """The CSV, line by line (the rows read from the database 2,000 at a time), every cell spreadsheet-safe."""
    return safe_csv_lines(_csv_rows(items, today))


def _csv_rows(items: QuerySet[FollowUpItem], today: date) -> Iterator[tuple]:
    yield tuple(str(CSV_HEADER_LABELS[name]) for name in CSV_HEADER)
    for item in items.iterator(chunk_size=2000):
        case, patient = item.case, item.case.patient
        presentation = case.section("presentation")
        nurse = item.responsible_nurse
        yield (
            item.due_date.isoformat(),
            item.window_start.isoformat(),
            item.window_end.isoformat(),
            STATE_LABELS[item.state_on(today)],
            item.get_modality_display(),
            item.phase_display(),
            patient.family_name,
            patient.given_name,
            patient.mrn,
            patient.phone,
            patient.get_preferred_contact_display(),
            person_name(case.owner),
            presentation.get_site_display() if presentation else "",
            case.get_risk_category_display(),
            person_name(nurse) if nurse else "",
            item.next_contact_date.isoformat() if item.next_contact_date else "",
            item.get_result_display(),
            item.completed_date.isoformat() if item.completed_date else "",
            item.notes,
            gettext("yes") if item.provisional else "",
            case.short_id,
        )


#: What an event is made of: the item's own columns (its case by id: a feed names a case by its short id alone).
_FEED_FIELDS = (
    "id",
    "case_id",
    "updated_at",
    "due_date",
    "window_start",
    "window_end",
    "modality",
    "phase",
    "next_contact_date",
)


def feed_items(user, today: date) -> QuerySet[FollowUpItem]:
    """The pending visits and tests of `user` (or of no one) due from 60 days ago to a year ahead (a result to
    review is not an appointment: it stays on the worklist)."""
    return (
        base_items()
        .filter(status=FollowUpStatus.PENDING, source__in=VISIT_SOURCES)
        .filter(Q(responsible_nurse=user) | Q(responsible_nurse__isnull=True))
        .filter(
            due_date__gte=today - timedelta(days=FEED_PAST_DAYS),
            due_date__lte=today + timedelta(days=FEED_FUTURE_DAYS),
        )
        .only(*_FEED_FIELDS)
        .order_by("due_date", "id")
    )


def callback_items(user, today: date) -> QuerySet[FollowUpItem]:
    """The pending items of `user` (or of no one) with a call-back date from 60 days ago to a year ahead."""
    return (
        base_items()
        .filter(status=FollowUpStatus.PENDING, next_contact_date__isnull=False)
        .filter(Q(responsible_nurse=user) | Q(responsible_nurse__isnull=True))
        .filter(
            next_contact_date__gte=today - timedelta(days=FEED_PAST_DAYS),
            next_contact_date__lte=today + timedelta(days=FEED_FUTURE_DAYS),
        )
        .only(*_FEED_FIELDS)
        .order_by("next_contact_date", "id")
    )


def calendar_ical(
    items: QuerySet[FollowUpItem],
    callbacks: QuerySet[FollowUpItem],
    *,
    case_url: Callable[[uuid.UUID], str],
) -> bytes:
    """The iCal feed of `items` (visits) and `callbacks` (call-back dates); `case_url(case_id)` gives each
    event's link to the case's follow-up page.

    A feed holds every pending visit of a year (1,770 in a test world of 100,000 items took 0.7-1.3 s): the words
    are looked up once per feed, not once per event (issue 16)."""
    follow_up = gettext("Follow-up %(what)s (case %(case)s)")
    window = gettext("Window %(start)s to %(end)s")
    call_back = gettext("Call back about the %(what)s (case %(case)s)")
    visit_due = gettext("Visit due %(day)s")
    modalities = {code: str(label) for code, label in FollowUpItem._meta.get_field("modality").flatchoices}
    phases: dict[str, str] = {}
    cal = icalendar.Calendar()
    cal.add("prodid", "-//GISTCare//Follow-up feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", gettext("GISTCare follow-ups"))
    for item in items.iterator(chunk_size=1000):
        # Case short id only: calendars sync to phones and third-party servers, so no names or MRNs.
        event = icalendar.Event()
        event.add("uid", f"{item.id}@gistcare")
        event.add("dtstamp", item.updated_at)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        what = modalities.get(item.modality, item.modality)
        event.add("summary", follow_up % {"what": what, "case": short_id_of(item.case_id)})
        if item.phase not in phases:
            phases[item.phase] = phase_label(item.phase)
        days = window % {"start": item.window_start.isoformat(), "end": item.window_end.isoformat()}
        event.add("description", f"{phases[item.phase]}\n{days}\n" + case_url(item.case_id))
        cal.add_component(event)
    for item in callbacks.iterator(chunk_size=1000):
        event = icalendar.Event()
        event.add("uid", f"{item.id}-callback@gistcare")
        event.add("dtstamp", item.updated_at)
        event.add("dtstart", item.next_contact_date)
        event.add("dtend", item.next_contact_date + timedelta(days=1))
        what = modalities.get(item.modality, item.modality)
        event.add("summary", call_back % {"what": what, "case": short_id_of(item.case_id)})
        due = visit_due % {"day": item.due_date.isoformat()}
        event.add("description", f"{due}\n" + case_url(item.case_id))
        cal.add_component(event)
    return cal.to_ical()


def kept_calendar(user, today: date, *, case_url: tuple[str, str]) -> bytes:
    """`user`'s calendar feed on `today` in the active language, each event's link `case_url[0]` + the case's id +
    `case_url[1]`; kept in the shared cache until a write to the follow-up items, cases, patients or presentations
    (cases/kept.py `FOLLOWUPS`), or GISTCARE_CALENDAR_KEEP_SECONDS: calendar apps poll a feed every quarter of an hour
    to every few hours, and building one took 0.5-1 s for a year of visits (issue 16). It holds no name: case short
    ids, examinations, dates and links."""
    before, after = case_url

    def build() -> bytes:
        return calendar_ical(
            feed_items(user, today),
            callback_items(user, today),
            case_url=lambda case_id: f"{before}{case_id}{after}",
        )

    address = hashlib.sha256(f"{before}\n{after}".encode()).hexdigest()[:16]
    key = f"calendar:{user.pk}:{get_language()}:{today.isoformat()}:{address}"
    return kept.kept({"feed": (kept.FOLLOWUPS, key, build)}, seconds=settings.GISTCARE_CALENDAR_KEEP_SECONDS)[
        "feed"
    ]
