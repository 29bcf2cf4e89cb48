"""The facts as the engine reads them: contract facts resolved into the values every rule uses.

:class:`Inputs` resolves, once per assessment, what several fields say together (RULES.md section 1):

- **SDH deficiency**: SDHB immunohistochemistry ``lost`` makes the tumour SDH-deficient for every rule,
  whatever the genotype field says.
- **Rupture**: ``rupture_grade`` (Oslo criteria: Hølmebakk T et al. Br J Surg
  2016;103:684-91; Nishida T et al. Ann Surg Oncol 2019) when given,
  else the boolean ``rupture``; only a *major* rupture is rupture.
- **Mitoses per 50 HPF**: converted to per 5 mm2 with the area of one field,
  ``count x 5 / (50 x area)``; the converted value is kept exact (not rounded), so a band boundary (5, 10) is
  never crossed by rounding.
- **Not recorded**: a yes/no finding given as ``None`` takes the contract's default
  (``facts.BOOLEAN_DEFAULTS``), and the engine remembers that it did, *only when a rule read it*, so that the
  warning ``input.assumed_default`` names just the assumptions the answer depends on.
"""

from __future__ import annotations

from .facts import BOOLEAN_DEFAULTS, CaseFacts

#: Readable names of the yes/no findings, for the ``input.assumed_default`` warning.
FINDING_LABELS: dict[str, str] = {
    "boundary_clear": "tumour boundary clear",
    "adherent_to_adjacent_organs": "serious adhesion to adjacent organs",
    "histology_confirmed": "histology confirmed",
    "r0_feasible": "R0 resection feasible",
    "major_morbidity_expected": "major morbidity expected from resection",
    "resected": "tumour resected",
    "rupture": "tumour rupture",
    "nodes_positive": "regional lymph node metastasis",
}


def hpf_to_5mm2(count: int, field_area_mm2: float) -> float:
    """A mitotic count per 50 high-power fields as a count per 5 mm2 (RULES.md section 1).

    50 fields of ``field_area_mm2`` each cover ``50 x area`` mm2, so the count per 5 mm2 is
    ``count x 5 / (50 x area)``. ESMO 2022: 50 HPF are often 10-12 mm2 on modern microscopes, so a count per
    50 HPF is not a count per 5 mm2.
    """
    return count * 5.0 / (50.0 * field_area_mm2)


class Inputs:
    """One case's facts as the rules read them. ``flag(name)`` reads a yes/no finding (see module doc)."""

    __slots__ = ("assumed", "facts", "genotype", "mitoses", "rupture", "sdh_override")

    def __init__(self, facts: CaseFacts) -> None:
        self.facts = facts
        self.assumed: list[str] = []
        self.sdh_override = facts.sdhb_ihc == "lost" and facts.genotype != "sdh_deficient"
        self.genotype = "sdh_deficient" if facts.sdhb_ihc == "lost" else facts.genotype
        if facts.mitoses_per_5mm2 is not None:
            self.mitoses: float | None = facts.mitoses_per_5mm2
        elif facts.mitoses_per_50hpf is not None and facts.hpf_field_area_mm2:
            self.mitoses = hpf_to_5mm2(facts.mitoses_per_50hpf, facts.hpf_field_area_mm2)
        else:
            self.mitoses = None
        if facts.rupture_grade is not None:
            self.rupture: bool | None = facts.rupture_grade == "major"
        else:
            self.rupture = facts.rupture

    def flag(self, name: str) -> bool:
        """The yes/no finding ``name``; its default when not recorded (and the assumption is remembered)."""
        value = self.rupture if name == "rupture" else getattr(self.facts, name)
        if value is None:
            if name not in self.assumed:
                self.assumed.append(name)
            return BOOLEAN_DEFAULTS[name]
        return value

    def assumed_text(self) -> str:
        """``tumour boundary clear: yes; tumour rupture: no`` for the assumptions made so far."""
        return "; ".join(
            f"{FINDING_LABELS[name]}: {'yes' if BOOLEAN_DEFAULTS[name] else 'no'}" for name in self.assumed
        )
