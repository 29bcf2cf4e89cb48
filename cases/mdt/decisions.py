"""What an MDT decision can change, who attended, and whether the meeting is quorate.

Plain functions over plain data (no ORM): the forms validate with them, the services store their output, and
the report prints it. Nothing here is a clinical rule: the MDT's modification is recorded as the MDT states it,
and the quorum is local policy (settings.GISTCARE_MDT_QUORUM).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import AdjuvantDecision, Pathway
from cases.engine_texts import engine_phrase
from cases.labels import ADJUVANT_LABELS, adjuvant_plan, label
from cases.models import Discipline

APPROACH_CHOICES = (
    ("laparoscopic", _("Laparoscopic")),
    ("open", _("Open")),
    ("open_or_laparoscopic", _("Open or laparoscopic")),
    ("endoscopic_or_laparoscopic", _("Endoscopic or laparoscopic")),
    ("local_excision", _("Local excision")),
)


@dataclass(frozen=True)
class Modifiable:
    key: str
    label: str
    kind: str  # "choice", "int" or "text"
    choices: tuple[tuple[str, str], ...] = ()
    maximum: int | None = None


# The structured fields an MDT can modify (issue 10: dose, drug, duration, approach, pathway, adjuvant).
# Integer bounds are input plausibility, not clinical limits: the adjuvant duration's bound is the case
# record's own (TreatmentDecision.adjuvant_planned_months, 240 months).
MODIFIABLE: tuple[Modifiable, ...] = (
    Modifiable("pathway", _("Pathway"), "choice", tuple(Pathway.choices)),
    Modifiable("approach", _("Surgical approach"), "choice", APPROACH_CHOICES),
    Modifiable("adjuvant", _("Adjuvant imatinib"), "choice", tuple(AdjuvantDecision.choices)),
    Modifiable("adjuvant_dose_mg", _("Adjuvant dose (mg/day)"), "int", maximum=1000),
    Modifiable("adjuvant_months", _("Adjuvant duration (months)"), "int", maximum=240),
    Modifiable("first_line_drug", _("First-line systemic drug"), "text"),
    Modifiable("first_line_dose", _("First-line systemic dose"), "text"),
)
MODIFIABLE_BY_KEY = {m.key: m for m in MODIFIABLE}


def clean_modifications(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The structured modifications from form values: (modifications, errors by key). Empty values are
    dropped; a dose or duration belongs to adjuvant imatinib given."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in MODIFIABLE:
        value = raw.get(spec.key)
        if value in (None, ""):
            continue
        if spec.kind == "choice":
            if value not in dict(spec.choices):
                errors[spec.key] = gettext("%(field)s: choose one of the listed options.") % {
                    "field": spec.label
                }
                continue
        elif spec.kind == "int":
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[spec.key] = gettext("%(field)s: enter a whole number.") % {"field": spec.label}
                continue
            if value < 0 or (spec.maximum is not None and value > spec.maximum):
                errors[spec.key] = gettext("%(field)s: enter a number from 0 to %(maximum)s.") % {
                    "field": spec.label,
                    "maximum": spec.maximum,
                }
                continue
        else:
            value = str(value).strip()[:200]
            if not value:
                continue
        out[spec.key] = value
    adjuvant_detail = {"adjuvant_dose_mg", "adjuvant_months"} & out.keys()
    if adjuvant_detail and out.get("adjuvant") != AdjuvantDecision.GIVEN:
        for key in adjuvant_detail:
            errors[key] = gettext(
                "%(field)s: set “Adjuvant imatinib” to Given to change its dose or duration."
            ) % {"field": MODIFIABLE_BY_KEY[key].label}
    return out, errors


def _choice_label(key: str, value: Any) -> str:
    spec = MODIFIABLE_BY_KEY[key]
    return dict(spec.choices).get(value, str(value)) if spec.kind == "choice" else str(value)


def engine_value(key: str, result: Mapping[str, Any]) -> str:
    """What the engine suggested for `key`, as printed."""
    adjuvant = result.get("adjuvant") or {}
    lines = result.get("systemic_lines") or []
    first = lines[0] if lines else {}
    value: Any
    if key == "pathway":
        value = _choice_label(key, result.get("pathway")) if result.get("pathway") else None
    elif key == "approach":
        value = _choice_label(key, result.get("approach")) if result.get("approach") else None
    elif key == "adjuvant":
        recommendation = adjuvant.get("recommendation")
        value = label(ADJUVANT_LABELS, recommendation, "") if recommendation else None
        if value and adjuvant.get("drug"):
            value = gettext("%(recommendation)s: %(plan)s") % {
                "recommendation": value,
                "plan": adjuvant_plan(adjuvant),
            }
    elif key == "adjuvant_dose_mg":
        value = adjuvant.get("dose_mg_per_day")
    elif key == "adjuvant_months":
        value = adjuvant.get("duration_months")
    elif key == "first_line_drug":  # the engine's words for a drug or a dose, in the reader's language
        value = engine_phrase(first.get("drug"))
    else:
        value = engine_phrase(first.get("dose"))
    return gettext("none") if value in (None, "") else str(value)


def modification_rows(modifications: Mapping[str, Any], result: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per modified field: label, the MDT's decision, and the engine's suggestion it replaces."""
    return [
        {
            "key": spec.key,
            "label": spec.label,
            "mdt": _choice_label(spec.key, modifications[spec.key]),
            "engine": engine_value(spec.key, result),
        }
        for spec in MODIFIABLE
        if spec.key in modifications
    ]


