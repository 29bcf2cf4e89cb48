"""A nurse escalates a missed visit step by step up to the letter to the GP, and sends it (issue 12); the
worklist is a list of cards on a phone and the case form's live panel stays beside the form on a tablet."""

import os

import pytest

from cases import roles
from cases.models import Case, Letter
from tests.e2e.conftest import login
from tests.factories import PASSWORD, contract_example_case, make_user, signed_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_nurse_escalates_a_missed_visit_to_the_gp_letter(page):
    make_user(role=roles.NURSE, username="nina", first_name="Nina", last_name="Nurse")
    case = contract_example_case(gp_name="Dr Alan Price", gp_practice_address="Park Surgery, Leeds LS2")
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    item = Case.objects.get(pk=case.pk).followups.order_by("due_date").first()  # 15 Apr 2026: long overdue

    login(page, "nina", PASSWORD)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/followups/?tab=overdue")
    row = page.locator(f"#item-{item.pk}")
    for expected in ("second contact", "letter to the patient", "letter to the gp and the mdt coordinator"):
        row.get_by_role("link", name="Escalate").click()
        page.locator(f"#item-{item.pk} form").get_by_role("button", name="Save").click()
        page.locator(f"#item-{item.pk} [role=status]").wait_for()
        assert f"Escalated: {expected}." in page.locator(f"#item-{item.pk}").inner_text()
    _shot(page, "escalated-1400")

    page.goto(f"/followups/case/{case.pk}/")
    page.get_by_role("button", name="Missed-visit letter to the GP and coordinator (15 Apr 2026)").click()
    page.locator("#letters").get_by_text("Not sent").wait_for()
    letter = Letter.objects.get(case=case)
    assert (letter.recipient, letter.purpose, letter.step.step) == ("gp", "missed_visit", "gp_letter")
    page.locator("#letters select[name=via]").select_option("print")
    page.locator("#letters").get_by_role("button", name="Mark sent").click()
    page.get_by_text("Letter recorded as sent.").wait_for()
    _shot(page, "letter-sent-1400")
    letter.refresh_from_db()
    assert letter.sent_via == "print"
    assert letter.step.outcome == "letter_sent"


def test_the_worklist_is_cards_on_a_phone_and_the_live_panel_stays_beside_the_form_on_a_tablet(page):
    make_user(role=roles.NURSE, username="nina", first_name="Nina", last_name="Nurse")
    case = contract_example_case()
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    login(page, "nina", PASSWORD)
    for width in (1400, 800, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/followups/?tab=all")
        _shot(page, f"worklist-{width}")
    # 390 px: no sideways scrolling, and each item's actions are inside the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = case.followups.order_by("due_date").first()
    box = page.locator(f"#item-{first.pk}").get_by_role("link", name="Mark done").bounding_box()
    assert box["x"] + box["width"] <= 390

    make_user(role=roles.SURGEON, username="sam", first_name="Sam", last_name="Cutter")
    page.context.clear_cookies()
    login(page, "sam", PASSWORD)
    page.set_viewport_size({"width": 800, "height": 900})
    draft = contract_example_case()
    page.goto(f"/cases/{draft.pk}/step/presentation/")
    panel = page.locator("#live-panel-card")
    field = page.locator("#step-form [name=size_cm]")
    field.focus()
    field_box, panel_box = field.bounding_box(), panel.bounding_box()
    _shot(page, "case-form-800")
    assert panel_box["y"] < 900  # visible while typing, not below the buttons
    assert panel_box["x"] > field_box["x"]  # beside the form
