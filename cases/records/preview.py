"""The live panel's engine run: unsaved form values merged over the saved case, nothing written.

The form parses the values (only those that pass its field checks are used, so a half-typed size never reaches
the engine); the facts are the saved case's facts with those values laid over them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from cases.models import Case
from cases.records.facts import build_facts
from cases.records.forms import STEP_FORMS
from cases.records.selectors import case_step_context
from guidelines import CaseFacts, assess


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


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
        ):
            out[name] = _blank_to_none(values.get(name, "")) if name in present else None
        out["eus_features"] = tuple(values.get("eus_features") or ()) if "eus_features" in present else ()
        out["clinical_features"] = tuple(values.get("clinical_features") or ())
        for name in (
            "boundary_clear",
            "adherent_to_adjacent_organs",
            "r0_feasible",
            "major_morbidity_expected",
            "histology_confirmed",
        ):
            if name in values:
                out[name] = bool(values[name])
    elif step == "operation":
        resected = bool(values.get("resected")) and values.get("surgery_date") is not None
        out["resected"] = resected
        out["surgery_date"] = values.get("surgery_date") if resected else None
        out["margin"] = _blank_to_none(values.get("margin", "")) if resected else None
        out["rupture"] = bool(values.get("rupture")) if resected else False
    elif step == "pathology":
        if "mitoses_per_5mm2" in values:
            out["mitoses_per_5mm2"] = values["mitoses_per_5mm2"]
        out["nodes_positive"] = bool(values.get("nodes_positive"))
        if values.get("genotype"):
            out["genotype"] = values["genotype"]
        if "neoadjuvant_months" in values:
            out["neoadjuvant_months"] = values["neoadjuvant_months"] or 0
        decision = (
            _blank_to_none(values.get("adjuvant_decision", "")) if "adjuvant_decision" in present else None
        )
        out["adjuvant_decision"] = decision
        out["adjuvant_months_actual"] = values.get("adjuvant_planned_months") if decision == "given" else None
    return out


def preview_facts(case: Case | None, step: str, data: Mapping, *, today: date) -> CaseFacts | None:
    """The facts the engine would see if the step's unsaved values `data` were saved."""
    base = build_facts(case, today=today) if case is not None else None
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        return base
    context = case_step_context(case, step) if case is not None else {}
    extra = {"patient": case.patient} if step == "patient" and case is not None else {}
    form = form_class(data=data, context=context, today=today, **extra)
    form.is_valid()
    overrides = _overrides(step, form.cleaned_data, set(form.fields))
    if base is None:
        if not overrides.get("site"):
            return None
        base = CaseFacts(site=overrides["site"], size_cm=None, reference_date=today)
    fields = {f.name for f in dataclasses.fields(CaseFacts)}
    return dataclasses.replace(base, **{k: v for k, v in overrides.items() if k in fields})


def preview(case: Case | None, step: str, data: Mapping, *, today: date) -> dict | None:
    """What the live panel shows: the contract output plus why the risk schemes disagree."""
    facts = preview_facts(case, step, data, today=today)
    if facts is None:
        return None
    ruleset = facts.ruleset or (case.ruleset if case is not None else None)
    result = assess(facts, ruleset, today=today)
    # risk_notes: guidelines.risk.explain_disagreement, computed by the engine alongside the risk.
    return {"result": result.to_dict(), "disagreements": list(result.risk_notes), "facts": facts}
