"""Plain engine facts built from a case's records (the only bridge from the ORM to the engine)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cases.models import Case, TherapyLine
from cases.models.course import ADVANCED_SETTINGS, LineSetting
from guidelines import CaseFacts
from guidelines.facts import ADVANCED_PRESENTATIONS


def build_facts(case: Case, *, today: date | None = None) -> CaseFacts | None:
    """The engine's view of `case`, or None while the case lacks a site (nothing to assess yet).

    A case with an operation on record is resected; the schedule's reference date is the surgery date then,
    the date of diagnosis otherwise.

    The treatment course (issue 13) counts too: a recurrence or progression event on it makes localized disease
    recurrent for the engine (advanced disease, systemic pathway and schedule; the presentation as recorded at
    diagnosis is left as it was), and the first event dates the recurrence when none is recorded; the start of the advanced-disease line started last is the
    start of the current line of therapy, and an adjuvant line on record means adjuvant imatinib was given
    unless the MDT recorded it as declined (the MDT's record wins; the page shows both for it to resolve).
    """
    presentation = case.section("presentation")
    if presentation is None or not presentation.site:
        return None
    diagnostics = case.section("diagnostics")
    operation = case.section("operation")
    pathology = case.section("pathology")
    treatment = case.section("treatment")

    lines = list(case.therapy_lines.all())
    kind, recurrence_date = _disease_now(case, presentation)
    adjuvant_decision = treatment.adjuvant_decision if treatment and treatment.adjuvant_decision else None
    if adjuvant_decision is None and any(line.setting == LineSetting.ADJUVANT for line in lines):
        adjuvant_decision = "given"
    per_50hpf = pathology.mitoses_per_50hpf if pathology else None
    grade = (operation.rupture_grade or None) if operation else None
    return CaseFacts(
        site=presentation.site,
        size_cm=_float(presentation.size_cm),
        presentation=kind,
        gastric_location=presentation.gastric_location or None,
        duodenal_location=presentation.duodenal_location or None,
        rectal_level=presentation.rectal_level or None,
        growth_pattern=presentation.growth_pattern or None,
        # Yes/no findings: None is "not recorded" and reaches the engine as such (it says what it assumed).
        boundary_clear=presentation.boundary_clear,
        adherent_to_adjacent_organs=presentation.adherent_to_adjacent_organs,
        eus_features=tuple(presentation.eus_features or ()),
        clinical_features=tuple(presentation.clinical_features or ()),
        histology_confirmed=diagnostics.histology_confirmed if diagnostics else None,
        r0_feasible=presentation.r0_feasible,
        major_morbidity_expected=presentation.major_morbidity_expected,
        resected=operation is not None,
        surgery_date=operation.surgery_date if operation else None,
        margin=(operation.margin or None) if operation else None,
        # Only a major rupture (Oslo) is rupture; an operation whose rupture was not recorded says None.
        rupture=(grade == "major") if grade else None if operation else False,
        rupture_grade=grade,
        # Counted per 50 HPF: the raw count and the field area go to the engine, which converts.
        mitoses_per_5mm2=pathology.mitoses_per_5mm2 if pathology and per_50hpf is None else None,
        mitoses_per_50hpf=per_50hpf,
        hpf_field_area_mm2=_float(pathology.hpf_field_area_mm2) if per_50hpf is not None else None,
        nodes_positive=pathology.nodes_positive if pathology else None,
        genotype=pathology.genotype if pathology else "not_tested",
        genotype_detail=(pathology.genotype_detail or None) if pathology else None,
        pre_treatment_size_cm=_float(pathology.pre_treatment_size_cm) if pathology else None,
        pre_treatment_mitoses_per_5mm2=pathology.pre_treatment_mitoses_per_5mm2 if pathology else None,
        neoadjuvant_months=treatment.neoadjuvant_months if treatment else 0,
        # The date of diagnosis anchors a watched nodule's schedule; never a systemic one, which counts from
        # the start of the current line of therapy (RULES.md section 8; the engine says when it is missing).
        reference_date=(None if kind in ADVANCED_PRESENTATIONS else (case.diagnosis_date or today)),
        therapy_start_date=_current_line_start(lines, treatment.therapy_start_date if treatment else None),
        recurrence_date=recurrence_date,
        cd117=(diagnostics.cd117 or None) if diagnostics else None,
        dog1=(diagnostics.dog1 or None) if diagnostics else None,
        # The record's "SDHB immunohistochemistry" is the contract's sdhb_ihc (issue 17 item 8).
        sdhb_ihc=(diagnostics.sdh_ihc or None) if diagnostics else None,
        adjuvant_decision=adjuvant_decision,
        # Months of adjuvant imatinib after surgery: the same meaning as the engine's adjuvant duration.
        adjuvant_months=(
            treatment.adjuvant_planned_months if treatment and adjuvant_decision == "given" else None
        ),
    )


def _disease_now(case: Case, presentation) -> tuple[str, date | None]:
    """The presentation as the engine sees it today and the date of recurrence, with the course's events."""
    first_event = min((event.event_date for event in case.recurrence_events.all()), default=None)
    kind = presentation.presentation
    if first_event is not None and kind not in ADVANCED_PRESENTATIONS:
        kind = "recurrent"
    return kind, presentation.recurrence_date or first_event


def _current_line_start(lines: list[TherapyLine], recorded: date | None) -> date | None:
    """The start of the current line of therapy for advanced disease: the line started last, whether it is on
    the treatment course or only recorded as the treatment decision's start date (RULES.md section 8)."""
    starts = [line.start_date for line in lines if line.setting in ADVANCED_SETTINGS]
    if recorded is not None:
        starts.append(recorded)
    return max(starts, default=None)


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
