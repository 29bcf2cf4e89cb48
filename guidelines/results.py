"""The result of an assessment. ``Assessment.to_dict()`` is exactly the contract's output object
(ASSESS_CONTRACT.md, "Output: a result"); the other attributes are for the app (work-up list, checklist,
risk notes, schedule details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .records import GuidelineWarning, Recommendation
from .risk import Risk
from .schedule import Visit


@dataclass(frozen=True, slots=True)
class Neoadjuvant:
    drug: str
    dose_mg_per_day: int | None
    months_min: int
    months_max: int

    def to_dict(self) -> dict[str, object]:
        return {
            "drug": self.drug,
            "dose_mg_per_day": self.dose_mg_per_day,
            "months_min": self.months_min,
            "months_max": self.months_max,
        }


@dataclass(frozen=True, slots=True)
class Adjuvant:
    recommendation: str  # recommended | consider | not_recommended | not_applicable | undetermined
    drug: str | None
    dose_mg_per_day: int | None
    duration_months: int | None

    def to_dict(self) -> dict[str, object]:
        return {
            "recommendation": self.recommendation,
            "drug": self.drug,
            "dose_mg_per_day": self.dose_mg_per_day,
            "duration_months": self.duration_months,
        }


ADJUVANT_NOT_APPLICABLE = Adjuvant("not_applicable", None, None, None)
ADJUVANT_UNDETERMINED = Adjuvant("undetermined", None, None, None)
ADJUVANT_NOT_RECOMMENDED = Adjuvant("not_recommended", None, None, None)


@dataclass(frozen=True, slots=True)
class SystemicLine:
    line: int
    drug: str
    dose: str  # short text, e.g. "400 mg once daily"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "drug": self.drug, "dose": self.dose}


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the engine recommends for one case under one rule set (id and version recorded)."""

    ruleset: str
    ruleset_version: str
    risk: Risk | None
    pathway: str | None  # None only on a partial case whose size is unknown (never through the contract)
    biopsy_first: bool
    approach: str | None
    molecular_testing_required: bool
    neoadjuvant: Neoadjuvant | None
    adjuvant: Adjuvant
    systemic_lines: tuple[SystemicLine, ...]
    surveillance: tuple[Visit, ...]
    recommendations: tuple[Recommendation, ...]
    warnings: tuple[GuidelineWarning, ...]
    # For the app (not part of the contract output):
    workup: tuple[str, ...] = ()
    #: Rupture-avoidance checklist items when surgery is planned, else empty.
    checklist: tuple[str, ...] = ()
    #: Sentences explaining why the risk schemes disagree (``risk.explain_disagreement``).
    risk_notes: tuple[str, ...] = ()
    #: Key of the surveillance schedule used (``very_low`` ... ``systemic``), or None.
    schedule_key: str | None = None
    #: Reference date R of the schedule, or None.
    schedule_reference: date | None = None
    #: A: adjuvant months the schedule counts (after any recorded MDT decision).
    schedule_adjuvant_months: int = 0
    #: The modified-NIH category the advice follows: the pre-treatment one after neoadjuvant imatinib when
    #: recorded; None when unknown or not assessable (the app stores it as the case's risk category).
    risk_category: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The contract's output object, keys in the contract's order, dates as ``YYYY-MM-DD``."""
        return {
            "ruleset": self.ruleset,
            "ruleset_version": self.ruleset_version,
            "risk": self.risk.to_dict() if self.risk is not None else None,
            "pathway": self.pathway,
            "biopsy_first": self.biopsy_first,
            "approach": self.approach,
            "molecular_testing_required": self.molecular_testing_required,
            "neoadjuvant": self.neoadjuvant.to_dict() if self.neoadjuvant is not None else None,
            "adjuvant": self.adjuvant.to_dict(),
            "systemic_lines": [line.to_dict() for line in self.systemic_lines],
            "surveillance": [visit.to_dict() for visit in self.surveillance],
            "recommendations": [rec.to_dict() for rec in self.recommendations],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }

    def recommendation_ids(self) -> tuple[str, ...]:
        return tuple(rec.id for rec in self.recommendations)

    def warning_ids(self) -> tuple[str, ...]:
        return tuple(w.id for w in self.warnings)
