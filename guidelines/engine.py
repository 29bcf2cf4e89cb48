"""The guideline engine: ``assess(facts, ruleset) -> Assessment`` (RULES.md sections 3-9).

Pure Python, no Django. The engine is deterministic: the same facts, rule set and ``today`` give the same
assessment. Conventions where RULES.md is silent are stated where they are applied and listed here:

- A tumour that is already **resected** (and not metastatic/recurrent) has pathway ``resection``, or
  ``neoadjuvant_then_resection`` when neoadjuvant months were given; ``biopsy_first`` is false, ``approach``
  and ``neoadjuvant`` are ``None`` (no operation is planned) and no rupture checklist is printed.
- **Recurrent** presentation is advanced disease: systemic therapy, adjuvant ``not_applicable``; only
  ``metastatic`` gives TNM M1 (RULES.md section 2.4).
- **Tumour rupture with an unknown mitotic count**: rupture makes the modified-NIH category high whatever the
  count, so adjuvant therapy is recommended and the rupture schedule applies; the risk object stays ``None``
  (the other schemes need the count) and the warning ``risk.mitoses_unknown`` is still given.
- Neoadjuvant therapy is considered only for tumours of 2 cm or more (rectal included), as RULES.md places it;
  a smaller tumour marked R0-not-feasible or locally advanced gets ``pathway.small_tumour_not_resectable``.
  Genotypes ``not_tested`` and ``wild_type_unspecified`` are not in the imatinib-insensitive list, so they
  get neoadjuvant imatinib with the recommendation to genotype the biopsy first.
- Adverse clinical features of a tumour under 2 cm are bleeding and ulceration only (RULES.md section 3);
  obstruction or perforation of a watched nodule raises ``pathway.small_obstruction_perforation``.
- R2 margin: the risk-based adjuvant decision stands, with the warning ``margin.r2_individualised``.
- Mutation analysis is not required only for a non-rectal tumour under 2 cm on a path without medical
  treatment: not systemic, not neoadjuvant, and a risk-based adjuvant decision (when the risk is known) of
  ``not_recommended``; a resected tumour whose risk is unknown keeps the requirement.
- ``adjuvant_decision`` (app only): ``declined`` -> A = 0; ``given`` -> A = ``adjuvant_months``, else
  the recommended duration, else the rule set's high-risk duration.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from .facts import ADVANCED_PRESENTATIONS, ADVERSE_CLINICAL_FEATURES, GASTRIC_GROUP, SMALL_BOWEL, CaseFacts
from .inputs import Inputs
from .records import GuidelineWarning, Recommendation
from .results import (
    ADJUVANT_NOT_APPLICABLE,
    ADJUVANT_NOT_RECOMMENDED,
    ADJUVANT_UNDETERMINED,
    Adjuvant,
    Assessment,
    Neoadjuvant,
    SystemicLine,
)
from .risk import Risk, assess_risk, explain_disagreement, mitotic_band, risk_of
from .rulesets import get_ruleset
from .rulesets.base import AdjuvantRule, RuleSet, Schedule
from .rulesets.common import RUPTURE_CHECKLIST
from .schedule import Visit, build_schedule

DEFAULT_RULESET_ID = "esmo-2022"
_default_ruleset_id = DEFAULT_RULESET_ID

GENOTYPE_LABELS: dict[str, str] = {
    "kit_exon_11": "KIT exon 11",
    "kit_exon_9": "KIT exon 9",
    "kit_other": "KIT (other exon)",
    "pdgfra_d842v": "PDGFRA D842V",
    "pdgfra_other": "PDGFRA (other than D842V)",
    "sdh_deficient": "SDH-deficient GIST",
    "nf1": "NF1-associated GIST",
    "braf": "BRAF-mutant GIST",
    "ntrk": "NTRK-fusion GIST",
    "wild_type_unspecified": "KIT/PDGFRA wild-type GIST",
    "not_tested": "genotype not tested",
}

_W = GuidelineWarning
WARNINGS: dict[str, GuidelineWarning] = {
    w.id: w
    for w in (
        _W(
            "input.assumed_default",
            "Not recorded, so the rules assumed: {assumed}. Record these findings to confirm the answer.",
        ),
        _W(
            "genotype.sdhb_lost",
            "SDHB immunohistochemistry is lost: the tumour is treated as SDH-deficient GIST for every rule (no "
            "adjuvant or neoadjuvant imatinib){conflict}.",
        ),
        _W(
            "rupture.minor",
            "Minor rupture (Oslo criteria: peritoneal tumour penetration or iatrogenic capsule laceration) is "
            "not treated as rupture: risk, adjuvant therapy and surveillance follow the size, mitotic count "
            "and site.",
        ),
        _W(
            "risk.not_assessable_after_neoadjuvant",
            "After neoadjuvant imatinib the specimen's size and mitotic count understate the risk (ESMO 2022) "
            "and no pre-treatment size and biopsy mitotic count are recorded: the risk is not assessable. "
            "Record them to stratify the risk; until then adjuvant imatinib completes 36 months in total and "
            "surveillance follows the intermediate/high-risk schedule (local default).",
        ),
        _W(
            "mitoses.hpf_band_crossing",
            "The count of {hpf} per 50 HPF converts to {converted} per 5 mm2 (field area {area} mm2), in "
            "another band than the raw count: check the field area with the pathologist.",
        ),
        _W(
            "schedule.therapy_start_unknown",
            "Start date of the current line of systemic therapy not recorded: the schedule counts from "
            "{reference} ({basis}). Record the start date: the schedule's reference is the start of the "
            "current line.",
        ),
        _W(
            "genotype.not_tested",
            "Mutation analysis (KIT, PDGFRA) is required but the genotype is not tested: the recommendations "
            "assume an imatinib-sensitive tumour until the result is known.",
        ),
        _W(
            "genotype.wild_type_workup",
            "KIT/PDGFRA wild-type: complete the work-up (SDH immunohistochemistry, NF1, BRAF, NTRK); these "
            "genotypes gain nothing from imatinib.",
        ),
        _W(
            "risk.mitoses_unknown",
            "Resected tumour without a mitotic count: the risk cannot be stratified. Record the count per "
            "5 mm2; until then adjuvant therapy and surveillance are undetermined (unless the tumour ruptured).",
        ),
        _W(
            "risk.size_unknown",
            "Resected tumour without a size: the risk cannot be stratified. Record the largest diameter.",
        ),
        _W(
            "histology.cd117_dog1_negative",
            "Both CD117 (KIT) and DOG1 are negative: review the diagnosis with the pathologist before treating "
            "the tumour as a GIST (mutation analysis can support it).",
        ),
        _W(
            "neoadjuvant.genotype_insensitive",
            "{genotype} is not sensitive to imatinib: no neoadjuvant imatinib; the pathway stays resection and "
            "the MDT decides (ESMO 2022 [III, A]).",
        ),
        _W(
            "margin.r2_individualised",
            "Macroscopic residual tumour (R2): the adjuvant rules assume a complete resection; further "
            "treatment is individualised by the MDT.",
        ),
        _W(
            "pathway.small_tumour_not_resectable",
            "The tumour is under 2 cm but marked locally advanced or R0 not feasible: the rules consider "
            "neoadjuvant therapy only from 2 cm; individualised by the MDT.",
        ),
        _W(
            "pathway.small_obstruction_perforation",
            "Obstruction or perforation is recorded for a nodule under surveillance; the rules list only "
            "bleeding and ulceration as adverse clinical features: individualised by the MDT.",
        ),
        _W(
            "schedule.surgery_date_unknown",
            "Resected tumour without a date of surgery: the surveillance schedule cannot be dated.",
        ),
        _W(
            "pathway.size_unknown",
            "Tumour size unknown: the pathway cannot be determined yet.",
        ),
    )
}

#: Notes printed beside the risk (``Risk.notes``), by what each says; named so that a reader's language can translate
#: them by their template (cases/engine_texts.py).
RISK_NOTE_TEXTS: dict[str, str] = {
    "kit_557_558": (
        "KIT exon 11 deletion involving codons 557/558: a higher risk of recurrence in the first years after "
        "surgery (relative risk about 3; Martin-Broto J et al. (GEIS) Ann Oncol 2010;21:1552-7). Shown beside the "
        "risk; it does not change the category."
    ),
    "hpf_conversion": (
        "Mitotic count converted from 50 HPF: {hpf} x 5 / (50 x {area} mm2) = {converted} per 5 mm2 (50 HPF are "
        "not 5 mm2 on most microscopes: ESMO 2022)."
    ),
}

_WORKUP_PATHOLOGY = (
    "Histology with CD117 (KIT) and/or DOG1 immunohistochemistry; 4% buffered formalin, never Bouin"
)
_WORKUP_MUTATION = "Mutation analysis: KIT and PDGFRA"
_WORKUP_WILD_TYPE = "Wild-type work-up: SDH immunohistochemistry, NF1, BRAF, NTRK"
_WORKUP_RECTAL = ("Endorectal ultrasound", "Pelvic MRI")
_WORKUP_EUS = "Endoscopic ultrasound (EUS)"
_WORKUP_CORE_BIOPSIES = "Multiple core biopsies (EUS-guided or percutaneous)"
_WORKUP_BIOPSY = "Biopsy to confirm the histology"
_WORKUP_MDT = "Multidisciplinary team review at a specialist centre"

_SURGICAL_PATHWAYS = frozenset({"resection", "neoadjuvant_then_resection"})


class RuleSetError(ValueError):
    """A rule set that cannot drive the engine (raised by ``register_ruleset``'s check)."""


def set_default_ruleset(ruleset_id: str) -> None:
    """Set the rule set used when neither the call nor the facts name one (e.g. from Django settings)."""
    global _default_ruleset_id
    get_ruleset(ruleset_id)  # raises UnknownRuleset
    _default_ruleset_id = ruleset_id


def get_default_ruleset() -> RuleSet:
    return get_ruleset(_default_ruleset_id)


def resolve_ruleset(ruleset: RuleSet | str | None, facts: CaseFacts | None = None) -> RuleSet:
    """The rule set to use: the explicit argument, else ``facts.ruleset``, else the module default."""
    if isinstance(ruleset, RuleSet):
        return ruleset
    if ruleset is None:
        ruleset = facts.ruleset if facts is not None and facts.ruleset else _default_ruleset_id
    return get_ruleset(ruleset)


def _fmt(rec: Recommendation, **values: object) -> Recommendation:
    return Recommendation(rec.id, rec.text.format(**values), rec.evidence, rec.source)


@lru_cache(maxsize=256)
def _adjuvant_statement(rule: AdjuvantRule) -> Recommendation:
    return Recommendation(rule.id, rule.text.format(months=rule.months), rule.evidence, rule.source)


@lru_cache(maxsize=1024)
def _schedule_statement(schedule: Schedule, adjuvant_months: int) -> Recommendation:
    if adjuvant_months == 0 and schedule.text_no_adjuvant:
        text = schedule.text_no_adjuvant  # not "during the 0 months of adjuvant therapy"
    else:
        text = schedule.text.format(a=adjuvant_months) if "{a}" in schedule.text else schedule.text
    return Recommendation(f"surveillance.{schedule.key}", text, schedule.evidence, schedule.source)


@lru_cache(maxsize=256)
def _systemic(rs: RuleSet, genotype: str) -> tuple[tuple[SystemicLine, ...], tuple[Recommendation, ...]]:
    first = rs.first_line.get(genotype, rs.first_line["default"])
    specs = (first, *rs.later_lines) if genotype in rs.standard_sequence_genotypes else (first,)
    template = rs.statement("systemic.line")
    lines = []
    recs = []
    for number, spec in enumerate(specs, start=1):
        lines.append(SystemicLine(number, spec.drug, spec.dose_text))
        recs.append(
            Recommendation(
                f"systemic.line_{number}",
                template.text.format(line=number, drug=spec.drug, dose=spec.dose_text),
                spec.evidence,
                spec.source,
            )
        )
    if genotype == "kit_exon_9":
        recs.append(rs.statement("systemic.kit_exon_9_dose"))
    if genotype not in rs.standard_sequence_genotypes:
        recs.append(rs.statement("systemic.later_lines_individualised"))
    elif genotype == "nf1":
        recs.append(rs.statement("systemic.no_genotype_specific_line"))
    return tuple(lines), tuple(recs)


def _approach(rs: RuleSet, inp: Inputs, size: float) -> tuple[str | None, str]:
    """RULES.md section 4, first matching rule wins: (approach or None, statement id)."""
    facts = inp.facts
    if not inp.flag("boundary_clear"):
        return "open", "approach.open_unclear_boundary"
    if inp.flag("adherent_to_adjacent_organs"):
        return "open", "approach.open_adhesion"
    if size > 10.0:
        return "open", "approach.open_over_10cm"
    site = facts.site
    if site == "stomach" or site == "egj":
        # Site EGJ is the cardia (RULES.md section 4, rule 4).
        location = "cardia" if site == "egj" else facts.gastric_location
        if size < 2.0 and _adverse(facts):
            if location in rs.small_gastric_endoscopic_locations:
                return "endoscopic_or_laparoscopic", "approach.small_gastric_endoscopic_or_laparoscopic"
            # The rule set's default applies whatever the location, recorded or not (RULES.md 4.4: CSCO's
            # class I open or laparoscopic resection; the class II alternative needs a named location).
            default = rs.small_gastric_adverse_default
            return default, f"approach.small_gastric_{default}"
        if location is None:
            # More than 5 cm (and up to 10 cm): cardia/pylorus are open, and so is every other location unless
            # the rule set lets some location go laparoscopic; then the answer does not depend on the location.
            if size > 5.0 and not (
                rs.gastric_5_10_laparoscopic_locations
                or (rs.gastric_5_10_exophytic_laparoscopic_locations and facts.growth_pattern == "exophytic")
            ):
                return "open", "approach.open_gastric_5_10"
            return None, "approach.gastric_location_needed"
        if location == "cardia" or location == "pylorus":
            return "open", "approach.open_cardia_pylorus"
        if size <= 5.0:
            return "laparoscopic", "approach.laparoscopic_gastric"
        if location in rs.gastric_5_10_laparoscopic_locations or (
            location in rs.gastric_5_10_exophytic_laparoscopic_locations
            and facts.growth_pattern == "exophytic"
        ):
            return "laparoscopic", "approach.laparoscopic_gastric_5_10"
        return "open", "approach.open_gastric_5_10"
    if site in SMALL_BOWEL:
        if size <= 5.0:
            return "laparoscopic", "approach.laparoscopic_small_bowel"
        return "open", "approach.open_small_bowel"
    if site == "duodenum":
        if facts.duodenal_location == "lateral_wall" and (size < 2.0 or facts.growth_pattern == "exophytic"):
            return "local_excision", "approach.duodenal_local_excision"
        return "open", "approach.open_duodenum"
    if site == "colon":
        return "laparoscopic", "approach.laparoscopic_colorectal"
    if site == "rectum":
        level = facts.rectal_level
        if level == "low":
            return "local_excision", "approach.rectal_local_excision"
        if level is None:
            return None, "approach.rectal_level_needed"
        return "laparoscopic", "approach.laparoscopic_colorectal"
    return None, "approach.individualised"


def _risk_rule(rs: RuleSet, inp: Inputs, category: str | None) -> AdjuvantRule | None:
    """The risk-based row of the adjuvant table, before genotype modifiers; None when undetermined."""
    if inp.rupture:
        return rs.adjuvant_rupture
    if category is None:
        return None
    if category == "high":
        return rs.adjuvant_high
    if category == "intermediate":
        return (
            rs.adjuvant_intermediate_gastric
            if inp.facts.site in GASTRIC_GROUP
            else rs.adjuvant_intermediate_other
        )
    return rs.adjuvant_low


@dataclass(slots=True)
class _Draft:
    """What the steps of one assessment build up, in the order the report prints it."""

    recs: list[Recommendation] = field(default_factory=list)
    warns: list[GuidelineWarning] = field(default_factory=list)
    workup: list[str] = field(default_factory=lambda: [_WORKUP_PATHOLOGY])

    def warn(self, warning_id: str, **values: object) -> None:
        warning = WARNINGS[warning_id]
        self.warns.append(_W(warning.id, warning.text.format(**values)) if values else warning)


@dataclass(frozen=True, slots=True)
class _RiskPart:
    risk: Risk | None  # the specimen's schemes (with notes and any pre-treatment schemes), as reported
    #: The modified-NIH category the adjuvant advice and the schedule follow (pre-treatment after neoadjuvant
    #: imatinib when recorded); None when unknown or not assessable.
    category: str | None
    not_assessable: bool  # resected after neoadjuvant imatinib without pre-treatment data


def _risk_step(inp: Inputs, draft: _Draft, resected: bool) -> _RiskPart:
    """RULES.md sections 1-2: the four schemes, notes beside them, and the risk after neoadjuvant imatinib."""
    facts = inp.facts
    notes: list[str] = []
    if facts.genotype_detail == "kit_exon11_del_557_558":
        notes.append(RISK_NOTE_TEXTS["kit_557_558"])
    if facts.mitoses_per_5mm2 is None and facts.mitoses_per_50hpf is not None and inp.mitoses is not None:
        notes.append(
            RISK_NOTE_TEXTS["hpf_conversion"].format(
                hpf=facts.mitoses_per_50hpf,
                area=f"{facts.hpf_field_area_mm2:g}",
                converted=f"{inp.mitoses:.1f}",
            )
        )
        if mitotic_band(facts.mitoses_per_50hpf) != mitotic_band(inp.mitoses):
            draft.warn(
                "mitoses.hpf_band_crossing",
                hpf=facts.mitoses_per_50hpf,
                converted=f"{inp.mitoses:.1f}",
                area=f"{facts.hpf_field_area_mm2:g}",
            )
    risk = assess_risk(facts, inp)
    category = risk.modified_nih if risk is not None else None
    not_assessable = False
    if resected and facts.neoadjuvant_months > 0:
        size, mitoses = facts.pre_treatment_size_cm, facts.pre_treatment_mitoses_per_5mm2
        if size is not None and mitoses is not None:
            pre = risk_of(
                size,
                mitoses,
                facts.site,
                rupture=inp.flag("rupture"),
                nodes_positive=inp.flag("nodes_positive"),
                metastatic=False,
            )
            category = pre.modified_nih
            if risk is not None:
                risk = replace(risk, pre_treatment=pre)
        else:
            # RULES.md section 1: a shrunken tumour is not graded on its specimen (ESMO 2022).
            risk, category, not_assessable = None, None, True
            draft.warn("risk.not_assessable_after_neoadjuvant")
    if risk is not None and notes:
        risk = replace(risk, notes=tuple(notes))
    return _RiskPart(risk, category, not_assessable)


@dataclass(frozen=True, slots=True)
class _PathwayPart:
    pathway: str | None
    neoadjuvant: Neoadjuvant | None
    neo_recs: tuple[Recommendation, ...]


def _pathway_step(rs: RuleSet, inp: Inputs, draft: _Draft, advanced: bool, resected: bool) -> _PathwayPart:
    """RULES.md section 3: the pathway, and neoadjuvant therapy when the tumour should be shrunk first."""
    facts, st = inp.facts, rs.statements
    site, size, genotype = facts.site, facts.size_cm, inp.genotype
    recs = draft.recs
    if advanced:
        recs.append(st["pathway.systemic_therapy"])
        return _PathwayPart("systemic_therapy", None, ())
    if resected:
        recs.append(st["pathway.resected"])
        pathway = "neoadjuvant_then_resection" if facts.neoadjuvant_months > 0 else "resection"
        return _PathwayPart(pathway, None, ())
    if size is None and site != "rectum":
        draft.warn("pathway.size_unknown")
        return _PathwayPart(None, None, ())
    if size is None or size < 2.0:
        return _PathwayPart(_small_tumour_pathway(rs, inp, draft), None, ())
    recs.append(st["pathway.rectal_resection" if site == "rectum" else "pathway.resection"])
    r0_feasible = inp.flag("r0_feasible")
    locally_advanced = facts.presentation == "locally_advanced"
    morbidity = inp.flag("major_morbidity_expected")
    if r0_feasible and not locally_advanced and not morbidity:
        return _PathwayPart("resection", None, ())
    if genotype in rs.imatinib_insensitive_genotypes:
        draft.warn("neoadjuvant.genotype_insensitive", genotype=GENOTYPE_LABELS.get(genotype, genotype))
        return _PathwayPart("resection", None, ())
    spec = rs.first_line.get(genotype, rs.first_line["default"])
    neoadjuvant = Neoadjuvant(
        spec.drug, spec.dose_mg_per_day, rs.neoadjuvant_months_min, rs.neoadjuvant_months_max
    )
    reasons = []
    if not r0_feasible:
        reasons.append("R0 resection not feasible")
    if locally_advanced:
        reasons.append("locally advanced tumour")
    if morbidity:
        reasons.append("resection would need major (multivisceral or mutilating) surgery")
    reason = "; ".join(reasons)
    neo_recs = [
        _fmt(
            st["pathway.neoadjuvant"],
            reason=reason[0].upper() + reason[1:],
            drug=spec.drug,
            dose=spec.dose_mg_per_day,
            months_min=rs.neoadjuvant_months_min,
            months_max=rs.neoadjuvant_months_max,
        )
    ]
    if genotype == "not_tested" or genotype == "wild_type_unspecified":
        neo_recs.append(st["neoadjuvant.genotype_first"])
    return _PathwayPart("neoadjuvant_then_resection", neoadjuvant, tuple(neo_recs))


def _small_tumour_pathway(rs: RuleSet, inp: Inputs, draft: _Draft) -> str:
    """RULES.md section 3: a tumour under 2 cm (or a rectal tumour of unknown size)."""
    facts, st, recs = inp.facts, rs.statements, draft.recs
    site, clinical = facts.site, facts.clinical_features
    if site == "rectum":
        pathway = "resection"
        recs.append(st["pathway.rectal_resection"])
    elif site in rs.small_nodule_sites:
        draft.workup.append(_WORKUP_EUS)
        if _adverse(facts):
            pathway = "resection"
            recs.append(st["pathway.small_adverse_resection"])
        elif rs.small_confirmed_policy == "surveillance":
            pathway = "surveillance"
            recs.append(st["pathway.small_surveillance"])
            recs.append(st["pathway.small_resection_alternative"])
        elif inp.flag("histology_confirmed"):
            if inp.flag("major_morbidity_expected"):
                pathway = "surveillance"
                recs.append(st["pathway.small_surveillance_morbidity"])
            else:
                pathway = "resection"
                recs.append(st["pathway.small_resection_confirmed"])
        else:
            pathway = "surveillance"
            recs.append(st["pathway.small_surveillance_no_tissue"])
        if pathway == "surveillance" and ("obstruction" in clinical or "perforation" in clinical):
            draft.warn("pathway.small_obstruction_perforation")
    else:
        pathway = "resection"
        recs.append(st["pathway.small_other_site_resection"])
    if facts.size_cm is not None and (
        not inp.flag("r0_feasible") or facts.presentation == "locally_advanced"
    ):
        draft.warn("pathway.small_tumour_not_resectable")
    return pathway


def _adverse(facts: CaseFacts) -> bool:
    """Adverse features of a tumour under 2 cm: any EUS feature, bleeding or ulceration (RULES.md section 3)."""
    return bool(facts.eus_features) or any(f in ADVERSE_CLINICAL_FEATURES for f in facts.clinical_features)


def _biopsy_step(rs: RuleSet, inp: Inputs, draft: _Draft, pathway: str | None, resected: bool) -> bool:
    """RULES.md section 4: ``biopsy_first``."""
    st = rs.statements
    if pathway == "systemic_therapy":
        biopsy_first = not inp.flag("histology_confirmed")
        if biopsy_first:
            draft.recs.append(st["biopsy.before_systemic"])
            draft.workup.append(_WORKUP_BIOPSY)
        return biopsy_first
    biopsy_first = pathway == "neoadjuvant_then_resection" and not resected
    if biopsy_first:
        draft.recs.append(st["biopsy.core_biopsies"])
        draft.workup.append(_WORKUP_CORE_BIOPSIES)
    return biopsy_first


def _surgery_step(
    rs: RuleSet, inp: Inputs, draft: _Draft, pathway: str | None, resected: bool
) -> tuple[str | None, tuple[str, ...]]:
    """RULES.md section 4: the approach and the surgical principles when an operation is planned."""
    st, recs = rs.statements, draft.recs
    if pathway in _SURGICAL_PATHWAYS and not resected:
        size = inp.facts.size_cm
        approach, approach_id = _approach(rs, inp, size if size is not None else 0.0)
        recs.append(st[approach_id])
        recs.append(st["surgery.principles"])
        recs.append(
            st["surgery.lymph_nodes_sdh" if inp.genotype == "sdh_deficient" else "surgery.lymph_nodes"]
        )
        recs.append(st["surgery.rupture_checklist"])
        return approach, RUPTURE_CHECKLIST
    if pathway == "systemic_therapy":
        recs.append(st["systemic.surgery_role"])
        if inp.flag("resected"):
            # RULES.md section 6 (ESMO 2022): after complete resection of metastases imatinib continues (`resected`
            # is False on this pathway: it means a resected primary whose pathology drives adjuvant therapy).
            recs.append(st["systemic.after_metastasectomy"])
    return None, ()


def _adjuvant_step(
    rs: RuleSet, inp: Inputs, draft: _Draft, risk: _RiskPart, resected: bool
) -> tuple[Adjuvant, AdjuvantRule | None]:
    """RULES.md section 5: adjuvant imatinib after complete resection, and the risk row it came from."""
    if not resected:
        return ADJUVANT_NOT_APPLICABLE, None
    advice = _adjuvant_advice(rs, inp, draft, risk)
    facts = inp.facts
    if facts.margin == "R1":
        draft.recs.append(rs.statements["adjuvant.r1_margin"])
    elif facts.margin == "R2":
        draft.warn("margin.r2_individualised")
    if inp.mitoses is None:
        draft.warn("risk.mitoses_unknown")
    if facts.size_cm is None:
        draft.warn("risk.size_unknown")
    if facts.surgery_date is None:
        draft.warn("schedule.surgery_date_unknown")
    return advice


def _adjuvant_advice(
    rs: RuleSet, inp: Inputs, draft: _Draft, risk: _RiskPart
) -> tuple[Adjuvant, AdjuvantRule | None]:
    facts, st, recs = inp.facts, rs.statements, draft.recs
    genotype = inp.genotype
    if risk.not_assessable and not inp.rupture:
        rule: AdjuvantRule | None = rs.adjuvant_unassessable_after_neoadjuvant
    else:
        rule = _risk_rule(rs, inp, risk.category)
    if rule is None:
        return ADJUVANT_UNDETERMINED, None
    if genotype in rs.adjuvant_no_benefit_genotypes:
        recs.append(
            _fmt(st["adjuvant.genotype_no_benefit"], genotype=GENOTYPE_LABELS.get(genotype, genotype))
        )
        return ADJUVANT_NOT_RECOMMENDED, rule
    recs.append(_adjuvant_statement(rule))
    if rule.recommendation == "not_recommended":
        return ADJUVANT_NOT_RECOMMENDED, rule
    pre = risk.risk.pre_treatment if risk.risk is not None else None
    if pre is not None:
        recs.append(
            _fmt(
                st["adjuvant.pre_treatment_risk"],
                category=pre.modified_nih.replace("_", " "),
                size=f"{facts.pre_treatment_size_cm:g}",
                mitoses=facts.pre_treatment_mitoses_per_5mm2,
            )
        )
    recommendation = rule.recommendation
    if recommendation == "recommended" and genotype in rs.adjuvant_downgrade_genotypes:
        recommendation = "consider"
        recs.append(st["adjuvant.wild_type_consider"])
    dose = rs.adjuvant_dose_by_genotype.get(genotype, rs.adjuvant_dose_mg_per_day)
    if dose != rs.adjuvant_dose_mg_per_day and genotype == "kit_exon_9":
        recs.append(_fmt(st["adjuvant.kit_exon_9_dose"], dose=dose))
    duration = None
    if rule.months is not None:
        duration = max(0, rule.months - facts.neoadjuvant_months)
        if facts.neoadjuvant_months > 0:
            recs.append(
                _fmt(
                    st["adjuvant.neoadjuvant_counted"],
                    total=rule.months,
                    neoadjuvant=facts.neoadjuvant_months,
                    remaining=duration,
                )
            )
    return Adjuvant(recommendation, rs.adjuvant_drug, dose, duration), rule


def _systemic_step(rs: RuleSet, inp: Inputs, draft: _Draft, pathway: str | None) -> tuple[SystemicLine, ...]:
    """RULES.md section 6: the lines of systemic therapy for the genotype."""
    if pathway != "systemic_therapy":
        return ()
    lines, line_recs = _systemic(rs, inp.genotype)
    draft.recs.extend(line_recs)
    draft.recs.append(rs.statements["systemic.response_assessment"])
    return lines


def _diagnostics_step(
    rs: RuleSet, inp: Inputs, draft: _Draft, pathway: str | None, rule: AdjuvantRule | None, resected: bool
) -> bool:
    """RULES.md section 7: what the report always states; returns ``molecular_testing_required``."""
    facts, st = inp.facts, rs.statements
    genotype = inp.genotype
    size = facts.size_cm
    medical_treatment = (
        pathway == "systemic_therapy"
        or pathway == "neoadjuvant_then_resection"
        or (rule is not None and rule.recommendation != "not_recommended")
        or (resected and rule is None)
    )
    small = size is not None and size < 2.0
    required = not (facts.site != "rectum" and small and not medical_treatment)
    draft.recs.append(st["pathology.immunohistochemistry"])
    draft.recs.append(st["molecular.required" if required else "molecular.not_required"])
    if required and genotype == "not_tested":
        draft.warn("genotype.not_tested")
        draft.workup.append(_WORKUP_MUTATION)
    if genotype == "wild_type_unspecified":
        draft.warn("genotype.wild_type_workup")
        draft.workup.append(_WORKUP_WILD_TYPE)
    if inp.sdh_override:
        conflict = (
            f" although the genotype is recorded as {GENOTYPE_LABELS.get(facts.genotype, facts.genotype)}: "
            "review with the pathologist"
            if facts.genotype not in ("not_tested", "wild_type_unspecified")
            else ""
        )
        draft.warn("genotype.sdhb_lost", conflict=conflict)
    if facts.cd117 == "negative" and facts.dog1 == "negative":
        draft.warn("histology.cd117_dog1_negative")
    if facts.rupture_grade == "minor":
        draft.warn("rupture.minor")
    draft.recs.append(st["mdt.specialist_centre"])
    draft.workup.append(_WORKUP_MDT)
    return required


@dataclass(frozen=True, slots=True)
class _SurveillancePart:
    visits: tuple[Visit, ...]
    key: str | None
    reference: date | None
    adjuvant_months: int


def _surveillance_step(
    rs: RuleSet,
    inp: Inputs,
    draft: _Draft,
    pathway: str | None,
    risk: _RiskPart,
    adjuvant: Adjuvant,
    resected: bool,
    today: date | None,
) -> _SurveillancePart:
    """RULES.md section 8: the schedule, its reference date R and the adjuvant months A it counts."""
    facts, st = inp.facts, rs.statements
    day = today or date.today()
    key: str | None = None
    reference: date | None = None
    a_months = 0
    if pathway == "systemic_therapy":
        key = "systemic"
        # R is the start of the current line of therapy, never the date of diagnosis (RULES.md section 8).
        reference = facts.therapy_start_date or facts.reference_date or day
        if facts.therapy_start_date is None:
            basis = "the reference date given" if facts.reference_date is not None else "today"
            draft.warn("schedule.therapy_start_unknown", reference=reference.isoformat(), basis=basis)
    elif pathway == "surveillance":
        key = "small_nodule"
        reference = facts.reference_date or day
    elif resected and facts.surgery_date is not None:
        reference = facts.surgery_date
        a_months = _adjuvant_months(rs, facts, adjuvant, draft)
        if inp.rupture:
            threshold = rs.rupture_adjuvant_months_for_risk_schedule
            key = "high" if a_months >= threshold else "rupture"
        elif risk.not_assessable:
            # Local default (RULES.md section 1): a risk that cannot be assessed after neoadjuvant imatinib is
            # followed as the adjuvant plan treats it, on the intermediate/high schedule.
            key = "high"
        else:
            key = risk.category
    if key is None or reference is None:
        return _SurveillancePart((), None, None, a_months)
    schedule = rs.schedules[key]
    visits = build_schedule(
        schedule,
        reference,
        adjuvant_months=a_months,
        rectal=facts.site == "rectum",
        window_days=rs.window_days,
        window_days_long=rs.window_days_long,
        long_gap_months=rs.long_gap_months,
        today=day,
    )
    draft.recs.append(_schedule_statement(schedule, a_months))
    if inp.rupture and key == "high":
        draft.recs.append(_fmt(st["surveillance.rupture_with_adjuvant"], a=a_months))
    return _SurveillancePart(visits, key, reference, a_months)


def _adjuvant_months(rs: RuleSet, facts: CaseFacts, adjuvant: Adjuvant, draft: _Draft) -> int:
    """A: the planned adjuvant months from surgery, after any recorded decision (RULES.md section 8)."""
    a_months = 0
    if adjuvant.recommendation in ("recommended", "consider") and adjuvant.duration_months is not None:
        a_months = adjuvant.duration_months
    decision = facts.adjuvant_decision
    statement = rs.statements["adjuvant.decision_recorded"]
    if decision == "declined":
        a_months = 0
        draft.recs.append(_fmt(statement, decision="declined", months=0))
    elif decision == "given":
        if facts.adjuvant_months is not None:
            a_months = max(0, facts.adjuvant_months)
        elif adjuvant.duration_months is not None:
            a_months = adjuvant.duration_months
        else:
            a_months = rs.adjuvant_high.months or 0
        draft.recs.append(_fmt(statement, decision="given", months=a_months))
    return a_months


def assess(
    facts: CaseFacts, ruleset: RuleSet | str | None = None, *, today: date | None = None
) -> Assessment:
    """Assess one case under a rule set (RULES.md sections 2-9), one step per section.

    ``ruleset``: a :class:`RuleSet`, a registered id, or ``None`` for ``facts.ruleset`` or else the module
    default (``set_default_ruleset``; ``"esmo-2022"`` out of the box). ``today`` is the default reference
    date of a schedule that is not anchored on surgery, and the day from which a schedule on systemic therapy
    is renewed (defaults to ``date.today()``).
    """
    rs = resolve_ruleset(ruleset, facts)
    inp = Inputs(facts)
    draft = _Draft()
    advanced = facts.presentation in ADVANCED_PRESENTATIONS
    resected = inp.flag("resected") and not advanced

    risk = _risk_step(inp, draft, resected)
    path = _pathway_step(rs, inp, draft, advanced, resected)
    if facts.site == "rectum" and not resected and not advanced:
        draft.workup.extend(_WORKUP_RECTAL)
    biopsy_first = _biopsy_step(rs, inp, draft, path.pathway, resected)
    draft.recs.extend(path.neo_recs)
    approach, checklist = _surgery_step(rs, inp, draft, path.pathway, resected)
    adjuvant, rule = _adjuvant_step(rs, inp, draft, risk, resected)
    systemic_lines = _systemic_step(rs, inp, draft, path.pathway)
    molecular_required = _diagnostics_step(rs, inp, draft, path.pathway, rule, resected)
    surveillance = _surveillance_step(rs, inp, draft, path.pathway, risk, adjuvant, resected, today)
    if inp.assumed:
        draft.warn("input.assumed_default", assumed=inp.assumed_text())

    return Assessment(
        ruleset=rs.id,
        ruleset_version=rs.version,
        risk=risk.risk,
        pathway=path.pathway,
        biopsy_first=biopsy_first,
        approach=approach,
        molecular_testing_required=molecular_required,
        neoadjuvant=path.neoadjuvant,
        adjuvant=adjuvant,
        systemic_lines=systemic_lines,
        surveillance=surveillance.visits,
        recommendations=tuple(draft.recs),
        warnings=tuple(draft.warns),
        workup=tuple(draft.workup),
        checklist=checklist,
        risk_notes=tuple(explain_disagreement(facts, risk.risk)),
        schedule_key=surveillance.key,
        schedule_reference=surveillance.reference,
        schedule_adjuvant_months=surveillance.adjuvant_months,
        risk_category=risk.category,
    )


def smoke_check(rs: RuleSet) -> None:
    """Run ``rs`` over a battery of cases covering every branch; raise :class:`RuleSetError` on failure."""
    from .facts import GENOTYPES, SITES

    today = date(2026, 1, 15)
    cases = []
    for site in SITES:
        for size in (1.5, 4.0, 8.0, 12.0):
            for genotype in GENOTYPES:
                for adverse in ((), ("ulceration",)):
                    cases.append(
                        CaseFacts(
                            site=site,
                            size_cm=size,
                            genotype=genotype,
                            eus_features=adverse,
                            histology_confirmed=True,
                            gastric_location="lesser_curvature",
                        )
                    )
                    cases.append(CaseFacts(site=site, size_cm=size, genotype=genotype, eus_features=adverse))
            for mitoses in (3, 8, 12):
                for rupture in (False, True):
                    cases.append(
                        CaseFacts(
                            site=site,
                            size_cm=size,
                            mitoses_per_5mm2=mitoses,
                            rupture=rupture,
                            resected=True,
                            surgery_date=today,
                            margin="R1",
                            neoadjuvant_months=6,
                        )
                    )
            cases.append(CaseFacts(site=site, size_cm=size, r0_feasible=False, major_morbidity_expected=True))
            cases.append(CaseFacts(site=site, size_cm=size, presentation="metastatic"))
    for location in (None, "cardia", "greater_curvature", "anterior_wall", "pylorus"):
        for size in (1.5, 4.0, 8.0):
            cases.append(
                CaseFacts(
                    site="stomach",
                    size_cm=size,
                    gastric_location=location,
                    growth_pattern="exophytic",
                    eus_features=("ulceration",),
                    histology_confirmed=True,
                )
            )
    for decision in ("given", "declined"):
        cases.append(
            CaseFacts(
                site="stomach",
                size_cm=8,
                mitoses_per_5mm2=8,
                resected=True,
                surgery_date=today,
                adjuvant_decision=decision,
            )
        )
    for facts in cases:
        try:
            assess(facts, rs, today=today)
        except Exception as exc:
            raise RuleSetError(f"rule set {rs.id!r} fails on {facts!r}: {exc!r}") from exc
