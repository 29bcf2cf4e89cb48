"""Which wizard steps a case needs: a pure function of the case's state.

patient → presentation → decision → operation → pathology → review. The decision step previews the engine's
answer; what follows depends on it:
- a tumour under surveillance (small gastric nodule without adverse features) has nothing more to enter: the
  wizard stops after the decision;
- metastatic or recurrent disease is treated systemically: no operation step, but pathology and molecular
  results (the genotype chooses the drug) and the review;
- everything else (resection, neoadjuvant then resection, or an answer not known yet) gets every step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from guidelines.facts import ADVANCED_PRESENTATIONS

if TYPE_CHECKING:
    from cases.models import Case

ALL_STEPS: tuple[str, ...] = ("patient", "presentation", "decision", "operation", "pathology", "review")
STEP_TITLES: dict[str, str] = {
    "patient": _("Patient"),
    "presentation": _("Presentation and imaging"),
    "decision": _("Decision"),
    "operation": _("Operation"),
    "pathology": _("Pathology and treatment"),
    "review": _("Review"),
}


def case_steps(*, presentation: str | None, pathway: str | None) -> tuple[str, ...]:
    """The steps for a case whose presentation kind and current pathway are these (None: not known yet)."""
    if pathway == "surveillance":
        return ("patient", "presentation", "decision")
    if presentation in ADVANCED_PRESENTATIONS or pathway == "systemic_therapy":
        return ("patient", "presentation", "decision", "pathology", "review")
    return ALL_STEPS


def steps_for_case(case: Case | None) -> tuple[str, ...]:
    """`case_steps` for a saved case (a case not created yet gets every step)."""
    if case is None:
        return ALL_STEPS
    presentation = case.section("presentation")
    return case_steps(
        presentation=presentation.presentation if presentation else None,
        pathway=case.pathway or None,
    )


def neighbours(steps: tuple[str, ...], step: str) -> tuple[str | None, str | None]:
    """The steps before and after `step` in `steps` (None at either end)."""
    index = steps.index(step)
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following
