"""The patient's language, stored on the patient from the patient step, chooses the report's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Patient
from cases.records.assessment import case_assess
from tests.factories import gastric_case

pytestmark = pytest.mark.django_db

PATIENT = {"mrn": "ZH-7", "given_name": "伟", "family_name": "张", "date_of_birth": "1960-01-01", "sex": "male",
           "preferred_contact": "phone", "diagnosis_date": "2025-12-01", "ruleset": "csco-2020"}  # fmt: skip


def test_a_new_patient_gets_the_language_chosen_on_the_form(surgeon_client):
    surgeon_client.post(reverse("records:new"), {**PATIENT, "language": "zh-hans"})
    assert Patient.objects.get(mrn="ZH-7").language == "zh-hans"


def test_the_language_is_optional(surgeon_client):
    surgeon_client.post(reverse("records:new"), PATIENT)
    assert Patient.objects.get(mrn="ZH-7").language == ""


def test_an_unknown_language_is_refused_by_name(surgeon_client):
    response = surgeon_client.post(reverse("records:new"), {**PATIENT, "language": "xx"})
    assert response.status_code == 200
    assert "Language for reports and letters: choose one of the options offered." in response.content.decode()
    assert not Patient.objects.filter(mrn="ZH-7").exists()


def test_an_english_user_gets_a_chinese_report_for_a_chinese_patient(surgeon_client, surgeon):
    case = gastric_case(owner=surgeon)
    step = reverse("records:step", args=[case.pk, "patient"])
    patient = case.patient
    data = {"mrn": patient.mrn, "given_name": patient.given_name, "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(), "sex": patient.sex, "preferred_contact": "phone",
            "diagnosis_date": "2025-11-20", "ruleset": "esmo-2022", "language": "zh-hans", "action": "save"}  # fmt: skip
    surgeon_client.post(step, data)
    assert Patient.objects.get(pk=patient.pk).language == "zh-hans"
    case_assess(case=case, user=surgeon)
    html = surgeon_client.get(reverse("mdt:report", args=[case.pk])).content.decode()
    assert "胃肠间质瘤多学科团队（MDT）诊疗报告" in html
    assert "Back to the case" not in html  # the page around the report is the report's language too
