"""The treatment course's engine words in the reader's language (issue 15).

guidelines/ stays language-free: the response arithmetic (guidelines/response.py) and the trough-level texts
(guidelines/drug_levels.py) are English. Here, at the presentation layer, each English text is matched against
the template it was formatted from and the catalogue's translation of that template is formatted with the same
values. In English, or for a text no template matches, the engine's text is printed unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_noop, override

from cases.engine_texts import _pattern, evidence_text, source_text
from cases.labels import drug_label

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


# The MDT's own reasons, when it defers a case or does not discuss it (cases/mdt/services.py), stored in English
# whoever records the decision: "Deferred at GIST MDT (03 Feb 2026): further imaging (MRI liver)".
MDT_DEFERRED = gettext_noop("Deferred at {meeting}")
MDT_NOT_DISCUSSED = gettext_noop("Not discussed at {meeting}")
MDT_NEED = gettext_noop("{reason}: {need}")
MDT_NOTE = gettext_noop("{reason} ({note})")
_ENGLISH_DAY = r"\d{2} [A-Z][a-z]{2} \d{4}"  # the meeting's date as an English label prints it ("d M Y")


def mdt_flag_reason(*, deferred: bool, meeting, need: str, note: str) -> str:
    """Why the MDT flags a case it `deferred` (or did not discuss) at `meeting`, in English: the meeting's label
    and the deferral need's label (DeferralNeed) as English prints them, the chair's `note` as typed."""
    from cases.models import DeferralNeed

    with override("en"):
        reason = (MDT_DEFERRED if deferred else MDT_NOT_DISCUSSED).format(meeting=meeting.label)
        if need:
            reason = MDT_NEED.format(reason=reason, need=str(DeferralNeed(need).label).lower())
    return MDT_NOTE.format(reason=reason, note=note) if note else reason


@functools.lru_cache(maxsize=1)
def _mdt_reason_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The stored MDT reason's parts, and each deferral need's label by its lower-case English text."""
    from cases.models import DeferralNeed

    with override("en"):
        needs = {str(label).lower(): str(label) for _, label in DeferralNeed.choices}
    verbs = "|".join(re.escape(t.replace("{meeting}", "")) for t in (MDT_DEFERRED, MDT_NOT_DISCUSSED))
    pattern = re.compile(
        rf"^(?P<verb>{verbs})(?:virtual MDT (?P<virtual>{_ENGLISH_DAY})|(?P<title>.+?) \((?P<date>{_ENGLISH_DAY})\))"
        rf"(?:: (?P<need>{'|'.join(re.escape(n) for n in needs)}))?(?: \((?P<note>.+)\))?$",
        re.S,
    )
    return pattern, needs


def _mdt_reason(text: str) -> str | None:
    """A stored MDT reason (mdt_flag_reason) in the reader's language, or None for any other text."""
    pattern, needs = _mdt_reason_pattern()
    match = pattern.match(text)
    if match is None:
        return None
    day = day_text(datetime.strptime(match["virtual"] or match["date"], "%d %b %Y").date())
    if match["virtual"]:
        meeting = gettext("virtual MDT %(date)s") % {"date": day}
    else:
        meeting = f"{match['title']} ({day})"
    deferred = match["verb"] == MDT_DEFERRED.replace("{meeting}", "")
    reason = gettext(MDT_DEFERRED if deferred else MDT_NOT_DISCUSSED).format(meeting=meeting)
    if match["need"]:
        reason = gettext(MDT_NEED).format(reason=reason, need=gettext(needs[match["need"]]))
    if match["note"]:
        reason = gettext(MDT_NOTE).format(reason=reason, note=match["note"])
    return reason


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
    with contextlib.suppress(KeyError, ValueError, IndexError):  # a broken translation: the text as stored
        mdt = _mdt_reason(text)  # whole: the chair's note may hold "; "
        if mdt is not None:
            return mdt
    parts = []
    for part in text.split("; "):
        found = _matched(part, FLAG_REASONS)
        if found is not None:
            template, values = found
            if "sites" in values:
                values["sites"] = "、".join(gettext(site) for site in values["sites"].split(", "))
            part = gettext(template).format(**values)
        parts.append(part)
    return "；".join(parts)


