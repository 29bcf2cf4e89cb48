"""Issue 17 items 8-16 on the records side: the case form records what the engine now hears, and builds the
facts with the contract's names (ASSESS_CONTRACT.md, "Additions of 2026-12-02")."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case, Diagnostics
from cases.records.facts import build_facts
from cases.records.forms import OperationForm, PathologyForm, PresentationForm
from tests.factories import CaseFactory, OperationFactory, PathologyFactory, PresentationFactory

TODAY = date(2026, 3, 1)
RESECTED = {"resected": True, "surgery_date": date(2026, 1, 15), "date_of_birth": date(1960, 1, 1),
            "diagnosis_date": date(2025, 11, 20), "presentation": "localized"}  # fmt: skip
OPERATION = {"resected": "yes", "surgery_date": "2026-01-15", "approach_used": "open"}


def step_url(case, step):
    return reverse("records:step", args=[case.pk, step])


def pathology_form(**data):
    return PathologyForm({"genotype": "kit_exon_11", **data}, context=RESECTED, today=TODAY)


def resected_case(**pathology):
    case = CaseFactory()
    PresentationFactory(case=case)
    OperationFactory(case=case)
    PathologyFactory(case=case, **pathology)
    return Case.objects.get(pk=case.pk)


# --- 8, 9: SDHB, CD117, DOG1 -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_gives_the_engine_sdhb_lost_as_sdhb_ihc():
    case = resected_case(genotype="not_tested")
    Diagnostics.objects.create(case=case, sdh_ihc="lost", cd117="not_done", dog1="negative")
    facts = build_facts(Case.objects.get(pk=case.pk))
    assert facts.sdhb_ihc == "lost"
    assert (facts.cd117, facts.dog1) == ("not_done", "negative")


def test_the_stains_offer_exactly_the_contract_values():
    form = PresentationForm()
    for name in ("cd117", "dog1"):
        assert [v for v, _ in form.fields[name].choices] == ["", "positive", "negative", "not_done"]
    assert [v for v, _ in form.fields["sdh_ihc"].choices] == ["", "retained", "lost", "not_done"]


# --- 10: EGJ -------------------------------------------------------------------------------------------------


def test_a_junction_tumour_is_offered_no_gastric_location():
    assert "gastric_location" not in PresentationForm(initial={"site": "egj"}).fields
    assert "gastric_location" in PresentationForm(initial={"site": "stomach"}).fields


def test_a_gastric_location_posted_for_the_junction_is_refused_with_a_message():
    form = PresentationForm({"presentation": "localized", "site": "egj", "size_cm": "4",
                             "gastric_location": "cardia"}, today=TODAY)  # fmt: skip
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Location within the stomach: applies only to a tumour of the stomach; a tumour of the "
        "oesophagogastric junction has no location within the stomach."
    ]


# --- 11: adjuvant months after surgery ------------------------------------------------------------------------


def test_the_adjuvant_months_are_labelled_as_months_after_surgery():
    form = PathologyForm(initial={"adjuvant_decision": "given"}, context=RESECTED)
    field = form.fields["adjuvant_planned_months"]
    assert field.label == "Adjuvant imatinib after surgery (months)"
    assert "not counting neoadjuvant" in field.help_text


@pytest.mark.django_db
def test_the_adjuvant_months_reach_the_engine_as_months_after_surgery(surgeon_client):
    case = resected_case()
    surgeon_client.post(step_url(case, "pathology"),
                        {"mitoses_per_5mm2": "8", "genotype": "kit_exon_11", "neoadjuvant_months": "8",
                         "pre_treatment_size_cm": "9", "adjuvant_decision": "given",
                         "adjuvant_planned_months": "28", "action": "save"})  # fmt: skip
    facts = build_facts(Case.objects.get(pk=case.pk))
    assert (facts.neoadjuvant_months, facts.adjuvant_months) == (8, 28)


# --- 12: genotype detail --------------------------------------------------------------------------------------


def test_the_genotype_detail_offers_exactly_the_contract_values():
    assert [v for v, _ in PathologyForm(context=RESECTED).fields["genotype_detail"].choices] == [
        "", "kit_exon11_del_557_558", "kit_exon11_other", "pdgfra_exon18_other", "pdgfra_exon12_14",
        "kit_exon13_17",
    ]  # fmt: skip


def test_a_genotype_detail_of_another_genotype_is_refused():
    form = pathology_form(genotype="kit_exon_9", genotype_detail="kit_exon11_del_557_558")
    assert not form.is_valid()
    assert form.errors["genotype_detail"] == [
        "Mutation detail: KIT exon 11 deletion involving codons 557/558 is a detail of KIT exon 11, "
        "not of KIT exon 9."
    ]


@pytest.mark.django_db
def test_the_genotype_detail_is_saved_and_reaches_the_engine_with_the_note_kept(surgeon_client):
    case = resected_case()
    surgeon_client.post(step_url(case, "pathology"),
                        {"mitoses_per_5mm2": "8", "genotype": "kit_exon_11",
                         "genotype_detail": "kit_exon11_del_557_558", "exon_detail": "p.W557_K558del",
                         "action": "save"})  # fmt: skip
    case = Case.objects.get(pk=case.pk)
    assert (case.pathology.genotype_detail, case.pathology.exon_detail) == (
        "kit_exon11_del_557_558", "p.W557_K558del",
    )  # fmt: skip
    assert build_facts(case).genotype_detail == "kit_exon11_del_557_558"


# --- 13: recurrence and therapy start dates ------------------------------------------------------------------


def presentation(**data):
    return {"presentation": "recurrent", "site": "stomach", "size_cm": "4", **data}


def test_a_recurrence_may_come_after_the_surgery_but_not_before_the_diagnosis():
    context = {"date_of_birth": date(1960, 1, 1), "diagnosis_date": date(2022, 3, 1)}
    form = PresentationForm(presentation(recurrence_date="2025-06-01"), context=context, today=TODAY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence_date"] == date(2025, 6, 1)
    form = PresentationForm(presentation(recurrence_date="2021-06-01"), context=context, today=TODAY)
    assert form.errors["recurrence_date"] == [
        "Date of recurrence or metastasis: the recurrence cannot be before the diagnosis (01 Mar 2022)."
    ]


def test_the_recurrence_date_applies_to_advanced_disease_only():
    assert "recurrence_date" not in PresentationForm(initial={"presentation": "localized"}).fields
    assert "recurrence_date" in PresentationForm(initial={"presentation": "metastatic"}).fields


def test_the_therapy_start_cannot_precede_the_recurrence():
    context = {"date_of_birth": date(1960, 1, 1), "diagnosis_date": date(2022, 3, 1),
               "presentation": "recurrent", "recurrence_date": date(2025, 6, 1)}  # fmt: skip
    form = PathologyForm({"genotype": "kit_exon_11", "therapy_start_date": "2025-05-01"}, context=context,
                         today=TODAY)  # fmt: skip
    assert form.errors["therapy_start_date"] == [
        "Start of the current line of systemic therapy: the therapy cannot start before the recurrence or "
        "metastasis (01 Jun 2025)."
    ]


@pytest.mark.django_db
def test_the_dates_reach_the_engine(surgeon_client):
    case = CaseFactory(diagnosis_date=date(2022, 3, 1))
    surgeon_client.post(step_url(case, "presentation"),
                        {**presentation(recurrence_date="2025-06-01"), "action": "save"})  # fmt: skip
    surgeon_client.post(step_url(case, "pathology"),
                        {"genotype": "kit_exon_11", "therapy_start_date": "2025-06-20", "action": "save"})  # fmt: skip
    facts = build_facts(Case.objects.get(pk=case.pk))
    assert facts.recurrence_date == date(2025, 6, 1)
    assert facts.therapy_start_date == date(2025, 6, 20)


# --- 14: pre-treatment size and count -------------------------------------------------------------------------


def test_pre_treatment_data_are_asked_for_after_neoadjuvant_therapy_only():
    assert (
        "pre_treatment_size_cm"
        not in PathologyForm(initial={"neoadjuvant_months": 0}, context=RESECTED).fields
    )
    form = PathologyForm(initial={"neoadjuvant_months": 6}, context=RESECTED)
    assert {"pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2"} <= set(form.fields)


def test_a_pre_treatment_size_above_50_cm_is_refused_by_name():
    form = pathology_form(neoadjuvant_months="6", pre_treatment_size_cm="90")
    assert form.errors["pre_treatment_size_cm"] == [
        "Largest diameter before neoadjuvant therapy (cm): 90 cm is above the 50 cm limit: did you mean 9?"
    ]


@pytest.mark.django_db
def test_pre_treatment_data_are_saved_and_reach_the_engine(surgeon_client):
    case = resected_case()
    surgeon_client.post(step_url(case, "pathology"),
                        {"mitoses_per_5mm2": "2", "genotype": "kit_exon_11", "neoadjuvant_months": "6",
                         "pre_treatment_size_cm": "9.5", "pre_treatment_mitoses_per_5mm2": "12",
                         "action": "save"})  # fmt: skip
    case = Case.objects.get(pk=case.pk)
    assert case.pathology.pre_treatment_size_cm == Decimal("9.5")
    facts = build_facts(case)
    assert (facts.pre_treatment_size_cm, facts.pre_treatment_mitoses_per_5mm2) == (9.5, 12)


# --- 15: mitoses per 50 HPF -----------------------------------------------------------------------------------


def test_both_counts_together_are_refused_by_name():
    form = pathology_form(mitoses_per_5mm2="4", mitoses_per_50hpf="10", hpf_field_area_mm2="0.2")
    assert form.errors["mitoses_per_50hpf"] == [
        "Mitoses per 50 HPF: give the count once, per 5 mm² or per 50 HPF, not both."
    ]


def test_a_count_per_50_hpf_needs_the_field_area():
    form = pathology_form(mitoses_per_50hpf="10")
    assert form.errors["hpf_field_area_mm2"] == [
        "Area of one high-power field (mm²): needed to convert a count per 50 HPF (50 HPF are not 5 mm² on "
        "most microscopes)."
    ]


def test_an_implausible_field_area_is_refused_by_name():
    form = pathology_form(mitoses_per_50hpf="10", hpf_field_area_mm2="2")
    assert form.errors["hpf_field_area_mm2"] == [
        "Area of one high-power field (mm²): enter a number greater than 0.05 and at most 1 mm²."
    ]


def test_the_form_shows_the_conversion_formula():
    form = PathologyForm(context=RESECTED)
    assert "count × 5 / (50 × area)" in form.fields["mitoses_per_50hpf"].help_text


@pytest.mark.django_db
def test_a_count_per_50_hpf_is_stored_with_its_area_and_reaches_the_engine_unconverted(surgeon_client):
    case = resected_case(mitoses_per_5mm2=None)
    response = surgeon_client.post(step_url(case, "pathology"),
                                   {"mitoses_per_50hpf": "12", "hpf_field_area_mm2": "0.24",
                                    "genotype": "kit_exon_11", "action": "save"})  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.pathology.mitoses_per_50hpf, case.pathology.hpf_field_area_mm2) == (12, Decimal("0.24"))
    assert case.pathology.mitoses_per_5mm2 is None
    facts = build_facts(case)
    assert (facts.mitoses_per_50hpf, facts.hpf_field_area_mm2, facts.mitoses_per_5mm2) == (12, 0.24, None)


@pytest.mark.django_db
def test_the_review_shows_the_conversion_worked_out(surgeon_client):
    case = resected_case(mitoses_per_5mm2=None, mitoses_per_50hpf=12, hpf_field_area_mm2=Decimal("0.24"))
    html = surgeon_client.get(step_url(case, "review")).content.decode()
    # 12 × 5 / (50 × 0.24) = 60 / 12 = 5 per 5 mm².
    assert "12 per 50 HPF (field 0.24 mm²): 12 × 5 / (50 × 0.24) = 5 per 5 mm²" in html


# --- 16: rupture grade ----------------------------------------------------------------------------------------


def test_the_rupture_grades_are_offered_with_the_oslo_definitions():
    form = OperationForm(initial={"resected": True})
    field = form.fields["rupture_grade"]
    assert [v for v, _ in field.choices] == ["", "none", "major", "minor"]
    for words in ("blood-stained ascites", "piecemeal resection", "incisional biopsy",
                  "peritoneal tumour penetration", "capsule laceration", "Oslo"):  # fmt: skip
        assert words in field.help_text


@pytest.mark.django_db
@pytest.mark.parametrize(("grade", "rupture"), [("major", True), ("minor", False), ("none", False)])
def test_the_rupture_grade_reaches_the_engine(surgeon_client, grade, rupture):
    case = CaseFactory()
    PresentationFactory(case=case)
    surgeon_client.post(step_url(case, "operation"), {**OPERATION, "rupture_grade": grade, "action": "save"})
    facts = build_facts(Case.objects.get(pk=case.pk))
    assert (facts.rupture_grade, facts.rupture) == (grade, rupture)


@pytest.mark.django_db
def test_a_rupture_not_recorded_reaches_the_engine_as_not_recorded(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    surgeon_client.post(step_url(case, "operation"), {**OPERATION, "action": "save"})
    case = Case.objects.get(pk=case.pk)
    assert case.operation.rupture_grade == ""
    facts = build_facts(case)
    assert (facts.rupture_grade, facts.rupture) == (None, None)
