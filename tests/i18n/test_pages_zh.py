"""The surgeon's main path in Simplified Chinese: every visible word translated, clinical terms as written in China.

The user's stored preference is zh-hans; each page must show the Chinese clinical terms and no English left
(tests/i18n/textcheck.py: codes, units, drug and scheme names, the patient's own name and MRN allowed).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.records.assessment import case_assess
from tests.factories import PatientFactory, gastric_case
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db


def _case(surgeon):
    patient = PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001")
    case = gastric_case(owner=surgeon, patient=patient)
    case_assess(case=case, user=surgeon)
    return case


def _english(html: str, *allow: str) -> list[str]:
    return english_runs(html, {"ZH0000001", "Sam", "Cutter", *allow})


def test_it_shows_the_home_page_in_chinese(zh_surgeon_client, surgeon):
    _case(surgeon)
    response = zh_surgeon_client.get(reverse("home"))
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "病例" in html
    runs = _english(html)
    assert runs == [], f"English left: {runs}"


def test_it_shows_the_case_list_in_chinese_with_the_family_name_first(zh_surgeon_client, surgeon):
    _case(surgeon)
    html = zh_surgeon_client.get(reverse("records:list")).content.decode()
    assert "<bdi>张</bdi><bdi>伟</bdi>" in html  # family name first, no comma, no space in a Chinese name
    assert "胃" in html  # the site
    assert "高危" in html  # modified NIH: high
    runs = _english(html)
    assert runs == [], f"English left: {runs}"


def test_it_shows_the_case_page_in_chinese(zh_surgeon_client, surgeon):
    case = _case(surgeon)
    html = zh_surgeon_client.get(reverse("records:case", args=[case.pk])).content.decode()
    for term in ("改良NIH", "高危", "核分裂象", "伊马替尼", "辅助治疗", "R0", "2026年1月15日"):
        assert term in html, term
    assert "张伟" in html  # the heading names the patient family name first
    runs = _english(html)
    assert runs == [], f"English left: {runs}"


def test_it_shows_the_login_page_in_the_browsers_language(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html
    runs = _english(html)
    assert runs == [], f"English left: {runs}"


def test_the_signed_in_users_name_is_family_name_first_in_chinese(client, db):
    from cases import roles
    from cases.models import UserProfile
    from tests.factories import make_user

    user = make_user("li.fang", role=roles.NURSE, first_name="芳", last_name="李")
    UserProfile.objects.create(user=user, language="zh-hans")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "<bdi>李芳</bdi>" in html
    assert "芳 李" not in html
