"""A nurse marks an overdue follow-up done inline (htmx) and exports the CSV of what is still overdue."""

import csv
import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import roles
from cases.followups.services import item_add_manual
from cases.models import FollowUpItem
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def test_the_nurse_marks_an_overdue_item_done_and_exports_the_csv(page):
    make_user(role=roles.NURSE, username="nina", first_name="Nina", last_name="Nurse")
    today = timezone.localdate()
    first = make_case(surgery_date=None)
    second = make_case(surgery_date=None)
    done_target = item_add_manual(
        case=first, user=None, due_date=today - timedelta(days=40), modality="ct_or_mri", reason="seed"
    )
    still_overdue = item_add_manual(
        case=second, user=None, due_date=today - timedelta(days=20), modality="mri", reason="seed"
    )

    login(page, "nina", PASSWORD)
    page.goto("/followups/")
    assert page.locator("[data-count=overdue]").inner_text() == "2"
    row = page.locator(f"#item-{done_target.pk}")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "worklist.png"), full_page=True)
    row.get_by_role("link", name="Mark done").click()
    form = page.locator(f"#item-{done_target.pk} form")
    form.locator("select[name=result]").select_option("ned")
    form.locator("textarea[name=notes]").fill("CT clear, next in 6 months")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "mark_done_form.png"), full_page=True)
    form.get_by_role("button", name="Save").click()
    page.locator(f"#item-{done_target.pk} [role=status]").wait_for()
    assert "Marked done." in page.locator(f"#item-{done_target.pk}").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "marked_done.png"), full_page=True)

    done_target.refresh_from_db()
    assert (done_target.status, done_target.result, done_target.completed_date) == ("done", "ned", today)

    page.goto("/followups/?tab=overdue")
    # The CSV is written by a background job (here, without a broker, inside the request): its page offers it.
    page.get_by_role("button", name="Export CSV").click()
    expect(page.get_by_test_id("export-status")).to_have_attribute("data-status", "ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"followups-overdue-{today.isoformat()}.csv"
    with open(download.path(), newline="", encoding="utf-8-sig") as fh:  # the BOM is for Excel
        rows = list(csv.DictReader(fh))
    assert [r["mrn"] for r in rows] == [second.patient.mrn]
    assert rows[0]["due_date"] == still_overdue.due_date.isoformat()
    assert FollowUpItem.objects.filter(status="pending").count() == 1
