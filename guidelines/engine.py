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
- ``adjuvant_decision`` (app only): ``declined`` -> A = 0; ``given`` -> A = ``adjuvant_months_actual``, else
  the recommended duration, else the rule set's high-risk duration.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .facts import ADVANCED_PRESENTATIONS, ADVERSE_CLINICAL_FEATURES, GASTRIC_GROUP, SMALL_BOWEL, CaseFacts
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
from .risk import Risk, assess_risk, explain_disagreement
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


def _risk_rule(rs: RuleSet, facts: CaseFacts, risk: Risk | None) -> AdjuvantRule | None:
    """The risk-based row of the adjuvant table, before genotype modifiers; None when undetermined."""
    if facts.rupture:
        return rs.adjuvant_rupture
    if risk is None:
        return None
    category = risk.modified_nih
    if category == "high":
        return rs.adjuvant_high
    if category == "intermediate":
        return (
            rs.adjuvant_intermediate_gastric
            if facts.site in GASTRIC_GROUP
            else rs.adjuvant_intermediate_other
        )
    return rs.adjuvant_low


def _approach(rs: RuleSet, facts: CaseFacts, size: float, adverse: bool) -> tuple[str | None, str]:
    """RULES.md section 4, first matching rule wins: (approach or None, statement id)."""
    if not facts.boundary_clear:
        return "open", "approach.open_unclear_boundary"
    if facts.adherent_to_adjacent_organs:
        return "open", "approach.open_adhesion"
    if size > 10.0:
        return "open", "approach.open_over_10cm"
    site = facts.site
    if site == "stomach" or site == "egj":
        # Site EGJ is the cardia (RULES.md section 4, rule 4).
        location = "cardia" if site == "egj" else facts.gastric_location
        if size < 2.0 and adverse:
            if location in rs.small_gastric_endoscopic_locations:
                return "endoscopic_or_laparoscopic", "approach.small_gastric_endoscopic_or_laparoscopic"
            default = rs.small_gastric_adverse_default
            if default == "endoscopic_or_laparoscopic" or location is not None:
                return default, f"approach.small_gastric_{default}"
            return None, "approach.gastric_location_needed"
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


