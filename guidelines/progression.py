"""What RULES.md section 6 proposes on progression of advanced GIST, given the lines already used (issue 13).

Rule data from ESMO 2022 (Casali PG et al. Ann Oncol 2022;33:20-33), as RULES.md section 6 states it:
- progression on imatinib 400 mg/day: dose escalation to 800 mg/day [III, B] before the next line;
- focal progression: surgery or local treatment may be considered [IV, C];
- otherwise the next line of the standard sequence: imatinib, sunitinib [I, A], regorafenib [I, A],
  ripretinib [I, A]; a drug already failed is never proposed again.
RULES.md gives genotype-specific choices only for the first line (PDGFRA D842V, NTRK, BRAF, SDH-deficient): after
those, the next line is individualised by the MDT, as it is once the standard sequence is used up.
Pure: the caller passes plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ESMO_2022 = "ESMO 2022 (Casali PG et al. Ann Oncol 2022;33:20-33)"

#: The standard sequence of lines for advanced GIST, with the dose and grade RULES.md section 6 gives.
STANDARD_LINES: tuple[tuple[str, str, str], ...] = (
    ("imatinib", "imatinib 400 mg/day", "[I, A]"),
    ("sunitinib", "sunitinib 50 mg/day 4 weeks on / 2 off, or 37.5 mg/day continuously [III, C]", "[I, A]"),
    (
        "regorafenib",
        "regorafenib 160 mg/day on days 1-21 of each 28-day cycle; monitor liver function",
        "[I, A]",
    ),
    ("ripretinib", "ripretinib 150 mg/day", "[I, A]"),
)
#: Genotypes whose first line is not imatinib (RULES.md section 6): the sequence after it is not given.
OWN_FIRST_LINE = frozenset({"pdgfra_d842v", "ntrk", "braf", "sdh_deficient"})
ESCALATION_FROM_MG, ESCALATION_TO_MG = 400, 800


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    text: str
    evidence: str
    source: str


def on_progression(
    *, current_drug: str, current_dose_mg: float | None, genotype: str, drugs_used: Iterable[str]
) -> list[Proposal]:
    """The options to put to the MDT when the disease progresses on `current_drug` (the case's lines so far:
    `drugs_used`, the current one included)."""
    failed = {*drugs_used, current_drug}
    proposals = []
    if current_drug == "imatinib" and current_dose_mg == ESCALATION_FROM_MG:
        proposals.append(
            Proposal(
                "progression.imatinib_escalation",
                f"Imatinib dose escalation from {ESCALATION_FROM_MG} to {ESCALATION_TO_MG} mg/day, before the "
                "next line.",
                "[III, B]",
                ESMO_2022,
            )
        )
    proposals.append(
        Proposal(
            "progression.focal",
            "Focal progression: surgery or local treatment may be considered.",
            "[IV, C]",
            ESMO_2022,
        )
    )
    names = [drug for drug, _, _ in STANDARD_LINES]
    if genotype in OWN_FIRST_LINE or (current_drug not in names and current_drug != ""):
        proposals.append(
            Proposal(
                "progression.next_line_individualised",
                "Next line: individualised by the MDT (the rule set gives no sequence after this genotype's or "
                "drug's first line).",
                "not graded in the source",
                ESMO_2022,
            )
        )
        return proposals
    after = names.index(current_drug) + 1 if current_drug in names else 0
    for drug, text, grade in STANDARD_LINES[after:]:
        if drug not in failed:
            proposals.append(Proposal("progression.next_line", f"Next line: {text}.", grade, ESMO_2022))
            return proposals
    proposals.append(
        Proposal(
            "progression.lines_exhausted",
            "The standard lines are used up: the next step is individualised by the MDT.",
            "not graded in the source",
            ESMO_2022,
        )
    )
    return proposals
