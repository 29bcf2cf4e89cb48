"""The coordinator creates a meeting and finds a case for its agenda (htmx search)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import roles
from cases.mdt.services import meeting_create
from cases.models import MdtMeeting
from tests.e2e.conftest import login, serious_axe_violations
from tests.factories import PASSWORD, PatientFactory, contract_example_case, make_user

pytestmark = pytest.mark.e2e


def test_the_coordinator_builds_an_agenda(page, screenshot):
    make_user(role=roles.COORDINATOR, username="coordinator", first_name="Cora", last_name="Ordinator")
    case = contract_example_case(given_name="Grace", family_name="Hopper", mrn="MRN9001")
    PatientFactory(family_name="Turing")

    login(page, "coordinator", PASSWORD)
    page.get_by_role("link", name="MDT").click()
    when = timezone.localdate() + timedelta(days=5)
    page.get_by_label("Meeting date").fill(when.isoformat())
    page.get_by_label("Title").fill("Upper GI sarcoma MDT")
    page.get_by_label("Attendance").fill("Dr A. Smith, surgeon\nDr B. Jones, oncologist")
    page.get_by_role("button", name="Create meeting").click()
    page.wait_for_url("**/mdt/*/")
    meeting = MdtMeeting.objects.get()
    assert meeting.title == "Upper GI sarcoma MDT"

    # Typing searches as you go (htmx swaps only the results).
    page.get_by_label("Find a case").fill("hopp")
    results = page.locator("#search-results")
    results.get_by_text("MRN9001").wait_for()
    assert "Turing" not in results.inner_text()
    screenshot("mdt-agenda-search")
    results.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "added to the agenda" in page.locator(".messages").inner_text()
    assert list(meeting.items.values_list("case_id", flat=True)) == [case.id]
    screenshot("mdt-agenda-coordinator")
    assert serious_axe_violations(page) == []

    page.get_by_role("link", name="MDT meetings").click()
    assert "Upper GI sarcoma MDT" in page.locator("main").inner_text()
    screenshot("mdt-list")
    assert serious_axe_violations(page) == []


def test_the_coordinator_adds_a_case_from_the_case_page(page, screenshot):
    coordinator = make_user(role=roles.COORDINATOR, username="coordinator")
    case = contract_example_case(given_name="Grace", family_name="Hopper", mrn="MRN9001")
    meeting = meeting_create(
        user=coordinator, date=timezone.localdate() + timedelta(days=5), title="Next MDT"
    )

    login(page, "coordinator", PASSWORD)
    page.goto(f"/cases/{case.id}/")
    page.get_by_role("link", name="Add to MDT agenda").click()
    page.get_by_label("MDT meeting", exact=True).select_option(str(meeting.id))
    page.get_by_role("button", name="Add to agenda").click()
    page.get_by_text("Added to").wait_for()
    assert page.url.endswith(f"/cases/{case.id}/")  # htmx: the case page stays where it was
    assert meeting.items.get().case == case
    screenshot("case-page-added-to-agenda")
