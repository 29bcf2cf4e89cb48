"""What a meeting page prints of each agenda item, prepared once per page (issue 16: every page near the floor).

Through Django's template engine each item of the meeting page cost about 0.7 ms (forty translated words, seven
reversed URLs, two CSRF fields and some forty variables an item): a 40-case agenda was 17-21x the bare view. Here the
links' prefixes are reversed and the fixed words translated once per page, each item's sentences are worded in
Python, and Jinja2 places them (templates/jinja2/mdt/agenda_items.html, one render for the page), escaping each.
The words keep the message ids the Django template used; a translation that cannot be filled prints the English,
as {% blocktranslate %} did (`fillable`). A decision form sent back with an error is still drawn by
its Django partial (mdt/_decision_form.html), as the form's own page draws it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from types import SimpleNamespace

from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from cases.links import case_link_parts
from cases.models import AgendaItem, MdtMeeting
from cases.sentences import fillable
from cases.templatetags.people import staff_name

_STAND_IN = str(uuid.UUID(int=0))


def _item_link_parts(viewname: str, meeting: MdtMeeting) -> tuple[str, str]:
    """The URL of `viewname` for one of `meeting`'s items around the item's id: (before, after)."""
    before, _, after = reverse(viewname, args=[meeting.pk, _STAND_IN]).rpartition(_STAND_IN)
    return before, after


def _words() -> SimpleNamespace:
    """The items' fixed words in the reader's language."""
    return SimpleNamespace(
        mrn=gettext("MRN"),
        draft=gettext("Draft case: not yet assessed"),
        changed_since_signed=gettext("Changed since signed"),
        risk=gettext("Risk:"),
        not_assessed=gettext("not assessed"),
        pathway=gettext("Pathway:"),
        status=gettext("Status:"),
        decision=gettext("Decision:"),
        report=gettext("Report"),
        amend=gettext("Amend"),
        remove=gettext("Remove"),
        change_the_decision=gettext("Change the decision"),
        record_the_decision=gettext("Record the decision"),
        open_the_form=gettext("Open the decision form"),
        sign=gettext("Sign report"),
        sign_help=gettext("You confirm with your password; signing freezes the report and its PDF."),
        not_signed=gettext("Not signed: the case stays on the list for the next meeting."),
    )


def agenda_items(
    items: Iterable[AgendaItem],
    *,
    meeting: MdtMeeting,
    can_manage: bool,
    can_sign: bool,
    request: HttpRequest,
) -> SafeString:
    """The `<li>` of each agenda item (with its case, patient, decider and signed reports read, `latest_report`,
    `is_draft` and `decision_form` set by the view), in the reader's language, for a reader who may manage the
    agenda (`can_manage`) and sign (`can_sign`)."""
    report_base, report_end = case_link_parts("mdt:report")
    pdf_base, pdf_end = case_link_parts("mdt:report_pdf")
    amend_base, amend_end = case_link_parts("mdt:report_amend")
    move = _item_link_parts("mdt:agenda_move", meeting)
    remove = _item_link_parts("mdt:agenda_remove", meeting)
    decision = _item_link_parts("mdt:decision", meeting)
    sign = _item_link_parts("mdt:sign", meeting)
    case_text, move_up, move_down = (
        fillable(gettext_noop("case %(id)s"), "id"),
        fillable(gettext_noop("Move case %(id)s up"), "id"),
        fillable(gettext_noop("Move case %(id)s down"), "id"),
    )
    change_for, record_for = (
        fillable(gettext_noop("Change the decision for case %(id)s"), "id"),
        fillable(gettext_noop("Record the decision for case %(id)s"), "id"),
    )
    needs, recorded_by = (
        fillable(gettext_noop("needs %(need)s"), "need"),
        fillable(gettext_noop("(recorded by <bdi>%(who)s</bdi>)"), "who"),
    )
    signed = fillable(
        gettext_noop("Signed version %(version)s by %(who)s, %(when)s"), "version", "who", "when"
    )
    rows = []
    for item in items:
        case = item.case
        short_id = case.short_id
        report = item.latest_report
        decision_line = ""
        if item.decision:
            decision_line = escape(item.get_decision_display())
            if item.deferral_need:
                decision_line += " — " + needs % {"need": escape(item.get_deferral_need_display().lower())}
            if item.modification_reason:
                decision_line += " — " + escape(item.modification_reason)
            if item.decided_by_id:
                # As {% blocktranslate %}: the message as translated (this one holds markup, <bdi>), its values escaped.
                decision_line += " " + recorded_by % {"who": escape(staff_name(item.decided_by))}
        item_id = str(item.pk)
        rows.append(
            SimpleNamespace(
                id=item_id,
                order=item.order,
                name=case.patient.full_name,
                mrn=case.patient.mrn,
                case_text=case_text % {"id": short_id},
                is_draft=item.is_draft,
                changed_since_signed=case.changed_since_signed,
                risk=case.risk_category,
                risk_label=case.get_risk_category_display(),
                pathway_label=case.get_pathway_display(),
                status=item.status,
                status_label=item.get_status_display(),
                decision=item.decision,
                decision_line=mark_safe(decision_line),  # noqa: S308  (every value escaped above)
                signed_text=mark_safe(  # noqa: S308  (the values escaped)
                    signed
                    % {
                        "version": report.version,
                        "who": escape(report.signed_by_name),
                        "when": format_date(timezone.localtime(report.signed_at), "Y-m-d H:i"),
                    }
                )
                if report
                else "",
                report_url=f"{report_base}{case.pk}{report_end}",
                pdf_url=f"{pdf_base}{case.pk}{pdf_end}",
                amend_url=f"{amend_base}{case.pk}{amend_end}" if report else "",
                move_url=f"{move[0]}{item_id}{move[1]}",
                move_up=move_up % {"id": short_id},
                move_down=move_down % {"id": short_id},
                remove_url=f"{remove[0]}{item_id}{remove[1]}",
                decision_url=f"{decision[0]}{item_id}{decision[1]}?version={item.version}",
                decision_label=(change_for if item.decision else record_for) % {"id": short_id},
                sign_url=f"{sign[0]}{item_id}{sign[1]}",
                decision_form=render_to_string(
                    "mdt/_decision_form.html",
                    {"form": item.decision_form, "item": item, "meeting": meeting},
                    request,
                )
                if item.decision_form
                else "",
            )
        )
    html = (
        engines["jinja2"]
        .get_template("mdt/agenda_items.html")
        .render(
            {
                "items": rows,
                "words": _words(),
                "can_manage": can_manage,
                "can_sign": can_sign,
                # One field for every form of the page, as {% csrf_token %} gives: the `csrf_input` Django's Jinja2
                # backend puts in a template's context (csrf_input_lazy) masks a new token each time it is printed
                # (two forms an item, 32 random letters each).
                "csrf_field": csrf_input(request) if can_manage else "",
            }
        )
    )
    return mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed)
