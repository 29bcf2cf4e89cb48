import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, SurgeonFactory

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
    page.get_by_label("Histology confirms GIST").check()
    expect(page.locator("#live-panel")).to_contain_text("Resection")
    screenshot("02-presentation")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Decision"))).to_be_visible()
    expect(page.get_by_test_id("pathway").first).to_contain_text("Resection")
    screenshot("03-decision")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Operation"))).to_be_visible()
    page.get_by_label("Date of surgery").fill("2026-01-15")
    page.get_by_label("Approach used").select_option("open")
    page.get_by_label("Margin").select_option("R0")
    screenshot("04-operation")
    page.get_by_role("button", name="Next", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("Pathology and treatment"))).to_be_visible()
    page.get_by_label("Mitoses per 5 mm²").fill("8")
    page.get_by_label("Genotype").select_option("kit_exon_11")
    modified_nih = page.locator("#live-panel [data-scheme=modified_nih]")
    expect(modified_nih).to_contain_text("High")
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
    expect(page.locator("#error-summary")).to_contain_text("implausible")
    expect(page.get_by_label("Largest diameter (cm)")).to_have_value("75")
    expect(page.get_by_label("Duodenal wall")).to_be_visible()
    screenshot("09-validation-error")
