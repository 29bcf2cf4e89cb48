"""What a worklist row prints, prepared once per page (issue 16: the worklist within 25x the bare view).

Django's template engine costs about 2 µs a variable and 8 µs a `{% translate %}`; `get_FOO_display` translates
every choice of its field to find one label (hashing the lazy labels). A row with some twenty translated words,
six choice labels and five formatted dates cost about 0.7 ms, 36 ms for a page of 50 rows. Here the fixed words
are translated once per page (`row_context`), the choice labels come from dicts cached per language, and each
row's sentences and dates are formatted once (`prepare`, one namespace per row). The row's cells are then
rendered by Jinja2 (templates/jinja2/followups/worklist_row.html, the "jinja2" engine of settings.TEMPLATES),
which only places them: through Django's engine they cost 0.15 ms a row, 7 ms a page; through Jinja2 about a
fifth of that. The sentences keep the message ids the Django template used, so the translation catalogue is
unchanged.

Every view that renders rows passes `row_context(...)` and the rows `prepare` made from its items; each row's
`html` holds its cells, ready. A page of rows (the worklist, a case's follow-up page) prints them in their
`<tbody>` elements with `tbodies(rows)`; one row with a note or an action's form (an item's action, an htmx swap) is
drawn by the partial followups/worklist.html#item (`row`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace

import jinja2
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import engines
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

from cases.course.texts import followup_reason
from cases.followups.worklist import STATE_LABELS
from cases.labels import phase_label
from cases.links import case_link_parts
from cases.models import Case, EscalationStep, FollowUpItem, Patient, Presentation
from cases.models.patient import listed_name
from cases.sentences import fillable
from cases.templatetags.people import staff_name


def _words() -> dict[str, str]:
    """The row's fixed words in the reader's language: column labels (the phone layout prints them beside each
    cell), badges and buttons."""
    return {
        "due": gettext("Due"),
        "patient": gettext("Patient"),
        "contact": gettext("Contact"),
        "examination": gettext("Examination"),
        "surgeon_site_risk": gettext("Surgeon · site · risk"),
        "nurse": gettext("Nurse"),
        "next_contact": gettext("Next contact"),
        "date_of_result": gettext("date of the result"),
        "provisional": gettext("Provisional"),
        "provisional_title": gettext("From the latest assessment: replaced when the MDT signs the report"),
        "mrn": gettext("MRN"),
        "flagged": gettext("Flagged for MDT"),
        "no_phone": gettext("no phone"),
        "open_course": gettext("Open the treatment course"),
        "course_interval": gettext("Interval: local default, individualised by the MDT."),
        "unassigned": gettext("unassigned"),
        "outcome_to_record": gettext("outcome to record"),
        "mark_reviewed": gettext("Mark reviewed"),
        "mark_done": gettext("Mark done"),
        "record_contact": pgettext("record a contact attempt", "Contact"),
        "reschedule": gettext("Reschedule"),
        "escalate": gettext("Escalate"),
        "step_outcome": gettext("Step outcome"),
        "cancel": gettext("Cancel"),
        "edit": gettext("Edit"),
    }


def row_context(*, can_act: bool, can_review: bool) -> dict:
    """The page-wide part of the rows' context: link prefixes (one reverse() per page instead of a dozen per row),
    the fixed words, and which buttons the reader may use (`can_act`: the nurses' actions; `can_review`: marking
    a result reviewed)."""
    base = reverse("followups:list")
    course_base, course_end = case_link_parts("course:page")
    return {
        "item_base": f"{base}item/",
        "case_base": f"{base}case/",
        "course_base": course_base,
        "course_end": course_end,
        "words": _words(),
        "can_act": can_act,
        "can_review": can_review,
    }


@functools.lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[str, dict[str, str]]:
    """The choice labels the row prints, in `language` (the catalogue does not change while the server runs)."""

    def of(model, field: str) -> dict[str, str]:
        return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}

    return {
        "source": of(FollowUpItem, "source"),
        "modality": of(FollowUpItem, "modality"),
        "attention": of(FollowUpItem, "attention"),
        "result": of(FollowUpItem, "result"),
        "contact": of(Patient, "preferred_contact"),
        "site": of(Presentation, "site"),
        "risk": of(Case, "risk_category"),
        "step": of(EscalationStep, "step"),
        "outcome": of(EscalationStep, "outcome"),
    }


#: The row's sentences (the message ids the template's {% blocktranslate %} used) and their placeholders; marked
#: with gettext_noop so that makemessages keeps them in the catalogue (they are translated in `_sentences`).
_SENTENCES = {
    "window": (gettext_noop("± %(days)s d (%(start)s – %(end)s)"), ("days", "start", "end")),
    "reviewed": (gettext_noop("Reviewed %(day)s"), ("day",)),
    "done": (gettext_noop("Done %(date)s"), ("date",)),
    "case": (gettext_noop("case %(id)s"), ("id",)),
    "prefers": (gettext_noop("prefers %(how)s"), ("how",)),
    "risk": (gettext_noop("%(risk)s risk"), ("risk",)),
    "escalation": (gettext_noop("Escalation: %(step)s"), ("step",)),
    "since": (gettext_noop("since %(date)s"), ("date",)),
}


def _sentences() -> dict[str, str]:
    """The row's sentences in the reader's language; a translation that cannot be filled (a broken catalogue) falls
    back to the English sentence, as {% blocktranslate %} did, instead of failing the page (`fillable`)."""
    return {key: fillable(msgid, *names) for key, (msgid, names) in _SENTENCES.items()}


@functools.lru_cache(maxsize=8192)
def _worded(value: date, fmt: str, language: str | None) -> str:
    """`value` in `fmt`, in `language` (which must be the active one: Django words a month's name in it). Kept for
    the process: the lists print the same few thousand dates again and again, request after request, and wording
    one costs about 50 µs (issue 16)."""
    return format_date(value, fmt)


def _day_words(default_format: str) -> Callable[..., str]:
    """`day(value, format=default_format)`: a date in the reader's words; "" for no date."""
    language = get_language()

    def day(value: date | None, fmt: str = default_format) -> str:
        return "" if value is None else _worded(value, fmt, language)

    return day


def prepare(items: Iterable[FollowUpItem], today: date, context: dict) -> list[SimpleNamespace]:
    """What each item's row prints, one namespace per item (the items with their case, patient, presentation and
    users selected), its cells rendered in `html`; `context` is `row_context(...)`. Namespaces, not dicts:
    Jinja2 tries `getattr(row, name)` before `row[name]`, and on a dict that first try fails with an exception,
    for every variable."""
    items = list(items)
    if not items:
        return []
    long_day, short_day = gettext("d M Y"), gettext("d M")
    day = _day_words(long_day)

    language = get_language()
    chinese = (language or "").startswith("zh")
    labels = _labels(language)
    sentences = _sentences()
    badges = {
        "to_review": ("warning", gettext("To review")),
        "overdue": ("danger", gettext("Overdue")),
        "due": ("warning", gettext("Due now")),
        "upcoming": ("info", gettext("Upcoming")),
        "cancelled": ("secondary", gettext("Cancelled")),
    }
    item_base, case_base = context["item_base"], context["case_base"]
    course_base, course_end = context["course_base"], context["course_end"]
    rows = []
    for item in items:
        state = item.state_on(today)
        review = item.source == "review"
        if review and item.status == "pending":
            badge = badges["to_review"]
        elif state == "done":
            done_on = day(item.completed_date)
            text = (
                sentences["reviewed"] % {"day": done_on} if review else sentences["done"] % {"date": done_on}
            )
            badge = ("success", text)
        else:
            badge = badges.get(state, badges["cancelled"])
        case = item.case
        patient = case.patient
        presentation = getattr(case, "presentation", None)
        how = labels["contact"].get(patient.preferred_contact, patient.preferred_contact)
        risk = labels["risk"].get(case.risk_category, case.risk_category)
        step = item.current_escalation()
        # Family name first (cases.models.patient.listed_name), each part isolated by <bdi> in the row.
        family, name_separator, given = listed_name(patient.given_name, patient.family_name, chinese)
        rows.append(
            {
                "pk": item.pk,
                "state": state,
                "pending": item.status == "pending",
                "review": review,
                "url": f"{item_base}{item.pk}/",
                "due_text": day(item.due_date),
                "window_text": ""
                if review
                else sentences["window"]
                % {
                    "days": item.window_days,
                    "start": day(item.window_start, short_day),
                    "end": day(item.window_end),
                },
                "badge_class": badge[0],
                "badge_text": badge[1],
                "provisional": item.provisional,
                "case_url": f"{case_base}{item.case_id}/",
                "family": family,
                "name_separator": name_separator,
                "given": given,
                "mrn": patient.mrn,
                "case_text": sentences["case"] % {"id": case.short_id},
                "flagged": case.needs_mdt_review,
                "phone": patient.phone,
                "prefers_text": sentences["prefers"] % {"how": how.lower()},
                "course_record": bool(item.course_record),
                "source_label": labels["source"].get(item.source, item.source),
                "attention_label": labels["attention"].get(item.attention, item.attention)
                if item.attention
                else "",
                "modality_label": labels["modality"].get(item.modality, item.modality),
                "course_url": f"{course_base}{item.case_id}{course_end}",
                "course_interval_source": gettext(item.course_interval_source())
                if item.course_record
                else "",
                "phase": "" if item.course_record else item.phase_display(),
                "result_label": labels["result"].get(item.result, item.result) if item.result else "",
                "reason": followup_reason(item.reason),
                "escalation_text": sentences["escalation"]
                % {"step": labels["step"].get(step.step, step.step)}
                if step
                else "",
                "escalation_since": sentences["since"] % {"date": day(step.opened_on)} if step else "",
                "escalation_outcome": labels["outcome"].get(step.outcome, step.outcome)
                if step and step.outcome
                else "",
                "owner_name": staff_name(case.owner),
                "site_label": labels["site"].get(presentation.site, presentation.site)
                if presentation
                else "",
                "risk": case.risk_category,
                "risk_text": sentences["risk"] % {"risk": risk} if case.risk_category else "",
                "nurse_name": staff_name(item.responsible_nurse) if item.responsible_nurse_id else "",
                "next_contact_text": day(item.next_contact_date) or "—",
            }
        )
    return _rendered(rows, context)


def _rendered(rows: list[dict], context: dict) -> list[SimpleNamespace]:
    """Each row as a namespace with its cells rendered (`html`, escaped by Jinja2 and so marked safe)."""
    cells = engines["jinja2"].get_template("followups/worklist_row.html")
    words = SimpleNamespace(**context["words"])
    can_act, can_review = context["can_act"], context["can_review"]
    prepared = []
    for values in rows:
        row = SimpleNamespace(**values)
        html = cells.render({"row": row, "words": words, "can_act": can_act, "can_review": can_review})
        row.html = mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed)
        prepared.append(row)
    return prepared


