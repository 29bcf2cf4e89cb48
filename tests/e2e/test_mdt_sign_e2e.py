"""The chair signs a case at the meeting and downloads the meeting printout."""

from __future__ import annotations

import re

import pytest

from cases import roles
from cases.models import SignedReport
from tests.e2e.conftest import ARTIFACTS, login, serious_axe_violations
from tests.factories import PASSWORD, contract_example_case, make_user, meeting_with_case, pdf_pages_text

pytestmark = pytest.mark.e2e


def test_the_chair_signs_a_case_and_downloads_the_printout(page, screenshot):
    coordinator = make_user(role=roles.COORDINATOR, username="coordinator")
    chair = make_user(
        role=roles.SURGEON, chair=True, username="chair", first_name="Charles", last_name="Chairman"
    )
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    meeting, item = meeting_with_case(coordinator=coordinator, case=case)
    assert chair.has_perm("cases.sign_report")

    login(page, "chair", PASSWORD)
    page.goto(f"/mdt/{meeting.id}/")
    row = page.locator(f"#item-{item.id}")
    assert "Ada Lovelace" in row.inner_text()
    screenshot("mdt-meeting-before-sign")

    # The decision form opens under the case when the chair asks for it (fetched by htmx).
    row.get_by_text("Record the decision").click()
    row.get_by_label("Modify the recommendation").check()
    row.get_by_label("Reason for the modification").fill("Adjuvant declined by the patient")
    row.get_by_label("MDT decision: adjuvant imatinib").select_option("declined")
    row.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    row = page.locator(f"#item-{item.id}")
    assert "Adjuvant declined by the patient" in row.inner_text()
    row.get_by_role("link", name="Sign report").click()
    page.wait_for_load_state()
    # The sign page: the meaning of the signature, and the chair's own password.
    assert (
        "I confirm this is the MDT's decision for Ada Lovelace, MRN MRN424242."
        in page.get_by_test_id("attestation").inner_text()
    )
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Sign as Charles Chairman").click()
    page.wait_for_load_state()
    assert "The password is not correct: nothing was signed" in page.content()
    assert not SignedReport.objects.filter(case=case).exists()
    screenshot("mdt-sign-page-wrong-password")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign as Charles Chairman").click()
    page.wait_for_load_state()
    assert "signed (version 1)" in page.locator(".messages").inner_text()
    assert "Signed version 1 by Charles Chairman" in page.locator(f"#item-{item.id}").inner_text()
    screenshot("mdt-meeting-after-sign")

    report = SignedReport.objects.get(case=case)
    assert (report.decision, report.decision_reason, report.signed_by) == (
        "modify",
        "Adjuvant declined by the patient",
        chair,
    )

    # The printout is prepared in the background (in-process here: no broker), its page polling the job.
    page.get_by_role("link", name="Meeting printout (PDF)").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Prepare printout (PDF)").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download printout (PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"gist-mdt-2026-02-03-[0-9a-f]{8}\.pdf", download.suggested_filename)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "mdt-printout.pdf"
    download.save_as(path)
    pages = pdf_pages_text(path.read_bytes())
    assert "GIST MDT" in pages[0]
    assert "Signed v1" in pages[0]
    body = " ".join(pages[1:])
    assert "MRN424242" in body
    assert "Adjuvant declined by the patient" in body
    assert "DRAFT" not in body
    assert "printout page 1 of" in pages[0]
    screenshot("mdt-printout-ready")
    assert serious_axe_violations(page) == []

    page.goto(f"/cases/{case.id}/report/")
    assert "Signed, version 1" in page.content()
    screenshot("case-report-signed")
    assert serious_axe_violations(page) == []
