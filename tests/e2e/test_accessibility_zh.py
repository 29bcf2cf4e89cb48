"""axe-core on the main pages for a user whose stored language is Simplified Chinese (issue 15).

The same check as tests/e2e/test_accessibility.py (no serious or critical violation, no Content-Security-Policy
violation), on the home page, the case list, a case page, each wizard step and the signed report, for a surgeon
and MDT chair who chose zh-hans: and each page says so, `<html lang="zh-Hans">`, with the page's text in Chinese
(so a screen reader reads it with a Chinese voice).
"""

from __future__ import annotations

import re

import pytest

from cases import roles
from cases.models import UserProfile
from cases.records.assessment import case_assess
from tests.e2e.conftest import login
from tests.e2e.test_accessibility import _violations
from tests.factories import PASSWORD, PatientFactory, gastric_case, make_user, signed_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_main_pages_in_chinese_have_no_serious_violations_and_say_zh_hans(page, live_server):
    chair = make_user("chair", role=roles.SURGEON, chair=True, first_name="Charles", last_name="Chairman")
    UserProfile.objects.create(user=chair, language="zh-hans")
    coordinator = make_user("coordinator", role=roles.COORDINATOR)
    case = gastric_case(
        owner=chair, patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000002")
    )
    case_assess(case=case, user=chair)
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    assert report.version == 1

    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    login(page, "chair", PASSWORD)
    urls = [
        "/",
        "/cases/",
        f"/cases/{case.id}/",
        *(f"/cases/{case.id}/step/{step}/" for step in ("patient", "presentation", "operation", "pathology")),
        f"/cases/{case.id}/report/",
    ]
    problems: dict[str, list[str]] = {}
    for url in urls:
        csp_errors.clear()
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        lang = page.locator("html").get_attribute("lang")
        found = _violations(page) + [f"CSP: {e}" for e in csp_errors]
        if lang != "zh-Hans":
            found.append(f'html lang is "{lang}", not "zh-Hans"')
        if not CJK.search(page.locator("h1").first.inner_text()):
            found.append(f"the heading is not Chinese: {page.locator('h1').first.inner_text()!r}")
        if found:
            problems[url] = found
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
