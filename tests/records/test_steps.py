"""cases.records.steps: the steps a case needs, as a pure function of its state."""

import pytest

from cases.records.steps import ALL_STEPS, case_steps, neighbours, steps_for_case
from tests.factories import CaseFactory, PresentationFactory


def test_a_case_not_assessed_yet_gets_every_step():
    assert case_steps(presentation=None, pathway=None) == ALL_STEPS


@pytest.mark.parametrize("pathway", ["resection", "neoadjuvant_then_resection"])
def test_a_surgical_pathway_gets_every_step(pathway):
    assert case_steps(presentation="localized", pathway=pathway) == (
        "patient", "presentation", "decision", "operation", "pathology", "review",
    )  # fmt: skip


def test_a_small_nodule_under_surveillance_stops_after_the_decision():
    assert case_steps(presentation="localized", pathway="surveillance") == (
        "patient",
        "presentation",
        "decision",
    )


@pytest.mark.parametrize("presentation", ["metastatic", "recurrent"])
def test_metastatic_or_recurrent_disease_skips_the_operation(presentation):
    steps = case_steps(presentation=presentation, pathway="systemic_therapy")
    assert steps == ("patient", "presentation", "decision", "pathology", "review")


def test_systemic_therapy_skips_the_operation_even_before_the_presentation_kind_is_known():
    assert "operation" not in case_steps(presentation=None, pathway="systemic_therapy")


def test_neighbours():
    steps = ("patient", "presentation", "decision")
    assert neighbours(steps, "patient") == (None, "presentation")
    assert neighbours(steps, "decision") == ("presentation", None)


@pytest.mark.django_db
def test_steps_for_a_saved_case_read_its_presentation_and_pathway():
    case = CaseFactory(pathway="systemic_therapy")
    PresentationFactory(case=case, presentation="metastatic")
    assert "operation" not in steps_for_case(case)
    assert steps_for_case(None) == ALL_STEPS
