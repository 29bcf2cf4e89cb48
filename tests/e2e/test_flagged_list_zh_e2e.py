"""The list of cases flagged for the MDT, in Chinese: a long reason (a case's progression scans add up) left the
presentation column a character wide, "临床表现" and "局限性" one character a line."""

import pytest

from cases import roles
from cases.models import Case, UserProfile
from tests.e2e.conftest import login
from tests.e2e.test_case_list_phone_zh_e2e import LINES
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Five progression scans, each stored in English and read in Chinese (cases/course/texts.py).
REASON = "; ".join(f"Scan of 22 {month} 2020 computes progression (RECIST 1.1 PD): re-discuss" for month in
                   ("Feb", "May", "Aug", "Nov", "Dec"))  # fmt: skip


@pytest.mark.parametrize("width", [1400, 800, 390])
def test_the_presentation_stays_on_one_line_beside_a_long_reason(page, width):
    user = make_user(role=roles.NURSE, username="nina")
    UserProfile.objects.create(user=user, language="zh-hans")
    case = make_case()
    Case.objects.filter(pk=case.pk).update(needs_mdt_review=True, mdt_review_reason=REASON)
    login(page, "nina", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/followups/flagged/")
    assert "2020年2月22日的影像检查评估为疾病进展" in page.locator("#flagged-cases tbody").inner_text()
    for cell in (
        page.locator("#flagged-cases thead th", has_text="临床表现"),
        page.locator("#flagged-cases tbody td", has_text="局限性"),
    ):
        assert cell.evaluate(LINES) == 1, cell.inner_text()
