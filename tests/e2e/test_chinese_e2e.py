"""A surgeon switches GISTCare to Simplified Chinese in the navigation bar and reads a case in Chinese (issue 15)."""

from __future__ import annotations

import pytest

from cases import roles
from cases.models import UserProfile
from cases.records.assessment import case_assess
from tests.e2e.conftest import login
from tests.factories import PASSWORD, PatientFactory, gastric_case, make_user

pytestmark = pytest.mark.e2e


def test_the_switcher_turns_the_pages_chinese_and_remembers_it(page, screenshot):
    surgeon = make_user(role=roles.SURGEON, username="surgeon", first_name="Sam", last_name="Cutter")
    case = gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001")
    )
    case_assess(case=case, user=surgeon)

    login(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.id}/")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(f"**/cases/{case.id}/")

    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="最新评估").is_visible()
    assert page.get_by_text("改良NIH危险度分级").first.is_visible()
    assert page.get_by_role("link", name="病例", exact=True).is_visible()
    assert UserProfile.objects.get(user=surgeon).language == "zh-hans"
    screenshot("i18n-case-page-zh")

    page.goto("/cases/")
    assert page.get_by_role("heading", name="病例").is_visible()
    screenshot("i18n-case-list-zh")
