"""cases.labels and cases.choices against the engine's vocabulary (guidelines.facts, ASSESS_CONTRACT.md).

The form's choices store exactly the engine's codes, and every code the engine can answer has words.
"""

from __future__ import annotations

import pytest

from cases import choices, labels
from cases.records import presenters, validation
from cases.records.forms import STEP_FORMS
from guidelines import PHASE_LABELS, RULESETS
from guidelines import facts as engine

INPUTS = [
    (choices.Site, engine.SITES),
    (choices.GastricLocation, engine.GASTRIC_LOCATIONS),
    (choices.DuodenalLocation, engine.DUODENAL_LOCATIONS),
    (choices.RectalLevel, engine.RECTAL_LEVELS),
    (choices.GrowthPattern, engine.GROWTH_PATTERNS),
    (choices.EusFeature, engine.EUS_FEATURES),
    (choices.ClinicalFeature, engine.CLINICAL_FEATURES),
    (choices.PresentationKind, engine.PRESENTATIONS),
    (choices.Margin, engine.MARGINS),
    (choices.Genotype, engine.GENOTYPES),
    (choices.AdjuvantDecision, engine.ADJUVANT_DECISIONS),
    (choices.Pathway, engine.PATHWAYS),
    (choices.RiskCategory, engine.RISK_CATEGORIES),
    (choices.StainResult, engine.STAIN_RESULTS),  # "not_done" included: a blank field means not recorded
    (choices.SdhResult, engine.SDHB_IHC_RESULTS),
]


@pytest.mark.parametrize(("choice_class", "vocabulary"), INPUTS, ids=[c.__name__ for c, _ in INPUTS])
def test_it_stores_exactly_the_engine_codes(choice_class, vocabulary):
    assert list(choice_class.values) == list(vocabulary)


def test_it_offers_every_rule_set_the_engine_has():
    assert set(choices.Ruleset.values) == set(RULESETS)


def test_it_schedules_only_modalities_the_engine_knows_or_the_clinic():
    # Plus the imatinib trough level the treatment course asks for (issue 13; cases/course/worklist.py).
    assert set(choices.FollowUpModality.values) == {*engine.MODALITIES, "clinic", "drug_level"}


def test_it_offers_in_each_form_field_the_engine_codes():
    offered = {}
    for form_class in STEP_FORMS.values():
        for name, field in form_class.base_fields.items():
            if hasattr(field, "choices") and name in ("site", "presentation", "margin", "genotype"):
                offered[name] = {value for value, _ in field.choices if value}
    assert offered["site"] == set(engine.SITES)
    assert offered["presentation"] == set(engine.PRESENTATIONS)
    assert offered["margin"] == set(engine.MARGINS)
    assert offered["genotype"] == set(engine.GENOTYPES)


@pytest.mark.parametrize(
    ("mapping", "codes"),
    [
        (labels.APPROACH_LABELS, engine.APPROACHES),
        (labels.ADJUVANT_LABELS, engine.ADJUVANT_RECOMMENDATIONS),
        (labels.AFIP_LABELS, engine.AFIP_CATEGORIES),
        (labels.RISK_LABELS, engine.RISK_CATEGORIES),
        (labels.MODALITY_LABELS, engine.MODALITIES),
    ],
    ids=["approach", "adjuvant", "afip", "risk", "modality"],
)
def test_it_has_words_for_every_engine_output_code(mapping, codes):
    assert set(codes) <= set(mapping)


def test_it_reads_a_code_the_same_on_the_panel_and_in_the_report():
    # One table: the panel (presenters) said "EUS" where the PDF said "Endoscopic ultrasound".
    shown = presenters.result_display({"surveillance": [{"modality": "eus", "due": "2026-03-01"}]})
    assert shown["surveillance"][0]["modality_label"] == "Endoscopic ultrasound"
    assert labels.label(labels.MODALITY_LABELS, "eus") == "Endoscopic ultrasound"
    assert labels.label(labels.ADJUVANT_LABELS, "undetermined") == "Undetermined (risk cannot be stratified)"


def test_it_takes_the_limits_and_phases_from_the_engine():
    from guidelines import contract

    assert validation.MAX_MITOSES == contract.MITOSES_MAX == 1000
    assert float(validation.MAX_SIZE_CM) == contract.SIZE_MAX_CM == 50.0
    assert validation.ADVANCED_PRESENTATIONS is engine.ADVANCED_PRESENTATIONS
    assert labels.PHASE_LABELS is PHASE_LABELS
