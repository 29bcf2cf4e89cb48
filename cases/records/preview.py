"""The live panel's engine run: unsaved form values merged over the saved case, nothing written.

The form parses the values (only those that pass its field checks are used, so a half-typed size never reaches
the engine); the facts are the saved case's facts with those values laid over them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from django.utils.translation import gettext

from cases.models import Case
from cases.records.facts import build_facts
from cases.records.forms import STEP_FORMS, StepForm
from cases.records.selectors import case_step_context
from guidelines import CaseFacts, assess


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


# Form fields whose invalid value leaves the fact unknown in the preview, rather than falling back on the saved
# value: the panel then says the value is wrong instead of answering for a number nobody typed.
_FACT_OF_FIELD = {
    "size_cm": "size_cm",
    "mitoses_per_5mm2": "mitoses_per_5mm2",
    "mitoses_per_50hpf": "mitoses_per_50hpf",
    "hpf_field_area_mm2": "hpf_field_area_mm2",
    "pre_treatment_size_cm": "pre_treatment_size_cm",
    "pre_treatment_mitoses_per_5mm2": "pre_treatment_mitoses_per_5mm2",
}
# The engine's "unknown" warnings that an invalid value would trigger: the panel shows the error instead.
_UNKNOWN_WARNINGS = {
    "size_cm": ("risk.size_unknown", "pathway.size_unknown"),
    "mitoses_per_5mm2": ("risk.mitoses_unknown",),
    "mitoses_per_50hpf": ("risk.mitoses_unknown",),
    "hpf_field_area_mm2": ("risk.mitoses_unknown",),
    "surgery_date": ("schedule.surgery_date_unknown",),
}
# Errors that leave the risk table unassessed.
_RISK_FIELDS = frozenset({"size_cm", "mitoses_per_5mm2", "mitoses_per_50hpf", "hpf_field_area_mm2"})


def _overrides(step: str, values: Mapping, present: set[str]) -> dict:
    """Engine facts from one step's cleaned values; a field the branch hides is cleared (None/empty)."""
    out: dict = {}
    if step == "patient":
        if values.get("diagnosis_date"):
            out["reference_date"] = values["diagnosis_date"]
        if values.get("ruleset"):
            out["ruleset"] = values["ruleset"]
    elif step == "presentation":
        for name in ("site", "presentation"):
            if values.get(name):
                out[name] = values[name]
        if "size_cm" in values:
            out["size_cm"] = float(values["size_cm"])
        for name in (
            "gastric_location",
            "duodenal_location",
            "rectal_level",
            "growth_pattern",
            "cd117",
            "dog1",
            "recurrence_date",
        ):
            out[name] = _blank_to_none(values.get(name, "")) if name in present else None
        out["eus_features"] = tuple(values.get("eus_features") or ()) if "eus_features" in present else ()
        if "sdh_ihc" in present:
            out["sdhb_ihc"] = _blank_to_none(values.get("sdh_ihc", ""))
        out["clinical_features"] = tuple(values.get("clinical_features") or ())
        for name in (
            "boundary_clear",
            "adherent_to_adjacent_organs",
            "r0_feasible",
            "major_morbidity_expected",
            "histology_confirmed",
        ):
            if name in values:
                out[name] = values[name]  # True, False or None (not recorded)
    elif step == "operation":
        said_resected = bool(values.get("resected"))
        resected = said_resected and values.get("surgery_date") is not None
        out["resected"] = resected
        out["surgery_date"] = values.get("surgery_date") if resected else None
        out["margin"] = _blank_to_none(values.get("margin", "")) if resected else None
        # A rupture typed before the surgery date still counts for the risk (it makes the risk high).
        grade = _blank_to_none(values.get("rupture_grade", "")) if said_resected else "none"
        out["rupture_grade"] = grade
        out["rupture"] = (grade == "major") if grade else None
    elif step == "pathology":
        per_50hpf = values.get("mitoses_per_50hpf")
        out["mitoses_per_50hpf"] = per_50hpf
        out["hpf_field_area_mm2"] = (
            float(values["hpf_field_area_mm2"]) if values.get("hpf_field_area_mm2") is not None else None
        )
        if per_50hpf is not None:
            out["mitoses_per_5mm2"] = None
        elif "mitoses_per_5mm2" in values:
            out["mitoses_per_5mm2"] = values["mitoses_per_5mm2"]
        out["nodes_positive"] = values.get("nodes_positive")
        if values.get("genotype"):
            out["genotype"] = values["genotype"]
        out["genotype_detail"] = _blank_to_none(values.get("genotype_detail", ""))
        for name in ("pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2"):
            value = values.get(name) if name in present else None
            out[name] = float(value) if name == "pre_treatment_size_cm" and value is not None else value
        if "therapy_start_date" in present:
            out["therapy_start_date"] = values.get("therapy_start_date")
        if "neoadjuvant_months" in values:
            out["neoadjuvant_months"] = values["neoadjuvant_months"] or 0
        decision = (
            _blank_to_none(values.get("adjuvant_decision", "")) if "adjuvant_decision" in present else None
        )
        out["adjuvant_decision"] = decision
        out["adjuvant_months"] = values.get("adjuvant_planned_months") if decision == "given" else None
    return out


