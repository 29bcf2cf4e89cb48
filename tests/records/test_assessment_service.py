"""build_facts + case_assess: the bridge from the records to the engine and the frozen snapshot."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from cases.choices import CaseStatus
from cases.models import (
    Assessment,
    Case,
    Diagnostics,
    Operation,
    Pathology,
    Patient,
    Presentation,
    TreatmentDecision,
)
from cases.records.assessment import case_assess
from cases.records.facts import build_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def surgeon():
    return User.objects.create_user("surgeon-a", password="x")


@pytest.fixture
def case(surgeon):
    patient = Patient.objects.create(
        mrn="MRN001", given_name="Ann", family_name="Example", date_of_birth=date(1960, 5, 1)
    )
    return Case.objects.create(
        patient=patient, owner=surgeon, ruleset="esmo-2022", diagnosis_date=date(2025, 12, 1)
    )


def _contract_example(case):
    """The worked example of ASSESS_CONTRACT.md, entered as records."""
    Presentation.objects.create(
        case=case, site="stomach", gastric_location="greater_curvature", size_cm="6.50"
    )
    Diagnostics.objects.create(case=case, histology_confirmed=True, cd117="positive", dog1="positive")
    Operation.objects.create(case=case, surgery_date=date(2026, 1, 15), approach_used="open", margin="R0")
    Pathology.objects.create(case=case, mitoses_per_5mm2=8, genotype="kit_exon_11")


def test_it_has_no_facts_before_a_site_is_entered(case, surgeon):
    assert build_facts(case) is None
    assert case_assess(case=case, user=surgeon) is None
    assert Assessment.objects.count() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_it_builds_resected_facts_from_the_records(case):
    _contract_example(case)
    facts = build_facts(Case.objects.with_sections().get(pk=case.pk))
    assert facts.site == "stomach"
    assert facts.size_cm == 6.5
    assert facts.resected is True
    assert facts.surgery_date == date(2026, 1, 15)
    assert facts.mitoses_per_5mm2 == 8
    assert facts.genotype == "kit_exon_11"
    assert facts.cd117 == "positive"
    assert facts.margin == "R0"
    assert facts.reference_date == date(2025, 12, 1)


def test_it_stores_the_contract_example_as_a_frozen_snapshot(case, surgeon):
    _contract_example(case)
    snapshot = case_assess(case=Case.objects.with_sections().get(pk=case.pk), user=surgeon)

    stored = Assessment.objects.get(pk=snapshot.pk)
    assert stored.ruleset == "esmo-2022"
    assert stored.ruleset_version == stored.result["ruleset_version"] != ""
    assert stored.created_by == surgeon
    assert stored.facts["surgery_date"] == "2026-01-15"
    result = stored.result
    assert result["risk"]["modified_nih"] == "high"
    assert result["risk"]["nih_2002"] == "high"
    assert result["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert result["risk"]["tnm"]["stage"] == "IIIA"
    assert result["adjuvant"] == {
        "recommendation": "recommended",
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "duration_months": 36,
    }
    assert len(result["surveillance"]) == 31
    assert result["surveillance"][0]["due"] == "2026-04-15"
    assert result["surveillance"][-1]["due"] == "2039-01-15"

    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    assert case.risk_category == "high"
    assert case.pathway == "resection"


def test_a_declined_adjuvant_decision_shortens_the_schedule(case, surgeon):
    _contract_example(case)
    TreatmentDecision.objects.create(case=case, adjuvant_decision="declined")
    result = case_assess(case=Case.objects.with_sections().get(pk=case.pk), user=surgeon).result
    # No adjuvant: A = 0, so the high-risk schedule runs 3..24 (8), 30..60 (6), 72..120 (5) months.
    assert len(result["surveillance"]) == 19
    assert result["surveillance"][-1]["due"] == "2036-01-15"


def test_a_discussed_case_keeps_its_status_when_reassessed(case, surgeon):
    _contract_example(case)
    case.status = CaseStatus.DISCUSSED
    case.save()
    case_assess(case=Case.objects.with_sections().get(pk=case.pk), user=surgeon)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISCUSSED
    assert case.assessments.count() == 1


def test_it_uses_the_case_ruleset(case, surgeon):
    _contract_example(case)
    case.ruleset = "csco-2020"
    case.save()
    snapshot = case_assess(case=Case.objects.with_sections().get(pk=case.pk), user=surgeon)
    assert snapshot.ruleset == "csco-2020"
    # CSCO 2020 high risk: 3-monthly 3-36, 6-monthly 42-60, yearly 72-120, plus chest X-ray yearly 12-60.
    modalities = [v["modality"] for v in snapshot.result["surveillance"]]
    assert modalities.count("chest_xray") == 5
    assert modalities.count("ct_or_mri") == 12 + 4 + 5
