import os
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, CaseFactory, SurgeonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_enters_a_gastric_case_through_every_step(page, screenshot, live_server):
    SurgeonFactory(username="surgeon", first_name="Sam", last_name="Hale")
    log_in(page, "surgeon", PASSWORD)

    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Hospital number (MRN)").fill("E2E-0001")
    page.get_by_label("Given name").fill("Ada")
    page.get_by_label("Family name").fill("Testcase")
    page.get_by_label("Date of birth").fill("1961-04-12")
    page.get_by_label("Date of diagnosis").fill("2025-12-01")
    screenshot("01-patient")
    page.get_by_role("button", name="Start case").click()

    # Presentation: the location within the stomach appears once the site is chosen (htmx).
    expect(page.get_by_role("heading", name=re.compile("Presentation and imaging"))).to_be_visible()
    expect(page.get_by_label("Location within the stomach")).to_have_count(0)
    page.get_by_label("Primary site").select_option("stomach")
    expect(page.get_by_label("Location within the stomach")).to_be_visible()
    page.get_by_label("Location within the stomach").select_option("greater_curvature")
    page.get_by_label("Largest diameter (cm)").fill("6.5")
    page.get_by_label("Largest diameter (cm)").press("Tab")
    for finding in ("boundary_clear", "r0_feasible", "histology_confirmed"):  # yes / no / not recorded radios
        page.locator(f'input[name="{finding}"][value="yes"]').check()
    expect(page.locator("#live-panel")).to_contain_text("Resection")
    screenshot("02-presentation")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Decision"))).to_be_visible()
    expect(page.get_by_test_id("pathway").first).to_contain_text("Resection")
    screenshot("03-decision")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Operation"))).to_be_visible()
    page.locator('input[name="resected"][value="yes"]').check()  # nothing pre-ticked (issue 10 finding 6)
    page.get_by_label("Date of surgery").fill("2026-01-15")
    page.get_by_label("Approach used").select_option("open")
    page.get_by_label("Margin").select_option("R0")
    screenshot("04-operation")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Pathology and treatment"))).to_be_visible()
    # The panel follows the typing (input events, 300 ms debounce), before the field is left.
    page.get_by_label("Mitoses per 5 mm²").press_sequentially("8")
    modified_nih = page.locator("#live-panel [data-scheme=modified_nih]")
    expect(modified_nih).to_contain_text("High")
    expect(page.locator("#live-panel-status")).to_have_text(
        "Guideline answer updated: modified NIH high, pathway resection."
    )
    page.get_by_label("Genotype").select_option("kit_exon_11")
    expect(page.locator("#live-panel [data-scheme=afip]")).to_contain_text("55%")
    screenshot("05-pathology-live-panel")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Review"))).to_be_visible()
    screenshot("06-review")
    page.get_by_role("button", name="Finish").click()

    expect(page.get_by_test_id("snapshot")).to_contain_text("esmo-2022")
    screenshot("07-case-page")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("MRN or name").fill("E2E-0001")
    row = page.locator("#case-results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("TESTCASE, Ada")
    expect(row).to_contain_text("High")
    screenshot("08-case-list")

    case = Case.objects.get(patient__mrn="E2E-0001")
    assert case.risk_category == "high"
    assert case.pathology.mitoses_per_5mm2 == 8


def test_it_shows_validation_errors_and_keeps_what_was_typed(page, screenshot, live_server):
    SurgeonFactory(username="surgeon")
    log_in(page, "surgeon", PASSWORD)
    page.goto("/cases/new/")
    page.get_by_label("Hospital number (MRN)").fill("E2E-0002")
    page.get_by_label("Given name").fill("Bram")
    page.get_by_label("Family name").fill("Example")
    page.get_by_label("Date of birth").fill("1970-01-01")
    page.get_by_role("button", name="Start case").click()
    page.get_by_label("Primary site").select_option("duodenum")
    page.get_by_label("Largest diameter (cm)").fill("75")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("Largest diameter (cm)")
    expect(page.locator("#error-summary")).to_contain_text(
        "75 cm is above the 50 cm limit: did you mean 7.5?"
    )
    expect(page.get_by_label("Largest diameter (cm)")).to_have_value("75")
    expect(page.get_by_label("Duodenal wall")).to_be_visible()
    screenshot("09-validation-error")


def test_the_form_works_with_javascript_off(browser, live_server, screenshot):
    SurgeonFactory(username="surgeon")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        log_in(page, "surgeon", PASSWORD)
        page.goto("/cases/new/")
        page.get_by_label("Hospital number (MRN)").fill("E2E-0003")
        page.get_by_label("Given name").fill("Cleo")
        page.get_by_label("Family name").fill("Nojs")
        page.get_by_label("Date of birth").fill("1955-02-03")
        page.get_by_role("button", name="Start case").click()
        page.get_by_label("Primary site").select_option("rectum")
        page.get_by_label("Largest diameter (cm)").fill("1.5")
        page.get_by_role("button", name="Update form after changing Largest diameter (cm)").click()
        expect(page.get_by_label("Rectal level")).to_be_visible()
        expect(page.get_by_label("Largest diameter (cm)")).to_have_value("1.5")
        page.get_by_label("Rectal level").select_option("low")
        screenshot_path = ARTIFACTS / "10-no-javascript.png"
        page.screenshot(path=str(screenshot_path), full_page=True)
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("Decision"))).to_be_visible()
    finally:
        context.close()
    case = Case.objects.get(patient__mrn="E2E-0003")
    assert case.presentation.rectal_level == "low"
    assert case.pathway == "resection"


def test_the_presentation_step_has_no_serious_accessibility_violations(page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    SurgeonFactory(username="surgeon")
    log_in(page, "surgeon", PASSWORD)
    case = CaseFactory()
    page.goto(f"/cases/{case.pk}/step/presentation/")
    page.get_by_label("Largest diameter (cm)").fill("0")
    failed = []
    page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    page.wait_for_load_state("load")
    assert failed == []
    axe = Axe()

    def assert_accessible():
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{page.url}\n{results.generate_report()}"

    assert_accessible()
    page.get_by_label("Primary site").select_option("stomach")
    page.get_by_label("Largest diameter (cm)").fill("3")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Decision"))).to_be_visible()
    assert_accessible()
    page.goto(f"/cases/{case.pk}/")
    assert_accessible()
    page.goto("/cases/")
    assert_accessible()


def test_a_coordinator_browses_the_demo_cases_read_only(page, screenshot, live_server):
    from django.core.management import call_command

    call_command("seed_demo", "--password", PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    log_in(page, "coordinator", PASSWORD)
    page.goto("/cases/")
    expect(page.locator("#case-results")).to_contain_text(f"{Case.objects.count()} cases")
    expect(page.get_by_role("link", name="New case")).to_have_count(0)
    screenshot("11-demo-case-list")
    page.get_by_label("Modified NIH risk").select_option("high")
    # 7 of the ~30 demo cases, and the resected ten-year course (a 7 cm gastric GIST, 8 mitoses per 5 mm²).
    expect(page.locator("#case-results")).to_contain_text("8 cases")
    page.get_by_label("Modified NIH risk").select_option("")
    page.get_by_label("Site").select_option("mesentery")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    page.locator("#case-results tbody a").first.click()
    expect(page.get_by_test_id("pathway").first).to_contain_text("Systemic therapy")
    expect(page.get_by_role("link", name="Edit case")).to_have_count(0)
    screenshot("12-demo-metastatic-case")
