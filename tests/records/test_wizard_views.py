"""The stepwise case form: /cases/new/ and /cases/<id>/step/<name>/ for three personas."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case, Operation
from tests.factories import CaseFactory, OperationFactory, PathologyFactory, PresentationFactory, gastric_case

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"mrn": "W-1", "given_name": "Ada", "family_name": "Lamb", "date_of_birth": "1960-01-01",
               "sex": "female", "preferred_contact": "phone", "diagnosis_date": "2025-12-01",
               "ruleset": "esmo-2022"}  # fmt: skip
GASTRIC = {"presentation": "localized", "site": "stomach", "gastric_location": "greater_curvature", "size_cm": "6.5",
           "boundary_clear": "on", "r0_feasible": "on", "histology_confirmed": "on"}  # fmt: skip


def step_url(case, step):
    return reverse("records:step", args=[case.pk, step])


# --- access -----------------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    case = CaseFactory()
    for url in (reverse("records:new"), step_url(case, "presentation")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_the_form_to_a_role_that_only_reads(coordinator_client):
    case = CaseFactory()
    assert coordinator_client.get(reverse("records:new")).status_code == 403
    assert coordinator_client.get(step_url(case, "presentation")).status_code == 403
    response = coordinator_client.post(step_url(case, "presentation"), GASTRIC)
    assert response.status_code == 403
    assert case.section("presentation") is None


def test_it_answers_404_for_an_unknown_case_or_step(surgeon_client):
    case = CaseFactory()
    assert (
        surgeon_client.get(
            reverse("records:step", args=["00000000-0000-0000-0000-000000000000", "patient"])
        ).status_code
        == 404
    )
    assert surgeon_client.get(step_url(case, "nonsense")).status_code == 404


# --- new case ---------------------------------------------------------------------------------------------


def test_it_starts_a_case(surgeon_client, surgeon):
    response = surgeon_client.post(reverse("records:new"), NEW_PATIENT)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(case, "presentation")
    assert case.owner == surgeon
    assert case.patient.family_name == "Lamb"
    assert case.status == "draft"


def test_it_keeps_what_was_typed_when_the_patient_is_invalid(surgeon_client):
    response = surgeon_client.post(reverse("records:new"), {**NEW_PATIENT, "date_of_birth": "2099-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Date of birth: 01 Jan 2099 is in the future." in html
    assert 'value="W-1"' in html
    assert 'value="Lamb"' in html
    assert not Case.objects.exists()


# --- presentation -------------------------------------------------------------------------------------------


def test_it_saves_the_presentation_and_moves_on(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(step_url(case, "presentation"), {**GASTRIC, "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == step_url(case, "decision")
    case.refresh_from_db()
    assert case.presentation.size_cm == Decimal("6.5")
    assert case.pathway == "resection"


def test_back_saves_too(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(step_url(case, "presentation"), {**GASTRIC, "action": "back"})
    assert response["Location"] == step_url(case, "patient")
    assert Case.objects.get(pk=case.pk).presentation.site == "stomach"


def test_an_implausible_size_is_reported_by_name_and_kept(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(
        step_url(case, "presentation"), {**GASTRIC, "size_cm": "75", "action": "next"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct 1 problem" in html
    assert "Largest diameter (cm): 75 cm is above the 50 cm limit: did you mean 7.5?" in html
    assert 'value="75"' in html
    assert 'value="greater_curvature" selected' in html
    assert case.section("presentation") is None


def test_it_clears_the_gastric_location_when_the_site_changes(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case, site="stomach", gastric_location="antrum")
    surgeon_client.post(step_url(case, "presentation"), {**GASTRIC, "site": "duodenum", "gastric_location": "antrum",
                                                         "duodenal_location": "lateral_wall"})  # fmt: skip
    presentation = Case.objects.get(pk=case.pk).presentation
    assert (presentation.site, presentation.gastric_location, presentation.duodenal_location) == (
        "duodenum", "", "lateral_wall",
    )  # fmt: skip


def test_the_form_shows_only_the_fields_that_apply(surgeon_client):
    case = CaseFactory()
    PresentationFactory(
        case=case, site="rectum", gastric_location="", rectal_level="low", size_cm=Decimal("1.5")
    )
    html = surgeon_client.get(step_url(case, "presentation")).content.decode()
    assert 'name="rectal_level"' in html
    assert 'name="eus_features"' in html
    assert 'name="gastric_location"' not in html
    assert 'name="duodenal_location"' not in html


def test_the_branch_fragment_swaps_in_the_location_of_the_new_site(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(
        step_url(case, "presentation") + "?fragment=branch-site",
        {**GASTRIC, "site": "duodenum"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith("<div")
    assert 'id="branch-site"' in html
    assert 'name="duodenal_location"' in html
    assert 'name="gastric_location"' not in html
    assert "<html" not in html
    assert case.section("presentation") is None  # nothing saved


def test_update_form_works_without_javascript(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(step_url(case, "presentation"),
                                   {**GASTRIC, "site": "rectum", "size_cm": "1.2", "action": "refresh"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="rectal_level"' in html
    assert 'name="eus_features"' in html
    assert 'value="1.2"' in html
    assert "is-invalid" not in html
    assert case.section("presentation") is None
    assert "<noscript>" in html
    assert 'value="refresh"' in html


# --- step list -------------------------------------------------------------------------------------------------


def test_a_small_gastric_nodule_under_surveillance_finishes_at_the_decision(surgeon_client):
    case = CaseFactory()
    small = {**GASTRIC, "size_cm": "1.2", "histology_confirmed": ""}
    surgeon_client.post(step_url(case, "presentation"), small)
    case.refresh_from_db()
    assert case.pathway == "surveillance"
    html = surgeon_client.get(step_url(case, "decision")).content.decode()
    assert "Operation" not in html.split('aria-label="Steps"')[1].split("</nav>")[0]
    assert 'value="finish"' in html
    response = surgeon_client.post(step_url(case, "decision"), {"action": "finish"})
    assert response["Location"] == reverse("records:case", args=[case.pk])


def test_a_metastatic_case_skips_the_operation(surgeon_client):
    case = CaseFactory()
    surgeon_client.post(step_url(case, "presentation"), {**GASTRIC, "presentation": "metastatic",
                                                         "metastatic_sites": "Liver"})  # fmt: skip
    case.refresh_from_db()
    assert case.presentation.metastatic_sites == "Liver"
    response = surgeon_client.post(step_url(case, "decision"), {"action": "next"})
    assert response["Location"] == step_url(case, "pathology")
    response = surgeon_client.get(step_url(case, "operation"))
    assert response.status_code == 302


# --- operation, pathology, review -----------------------------------------------------------------------------


def test_the_operation_step_rejects_surgery_before_the_diagnosis(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    response = surgeon_client.post(step_url(case, "operation"),
                                   {"resected": "on", "surgery_date": "2024-01-01", "approach_used": "open"})  # fmt: skip
    assert response.status_code == 200
    assert (
        "Date of surgery: the surgery cannot be before the diagnosis (20 Nov 2025)."
        in response.content.decode()
    )
    assert not Operation.objects.filter(case=case).exists()


def test_the_pathology_step_saves_and_reassesses(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    OperationFactory(case=case)
    response = surgeon_client.post(step_url(case, "pathology"),
                                   {"mitoses_per_5mm2": "8", "genotype": "kit_exon_11", "action": "next"})  # fmt: skip
    assert response["Location"] == step_url(case, "review")
    case.refresh_from_db()
    assert case.risk_category == "high"
    assert case.assessments.latest().result["risk"]["tnm"]["stage"] == "IIIA"


def test_the_review_shows_every_section_and_finishes(surgeon_client):
    case = gastric_case()
    from cases.records.assessment import case_assess

    case_assess(case=case, user=None)
    html = surgeon_client.get(step_url(case, "review")).content.decode()
    assert "Greater curvature".lower() in html.lower()
    assert "KIT exon 11" in html
    assert "55% progression" in html
    response = surgeon_client.post(step_url(case, "review"), {"action": "finish"})
    assert response["Location"] == reverse("records:case", args=[case.pk])


def test_back_and_next_keep_everything(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    OperationFactory(case=case)
    PathologyFactory(case=case, mitoses_per_5mm2=8)
    html = surgeon_client.get(step_url(case, "pathology")).content.decode()
    assert 'value="8"' in html
    html = surgeon_client.get(step_url(case, "operation")).content.decode()
    assert 'value="2026-01-15"' in html


def test_the_patient_step_edits_the_patient_of_the_case(surgeon_client):
    case = CaseFactory()
    data = {**NEW_PATIENT, "mrn": case.patient.mrn, "family_name": "Corrected", "action": "next"}
    response = surgeon_client.post(step_url(case, "patient"), data)
    assert response.status_code == 302
    case.patient.refresh_from_db()
    assert case.patient.family_name == "Corrected"


def test_the_patient_step_cannot_take_another_patients_mrn(surgeon_client):
    from tests.factories import PatientFactory

    PatientFactory(mrn="TAKEN")
    case = CaseFactory()
    response = surgeon_client.post(step_url(case, "patient"), {**NEW_PATIENT, "mrn": "TAKEN"})
    assert response.status_code == 200
    assert "Hospital number (MRN): TAKEN already belongs to another patient." in response.content.decode()


NASTY = ["", "x", "-1", "1e999", "NaN", "Infinity", "²", "٣", "9999-99-99", "0001-01-01", "9999-12-31",
         "<script>alert(1)</script>", "9" * 400, "a\x00b"]  # fmt: skip


@pytest.mark.parametrize("step", ["patient", "presentation", "operation", "pathology"])
def test_no_input_gives_a_server_error(surgeon_client, step):
    from cases.records.forms import STEP_FORMS

    case = CaseFactory()
    PresentationFactory(case=case)
    OperationFactory(case=case)
    for name in STEP_FORMS[step].base_fields:
        for value in NASTY:
            data = {"site": "stomach", "resected": "on", "size_cm": "3", name: value}
            for url in (step_url(case, step), reverse("records:panel", args=[case.pk])):
                response = surgeon_client.post(url, {**data, "_step": step})
                assert response.status_code in (200, 302), (name, value, response.status_code)
                assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_step_posted_after_the_session_expired_is_not_lost(client, surgeon):
    case = CaseFactory()
    response = client.post(step_url(case, "presentation"), {**GASTRIC, "size_cm": "7.25", "action": "next"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert case.section("presentation") is None
    client.force_login(surgeon)  # logging in again keeps the session's data
    html = client.get(step_url(case, "presentation")).content.decode()
    assert "Your session had expired" in html
    assert 'value="7.25"' in html
    assert 'value="greater_curvature" selected' in html
    assert case.section("presentation") is None  # shown again to check, saved only when posted
    again = client.get(step_url(case, "presentation")).content.decode()
    assert 'value="7.25"' not in again  # shown once


def test_htmx_calls_without_a_session_leave_the_page_alone(client):
    case = CaseFactory()
    response = client.post(
        reverse("records:panel", args=[case.pk]), {"_step": "presentation"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204


# --- one pass per request -----------------------------------------------------------------------------------


def test_it_validates_a_refused_step_once_and_runs_the_engine_once(surgeon_client, monkeypatch):
    from cases.records import forms, preview, wizard

    case = gastric_case()
    calls = {"context": 0, "clean": 0, "engine": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(wizard, "case_step_context", counting("context", wizard.case_step_context))
    monkeypatch.setattr(preview, "case_step_context", counting("context", preview.case_step_context))
    monkeypatch.setattr(preview, "assess", counting("engine", preview.assess))
    monkeypatch.setattr(forms.StepForm, "full_clean", counting("clean", forms.StepForm.full_clean))
    response = surgeon_client.post(step_url(case, "presentation"), {**GASTRIC, "size_cm": "abc"})
    assert response.status_code == 200
    assert "enter a number of centimetres" in response.content.decode()
    assert calls == {"context": 1, "clean": 1, "engine": 1}


# --- the error summary's links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "posted"),
    [
        ("operation", {"action": "next"}),  # the yes/no field "resected" left empty
        ("presentation", {"site": "stomach", "size_cm": "many", "clinical_features": "nonsense"}),
        ("pathology", {"mitoses": "x", "nodes_positive": "maybe"}),
    ],
)
def test_each_link_of_the_error_summary_leads_to_its_field(surgeon_client, surgeon, step, posted):
    """The summary at the top links each message to its field; a list of choices (yes/no/unknown, the clinical
    features) has no element of its own id, so its link goes to its first choice (it led nowhere: `#id_resected`)."""
    import re

    case = gastric_case(owner=surgeon)
    response = surgeon_client.post(step_url(case, step), posted)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors, summary
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert [a for a in anchors if a not in ids] == []
