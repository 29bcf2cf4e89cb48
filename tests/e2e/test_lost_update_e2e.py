"""Issue 11 finding 1 in the browser: two surgeons have the pathology step open; the second save is refused with
both values, and what the second surgeon typed stays on the page. Screenshots at 1400, 800 and 390 px."""

import pytest
from playwright.sync_api import expect

from cases.models import Pathology
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import (
    PASSWORD,
    CaseFactory,
    OperationFactory,
    PathologyFactory,
    PresentationFactory,
    SurgeonFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_second_save_is_refused_with_both_values(page, browser, live_server):
    first = SurgeonFactory(username="surgeon", first_name="Sam", last_name="Cutter")
    SurgeonFactory(username="second", first_name="Bea", last_name="Hart")
    case = CaseFactory(owner=first)
    PresentationFactory(case=case)
    OperationFactory(case=case)
    PathologyFactory(case=case, mitoses_per_5mm2=3)
    step = f"/cases/{case.pk}/step/pathology/"

    log_in(page, "surgeon", PASSWORD)
    page.goto(step)
    other_context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    other = other_context.new_page()
    try:
        log_in(other, "second", PASSWORD)
        other.goto(step)
        other.get_by_label("Mitoses per 5 mm²").fill("12")
        other.get_by_role("button", name="Save").click()
        expect(other.get_by_text("Pathology and treatment saved.")).to_be_visible()
    finally:
        other_context.close()

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Mitoses per 5 mm²").fill("4")
    page.get_by_role("button", name="Save").click()
    alert = page.locator("#error-summary")
    expect(alert).to_contain_text("Bea Hart saved this case")
    expect(alert).to_contain_text("Mitoses per 5 mm²: yours 4, on record now 12.")
    expect(page.get_by_label("Mitoses per 5 mm²")).to_have_value("4")
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 12
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1400, 800, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"lost-update-conflict-{width}.png"), full_page=True)

    page.get_by_role("button", name="Save").click()  # a deliberate second save replaces the record
    expect(page.get_by_text("Pathology and treatment saved.")).to_be_visible()
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 4