def preview_facts(
    case: Case | None, step: str, data: Mapping, *, today: date, form: StepForm | None = None
) -> CaseFacts | None:
    """The facts the engine would see if the step's unsaved values `data` were saved."""
    return _preview_facts(case, step, data, today=today, form=form)[0]


def _preview_facts(
    case: Case | None, step: str, data: Mapping, *, today: date, form: StepForm | None = None
) -> tuple[CaseFacts | None, dict[str, list[str]]]:
    """`preview_facts` and the step form's errors for the values typed ({field: [messages]}).

    `form`: the step's form already bound to `data` (the step view has one), so it is not built and
    validated a second time.
    """
    base = build_facts(case, today=today) if case is not None else None
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        return base, {}
    if form is None:
        context = case_step_context(case, step) if case is not None else {}
        extra = {"patient": case.patient} if step == "patient" and case is not None else {}
        form = form_class(data=data, context=context, today=today, **extra)
    errors: dict[str, list[str]] = {}
    if not form.is_valid() and data:
        errors = {name: list(messages) for name, messages in form.errors.items()}
    overrides = _overrides(step, form.cleaned_data, set(form.fields))
    for name in errors:
        if name in _FACT_OF_FIELD:
            overrides[_FACT_OF_FIELD[name]] = None
    if base is None:
        if not overrides.get("site"):
            return None, errors
        base = CaseFacts(site=overrides["site"], size_cm=None, reference_date=today)
    fields = {f.name for f in dataclasses.fields(CaseFacts)}
    return dataclasses.replace(base, **{k: v for k, v in overrides.items() if k in fields}), errors


def preview(
    case: Case | None, step: str, data: Mapping, *, today: date, form: StepForm | None = None
) -> dict | None:
    """What the live panel shows: the contract output plus why the risk schemes disagree."""
    facts, errors = _preview_facts(case, step, data, today=today, form=form)
    if facts is None:
        return None
    ruleset = facts.ruleset or (case.ruleset if case is not None else None)
    result = assess(facts, ruleset, today=today)
    pending: dict[str, str] = {}
    if step == "operation" and data.get("resected") and ("surgery_date" in errors or "resected" in errors):
        # Issue 10 finding 8: a resected (perhaps ruptured) tumour without its date is not "not applicable".
        pending["adjuvant"] = gettext("enter the date of surgery")
    shown = result.to_dict()
    hidden = {warning for name in errors for warning in _UNKNOWN_WARNINGS.get(name, ())}
    shown["warnings"] = [w for w in shown.get("warnings") or [] if w.get("id") not in hidden]
    # risk_notes: guidelines.risk.explain_disagreement, computed by the engine alongside the risk.
    return {
        "result": shown,
        "disagreements": list(result.risk_notes),
        "facts": facts,
        # Field errors of the values typed, each message naming its field (shown in the panel and, by
        # static/js/wizard.js, next to the field itself).
        "errors": [(name, message) for name, messages in errors.items() for message in messages],
        "risk_blocked": bool(_RISK_FIELDS & set(errors)),
        "pending": pending,
    }
