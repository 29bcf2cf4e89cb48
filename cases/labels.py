"""Engine codes in words: the one place that turns a contract code into what a clinician reads.

The live panel, the case page, the report and its PDF, and the follow-up list all take their words from
here, so the same code never reads two ways. Input vocabularies take their labels from the choice lists in
`cases.choices` (whose values are the engine's own, see tests/test_labels.py); output codes that have no
model field (approach, adjuvant recommendation, AFIP category) are labelled below. Phase labels belong to
the engine (`guidelines.PHASE_LABELS`).
"""

from __future__ import annotations

from django.db import models

from cases import choices
from guidelines import PHASE_LABELS

__all__ = [
    "ADJUVANT_LABELS",
    "AFIP_LABELS",
    "APPROACH_LABELS",
    "MODALITY_LABELS",
    "PHASE_LABELS",
    "RISK_LABELS",
    "choice_labels",
    "label",
]


def choice_labels(choice_class: type[models.Choices]) -> dict[str, str]:
    return {value: str(text) for value, text in choice_class.choices}


APPROACH_LABELS: dict[str, str] = {
    "laparoscopic": "Laparoscopic",
    "open": "Open",
    "open_or_laparoscopic": "Open or laparoscopic",
    "endoscopic_or_laparoscopic": "Endoscopic or laparoscopic",
    "local_excision": "Local excision",
}
ADJUVANT_LABELS: dict[str, str] = {
    "recommended": "Recommended",
    "consider": "Consider (shared decision)",
    "not_recommended": "Not recommended",
    "not_applicable": "Not applicable",
    "undetermined": "Undetermined (risk cannot be stratified)",
}
#: AFIP (Miettinen 2006) categories: the risk categories plus the AFIP-only ones.
AFIP_LABELS: dict[str, str] = {
    "none": "None",
    **choice_labels(choices.RiskCategory),
    "moderate": "Moderate",
    "insufficient_data": "Insufficient data",
}
RISK_LABELS: dict[str, str] = {**choice_labels(choices.RiskCategory), **AFIP_LABELS}
MODALITY_LABELS: dict[str, str] = choice_labels(choices.FollowUpModality)


def label(mapping: dict[str, str], value: object, empty: str = "Not recorded") -> str:
    """The words for `value`; `empty` when nothing is recorded; an unknown code made readable."""
    if value in (None, "", []):
        return empty
    return mapping.get(str(value), str(value).replace("_", " ").capitalize())
