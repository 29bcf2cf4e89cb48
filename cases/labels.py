"""Engine codes in words: the one place that turns a contract code into what a clinician reads.

The live panel, the case page, the report and its PDF, and the follow-up list all take their words from
here, so the same code never reads two ways. Input vocabularies take their labels from the choice lists in
`cases.choices` (whose values are the engine's own, see tests/test_labels.py); output codes that have no
model field (approach, adjuvant recommendation, AFIP category) are labelled below. Phase labels belong to
the engine (`guidelines.PHASE_LABELS`).

Every word here is translatable (issue 15): the mappings hold lazy strings, read in the language active when they
are printed. The engine stays language-free: its ids are the keys, its English texts the catalogue's msgids
(`phase_label` here; recommendation and warning texts by their ids in `cases/engine_texts.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases import choices
from guidelines import PHASE_LABELS

__all__ = [
    "ADJUVANT_LABELS",
    "AFIP_LABELS",
    "APPROACH_LABELS",
    "FOUND_BY_LABELS",
    "LINE_SETTING_LABELS",
    "MODALITY_LABELS",
    "PHASE_LABELS",
    "RISK_LABELS",
    "SCAN_MODALITY_LABELS",
    "STOP_REASON_LABELS",
    "choice_labels",
    "drug_label",
    "label",
    "phase_label",
]


def choice_labels(choice_class: type[models.Choices]) -> dict[str, str]:
    # Lazy labels stay lazy: a table built at import time still prints in the language of each request.
    return dict(choice_class.choices)


APPROACH_LABELS: dict[str, str] = {
    "laparoscopic": _("Laparoscopic"),
    "open": _("Open"),
    "open_or_laparoscopic": _("Open or laparoscopic"),
    "endoscopic_or_laparoscopic": _("Endoscopic or laparoscopic"),
    "local_excision": _("Local excision"),
}
ADJUVANT_LABELS: dict[str, str] = {
    "recommended": _("Recommended"),
    "consider": _("Consider (shared decision)"),
    "not_recommended": _("Not recommended"),
    "not_applicable": _("Not applicable"),
    "undetermined": _("Undetermined (risk cannot be stratified)"),
}
#: AFIP (Miettinen 2006) categories: the risk categories plus the AFIP-only ones.
AFIP_LABELS: dict[str, str] = {
    "none": pgettext_lazy("risk category", "None"),
    **choice_labels(choices.RiskCategory),
    "moderate": pgettext_lazy("risk category", "Moderate"),
    "insufficient_data": _("Insufficient data"),
}
RISK_LABELS: dict[str, str] = {**choice_labels(choices.RiskCategory), **AFIP_LABELS}
MODALITY_LABELS: dict[str, str] = choice_labels(choices.FollowUpModality)


#: Drugs in the engine's answer (lower-case INN), as clinicians write them in each language.
DRUG_LABELS: dict[str, str] = {
    "imatinib": _("imatinib"),
    "sunitinib": _("sunitinib"),
    "regorafenib": _("regorafenib"),
    "ripretinib": _("ripretinib"),
    "avapritinib": _("avapritinib"),
    "larotrectinib": _("larotrectinib"),
    "entrectinib": _("entrectinib"),
    "dabrafenib_trametinib": _("dabrafenib + trametinib"),
    "other": _("other drug"),
}

#: The treatment course (issue 13) as the MDT report prints it: codes of cases/models/course.py in words.
LINE_SETTING_LABELS: dict[str, str] = {
    "neoadjuvant": _("Neoadjuvant"),
    "adjuvant": _("Adjuvant"),
    "advanced_1": _("Advanced disease, line 1"),
    "advanced_2": _("Advanced disease, line 2"),
    "advanced_3": _("Advanced disease, line 3"),
    "advanced_4": _("Advanced disease, line 4 or later"),
}
STOP_REASON_LABELS: dict[str, str] = {
    "completed": _("Completed"),
    "progression": _("Progression"),
    "toxicity": _("Toxicity"),
    "patient_choice": _("Patient choice"),
    "other": _("Other"),
}
SCAN_MODALITY_LABELS: dict[str, str] = {"ct": "CT", "mri": "MRI", "pet_ct": "PET-CT"}
FOUND_BY_LABELS: dict[str, str] = {
    "scheduled_scan": _("Scheduled scan"),
    "symptoms": _("Symptoms"),
    "other": _("Other"),
}


def label(mapping: dict[str, str], value: object, empty: str | None = None) -> str:
    """The words for `value`; `empty` when nothing is recorded; an unknown code made readable."""
    if value in (None, "", []):
        return str(_("Not recorded")) if empty is None else empty
    # Text, not a lazy translation: a caller may join or format several (the report's EUS features did).
    return str(mapping.get(str(value), str(value).replace("_", " ").capitalize()))


def drug_label(drug: object) -> str:
    """A drug named by the engine, in the reader's language (combinations and unknown drugs as the engine says)."""
    return DRUG_LABELS.get(str(drug or ""), str(drug or ""))


def phase_label(phase: object) -> str:
    """A surveillance phase (engine id) in the reader's language; the engine's English is the msgid."""
    text = PHASE_LABELS.get(str(phase or ""), str(phase or ""))
    return gettext(text) if text else ""


def adjuvant_plan(adjuvant: Mapping[str, Any]) -> str:
    """The engine's adjuvant plan as printed: "Imatinib 400 mg/day for 36 months"; empty without a drug."""
    if not adjuvant.get("drug"):
        return ""
    values = {
        "drug": drug_label(adjuvant["drug"]).capitalize(),
        "dose": adjuvant.get("dose_mg_per_day"),
        "months": adjuvant.get("duration_months"),
    }
    if values["dose"] and values["months"] is not None:
        return gettext("%(drug)s %(dose)s mg/day for %(months)s months") % values
    if values["dose"]:
        return gettext("%(drug)s %(dose)s mg/day") % values
    if values["months"] is not None:
        return gettext("%(drug)s for %(months)s months") % values
    return values["drug"]
