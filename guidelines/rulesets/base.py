"""The shape of a rule set: every number and choice the engine uses, as reviewable data (RULES.md section 10).

Versioning
----------
``RuleSet.version`` is ``"<declared>+<digest>"``: the declared part is written by the author of the rule set
(e.g. ``"2022.1"``); the digest is the first 12 hex digits of a SHA-256 over the canonical JSON of all rule
data (every field except ``id`` and ``version``) **and** the shared risk tables. It is recomputed whenever a
rule set is constructed, including through ``dataclasses.replace``, so changing any rule data changes the
version automatically; ``tests/test_engine_rulesets.py`` also pins the full version strings so that a data
change is a visible, reviewed test change (bump the declared part at the same time).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..records import Recommendation
from . import risk_tables


@dataclass(frozen=True, slots=True)
class DrugSpec:
    """A drug as a line of systemic therapy (or a neoadjuvant choice), with its source."""

    drug: str
    dose_text: str  # short text, e.g. "400 mg once daily"
    dose_mg_per_day: int | None  # None when the dose is not a single daily figure
    evidence: str | None
    source: str


@dataclass(frozen=True, slots=True)
class AdjuvantRule:
    """One row of the adjuvant table (RULES.md section 5)."""

    id: str
    recommendation: str  # recommended | consider | not_recommended
    months: int | None  # total duration from the start of imatinib (neoadjuvant months are subtracted)
    text: str
    evidence: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of visits every ``step`` months from ``first`` to ``last`` (inclusive).

    ``anchor``: ``"reference"`` counts months from the reference date R; ``"after_adjuvant"`` adds A (the
    planned adjuvant months) to ``first`` and ``last``; ``"until_adjuvant"`` runs from ``first`` to A
    (``last`` is ignored); ``"rolling"`` is renewed while treatment goes on: it runs to ``last`` months after
    the assessment's day (at least to ``last`` from R), so that it always holds the next visits. ``modality``: ``"primary"`` is ``ct_or_mri`` (``mri`` for a rectal primary);
    otherwise the modality itself (``eus``, ``chest_xray``).
    """

    first: int
    last: int
    step: int
    phase: str
    modality: str = "primary"
    anchor: str = "reference"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A surveillance schedule: segments plus the recommendation that explains it. ``segments`` empty means
    no routine follow-up. ``text`` may contain ``{a}`` (the planned adjuvant months); ``text_no_adjuvant``, when
    given, says the same schedule for A = 0 (adjuvant declined), counted from surgery."""

    key: str
    segments: tuple[Segment, ...]
    text: str
    evidence: str | None
    source: str
    text_no_adjuvant: str | None = None


def _canonical(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        items = [
            ("|".join(map(str, k)) if isinstance(k, tuple) else str(k), _canonical(v))
            for k, v in value.items()
        ]
        return dict(sorted(items))
    if isinstance(value, frozenset | set):
        return sorted(_canonical(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value


def _risk_tables_canonical() -> object:
    return {
        name: _canonical(getattr(risk_tables, name))
        for name in (
            "MIETTINEN_2006_AFIP",
            "AFIP_COLUMN_BY_SITE_GROUP",
            "JOENSUU_2008_MODIFIED_NIH",
            "AJCC_8_TNM_STAGE",
        )
    }


_RISK_TABLES_JSON = json.dumps(_risk_tables_canonical(), sort_keys=True, separators=(",", ":"))


def freeze(mapping: Mapping) -> MappingProxyType:
    """A read-only view of a new dict (rule data must not change after construction)."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True, eq=False)
class RuleSet:
    """All rule data of one guideline rule set. Construct with keyword arguments; derive a local rule set with
    ``dataclasses.replace(ESMO_2022, id="local-...", version="local-1", ...)`` and ``register_ruleset`` it."""

    id: str
    version: str
    title: str
    citation: str

    # Pathway, tumours < 2 cm (RULES.md section 3).
    small_nodule_sites: frozenset[str]  # sites where a small nodule without adverse features may be watched
    small_confirmed_policy: str  # "surveillance" (CSCO) | "resection_unless_morbidity" (ESMO)

    # Approach (RULES.md section 4, rule 4).
    small_gastric_adverse_default: str  # approach for gastric/EGJ < 2 cm with adverse features
    small_gastric_endoscopic_locations: frozenset[str]  # locations where it is endoscopic_or_laparoscopic
    gastric_5_10_laparoscopic_locations: frozenset[str]  # 5-10 cm gastric: laparoscopic at these locations
    gastric_5_10_exophytic_laparoscopic_locations: frozenset[str]  # ... and here when exophytic

    # Neoadjuvant (RULES.md section 3).
    neoadjuvant_months_min: int
    neoadjuvant_months_max: int
    imatinib_insensitive_genotypes: frozenset[str]

    # Adjuvant (RULES.md section 5).
    adjuvant_rupture: AdjuvantRule
    adjuvant_high: AdjuvantRule
    adjuvant_intermediate_gastric: AdjuvantRule
    adjuvant_intermediate_other: AdjuvantRule
    adjuvant_low: AdjuvantRule
    #: After neoadjuvant imatinib with no pre-treatment size and biopsy count: the risk is not assessable.
    adjuvant_unassessable_after_neoadjuvant: AdjuvantRule
    adjuvant_drug: str
    adjuvant_dose_mg_per_day: int
    adjuvant_dose_by_genotype: Mapping[str, int]
    adjuvant_no_benefit_genotypes: frozenset[str]
    adjuvant_downgrade_genotypes: frozenset[str]  # "recommended" becomes "consider"

    # Systemic therapy (RULES.md section 6). first_line["default"] applies to genotypes not listed.
    first_line: Mapping[str, DrugSpec]
    later_lines: tuple[DrugSpec, ...]
    standard_sequence_genotypes: frozenset[str]  # genotypes for which later_lines follow the first line

    # Surveillance (RULES.md section 8): keys very_low, low, intermediate, high, rupture, small_nodule, systemic.
    schedules: Mapping[str, Schedule]
    #: A ruptured tumour with at least this many months of adjuvant imatinib (A) follows the intermediate/high
    #: schedule counted with A; with fewer, the fixed rupture schedule (RULES.md section 8).
    rupture_adjuvant_months_for_risk_schedule: int
    window_days: int
    window_days_long: int
    long_gap_months: (
        int  # a visit this many months or more after the previous one of its modality gets the long window
    )

    # Recommendation statements by id: common ones plus the rule set's own.
    statements: Mapping[str, Recommendation]

    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        declared = self.version.split("+", 1)[0]
        if not declared:
            raise ValueError("a rule set needs a declared version")
        data = {f.name: _canonical(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name in ("id", "version", "digest"):
            data.pop(name)
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((canonical + _RISK_TABLES_JSON).encode()).hexdigest()[:12]
        object.__setattr__(self, "digest", digest)
        object.__setattr__(self, "version", f"{declared}+{digest}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSet):
            return NotImplemented
        return self.id == other.id and self.version == other.version

    def __hash__(self) -> int:
        return hash((self.id, self.version))

    def statement(self, statement_id: str) -> Recommendation:
        return self.statements[statement_id]