#: The printable list's columns: they head its table, and on a phone, where each row is a card, name each cell
#: (data-label; static/css/followups.css).
PRINT_COLUMNS = (
    *(gettext_noop("Due"), gettext_noop("Window"), gettext_noop("State"), gettext_noop("Patient")),
    *(gettext_noop("MRN"), gettext_noop("Phone"), gettext_noop("Prefers"), gettext_noop("Examination")),
    *(gettext_noop("Surgeon"), gettext_noop("Nurse"), gettext_noop("Done / note")),
)


def print_columns() -> list[str]:
    """The printable list's column names in the reader's language."""
    return [gettext(name) for name in PRINT_COLUMNS]


_HEAD = re.compile(r"\{\{ head\[(\d+)\] \}\}")


@functools.lru_cache(maxsize=16)
def _print_rows_template(language: str | None) -> jinja2.Template:
    """templates/jinja2/followups/print_rows.html with the columns' names in `language` (the active one) written
    into it, once a process: each `{{ head[n] }}` becomes the nth name, escaped. Placed by Jinja2 as values, the
    eleven names of 2,000 rows (each cell's data-label) made the list 90 ms slower (issue 16)."""
    env = engines["jinja2"].env
    source, _filename, _uptodate = env.loader.get_source(env, "followups/print_rows.html")
    # Escaped as HTML, and no brace left: a name is text, never a Jinja2 delimiter.
    names = [escape(name).replace("{", "&#123;").replace("}", "&#125;") for name in print_columns()]
    written = _HEAD.sub(lambda match: names[int(match[1])], source)
    return env.from_string(written)


