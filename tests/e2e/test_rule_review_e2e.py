"""Every case checked against the current rules and the ticked case re-assessed, in a browser (issue 16, 17.1).

A jejunal tumour of 1.5 cm with 8 mitoses per 5 mm2 stored as the rule data before 2026-12-02 graded it (modified
NIH high, adjuvant recommended for 36 months); Joensuu 2008 grades it intermediate (RULES.md 2.1), for which ESMO
says consider adjuvant imatinib, 36 months if given.
"""

from __future__ import annotations

import pytest

from cases import roles
from cases.models import Assessment, RuleReviewJob
from cases.records import rule_review
from cases.records.assessment import case_assess
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.e2e

OLD_VERSION = "2022.2+2ee34fd7a9a0"


def _stored_under_old_rules():
    case = make_case(site="jejunum", size_cm="1.5", mitoses=8)
    snapshot = case_assess(case=case, user=None)
    result = {
        **snapshot.result,
        "risk": {**snapshot.result["risk"], "modified_nih": "high"},
        "adjuvant": {**snapshot.result["adjuvant"], "recommendation": "recommended"},
    }
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION, result=result)
    type(case).objects.filter(pk=case.pk).update(risk_category="high")
    return case


def test_a_surgeon_checks_every_case_and_reassesses_the_one_the_mdt_ticked(page, screenshot):
    case = _stored_under_old_rules()
    make_user(role=roles.SURGEON, username="surgeon")
    login(page, "surgeon", PASSWORD)
    page.goto("/cases/")
    page.get_by_role("link", name="Cases and the current rules").click()
    page.get_by_role("button", name="Check every case against the current rules").click()
    table = page.get_by_test_id("changed-cases")
    row = table.locator("tr", has_text=case.short_id)
    assert "Modified NIH risk: High → Intermediate" in row.inner_text()
    assert (
        "Adjuvant imatinib: Recommended, 36 months → Consider (shared decision), 36 months"
        in row.inner_text()
    )
    screenshot("rule-check")
    page.get_by_role("button", name="Re-assess the ticked cases").click()
    assert "Tick at least one case to re-assess." in page.get_by_role("alert").inner_text()
    page.get_by_label(f"Re-assess case {case.short_id}").check()
    page.get_by_role("button", name="Re-assess the ticked cases").click()
    assert "1 case re-assessed with the current rules" in page.get_by_test_id("reassessed-count").inner_text()
    page.get_by_test_id("reassessed").get_by_role("link", name=case.short_id).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("superseded").count() == 0
    case.refresh_from_db()
    assert case.risk_category == "intermediate"


def test_a_check_under_way_shows_its_result_when_it_is_done_without_a_reload(page):
    """The page polls the check's progress (htmx, every second) and shows the list when the worker is done."""
    case = _stored_under_old_rules()
    surgeon = make_user(role=roles.SURGEON, username="surgeon")
    job = RuleReviewJob.objects.create(kind="check", requested_by=surgeon, status="running", total=1)
    login(page, "surgeon", PASSWORD)
    page.goto(f"/cases/rules/{job.id}/")
    assert "Working: 0 of 1 case." in page.get_by_test_id("review-status").inner_text()
    RuleReviewJob.objects.filter(pk=job.pk).update(status="queued")
    rule_review.check_run(job_id=str(job.id), worker="in-process")  # as a worker would, meanwhile
    page.get_by_test_id("changed-cases").wait_for(timeout=10_000)
    assert case.short_id in page.get_by_test_id("changed-cases").inner_text()
    assert page.get_by_test_id("review-status").get_attribute("hx-trigger") is None  # polling stopped
