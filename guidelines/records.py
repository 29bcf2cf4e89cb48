"""Small immutable records shared by the rule sets and the results (no dependencies, to avoid import cycles)."""

from __future__ import annotations

from dataclasses import dataclass

#: Printed where the source of a recommendation grades nothing (RULES.md section 9).
NOT_GRADED = "not graded in the source"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommendation: a stable id, the text, the evidence grade (``None`` when the source gives none)
    and the source. ESMO evidence reads ``[I, A]``; CSCO evidence reads ``class I, 2A`` (RULES.md section 9).
    The rule set id and version are carried once, by the assessment."""

    id: str
    text: str
    evidence: str | None
    source: str

    def to_dict(self) -> dict[str, object]:
        evidence = self.evidence if self.evidence is not None else NOT_GRADED
        return {"id": self.id, "text": self.text, "evidence": evidence, "source": self.source}


@dataclass(frozen=True, slots=True)
class GuidelineWarning:
    """A warning with a stable id (e.g. ``genotype.not_tested``) and its text."""

    id: str
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text}