# Attendance -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    name: str
    discipline: str  # a Discipline value, or "" when the line names none

    @property
    def discipline_label(self) -> str:
        return (
            gettext(Discipline(self.discipline).label)
            if self.discipline
            else gettext("Discipline not recorded")
        )


_DISCIPLINE_WORDS = (
    {value: value for value in Discipline.values}
    | {str(label).lower(): value for value, label in Discipline.choices}
    # Chinese: the disciplines as a Chinese MDT writes them (the words of the zh_Hans catalogue, and the usual
    # short forms), so that "王医生, 外科医生（主席）" counts for the quorum like "Dr Wang, surgeon (chair)".
    | {
        "外科医生": Discipline.SURGEON,
        "外科": Discipline.SURGEON,
        "肿瘤内科医生": Discipline.ONCOLOGIST,
        "肿瘤内科": Discipline.ONCOLOGIST,
        "病理科医生": Discipline.PATHOLOGIST,
        "病理科": Discipline.PATHOLOGIST,
        "影像科医生": Discipline.RADIOLOGIST,
        "影像科": Discipline.RADIOLOGIST,
        "放射科": Discipline.RADIOLOGIST,
        "消化内科医生": Discipline.GASTROENTEROLOGIST,
        "消化内科": Discipline.GASTROENTEROLOGIST,
        "专科护士": Discipline.NURSE,
        "mdt协调员": Discipline.COORDINATOR,
        "协调员": Discipline.COORDINATOR,
        "其他": Discipline.OTHER,
    }
)


def parse_attendee(line: str) -> Attendee:
    """ "Dr A. Smith, surgeon (chair)" -> Attendee("Dr A. Smith", "surgeon"): the discipline is the last
    comma-separated part; a line without a known discipline keeps its text as the name. Chinese punctuation
    (，（）) reads like its Latin counterpart: "王医生，外科医生（主席）"."""
    name, _sep, tail = line.strip().replace("，", ",").rpartition(",")
    words = tail.lower().translate(str.maketrans("()（）", "    ")).split()
    for size in (2, 1):  # "specialist nurse", "mdt coordinator" before single words
        for i in range(len(words) - size + 1):
            discipline = _DISCIPLINE_WORDS.get(" ".join(words[i : i + size]))
            if discipline and name.strip():
                return Attendee(name.strip(), discipline)
    return Attendee(line.strip(), "")


def parse_attendees(text: str) -> list[Attendee]:
    return [parse_attendee(line) for line in text.splitlines() if line.strip()]


def attendees_by_discipline(attendees: Iterable[Attendee]) -> list[tuple[str, list[str]]]:
    """[(discipline label, [names])] in the order of Discipline, those without one last."""
    order = [*Discipline.values, ""]
    groups: dict[str, list[str]] = {}
    for attendee in attendees:
        groups.setdefault(attendee.discipline, []).append(attendee.name)
    return [(Attendee("", key).discipline_label, groups[key]) for key in sorted(groups, key=order.index)]


def quorum_missing(attendees: Iterable[Attendee]) -> list[str]:
    """The disciplines the quorum rule requires that nobody present covers (labels), in the rule's order."""
    present = {a.discipline for a in attendees}
    return [gettext(Discipline(d).label) for d in settings.GISTCARE_MDT_QUORUM if d not in present]
