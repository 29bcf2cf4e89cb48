"""The stepwise case form in Simplified Chinese: titles, labels, help texts, choices and validation messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, PatientFactory, gastric_case
from tests.i18n.test_pages_zh import _english

pytestmark = pytest.mark.django_db

GASTRIC = {"presentation": "localized", "site": "stomach", "gastric_location": "greater_curvature", "size_cm": "6.5",
           "boundary_clear": "yes", "r0_feasible": "yes", "histology_confirmed": "yes"}  # fmt: skip


def _case(surgeon):
    return gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001")
    )


def test_it_shows_the_new_case_form_in_chinese(zh_surgeon_client):
    html = zh_surgeon_client.get(reverse("records:new")).content.decode()
    for term in ("新建病例", "病历号（MRN）", "姓", "出生日期", "指南规则", "创建病例"):
        assert term in html, term
    runs = _english(html)
    assert runs == [], f"English left: {runs}"


@pytest.mark.parametrize("step", ["presentation", "decision", "operation", "pathology", "review"])
def test_it_shows_each_step_in_chinese(zh_surgeon_client, surgeon, step):
    case = _case(surgeon)
    html = zh_surgeon_client.get(reverse("records:step", args=[case.pk, step])).content.decode()
    assert "第 " in html  # "Step n of m"
    runs = _english(html)
    assert runs == [], f"English left on {step}: {runs}"


def test_it_names_the_field_in_chinese_when_a_value_is_wrong(zh_surgeon_client, surgeon):
    case = CaseFactory(owner=surgeon)
    response = zh_surgeon_client.post(
        reverse("records:step", args=[case.pk, "presentation"]),
        {**GASTRIC, "size_cm": "75", "action": "next"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请更正 1 处问题" in html
    assert "最大径（cm）：75 cm 超过 50 cm 上限：您是否要输入 7.5？" in html


def test_it_says_in_chinese_which_date_is_impossible(zh_surgeon_client):
    data = {"mrn": "W-1", "given_name": "伟", "family_name": "张", "date_of_birth": "2099-01-01", "sex": "female",
            "preferred_contact": "phone", "diagnosis_date": "2025-12-01", "ruleset": "csco-2020"}  # fmt: skip
    html = zh_surgeon_client.post(reverse("records:new"), data).content.decode()
    assert "出生日期：2099年1月1日 晚于今天。" in html


def test_the_live_panel_says_in_chinese_why_adjuvant_is_not_assessed(zh_surgeon_client, surgeon):
    """A resected tumour typed without its date of surgery: "Not assessed: enter the date of surgery" said in
    Chinese (the reason stayed English inside the translated sentence; found by the Chinese browser walk)."""
    from tests.factories import PathologyFactory, PresentationFactory

    case = CaseFactory(owner=surgeon)
    PresentationFactory(case=case, size_cm="3.0")
    PathologyFactory(case=case, mitoses_per_5mm2=2)
    data = {"_step": "operation", "resected": "yes", "approach_used": "open", "rupture_grade": "none"}
    html = zh_surgeon_client.post(reverse("records:panel", args=[case.pk]), data).content.decode()
    assert "未评估：请填写手术日期" in html
    assert _english(html) == []
