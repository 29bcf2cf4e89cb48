"""A signed case is edited: the stale banner says what changed; the chair amends it with a diff (issue 10)."""

from __future__ import annotations

import pytest

from cases import roles
from cases.models import SignedReport
from tests.e2e.conftest import login
from tests.factories import PASSWORD, contract_example_case, make_user, signed_report

pytestmark = pytest.mark.e2e


def test_an_edited_signed_case_shows_the_banner_and_is_amended_with_a_diff(page, screenshot):
    coordinator = make_user(role=roles.COORDINATOR, username="coordinator")
    chair = make_user(
        role=roles.SURGEON, chair=True, username="chair", first_name="Charles", last_name="Chairman"
    )
    make_user(role=roles.SURGEON, username="surgeon", first_name="Sam", last_name="Cutter")
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    case.pathology.mitoses_per_5mm2 = 12
    case.pathology.save()
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    stored_pdf = bytes(report.pdf)

    # The surgeon corrects the mitotic count on the finalised case.
    login(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.id}/step/pathology/")
    page.get_by_label("Mitoses per 5 mm²").fill("4")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    page.goto(f"/cases/{case.id}/")
    banner = page.get_by_test_id("stale-banner")
    assert "Changed since signed" in banner.inner_text()
    assert "Mitoses per 5 mm²: 12 → 4" in banner.inner_text()
    assert "Sam Cutter" in banner.inner_text()
    screenshot("case-changed-since-signed")
    page.goto("/cases/")
    assert page.get_by_test_id("changed-since-signed").count() == 1
    page.goto(f"/cases/{case.id}/report/")
    assert "Changed since signed" in page.get_by_test_id("stale-banner").inner_text()
    screenshot("report-changed-since-signed")
    assert bytes(SignedReport.objects.get(pk=report.pk).pdf) == stored_pdf
    page.context.clear_cookies()

    # The chair amends from the case page: the diff shows the signed and the current values.
    login(page, "chair", PASSWORD)
    page.goto(f"/cases/{case.id}/")
    page.get_by_test_id("stale-banner").get_by_role("link", name="Amend").click()
    page.wait_for_load_state()
    diff = page.get_by_test_id("amend-diff")
    mitoses = diff.locator("tr", has_text="Mitoses per 5 mm²")
    assert mitoses.locator("td").all_inner_texts() == ["12", "4"]
    afip = diff.locator("tr", has_text="AFIP progression risk")
    assert afip.locator("td").all_inner_texts() == ["High (55%)", "Low (3.6%)"]
    screenshot("amend-with-diff")
    page.get_by_label("Reason for the amendment").fill("Mitotic count corrected by pathology")
    page.get_by_label("Accept the recommendation").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign amended version").click()
    page.wait_for_load_state()
    assert page.url.endswith("/report/?version=2")  # the report page of the new version
    amended = SignedReport.objects.get(case=case, version=2)
    assert amended.meeting.is_virtual
    page.goto(f"/cases/{case.id}/")
    assert page.get_by_test_id("stale-banner").count() == 0
    screenshot("case-after-amendment")