@receiver(setting_changed)
def forget(**_kwargs) -> None:
    """Drop the words kept for the process. Settings change only in tests (languages, catalogues, templates)."""
    _print_rows_template.cache_clear()
    _labels.cache_clear()
    _worded.cache_clear()


def print_rows(items: Iterable[FollowUpItem], today: date) -> SafeString:
    """The printable list's `<tr>` of each item (the items with their case, patient and users selected), in the
    reader's language (templates/jinja2/followups/print_rows.html, one render for the list).

    The list prints up to 2,000 rows of eleven cells: through Django's engine they cost about 0.2 ms a row, most of
    the page (issue 16). Each date and label is worded once a list, as `prepare` words them for the worklist."""
    long_day, short_day = gettext("d M Y"), gettext("d M")
    day = _day_words(long_day)

    language = get_language()
    chinese = (language or "").startswith("zh")
    labels = _labels(language)
    states = {state: str(label) for state, label in STATE_LABELS.items()}
    phases: dict[str, str] = {}
    staff: dict[int, str] = {}

    def staff_of(user) -> str:
        if user.pk not in staff:
            staff[user.pk] = staff_name(user)
        return staff[user.pk]

    rows = []
    for item in items:
        patient = item.case.patient
        if item.course_record:  # made by the treatment course: its kind says what it is for (phase_display)
            phase = labels["source"].get(item.source, item.source)
        else:
            if item.phase not in phases:
                phases[item.phase] = phase_label(item.phase)
            phase = phases[item.phase]
        family, name_separator, given = listed_name(patient.given_name, patient.family_name, chinese)
        state = item.state_on(today)
        rows.append(
            SimpleNamespace(
                due=day(item.due_date, long_day),
                window_start=day(item.window_start, short_day),
                window_end=day(item.window_end, long_day),
                state=states.get(state, state),
                family=family,
                name_separator=name_separator,
                given=given,
                mrn=patient.mrn,
                phone=patient.phone,
                prefers=labels["contact"].get(patient.preferred_contact, patient.preferred_contact),
                modality=labels["modality"].get(item.modality, item.modality),
                phase=phase,
                surgeon=staff_of(item.case.owner),
                nurse=staff_of(item.responsible_nurse) if item.responsible_nurse_id else "",
            )
        )
    html = _print_rows_template(language).render({"rows": rows, "no_items": gettext("No items.")})
    return mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed)


def tbodies(rows: list[SimpleNamespace]) -> SafeString:
    """A page of prepared rows, each in its `<tbody>` (templates/jinja2/followups/worklist_rows.html): one Jinja2
    render for the page instead of the Django partial once per row (about 0.1 ms a row)."""
    html = engines["jinja2"].get_template("followups/worklist_rows.html").render({"rows": rows})
    return mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed; each row's cells are safe)