def assess(
    facts: CaseFacts, ruleset: RuleSet | str | None = None, *, today: date | None = None
) -> Assessment:
    """Assess one case under a rule set (RULES.md sections 2-9).

    ``ruleset``: a :class:`RuleSet`, a registered id, or ``None`` for ``facts.ruleset`` or else the module
    default (``set_default_ruleset``; ``"esmo-2022"`` out of the box). ``today`` is the default reference
    date of a schedule that is not anchored on surgery (defaults to ``date.today()``).
    """
    rs = resolve_ruleset(ruleset, facts)
    st = rs.statements
    risk = assess_risk(facts)
    recs: list[Recommendation] = []
    warns: list[GuidelineWarning] = []
    workup: list[str] = [_WORKUP_PATHOLOGY]

    site = facts.site
    size = facts.size_cm
    genotype = facts.genotype
    advanced = facts.presentation in ADVANCED_PRESENTATIONS
    resected = facts.resected and not advanced
    small = size is not None and size < 2.0
    clinical = facts.clinical_features
    adverse = bool(facts.eus_features) or any(f in ADVERSE_CLINICAL_FEATURES for f in clinical)

    # --- Pathway (RULES.md section 3) -------------------------------------------------------------
    pathway: str | None
    neoadjuvant: Neoadjuvant | None = None
    neo_recs: list[Recommendation] = []
    if advanced:
        pathway = "systemic_therapy"
        recs.append(st["pathway.systemic_therapy"])
    elif resected:
        pathway = "neoadjuvant_then_resection" if facts.neoadjuvant_months > 0 else "resection"
        recs.append(st["pathway.resected"])
    elif size is None and site != "rectum":
        pathway = None
        warns.append(WARNINGS["pathway.size_unknown"])
    elif small or size is None:
        # Tumour under 2 cm (or a rectal tumour of unknown size).
        if site == "rectum":
            pathway = "resection"
            recs.append(st["pathway.rectal_resection"])
        elif site in rs.small_nodule_sites:
            workup.append(_WORKUP_EUS)
            if adverse:
                pathway = "resection"
                recs.append(st["pathway.small_adverse_resection"])
            elif rs.small_confirmed_policy == "surveillance":
                pathway = "surveillance"
                recs.append(st["pathway.small_surveillance"])
                recs.append(st["pathway.small_resection_alternative"])
            elif facts.histology_confirmed:
                if facts.major_morbidity_expected:
                    pathway = "surveillance"
                    recs.append(st["pathway.small_surveillance_morbidity"])
                else:
                    pathway = "resection"
                    recs.append(st["pathway.small_resection_confirmed"])
            else:
                pathway = "surveillance"
                recs.append(st["pathway.small_surveillance_no_tissue"])
            if pathway == "surveillance" and ("obstruction" in clinical or "perforation" in clinical):
                warns.append(WARNINGS["pathway.small_obstruction_perforation"])
        else:
            pathway = "resection"
            recs.append(st["pathway.small_other_site_resection"])
        if size is not None and (not facts.r0_feasible or facts.presentation == "locally_advanced"):
            warns.append(WARNINGS["pathway.small_tumour_not_resectable"])
    else:
        pathway = "resection"
        recs.append(st["pathway.rectal_resection" if site == "rectum" else "pathway.resection"])
        locally_advanced = facts.presentation == "locally_advanced"
        if not facts.r0_feasible or locally_advanced or facts.major_morbidity_expected:
            if genotype in rs.imatinib_insensitive_genotypes:
                warns.append(
                    _W(
                        "neoadjuvant.genotype_insensitive",
                        WARNINGS["neoadjuvant.genotype_insensitive"].text.format(
                            genotype=GENOTYPE_LABELS.get(genotype, genotype)
                        ),
                    )
                )
            else:
                pathway = "neoadjuvant_then_resection"
                spec = rs.first_line.get(genotype, rs.first_line["default"])
                neoadjuvant = Neoadjuvant(
                    spec.drug, spec.dose_mg_per_day, rs.neoadjuvant_months_min, rs.neoadjuvant_months_max
                )
                reasons = []
                if not facts.r0_feasible:
                    reasons.append("R0 resection not feasible")
                if locally_advanced:
                    reasons.append("locally advanced tumour")
                if facts.major_morbidity_expected:
                    reasons.append("resection would need major (multivisceral or mutilating) surgery")
                reason = "; ".join(reasons)
                neo_recs.append(
                    _fmt(
                        st["pathway.neoadjuvant"],
                        reason=reason[0].upper() + reason[1:],
                        drug=spec.drug,
                        dose=spec.dose_mg_per_day,
                        months_min=rs.neoadjuvant_months_min,
                        months_max=rs.neoadjuvant_months_max,
                    )
                )
                if genotype == "not_tested" or genotype == "wild_type_unspecified":
                    neo_recs.append(st["neoadjuvant.genotype_first"])
    if site == "rectum" and not resected and not advanced:
        workup.extend(_WORKUP_RECTAL)

    # --- Biopsy (RULES.md section 4) ----------------------------------------------------------------
    if pathway == "systemic_therapy":
        biopsy_first = not facts.histology_confirmed
        if biopsy_first:
            recs.append(st["biopsy.before_systemic"])
            workup.append(_WORKUP_BIOPSY)
    else:
        biopsy_first = pathway == "neoadjuvant_then_resection" and not resected
        if biopsy_first:
            recs.append(st["biopsy.core_biopsies"])
            workup.append(_WORKUP_CORE_BIOPSIES)
    recs.extend(neo_recs)

    # --- Approach and surgical principles (RULES.md section 4) ----------------------------------------
    approach: str | None = None
    checklist: tuple[str, ...] = ()
    if pathway in _SURGICAL_PATHWAYS and not resected:
        approach, approach_id = _approach(rs, facts, size if size is not None else 0.0, adverse)
        recs.append(st[approach_id])
        recs.append(st["surgery.principles"])
        recs.append(st["surgery.lymph_nodes_sdh" if genotype == "sdh_deficient" else "surgery.lymph_nodes"])
        recs.append(st["surgery.rupture_checklist"])
        checklist = RUPTURE_CHECKLIST
    elif pathway == "systemic_therapy":
        recs.append(st["systemic.surgery_role"])

    # --- Adjuvant (RULES.md section 5) ----------------------------------------------------------------
    rule = _risk_rule(rs, facts, risk)
    if not resected:
        adjuvant = ADJUVANT_NOT_APPLICABLE
    elif rule is None:
        adjuvant = ADJUVANT_UNDETERMINED
    elif genotype in rs.adjuvant_no_benefit_genotypes:
        adjuvant = ADJUVANT_NOT_RECOMMENDED
        recs.append(
            _fmt(st["adjuvant.genotype_no_benefit"], genotype=GENOTYPE_LABELS.get(genotype, genotype))
        )
    elif rule.recommendation == "not_recommended":
        adjuvant = ADJUVANT_NOT_RECOMMENDED
        recs.append(_adjuvant_statement(rule))
    else:
        recommendation = rule.recommendation
        recs.append(_adjuvant_statement(rule))
        if recommendation == "recommended" and genotype in rs.adjuvant_downgrade_genotypes:
            recommendation = "consider"
            recs.append(st["adjuvant.wild_type_consider"])
        dose = rs.adjuvant_dose_by_genotype.get(genotype, rs.adjuvant_dose_mg_per_day)
        if dose != rs.adjuvant_dose_mg_per_day and genotype == "kit_exon_9":
            recs.append(_fmt(st["adjuvant.kit_exon_9_dose"], dose=dose))
        total = rule.months
        duration = None
        if total is not None:
            duration = max(0, total - facts.neoadjuvant_months)
            if facts.neoadjuvant_months > 0:
                recs.append(
                    _fmt(
                        st["adjuvant.neoadjuvant_counted"],
                        total=total,
                        neoadjuvant=facts.neoadjuvant_months,
                        remaining=duration,
                    )
                )
        adjuvant = Adjuvant(recommendation, rs.adjuvant_drug, dose, duration)
    if resected:
        if facts.margin == "R1":
            recs.append(st["adjuvant.r1_margin"])
        elif facts.margin == "R2":
            warns.append(WARNINGS["margin.r2_individualised"])
        if facts.mitoses_per_5mm2 is None:
            warns.append(WARNINGS["risk.mitoses_unknown"])
        if size is None:
            warns.append(WARNINGS["risk.size_unknown"])
        if facts.surgery_date is None:
            warns.append(WARNINGS["schedule.surgery_date_unknown"])

    # --- Systemic therapy (RULES.md section 6) --------------------------------------------------------
    systemic_lines: tuple[SystemicLine, ...] = ()
    if pathway == "systemic_therapy":
        systemic_lines, line_recs = _systemic(rs, genotype)
        recs.extend(line_recs)
        recs.append(st["systemic.response_assessment"])

    # --- Diagnostics (RULES.md section 7) -------------------------------------------------------------
    medical_treatment = (
        pathway == "systemic_therapy"
        or pathway == "neoadjuvant_then_resection"
        or (rule is not None and rule.recommendation != "not_recommended")
        or (resected and rule is None)
    )
    molecular_required = not (site != "rectum" and small and not medical_treatment)
    recs.append(st["pathology.immunohistochemistry"])
    recs.append(st["molecular.required" if molecular_required else "molecular.not_required"])
    if molecular_required and genotype == "not_tested":
        warns.append(WARNINGS["genotype.not_tested"])
        workup.append(_WORKUP_MUTATION)
    if genotype == "wild_type_unspecified":
        warns.append(WARNINGS["genotype.wild_type_workup"])
        workup.append(_WORKUP_WILD_TYPE)
    if facts.cd117 == "negative" and facts.dog1 == "negative":
        warns.append(WARNINGS["histology.cd117_dog1_negative"])
    recs.append(st["mdt.specialist_centre"])
    workup.append(_WORKUP_MDT)

    # --- Surveillance (RULES.md section 8) ------------------------------------------------------------
    schedule_key: str | None = None
    reference: date | None = None
    a_months = 0
    if pathway == "systemic_therapy":
        schedule_key = "systemic"
        reference = facts.reference_date or today or date.today()
    elif pathway == "surveillance":
        schedule_key = "small_nodule"
        reference = facts.reference_date or today or date.today()
    elif resected and facts.surgery_date is not None:
        if facts.rupture:
            schedule_key = "rupture"
        elif risk is not None:
            schedule_key = risk.modified_nih
        reference = facts.surgery_date
        if adjuvant.recommendation in ("recommended", "consider") and adjuvant.duration_months is not None:
            a_months = adjuvant.duration_months
        decision = facts.adjuvant_decision
        if decision == "declined":
            a_months = 0
            recs.append(_fmt(st["adjuvant.decision_recorded"], decision="declined", months=0))
        elif decision == "given":
            if facts.adjuvant_months_actual is not None:
                a_months = max(0, facts.adjuvant_months_actual)
            elif adjuvant.duration_months is not None:
                a_months = adjuvant.duration_months
            else:
                a_months = rs.adjuvant_high.months or 0
            recs.append(_fmt(st["adjuvant.decision_recorded"], decision="given", months=a_months))
    visits: tuple[Visit, ...] = ()
    if schedule_key is not None and reference is not None:
        schedule = rs.schedules[schedule_key]
        visits = build_schedule(
            schedule,
            reference,
            adjuvant_months=a_months,
            rectal=site == "rectum",
            window_days=rs.window_days,
            window_days_long=rs.window_days_long,
            long_gap_months=rs.long_gap_months,
        )
        recs.append(_schedule_statement(schedule, a_months))
    else:
        schedule_key = None
        reference = None

    return Assessment(
        ruleset=rs.id,
        ruleset_version=rs.version,
        risk=risk,
        pathway=pathway,
        biopsy_first=biopsy_first,
        approach=approach,
        molecular_testing_required=molecular_required,
        neoadjuvant=neoadjuvant,
        adjuvant=adjuvant,
        systemic_lines=systemic_lines,
        surveillance=visits,
        recommendations=tuple(recs),
        warnings=tuple(warns),
        workup=tuple(workup),
        checklist=checklist,
        risk_notes=tuple(explain_disagreement(facts, risk)),
        schedule_key=schedule_key,
        schedule_reference=reference,
        schedule_adjuvant_months=a_months,
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