def _matched(text: str, templates: Iterable[str]) -> tuple[str, dict[str, str]] | None:
    """The first of `templates` that `text` was written from, with its values (a date as the reader writes it)."""
    for template in templates:
        match = _pattern(template).match(text)
        if match is None:
            continue
        values = match.groupdict()
        with contextlib.suppress(KeyError, ValueError):
            values["date"] = day_text(datetime.strptime(values["date"], "%d %b %Y").date())
        return template, values
    return None


# Where a course item's interval comes from (guidelines/rulesets/course_worklist.py), shown on the worklist.
INTERVAL_SOURCES = (
    gettext_noop(
        "Local default (after ESMO 2022, Casali PG et al. Ann Oncol 2022;33:20-33: on imatinib, response checked "
        "every 3 months): 3 months after a new line or a dose change"
    ),
    gettext_noop(
        "Local default (no interval in the sources; threshold 1,100 ng/mL: Demetri GD et al. J Clin Oncol "
        "2009;27:3141-7): at the next contact after progression on imatinib, 28 days after a dose change"
    ),
)

# The follow-up items' reasons the code writes with a value (cases/course/worklist.py, cases/mdt/services.py), stored
# in English; the fixed ones ("Scan entered") are in cases.audit.labels.REASONS.
FOLLOWUP_REASONS = (
    gettext_noop("Closed: scan of {date} entered in the treatment course"),
    gettext_noop("Closed: trough level of {date} entered in the treatment course"),
    gettext_noop("no trough level is measured for {drug}"),
    gettext_noop("the {what} it came from was deleted"),
    gettext_noop("an adjuvant line has no response to assess"),
    gettext_noop("Open again: the {what} that closed it was deleted"),
    # The history's reasons of a course record deleted, and of what went with it (cases/course/services.py).
    gettext_noop("{what} deleted"),
    gettext_noop("{what} deleted (with it)"),
    # cases/mdt/services.py: the schedule made again.
    gettext_noop("MDT report signed (version {version})"),
    gettext_noop("MDT report amended (version {version})"),
)
#: The course's prefix of an item it cancels (cases/course/worklist.py _cancel), before its reason.
_CANCELLED = "Cancelled: "


def followup_reason(text: str) -> str:
    """A follow-up item's stored reason in the reader's language: the course's own words translated, a reason
    typed by a nurse or coordinator printed as typed."""
    if not text or not is_chinese():
        return text
    if gettext(text) != text:
        return gettext(text)
    if text.startswith(_CANCELLED):
        return gettext("Cancelled: %(reason)s") % {"reason": followup_reason(text.removeprefix(_CANCELLED))}
    found = _matched(text, FOLLOWUP_REASONS)
    if found is None:
        return text
    template, values = found
    if "drug" in values:
        values["drug"] = drug_label(values["drug"])
    if "what" in values:  # a course record ("therapy line", "Scan" where it starts the reason), else not ours
        what = values["what"][:1].lower() + values["what"][1:]
        if what not in _course_records():
            return text
        values["what"] = gettext(what)
    # A broken translation: the text as stored.
    with contextlib.suppress(KeyError, ValueError, IndexError):
        return gettext(template).format(**values)
    return text


@functools.cache
def _course_records() -> frozenset[str]:
    """The words of the records the course deletes ("therapy line"): cases.course.services.WHAT."""
    from cases.course.services import WHAT

    return frozenset(WHAT.values())


def day_text(day: date) -> str:
    """A date in a message: 01 Feb 2026 in English (as before), 2026年2月1日 in Chinese."""
    return date_format(day, "Y年n月j日") if is_chinese() else f"{day:%d %b %Y}"


def proposals(advice) -> list[dict]:
    """The options proposed on progression (guidelines/progression.py), in the reader's language."""
    if advice is None:
        return []
    return [
        {"text": gettext(p.text), "evidence": evidence_text(p.evidence), "source": source_text(p.source)}
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
