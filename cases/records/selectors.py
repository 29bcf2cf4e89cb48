"""Reads for the stepwise form: a step's starting values and the saved values its rules depend on."""

from __future__ import annotations

from cases.models import Case
from cases.records.step_fields import (
    DIAGNOSTICS_FIELDS,
    OPERATION_FIELDS,
    PATHOLOGY_FIELDS,
    PATIENT_FIELDS,
    PRESENTATION_FIELDS,
    TREATMENT_FIELDS,
)


def _values(obj: object | None, names: tuple[str, ...]) -> dict:
    if obj is None:
        return {}
    return {name: getattr(obj, name) for name in names}


def case_step_initial(case: Case, step: str) -> dict:
    """The saved values of one step, as the step's form starts with them."""
    if step == "patient":
        return {
            **_values(case.patient, PATIENT_FIELDS),
            "diagnosis_date": case.diagnosis_date,
            "ruleset": case.ruleset,
        }
    if step == "presentation":
        initial = {
            **_values(case.section("presentation"), PRESENTATION_FIELDS),
            **_values(case.section("diagnostics"), DIAGNOSTICS_FIELDS),
        }
        if initial.get("size_cm") is not None:
            initial["size_cm"] = f"{initial['size_cm'].normalize():f}"
        return initial
    if step == "operation":
        operation = case.section("operation")
        # No operation record: "not resected" was answered only if the pathology step was saved after it;
        # otherwise nothing is known and nothing is ticked (issue 10 finding 6).
        resected = (
            True if operation is not None else (False if case.section("pathology") is not None else None)
        )
        return {"resected": resected, **_values(operation, OPERATION_FIELDS)}
    if step == "pathology":
        return {
            **_values(case.section("pathology"), PATHOLOGY_FIELDS),
            **_values(case.section("treatment"), TREATMENT_FIELDS),
        }
    return {}


def case_step_context(case: Case, step: str) -> dict:
    """Saved values from other steps that this step's rules need (dates to compare, the branch it is in)."""
    presentation = case.section("presentation")
    operation = case.section("operation")
    context: dict = {}
    if step in ("presentation", "operation", "pathology"):
        context["date_of_birth"] = case.patient.date_of_birth
        context["diagnosis_date"] = case.diagnosis_date
    if step == "pathology":
        context["resected"] = operation is not None
        context["surgery_date"] = operation.surgery_date if operation else None
        context["presentation"] = presentation.presentation if presentation else "localized"
        context["recurrence_date"] = presentation.recurrence_date if presentation else None
    return context


def case_sections(case: Case) -> dict:
    """The case's sections by name (None when absent), for the summary templates."""
    return {
        name: case.section(name)
        for name in ("presentation", "diagnostics", "operation", "pathology", "treatment")
    }
