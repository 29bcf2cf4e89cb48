"""The follow-up worklist in Simplified Chinese, on a desktop and on a phone: nothing overflows (issue 15).

Screenshots: test-artifacts/i18n-worklist-zh-1400.png and i18n-worklist-zh-390.png (look at them).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cases import roles
from cases.followups.escalation import item_escalate
from cases.followups.services import item_add_manual
from cases.models import UserProfile
from tests.e2e.conftest import login, serious_axe_violations
from tests.factories import PASSWORD, PatientFactory, make_case, make_user

pytestmark = pytest.mark.e2e


def _overflowing(page) -> list[str]:
    """Elements whose right edge passes the viewport (inside a scrolling table wrapper is allowed)."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          if (el.closest('.table-responsive')) continue;
          const r = el.getBoundingClientRect();
          if (r.width && r.right > width + 1) out.push(el.tagName + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 40));
        }
        return out;
      }"""
    )


@pytest.mark.parametrize("width", [1400, 390])
def test_the_chinese_worklist_fits_the_screen(page, screenshot, width):
    nurse = make_user("linurse", role=roles.NURSE, first_name="芳", last_name="李")
    UserProfile.objects.create(user=nurse, language="zh-hans")
    today = timezone.localdate()
    with translation.override("zh-hans"):
        for n, (family, given) in enumerate([("张", "伟"), ("欧阳", "娜娜"), ("王", "小明")]):
            case = make_case(patient=PatientFactory(family_name=family, given_name=given, mrn=f"ZH{n:07d}"))
            item = item_add_manual(
                case=case,
                user=None,
                due_date=today - timedelta(days=30 + n),
                modality="ct_or_mri",
                reason="复查",
                window_days=7,
            )
            item.responsible_nurse = nurse
            item.save()
            if n == 0:
                item_escalate(item=item, user=nurse)
            item_add_manual(
                case=case, user=None, due_date=today + timedelta(days=2), modality="clinic", reason="门诊复诊"
            )

    page.set_viewport_size({"width": width, "height": 900})
    login(page, "linurse", PASSWORD)
    page.goto("/followups/?tab=all")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="随访工作列表").is_visible()
    assert page.get_by_text("第二次联系").first.is_visible()
    screenshot(f"i18n-worklist-zh-{width}")
    assert _overflowing(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_axe_violations(page) == []
