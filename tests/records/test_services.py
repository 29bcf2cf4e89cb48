"""cases.records.services: creating a case and saving each step, with the database state checked."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Assessment, Case, Operation, Patient
from cases.records.services import case_create, case_save_step
from tests.factories import (
    CaseFactory,
    OperationFactory,
    PathologyFactory,
    PatientFactory,
    PresentationFactory,
    make_case,
)

pytestmark = pytest.mark.django_db

PATIENT = {"mrn": "S-1", "given_name": "Ada", "family_name": "Lamb", "date_of_birth": date(1960, 1, 1),
           "sex": "female", "phone": "01632 960001", "email": "", "preferred_contact": "sms"}  # fmt: skip
PRESENTATION = {"presentation": "localized", "site": "stomach", "gastric_location": "greater_curvature",
                "size_cm": Decimal("6.5"), "boundary_clear": True, "r0_feasible": True,
                "histology_confirmed": True}  # fmt: skip


def test_it_creates_the_patient_and_a_draft_case(surgeon):
    case = case_create(**PATIENT, diagnosis_date=date(2025, 12, 1), ruleset="csco-2020", user=surgeon)
    case.refresh_from_db()
    assert case.status == "draft"
    assert case.owner == surgeon
    assert case.ruleset == "csco-2020"
    assert case.patient.mrn == "S-1"
    assert case.patient.preferred_contact == "sms"
    assert not case.assessments.exists()


def test_it_reuses_a_patient_known_by_mrn(surgeon):
    patient = PatientFactory(mrn="S-1", given_name="Ada", family_name="Lamb", phone="")
    case = case_create(**PATIENT, user=surgeon)
    assert case.patient_id == patient.pk
    assert Patient.objects.count() == 1
    patient.refresh_from_db()
    assert patient.phone == "01632 960001"


def test_saving_the_presentation_assesses_the_case(surgeon):
    case = CaseFactory(owner=surgeon)
    snapshot = case_save_step(case=case, step="presentation", data=PRESENTATION, user=surgeon)
    assert isinstance(snapshot, Assessment)
    case.refresh_from_db()
    assert case.status == "assessed"
    assert case.pathway == "resection"
    assert case.presentation.size_cm == Decimal("6.5")
    assert case.diagnostics.histology_confirmed is True
    assert snapshot.ruleset == "esmo-2022"
    assert snapshot.created_by == surgeon


def test_each_step_is_saved_at_once_and_reassessed(surgeon):
    case = CaseFactory(owner=surgeon)
    case_save_step(case=case, step="presentation", data=PRESENTATION, user=surgeon)
    case_save_step(case=case, step="operation", data={"resected": True, "surgery_date": date(2026, 1, 15),
                   "approach_used": "open", "margin": "R0"}, user=surgeon)  # fmt: skip
    snapshot = case_save_step(case=case, step="pathology", data={"mitoses_per_5mm2": 8, "genotype": "kit_exon_11"},
                              user=surgeon)  # fmt: skip
    assert case.assessments.count() == 3
    case.refresh_from_db()
    assert case.risk_category == "high"
    assert snapshot.result["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert snapshot.result["adjuvant"]["duration_months"] == 36
    assert case.treatment.neoadjuvant_months == 0


def test_changing_the_site_clears_the_location_of_the_old_site(surgeon):
    case = CaseFactory(owner=surgeon)
    case_save_step(case=case, step="presentation", data=PRESENTATION, user=surgeon)
    case_save_step(case=case, step="presentation",
                   data={**PRESENTATION, "site": "duodenum", "duodenal_location": "lateral_wall"}, user=surgeon)  # fmt: skip
    presentation = Case.objects.get(pk=case.pk).presentation
    assert presentation.site == "duodenum"
    assert presentation.gastric_location == ""
    assert presentation.duodenal_location == "lateral_wall"


def test_a_larger_size_clears_the_eus_features(surgeon):
    case = CaseFactory(owner=surgeon)
    small = {**PRESENTATION, "size_cm": Decimal("1.5"), "eus_features": ["ulceration"]}
    case_save_step(case=case, step="presentation", data=small, user=surgeon)
    assert Case.objects.get(pk=case.pk).presentation.eus_features == ["ulceration"]
    case_save_step(case=case, step="presentation", data={**small, "size_cm": Decimal("3")}, user=surgeon)
    assert Case.objects.get(pk=case.pk).presentation.eus_features == []


def test_not_resected_removes_the_operation_record(surgeon):
    case = CaseFactory(owner=surgeon)
    PresentationFactory(case=case)
    OperationFactory(case=case)
    case_save_step(case=case, step="operation", data={"resected": False}, user=surgeon)
    assert not Operation.objects.filter(case=case).exists()


def test_adjuvant_details_are_cleared_when_adjuvant_was_declined(surgeon):
    case = CaseFactory(owner=surgeon)
    PresentationFactory(case=case)
    OperationFactory(case=case)
    given = {"mitoses_per_5mm2": 8, "genotype": "kit_exon_11", "adjuvant_decision": "given",
             "adjuvant_start": date(2026, 2, 20), "adjuvant_dose_mg": 400, "adjuvant_planned_months": 36}  # fmt: skip
    case_save_step(case=case, step="pathology", data=given, user=surgeon)
    treatment = Case.objects.get(pk=case.pk).treatment
    assert (treatment.adjuvant_decision, treatment.adjuvant_dose_mg) == ("given", 400)
    case_save_step(case=case, step="pathology", data={**given, "adjuvant_decision": "declined"}, user=surgeon)
    treatment = Case.objects.get(pk=case.pk).treatment
    assert treatment.adjuvant_decision == "declined"
    assert (treatment.adjuvant_start, treatment.adjuvant_dose_mg, treatment.adjuvant_planned_months) == (
        None,
    ) * 3


def test_saving_the_patient_step_updates_patient_and_case(surgeon):
    case = CaseFactory(owner=surgeon)
    PathologyFactory(case=case)
    case_save_step(case=case, step="patient", data={**PATIENT, "diagnosis_date": date(2025, 10, 2),
                                                    "ruleset": "csco-2020"}, user=surgeon)  # fmt: skip
    case.refresh_from_db()
    assert case.patient.mrn == "S-1"
    assert case.diagnosis_date == date(2025, 10, 2)
    assert case.ruleset == "csco-2020"
    assert not case.assessments.exists()  # no site yet: nothing to assess


def test_decision_and_review_save_nothing(surgeon):
    case = CaseFactory(owner=surgeon)
    assert case_save_step(case=case, step="decision", data={}, user=surgeon) is None
    assert not case.assessments.exists()


def test_moving_the_surgery_date_of_a_signed_case_moves_its_pending_followups(surgeon):
    from cases.followups.services import followups_regenerate

    case = make_case(owner=surgeon, status="discussed")
    followups_regenerate(case=case, user=surgeon, reason="Signed at MDT")
    first = case.followups.order_by("due_date").first()
    assert first.due_date == date(2026, 4, 15)

    case_save_step(
        case=Case.objects.get(pk=case.pk),
        step="operation",
        data={"resected": True, "surgery_date": date(2026, 2, 2), "approach_used": "open", "margin": "R0"},
        user=surgeon,
    )

    dues = list(
        case.followups.filter(status="pending").order_by("due_date").values_list("due_date", flat=True)
    )
    assert dues[0] == date(2026, 5, 2)
    assert len(dues) == 31
    assert date(2026, 4, 15) not in dues


def test_declining_adjuvant_on_a_signed_case_shortens_its_followups(surgeon):
    from cases.followups.services import followups_regenerate

    case = make_case(owner=surgeon, status="discussed")
    followups_regenerate(case=case, user=surgeon, reason="Signed at MDT")
    assert case.followups.count() == 31

    case_save_step(
        case=Case.objects.get(pk=case.pk),
        step="pathology",
        data={"mitoses_per_5mm2": 8, "genotype": "kit_exon_11", "adjuvant_decision": "declined"},
        user=surgeon,
    )

    # Without adjuvant imatinib (A = 0) the ESMO high-risk schedule is 8 + 6 + 5 = 19 visits.
    assert case.followups.filter(status="pending").count() == 19


def test_a_draft_case_gets_no_followups_from_its_steps(surgeon):
    case = make_case(owner=surgeon)
    case_save_step(
        case=case,
        step="operation",
        data={"resected": True, "surgery_date": date(2026, 2, 2), "approach_used": "open", "margin": "R0"},
        user=surgeon,
    )
    # Until the MDT decides, the schedule is only provisional (issue 12): nothing a nurse must book yet.
    assert not case.followups.filter(provisional=False).exists()
    assert all(item.provisional for item in case.followups.all())
