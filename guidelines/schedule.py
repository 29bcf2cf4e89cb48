"""Surveillance schedules (RULES.md section 8).

Months are counted from a reference date R. A visit at month m is due on R + m *calendar* months with the
day clamped to the last day of the target month (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year;
31 Aug + 6 months = 28/29 Feb). Every due date is computed from R directly, never by chaining visits, so
clamping never drifts (31 Jan + 2 months is 31 Mar, not 28 Mar).

Tolerance window: ``window_days`` (14) by default; ``window_days_long`` (30) when the visit comes
``long_gap_months`` (12) or more months after the previous visit *of the same modality* in the schedule
(for the first visit of a modality, after R). So the yearly visits get +/-30 days, including the first yearly
visit after a 6-monthly run (month 72 after month 60), while a yearly EUS that follows the 3-month EUS (month
12 after month 3) keeps +/-14.

Modalities: ``ct_or_mri`` (abdomen and pelvis), ``mri`` instead for a rectal primary, ``eus`` for
small-nodule surveillance, ``chest_xray`` for chest imaging (CSCO).

Phases (stable strings, for grouping in the follow-up list):

- ``adjuvant``: during adjuvant imatinib (months 3..A; ESMO intermediate/high risk)
- ``post_adjuvant_early`` / ``post_adjuvant_mid`` / ``post_adjuvant_late``: after adjuvant therapy stops,
  3-monthly for 2 years, 6-monthly to 5 years, yearly to 10 years (ESMO intermediate/high risk)
- ``years_1_3`` / ``years_4_5`` / ``years_6_10``: fixed 3-monthly, 6-monthly, yearly runs from surgery
  (rupture; CSCO intermediate/high risk)
- ``chest``: yearly chest X-ray (CSCO intermediate/high risk and rupture)
- ``low_risk``: 6-monthly imaging after resection of a low (CSCO: or very low) risk tumour
- ``nodule_surveillance``: EUS of a small nodule that is watched rather than resected
- ``on_treatment``: imaging during systemic therapy
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .rulesets.base import Schedule

#: Secondary sort order of visits due on the same day.
#: Readable labels of the stable phase codes a Visit carries (shown on reports and worklists).
PHASE_LABELS: dict[str, str] = {
    "adjuvant": "During adjuvant imatinib",
    "post_adjuvant_early": "After adjuvant: 3-monthly, years 1-2",
    "post_adjuvant_mid": "After adjuvant: 6-monthly to year 5",
    "post_adjuvant_late": "After adjuvant: yearly to year 10",
    "years_1_3": "3-monthly, years 1-3",
    "years_4_5": "6-monthly, years 4-5",
    "years_6_10": "Yearly, years 6-10",
    "chest": "Yearly chest X-ray",
    "low_risk": "6-monthly after low-risk resection",
    "nodule_surveillance": "Small-nodule surveillance",
    "on_treatment": "On systemic therapy",
    "manual": "Added by hand",  # the app's own items, added by a nurse
}

MODALITY_ORDER: dict[str, int] = {"ct_or_mri": 0, "mri": 1, "eus": 2, "chest_xray": 3}

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class Visit:
    """One surveillance visit: due date, tolerance (+/- days), modality, phase, and month from R."""

    due: date
    window_days: int
    modality: str
    phase: str
    month: int

    def to_dict(self) -> dict[str, object]:
        return {
            "due": self.due.isoformat(),
            "window_days": self.window_days,
            "modality": self.modality,
            "phase": self.phase,
        }


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(start: date, months: int) -> date:
    """``start`` + ``months`` calendar months, the day clamped to the end of the target month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month0 + 1
    day = start.day
    if day > 28:
        last = days_in_month(year, month)
        if day > last:
            day = last
    return date(year, month, day)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end.day < days_in_month(end.year, end.month):
        months -= 1
    return max(0, months)


@lru_cache(maxsize=1024)
def plan(
    schedule: Schedule,
    adjuvant_months: int,
    primary_modality: str,
    window_days: int,
    window_days_long: int,
    long_gap_months: int,
    elapsed_months: int = 0,
) -> tuple[tuple[int, int, str, str], ...]:
    """The visits of a schedule as ``(month, window_days, modality, phase)``, sorted by month then modality.

    Independent of the reference date, hence cached. Duplicate (month, modality) pairs are kept once.
    ``elapsed_months``: whole months from R to the day of the assessment (renews ``rolling`` segments).
    """
    entries: dict[tuple[int, str], str] = {}
    for seg in schedule.segments:
        if seg.anchor == "until_adjuvant":
            first, last = seg.first, adjuvant_months
        elif seg.anchor == "after_adjuvant":
            first, last = seg.first + adjuvant_months, seg.last + adjuvant_months
        elif seg.anchor == "rolling":
            first, last = seg.first, max(seg.last, elapsed_months + seg.last + seg.step - 1)
        else:
            first, last = seg.first, seg.last
        modality = primary_modality if seg.modality == "primary" else seg.modality
        for month in range(first, last + 1, seg.step):
            if month > 0:
                entries.setdefault((month, modality), seg.phase)
    ordered = sorted(
        entries.items(), key=lambda item: (item[0][0], MODALITY_ORDER.get(item[0][1], 9), item[0][1])
    )
    previous: dict[str, int] = {}
    out = []
    for (month, modality), phase in ordered:
        gap = month - previous.get(modality, 0)
        previous[modality] = month
        out.append((month, window_days_long if gap >= long_gap_months else window_days, modality, phase))
    return tuple(out)


@lru_cache(maxsize=8192)
def _visits(planned: tuple[tuple[int, int, str, str], ...], reference: date) -> tuple[Visit, ...]:
    return tuple(Visit(add_months(reference, m), w, mod, ph, m) for m, w, mod, ph in planned)


def build_schedule(
    schedule: Schedule,
    reference: date,
    *,
    adjuvant_months: int = 0,
    rectal: bool = False,
    window_days: int = 14,
    window_days_long: int = 30,
    long_gap_months: int = 12,
    today: date | None = None,
) -> tuple[Visit, ...]:
    """Visits of ``schedule`` from reference date ``reference`` (R), sorted by due date then modality, every
    one strictly after R. ``adjuvant_months`` is A, the planned adjuvant months counted from surgery.
    ``today`` renews a ``rolling`` segment (systemic therapy): it then runs to its ``last`` month after today.
    """
    planned = plan(
        schedule,
        max(0, adjuvant_months),
        "mri" if rectal else "ct_or_mri",
        window_days,
        window_days_long,
        long_gap_months,
        months_between(reference, today) if today is not None else 0,
    )
    return _visits(planned, reference)
