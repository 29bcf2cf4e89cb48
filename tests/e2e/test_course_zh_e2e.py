"""The treatment-course page in Simplified Chinese, in a browser at desktop and phone widths (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from cases import roles
from cases.models import UserProfile
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from tests.i18n.test_course_zh import _case

pytestmark = pytest.mark.e2e


def test_the_chinese_course_page_at_1400_and_390_px(page, screenshot):
    surgeon = make_user(role=roles.SURGEON, username="surgeon", first_name="Sam", last_name="Cutter")
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    with time_machine.travel(date(2026, 9, 20), tick=False):
        case, _records = _case(surgeon)

    login(page, "surgeon", PASSWORD)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"/cases/{case.id}/course/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="治疗过程", exact=True).is_visible()
    assert page.get_by_role("heading", name="影像检查与疗效评估").is_visible()
    screenshot("course-page-zh-1400")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # The page itself does not scroll sideways on a phone (wide tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot("course-page-zh-390")


def test_the_chinese_scan_form_refuses_in_chinese(page, screenshot):
    surgeon = make_user(role=roles.SURGEON, username="surgeon", first_name="Sam", last_name="Cutter")
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    with time_machine.travel(date(2026, 9, 20), tick=False):
        case, _records = _case(surgeon)

    login(page, "surgeon", PASSWORD)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"/cases/{case.id}/course/scan/new/")
    page.get_by_label("检查日期").fill("2026-09-15")
    page.get_by_label("检查方式").select_option("mri")
    for row in (1, 2, 3):
        page.get_by_label(f"病灶 {row}：器官").select_option("liver")
        page.get_by_label(f"病灶 {row}：最长径（mm）").fill("20")
    page.get_by_label("病灶 1：CT值（HU）").fill("40")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("每个器官最多2个靶病灶")).to_be_visible()
    expect(page.get_by_text("CT值仅在CT上测量")).to_be_visible()
    screenshot("course-scan-form-zh-1400")
