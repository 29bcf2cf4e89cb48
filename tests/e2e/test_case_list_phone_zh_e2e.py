"""The case list in Chinese on a phone: the short columns (pathway, site) are not squeezed to one character a
line. The table scrolls sideways in its frame, so the browser had shrunk the Chinese columns (which may break
between any two characters) to a character's width: "全身治疗" stood as four lines and raised every row."""

import pytest

from cases import roles
from cases.models import Case, UserProfile
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_pathway_and_site_stay_on_one_line_on_a_phone_in_chinese(page):
    user = make_user(role=roles.COORDINATOR, username="casey")
    UserProfile.objects.create(user=user, language="zh-hans")
    case = make_case(site="small_intestine")
    Case.objects.filter(pk=case.pk).update(pathway="systemic_therapy", risk_category="high")
    login(page, "casey", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/cases/")
    row = page.locator("#case-results tbody tr").first
    cells = [
        row.locator("td", has_text="全身治疗"),
        row.locator("td", has_text="小肠"),
        page.locator("#case-results thead th", has_text="治疗路径"),
    ]
    for cell in cells:
        assert cell.evaluate(LINES) == 1, cell.inner_text()


# How many lines an element's text stands on (one rectangle per line fragment).
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""
