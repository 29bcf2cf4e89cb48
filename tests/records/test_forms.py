"""cases.records.forms: parsing to domain types, hidden branches, and messages that name their field."""

from datetime import date
from decimal import Decimal

import pytest

from cases.records.forms import OperationForm, PathologyForm, PatientForm, PresentationForm, initial_from_data
from tests.factories import PatientFactory

TODAY = date(2026, 3, 1)


def presentation_data(**overrides):
    data = {"presentation": "localized", "site": "stomach", "gastric_location": "antrum", "size_cm": "6.5",
            "boundary_clear": "on", "r0_feasible": "on"}  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_returns_domain_types():
    form = PresentationForm(presentation_data(), today=TODAY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["size_cm"] == Decimal("6.5")
    assert form.cleaned_data["boundary_clear"] is True
    assert form.cleaned_data["adherent_to_adjacent_organs"] is None  # not entered: not recorded


def test_it_names_the_field_in_a_size_error():
    form = PresentationForm(presentation_data(size_cm="60"), today=TODAY)
    assert not form.is_valid()
    assert form.errors["size_cm"] == [
        "Largest diameter (cm): 60 cm is above the 50 cm limit: did you mean 6?"
    ]


def test_it_names_the_field_in_a_required_error():
    form = PresentationForm(presentation_data(site=""), today=TODAY)
    assert not form.is_valid()
    assert form.errors["site"] == ["Primary site: this field is required."]


def test_it_leaves_out_the_fields_of_another_site():
    form = PresentationForm(presentation_data(site="duodenum", gastric_location="antrum"), today=TODAY)
    assert "gastric_location" not in form.fields
    assert "duodenal_location" in form.fields
    assert form.is_valid(), form.errors
    assert "gastric_location" not in form.cleaned_data


def test_it_offers_eus_features_for_a_small_lesion_only():
    assert "eus_features" in PresentationForm(presentation_data(size_cm="1.5")).fields
    assert "eus_features" not in PresentationForm(presentation_data(size_cm="2.0")).fields


def test_an_unbound_form_decides_its_branches_from_its_initial_values():
    form = PresentationForm(initial={"site": "rectum", "size_cm": "1.2"})
    assert {"rectal_level", "eus_features"} <= set(form.fields)
    assert "gastric_location" not in form.fields


def test_branch_drivers_post_to_the_fragment_url():
    form = PresentationForm(initial={"site": "stomach"}, fragment_url="/cases/x/step/presentation/")
    attrs = form.fields["site"].widget.attrs
    assert attrs["hx-post"] == "/cases/x/step/presentation/?fragment=branch-site"
    assert attrs["hx-target"] == "#branch-site"


def test_initial_from_data_keeps_what_was_typed():
    initial = initial_from_data(
        PresentationForm, {"site": "rectum", "size_cm": "abc", "eus_features": "ulceration"}
    )
    assert initial["size_cm"] == "abc"
    assert initial["site"] == "rectum"
    assert initial["boundary_clear"] is None  # not posted: not recorded


def test_mitoses_must_be_a_whole_number():
    form = PathologyForm({"mitoses_per_5mm2": "5.5", "genotype": "not_tested"}, context={"resected": True})
    assert not form.is_valid()
    assert form.errors["mitoses_per_5mm2"] == ["Mitoses per 5 mm²: enter a whole number from 0 to 1000."]
    form = PathologyForm({"mitoses_per_5mm2": "8", "genotype": "kit_exon_11"}, context={"resected": True})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mitoses_per_5mm2"] == 8


def test_pathology_form_hides_adjuvant_fields_when_not_resected():
    form = PathologyForm(context={"resected": False})
    assert "adjuvant_decision" not in form.fields
    form = PathologyForm(initial={"adjuvant_decision": "given"}, context={"resected": True})
    assert {"adjuvant_start", "adjuvant_dose_mg", "adjuvant_planned_months"} <= set(form.fields)


def test_surgery_cannot_precede_the_diagnosis():
    context = {"date_of_birth": date(1960, 1, 1), "diagnosis_date": date(2025, 6, 1)}
    form = OperationForm(
        {"resected": "on", "surgery_date": "2025-05-01", "approach_used": "open"},
        context=context,
        today=TODAY,
    )
    assert not form.is_valid()
    assert form.errors["surgery_date"] == [
        "Date of surgery: the surgery cannot be before the diagnosis (01 Jun 2025)."
    ]


def test_a_resected_tumour_needs_a_date_and_an_approach():
    form = OperationForm({"resected": "on"}, today=TODAY)
    assert not form.is_valid()
    assert form.errors["surgery_date"] == ["Date of surgery: enter the date of the operation."]
    assert form.errors["approach_used"] == ["Approach used: choose the approach of the operation."]


def test_not_resected_hides_the_operation_details():
    form = OperationForm({"resected": "no", "margin": "R0"}, today=TODAY)
    assert "margin" not in form.fields
    assert form.is_valid()
    assert form.cleaned_data == {"resected": False}


def patient_data(**overrides):
    data = {"mrn": "  MRN 1 ", "given_name": "Ada", "family_name": "Lamb", "date_of_birth": "1960-01-01",
            "sex": "female", "preferred_contact": "phone", "ruleset": "esmo-2022"}  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_patient_form_normalises_the_mrn():
    form = PatientForm(patient_data(), today=TODAY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mrn"] == "MRN 1"


@pytest.mark.django_db
def test_patient_form_rejects_a_birth_date_in_the_future():
    form = PatientForm(patient_data(date_of_birth="2030-01-01"), today=TODAY)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth: 01 Jan 2030 is in the future."]


@pytest.mark.django_db
def test_a_known_mrn_must_belong_to_the_same_person():
    PatientFactory(mrn="MRN 1", given_name="Ada", family_name="Lamb", date_of_birth=date(1960, 1, 1))
    assert PatientForm(patient_data(), today=TODAY).is_valid()
    form = PatientForm(patient_data(family_name="Other"), today=TODAY)
    assert not form.is_valid()
    assert "belongs to a patient with a different name" in form.errors["mrn"][0]


@pytest.mark.django_db
def test_editing_a_patient_cannot_take_another_patients_mrn():
    PatientFactory(mrn="TAKEN")
    mine = PatientFactory(mrn="MINE")
    form = PatientForm(patient_data(mrn="TAKEN"), patient=mine, today=TODAY)
    assert not form.is_valid()
    assert form.errors["mrn"] == ["Hospital number (MRN): TAKEN already belongs to another patient."]
    assert PatientForm(patient_data(mrn="MINE"), patient=mine, today=TODAY).is_valid()
