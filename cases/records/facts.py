"""Plain engine facts built from a case's records (the only bridge from the ORM to the engine)."""

from __future__ import annotations

from datetime import date

from cases.models import Case
from guidelines import CaseFacts
from guidelines.facts import ADVANCED_PRESENTATIONS


def build_facts(case: Case, *, today: date | None = None) -> CaseFacts | None:
    """The engine's view of `case`, or None while the case lacks a site (nothing to assess yet).

    A case with an operation on record is resected; the schedule's reference date is the surgery date then,
    the date of diagnosis otherwise.
    """
    presentation = case.section("presentation")
    if presentation is None or not presentation.site:
        return None
    diagnostics = case.section("diagnostics")
    operation = case.section("operation")
    pathology = case.section("pathology")
    treatment = case.section("treatment")

    adjuvant_decision = treatment.adjuvant_decision if treatment and treatment.adjuvant_decision else None
    return CaseFacts(
        site=presentation.site,
        size_cm=float(presentation.size_cm) if presentation.size_cm is not None else None,
        presentation=presentation.presentation,
        gastric_location=presentation.gastric_location or None,
        duodenal_location=presentation.duodenal_location or None,
        rectal_level=presentation.rectal_level or None,
        growth_pattern=presentation.growth_pattern or None,
        boundary_clear=presentation.boundary_clear,
        adherent_to_adjacent_organs=presentation.adherent_to_adjacent_organs,
        eus_features=tuple(presentation.eus_features or ()),
        clinical_features=tuple(presentation.clinical_features or ()),
        histology_confirmed=bool(diagnostics and diagnostics.histology_confirmed),
        r0_feasible=presentation.r0_feasible,
        major_morbidity_expected=presentation.major_morbidity_expected,
        resected=operation is not None,
        surgery_date=operation.surgery_date if operation else None,
        margin=(operation.margin or None) if operation else None,
        rupture=bool(operation and operation.rupture),
        mitoses_per_5mm2=pathology.mitoses_per_5mm2 if pathology else None,
        nodes_positive=bool(pathology and pathology.nodes_positive),
        genotype=pathology.genotype if pathology else "not_tested",
        neoadjuvant_months=treatment.neoadjuvant_months if treatment else 0,
        # The date of diagnosis anchors a watched nodule's schedule; never a systemic one, which counts from
        # the start of the current line of therapy (RULES.md section 8; the engine says when it is missing).
        reference_date=(
            None if presentation.presentation in ADVANCED_PRESENTATIONS else (case.diagnosis_date or today)
        ),
        cd117=(diagnostics.cd117 or None) if diagnostics else None,
        dog1=(diagnostics.dog1 or None) if diagnostics else None,
        adjuvant_decision=adjuvant_decision,
        adjuvant_months_actual=(
            treatment.adjuvant_planned_months if treatment and adjuvant_decision == "given" else None
        ),
    )
