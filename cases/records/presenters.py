"""Engine output in words a clinician reads: labels for the contract's enumerations (display only)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from cases.choices import Pathway, RiskCategory
from cases.engine_texts import engine_phrase, evidence_text, note_text, rule_text, source_text
from cases.labels import (
    ADJUVANT_LABELS,
    AFIP_LABELS,
    APPROACH_LABELS,
    MODALITY_LABELS,
    choice_labels,
    drug_label,
    label,
)


def format_cm(value: Decimal | None) -> str:
    """A size as typed: 6.5 (not 6.50), 10 (not 10.00 or 1E+1); empty when unknown."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _tnm_rates() -> dict[str, str]:
    return {"low": _("low mitotic rate"), "high": _("high mitotic rate")}


def result_display(
    result: dict | None, *, resected: bool = False, genotype: str | None = None
) -> dict | None:
    """The contract output of one assessment with a label beside every code.

    `resected`: the tumour is already out, so no approach is proposed (the engine answers null for it, which
    otherwise reads "individualised by the MDT"). `genotype`: once known, "mutation analysis required" is done
    and no longer shown as a to-do.
    """
    if not result:
        return None
    risk = result.get("risk")
    shown: dict = {
        "ruleset": result.get("ruleset"),
        "ruleset_version": result.get("ruleset_version"),
        "risk": None,
        "pathway": result.get("pathway"),
        "pathway_label": label(choice_labels(Pathway), result.get("pathway"), "") or _("Not determined"),
        "biopsy_first": result.get("biopsy_first"),
        "resected": resected,
        "approach": result.get("approach"),
        "approach_label": APPROACH_LABELS.get(result.get("approach") or "", _("Individualised by the MDT")),
        "neoadjuvant": (
            {**result["neoadjuvant"], "drug_label": drug_label(result["neoadjuvant"].get("drug"))}
            if result.get("neoadjuvant")
            else None
        ),
        "adjuvant": dict(result.get("adjuvant") or {}),
        "systemic_lines": [
            {**line, "drug": engine_phrase(line.get("drug")), "dose": engine_phrase(line.get("dose"))}
            for line in result.get("systemic_lines") or []
        ],
        "surveillance": [
            {**visit, "modality_label": MODALITY_LABELS.get(visit.get("modality"), visit.get("modality"))}
            for visit in result.get("surveillance") or []
        ],
        # Texts in the reader's language by the engine's id and text (cases.labels.rule_text); ids unchanged.
        "recommendations": [
            {
                **r,
                "text": rule_text(r),
                "evidence": evidence_text(r.get("evidence")),
                "source": source_text(r.get("source")),
            }
            for r in result.get("recommendations") or []
        ],
        "warnings": [{**w, "text": rule_text(w)} for w in result.get("warnings") or []],
        "molecular_testing_required": result.get("molecular_testing_required")
        and genotype in (None, "", "not_tested"),
    }
    shown["adjuvant"]["label"] = ADJUVANT_LABELS.get(shown["adjuvant"].get("recommendation"), "")
    shown["adjuvant"]["drug_label"] = drug_label(shown["adjuvant"].get("drug"))
    if risk:
        afip = risk.get("afip") or {}
        tnm = risk.get("tnm") or {}
        shown["risk"] = {
            "modified_nih": risk.get("modified_nih"),
            "modified_nih_label": label(choice_labels(RiskCategory), risk.get("modified_nih"), ""),
            "nih_2002": risk.get("nih_2002"),
            "nih_2002_label": label(choice_labels(RiskCategory), risk.get("nih_2002"), ""),
            "afip_category": afip.get("category"),
            "afip_label": AFIP_LABELS.get(afip.get("category"), afip.get("category")),
            "afip_pct": afip.get("progression_pct"),
            "tnm": tnm,
            "tnm_rate_label": _tnm_rates().get(tnm.get("mitotic_rate") or "", _("unknown mitotic rate")),
            # Notes the engine prints beside the risk (557/558 deletion, a count converted from 50 HPF).
            "notes": [note_text(note) for note in risk.get("notes") or []],
        }
        pre = risk.get("pre_treatment")
        if pre:  # issue 17 item 14: after neoadjuvant imatinib, the risk before it is shown too
            shown["risk"]["pre_treatment"] = {
                "modified_nih_label": label(choice_labels(RiskCategory), pre.get("modified_nih"), ""),
                "nih_2002_label": label(choice_labels(RiskCategory), pre.get("nih_2002"), ""),
                "afip_label": AFIP_LABELS.get((pre.get("afip") or {}).get("category"), ""),
                "afip_pct": (pre.get("afip") or {}).get("progression_pct"),
                "tnm_stage": (pre.get("tnm") or {}).get("stage"),
            }
    return shown
