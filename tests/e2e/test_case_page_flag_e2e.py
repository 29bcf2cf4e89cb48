"""The case page with a long "Flagged for MDT" reason (several reasons joined, up to 300 characters): the reason
wraps inside the screen at every width instead of widening the page (found on the demo case DEMO-0031)."""

import pytest

from cases import roles
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "; ".join(
    f"Scan of {day} Nov 2019 computes progression (RECIST 1.1 PD): re-discuss" for day in (1, 8, 15, 22)
)[:300]


@pytest.mark.parametrize("width", [1400, 800, 390])
def test_a_long_flag_reason_wraps_inside_the_screen(page, width):
    make_user(role=roles.SURGEON, username="sam")
    case = make_case(needs_mdt_review=True, mdt_review_reason=REASON)
    login(page, "sam", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/cases/{case.pk}/")
    flag = page.get_by_text("Flagged for MDT:")
    assert "22 Nov 2019" in flag.inner_text()
    box = flag.bounding_box()
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
