"""Usual daily doses of the drugs whose delivered course the app records: rule data, named by source.

Used to check a dose typed in by hand (a line of the treatment course, the adjuvant one included): a dose outside the usual range
is refused unless the user records why (a dose reduction for toxicity, a trial protocol…). This is a plausibility
check, never a prescription: the MDT's decision and the prescriber's chart stay the reference.

Sources:
- imatinib: 100-800 mg/day. Glivec (imatinib) summary of product characteristics / US prescribing information
  (Novartis): 400 mg/day the standard GIST dose, 800 mg/day (400 mg twice daily) the highest dose used
  (KIT exon 9, progression on 400 mg), reductions to 300 then 100-200 mg/day for adverse reactions; ESMO 2022
  (Casali PG et al. Ann Oncol 2022;33:20-33): adjuvant 400 mg/day, 800 mg/day for KIT exon 9.
Other drugs are added here, with their source, when the app records their courses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DoseRange:
    drug: str
    low_mg_per_day: int
    high_mg_per_day: int
    source: str


IMATINIB_LABEL = "Glivec (imatinib) product information (Novartis); ESMO 2022, Ann Oncol 2022;33:20-33"

USUAL_DAILY_DOSES: dict[str, DoseRange] = {
    "imatinib": DoseRange("imatinib", 100, 800, IMATINIB_LABEL),
}


def usual_range_missed(drug: str, mg_per_day: float) -> DoseRange | None:
    """The drug's usual daily doses when `mg_per_day` is outside them, else None.

    A drug without rule data is not checked (None): the check must never invent a range.
    """
    usual = USUAL_DAILY_DOSES.get(drug)
    if usual is None or usual.low_mg_per_day <= mg_per_day <= usual.high_mg_per_day:
        return None
    return usual
