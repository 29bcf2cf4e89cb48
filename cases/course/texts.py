"""The treatment course's engine words in the reader's language (issue 15).

guidelines/ stays language-free: the response arithmetic (guidelines/response.py) and the trough-level texts
(guidelines/drug_levels.py) are English. Here, at the presentation layer, each English text is matched against
the template it was formatted from and the catalogue's translation of that template is formatted with the same
values. In English, or for a text no template matches, the engine's text is printed unchanged.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_noop

from cases.engine_texts import _pattern, evidence_text

# The arithmetic of guidelines/response.py, part by part ({name}: a value read back out of the English text).
ARITHMETIC = (
    gettext_noop("new lesion(s); sum {total} mm"),
    gettext_noop("every target lesion gone (baseline sum {base} mm)"),
    gettext_noop(
        "sum {total} mm vs nadir {nadir} mm ({day}): {change}, +{growth} mm (PD: at least +20% and +5 mm)"
    ),
    gettext_noop("sum {total} mm vs baseline {base} mm: {change} (PR: at least -30%)"),
    gettext_noop(
        "sum {total} mm vs baseline {base} mm: {change}; vs nadir {nadir} mm: {growth} mm (neither -30% from "
        "baseline nor +20% and +5 mm from the nadir)"
    ),
    gettext_noop("new lesion(s)"),
    gettext_noop("a new nodule inside a mass"),
    gettext_noop("every lesion gone (baseline sum {base} mm)"),
    gettext_noop("size {total} mm vs baseline {base} mm: {change}"),
    gettext_noop("attenuation {hu} HU vs baseline {base_hu} HU: {change}"),
    gettext_noop("attenuation not measured on both scans"),
)
CHOI_RULES = (
    gettext_noop("(PR: size -10% or attenuation -15%)"),
    gettext_noop("(PD: size +10% without the attenuation fall)"),
)
# guidelines/drug_levels.py
TROUGH = (
    gettext_noop("{level} ng/mL is below {low} ng/mL: associated with a shorter time to progression."),
    gettext_noop("{level} ng/mL is above {high} ng/mL: myelosuppression risk."),
    gettext_noop("{level} ng/mL is not below {low} ng/mL."),
    gettext_noop("Check adherence and drug interactions."),
    gettext_noop("Check the blood count; the MDT decides on the dose."),
    gettext_noop(
        "High levels (myelosuppression risk): no threshold in the rule set; individualised by the MDT."
    ),
)


# The reasons the course services flag a case for the MDT with (cases/course/services.py), and the follow-up's
# (cases/followups/services.py), stored in English.
MARKED_RECURRENT = gettext_noop("Marked recurrent: re-discuss at the MDT (systemic therapy pathway)")
FLAG_REASONS = (
    gettext_noop("Scan of {date} computes progression ({said}): re-discuss"),
    gettext_noop("Recurrence/progression on {date} ({sites}): re-discuss"),
    MARKED_RECURRENT,
)


def is_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _from_templates(text: str, templates: tuple[str, ...]) -> str | None:
    for template in templates:
        match = _pattern(template).match(text)
        # A value is a number, a percentage or a date: never a clause (the Choi texts join two with "; ").
        if match is not None and not any(";" in value for value in match.groupdict().values()):
            return gettext(template).format(**match.groupdict())
    return None


def engine_text(text: str) -> str:
    """An arithmetic or trough-level text of the engine in the reader's language."""
    if not text or not is_chinese():
        return text
    found = _from_templates(text, ARITHMETIC + TROUGH)
    if found is not None:
        return found
    rule = ""
    for suffix in CHOI_RULES:
        if text.endswith(" " + suffix):
            text, rule = text[: -len(suffix) - 1], gettext(suffix)
    parts = [_from_templates(part, ARITHMETIC) or part for part in text.split("; ")]
    return "；".join(parts) + rule


def flag_reason(text: str) -> str:
    """A stored MDT-flag reason in the reader's language, part by part ("; "); a part the course did not write
    (or any part in English) is printed as it is."""
    if not text or not is_chinese():
        return text
    parts = []
    for part in text.split("; "):
        for template in FLAG_REASONS:
            match = _pattern(template).match(part)
            if match is None:
                continue
            values = match.groupdict()
            with contextlib.suppress(KeyError, ValueError):
                values["date"] = day_text(datetime.strptime(values["date"], "%d %b %Y").date())
            if "sites" in values:
                values["sites"] = "、".join(gettext(site) for site in values["sites"].split(", "))
            part = gettext(template).format(**values)
            break
        parts.append(part)
    return "；".join(parts)


def day_text(day: date) -> str:
    """A date in a message: 01 Feb 2026 in English (as before), 2026年2月1日 in Chinese."""
    return date_format(day, "Y年n月j日") if is_chinese() else f"{day:%d %b %Y}"


def proposals(advice) -> list[dict]:
    """The options proposed on progression (guidelines/progression.py), in the reader's language."""
    if advice is None:
        return []
    return [
        {"text": gettext(p.text), "evidence": evidence_text(p.evidence), "source": p.source}
        for p in advice.proposals
    ]


def sites(event) -> list[str]:
    """The sites of a recurrence: liver, peritoneum (in the reader's language), and the other site as typed."""
    found = []
    if event.site_liver:
        found.append(gettext("liver"))
    if event.site_peritoneum:
        found.append(gettext("peritoneum"))
    if event.site_other:
        found.append(event.site_other)
    return found


def sites_text(event) -> str:
    return ("、" if is_chinese() else ", ").join(sites(event))


def describe(obj) -> str:
    """A course record named on the delete page and in the dose-change form, in the reader's language (the same
    words as the models' __str__ in English)."""
    from cases.models import (
        DoseChange,
        DrugLevel,
        ImagingAssessment,
        LineInterruption,
        RecurrenceEvent,
        TargetLesion,
        TherapyLine,
    )

    if isinstance(obj, TherapyLine) and obj.dose_mg_per_day is None:
        return gettext("%(drug)s (dose not recorded) from %(date)s") % {
            "drug": obj.get_drug_display(),
            "date": obj.start_date,
        }
    if isinstance(obj, TherapyLine):
        return gettext("%(drug)s %(dose)s mg/day from %(date)s") % {
            "drug": obj.get_drug_display(),
            "dose": f"{float(obj.dose_mg_per_day):g}",
            "date": obj.start_date,
        }
    if isinstance(obj, DoseChange):
        return gettext("%(dose)s mg/day from %(date)s") % {
            "dose": f"{float(obj.dose_mg_per_day):g}",
            "date": obj.change_date,
        }
    if isinstance(obj, ImagingAssessment):
        return gettext("%(modality)s of %(date)s") % {
            "modality": obj.get_modality_display(),
            "date": obj.scan_date,
        }
    if isinstance(obj, DrugLevel):
        return gettext("%(drug)s trough %(level)s ng/mL on %(date)s") % {
            "drug": obj.get_drug_display(),
            "level": f"{float(obj.trough_ng_ml):g}",
            "date": obj.sample_date,
        }
    if isinstance(obj, LineInterruption):
        return gettext("Interruption from %(date)s") % {"date": obj.start_date}
    if isinstance(obj, RecurrenceEvent):
        return gettext("Recurrence/progression on %(date)s") % {"date": obj.event_date}
    if isinstance(obj, TargetLesion):
        return f"{obj.get_organ_display()} {float(obj.diameter_mm):g} mm"
    return str(obj)
