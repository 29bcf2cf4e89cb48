"""What a case list row prints, prepared once per page (issue 16: the list is one of the load test's pages).

Through Django's template engine the 25 rows of a page were most of the list's time: each row translated its date
format and its labels, reversed its link and resolved some thirty variables (264 translations and 32 reversed URLs
a page). Here the link's prefix is reversed and the fixed words translated once per page, the labels come from
the models' labels kept per language (`get_FOO_display`, cases/models/base.py), each row's values are prepared in
Python, and Jinja2 places them (templates/jinja2/records/case_rows.html, one render for the page), escaping each,
as the worklist's rows are (cases/followups/rows.py). The words keep the message ids the Django template used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from types import SimpleNamespace

from django.template import engines
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from cases.links import case_link_parts
from cases.models import Case
from cases.models.patient import listed_name
from cases.records.presenters import format_cm
from cases.templatetags.people import staff_name


def case_rows(cases: Iterable[Case]) -> SafeString:
    """The `<tr>` of each case (with its patient, owner and presentation selected), in the reader's language."""
    chinese = (get_language() or "").startswith("zh")
    day_format = gettext("d M Y")
    case_base, case_end = case_link_parts("records:case")
    days: dict[date, str] = {}  # each day formatted once (its month's name is translated)

    def day(value: datetime) -> str:
        # The day in the current time zone, as the template's `date` filter gave it.
        local = timezone.localtime(value).date()
        if local not in days:
            days[local] = format_date(local, day_format)
        return days[local]

    rows = []
    for case in cases:
        patient = case.patient
        presentation = case.section("presentation")
        # Family name first (cases.models.patient.listed_name), each part isolated by <bdi> in the row.
        family, name_separator, given = listed_name(patient.given_name, patient.family_name, chinese)
        rows.append(
            SimpleNamespace(
                url=f"{case_base}{case.pk}{case_end}",
                family=family,
                name_separator=name_separator,
                given=given,
                mrn=patient.mrn,
                site_label=presentation.get_site_display() if presentation else "",
                size_display=format_cm(presentation.size_cm) if presentation else "",
                risk=case.risk_category,
                risk_label=case.get_risk_category_display(),
                pathway_label=case.get_pathway_display(),
                status_label=case.get_status_display(),
                changed_since_signed=case.changed_since_signed,
                surgeon=staff_name(case.owner),
                updated=day(case.updated_at),
            )
        )
    html = (
        engines["jinja2"]
        .get_template("records/case_rows.html")
        .render(
            {"rows": rows, "words": SimpleNamespace(changed_since_signed=gettext("Changed since signed"))}
        )
    )
    return mark_safe(html)  # noqa: S308  (Jinja2 escaped every value it placed)
