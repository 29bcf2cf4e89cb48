"""A surgeon enters a course of imatinib -> progression -> sunitinib with three scans, and sees the computed
response, the MDT flag and the timeline (issue 13). Screenshots at desktop and tablet width."""

import pytest

from cases import roles
from tests.e2e.conftest import login, serious_axe_violations
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_scan(page, case, day, *diameters):
    page.goto(f"/cases/{case.pk}/course/scan/new/")
    page.get_by_label("Scan date").fill(day)
    page.get_by_label("Modality").select_option("ct")
    for row, diameter in enumerate(diameters, start=1):
        page.get_by_label(f"Lesion {row}: organ").select_option("liver")
        page.get_by_label(f"Lesion {row}: longest diameter (mm)").fill(str(diameter))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{case.pk}/course/")


def add_line(page, case, setting, drug, dose, start):
    page.goto(f"/cases/{case.pk}/course/line/new/")
    page.get_by_label("Setting").select_option(setting)
    page.get_by_label("Drug").select_option(drug)
    page.get_by_label("Dose (mg/day)").fill(dose)
    page.get_by_label("Started").fill(start)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{case.pk}/course/")


def test_imatinib_then_progression_then_sunitinib(page, screenshot):
    make_user("sam", role=roles.SURGEON, first_name="Sam", last_name="Cutter")
    from datetime import date

    case = make_case(diagnosis_date=date(2025, 12, 1), surgery_date=None, presentation="metastatic")
    login(page, "sam", PASSWORD)
    add_line(page, case, "advanced_1", "imatinib", "400", "2026-02-01")
    add_scan(page, case, "2026-01-20", 60, 40)
    add_scan(page, case, "2026-05-01", 30, 20)
    add_scan(page, case, "2026-08-01", 36, 24)
    assert "Flagged for MDT" in page.get_by_test_id("mdt-flag").inner_text()
    assert page.get_by_test_id("recist").nth(1).inner_text() == "PD"

    page.get_by_test_id("lines").get_by_role("link", name="Edit").first.click()
    page.locator("#id_stop_date").fill("2026-08-15")
    page.get_by_label("Reason stopped").select_option("progression")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{case.pk}/course/")
    add_line(page, case, "advanced_2", "sunitinib", "50", "2026-08-15")

    assert serious_axe_violations(page) == []
    page.goto(f"/cases/{case.pk}/course/scan/new/")
    assert serious_axe_violations(page) == []
    page.get_by_label("Scan date").fill("2026-11-01")
    page.get_by_label("Modality").select_option("ct")
    page.get_by_label("Lesion 1: organ").select_option("liver")
    page.get_by_label("Lesion 1: longest diameter (mm)").fill("501")
    page.get_by_role("button", name="Save").click()
    assert (
        "Lesion 1: longest diameter (mm): enter a number from 1 to 500." in page.locator("main").inner_text()
    )
    assert page.get_by_label("Lesion 1: longest diameter (mm)").input_value() == "501"
    assert "is-invalid" in page.get_by_label("Lesion 1: longest diameter (mm)").get_attribute("class")
    screenshot("course-scan-form-error")
    page.goto(f"/cases/{case.pk}/course/")
    timeline = page.get_by_test_id("course-timeline")
    assert "Sunitinib 50 mg/day" in timeline.locator("svg").inner_html()
    screenshot("course-page-1400")
    page.set_viewport_size({"width": 800, "height": 1000})
    screenshot("course-page-800")

    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("course-timeline").locator("svg").wait_for()
    assert "Flagged for MDT" in page.locator("body").inner_text()
    screenshot("case-page-timeline-800")
