"""Issue 10 findings 6-8 in the browser: nothing pre-ticked, invalid values shown next to their field, and leaving
a step with unsaved changes asks first. Screenshots of the changed steps at 1400, 800 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, CaseFactory, OperationFactory, PresentationFactory, SurgeonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (1400, 800, 390)


@pytest.fixture
def case():
    surgeon = SurgeonFactory(username="surgeon")
    return CaseFactory(owner=surgeon)


def test_leaving_a_step_with_unsaved_changes_asks_first(page, case):
    log_in(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.pk}/step/presentation/")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_label("Largest diameter (cm)").fill("6.5")
    with page.expect_event("dialog"):
        page.get_by_role("link", name="1. Patient").click()
    assert dialogs == ["beforeunload"]
    assert "/step/presentation/" in page.url
    expect(page.get_by_label("Largest diameter (cm)")).to_have_value("6.5")


def test_a_saved_step_leaves_without_asking(page, case):
    log_in(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.pk}/step/presentation/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.get_by_label("Primary site").select_option("stomach")
    page.get_by_label("Largest diameter (cm)").fill("6.5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Presentation and imaging saved.")).to_be_visible()
    page.get_by_role("link", name="1. Patient").click()
    page.wait_for_url(re.compile("/step/patient/"))
    assert dialogs == []


def test_an_invalid_size_is_shown_next_to_the_field(page, case, screenshot):
    log_in(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.pk}/step/presentation/")
    page.get_by_label("Primary site").select_option("stomach")
    page.get_by_label("Largest diameter (cm)").fill("75")
    error = page.locator("#div_id_size_cm #live-error-size_cm")
    expect(error).to_have_text("Largest diameter (cm): 75 cm is above the 50 cm limit: did you mean 7.5?")
    expect(page.get_by_label("Largest diameter (cm)")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#live-panel")).not_to_contain_text("unknown")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"records-presentation-invalid-{width}")
    page.get_by_label("Largest diameter (cm)").fill("7.5")
    expect(error).to_have_count(0)


def test_no_finding_is_pre_ticked_and_rupture_is_graded(page, case, screenshot):
    log_in(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.pk}/step/presentation/")
    for name in ("boundary_clear", "r0_feasible", "histology_confirmed"):
        expect(page.locator(f'input[name="{name}"][value="yes"]')).not_to_be_checked()
        expect(page.locator(f'input[name="{name}"][value="no"]')).not_to_be_checked()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"records-presentation-{width}")

    PresentationFactory(case=case, size_cm="3.0")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"/cases/{case.pk}/step/operation/")
    expect(page.locator('input[name="resected"]:checked')).to_have_count(0)
    page.locator('input[name="resected"][value="yes"]').check()
    expect(page.get_by_label("Date of surgery")).to_be_visible()
    page.get_by_label("Major rupture").check()
    expect(page.locator("#live-panel")).to_contain_text("Not assessed: enter the date of surgery")
    expect(page.locator("#live-panel")).not_to_contain_text("Not applicable")
    expect(page.get_by_text("blood-stained ascites", exact=False)).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"records-operation-{width}")


def test_the_pathology_step_at_three_widths(page, case, screenshot):
    PresentationFactory(case=case)
    OperationFactory(case=case)
    log_in(page, "surgeon", PASSWORD)
    page.goto(f"/cases/{case.pk}/step/pathology/")
    page.get_by_label("Mitoses per 50 HPF").fill("12")
    page.get_by_label("Area of one high-power field (mm²)").fill("0.24")
    page.get_by_label("Neoadjuvant imatinib given (months)").fill("6")
    page.get_by_label("Neoadjuvant imatinib given (months)").press("Tab")
    expect(page.get_by_label("Largest diameter before neoadjuvant therapy (cm)")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"records-pathology-{width}")
