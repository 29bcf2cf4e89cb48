"""The treatment course's items on the nurses' worklist, in a browser at desktop and phone width: the nurse marks a
result reviewed inline (htmx); the surgeon deletes a scan through its confirmation page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import roles
from cases.course import services as svc
from cases.models import FollowUpItem, ImagingAssessment
from tests.course.helpers import line, scan
from tests.e2e.conftest import login, serious_axe_violations
from tests.factories import PASSWORD, make_case, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _course(surgeon):
    today = timezone.localdate()
    case = make_case(surgery_date=None, diagnosis_date=today - timedelta(days=200))
    the_line = line(case, surgeon, start=today - timedelta(days=120))
    scan(case, surgeon, today - timedelta(days=120), ("liver", 50, 80))
    pd = scan(case, surgeon, today - timedelta(days=10), ("liver", 70, 85))
    svc.level_save(
        case=case,
        user=surgeon,
        data={"sample_date": today - timedelta(days=8), "trough_ng_ml": Decimal(760), "hours_since_dose": 24},
    )
    svc.dose_change_save(
        case=case,
        user=surgeon,
        data={
            "line": the_line.pk,
            "change_date": today - timedelta(days=5),
            "dose_mg_per_day": Decimal(800),
            "reason": "Progression on 400 mg",
        },
    )
    return case, pd


def test_the_nurse_sees_the_course_items_and_marks_a_result_reviewed(page, screenshot):
    surgeon = make_user("sam", role=roles.SURGEON)
    make_user(role=roles.NURSE, username="nina", first_name="Nina", last_name="Nurse")
    case, pd = _course(surgeon)
    review = FollowUpItem.objects.get(source="review", course_record=pd.pk)

    login(page, "nina", PASSWORD)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/followups/?tab=all")
    row = page.locator(f"#item-{review.pk}")
    assert "Computes progression" in row.inner_text()
    screenshot("course-worklist-1400")
    assert serious_axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/followups/?tab=all")
    screenshot("course-worklist-390")

    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/followups/?tab=all")
    row.get_by_role("link", name="Mark reviewed").click()
    page.locator(f"#item-{review.pk} form").get_by_role("button", name="Save").click()
    page.locator(f"#item-{review.pk}").get_by_text("Marked reviewed.").wait_for()
    assert FollowUpItem.objects.get(pk=review.pk).status == "done"
    screenshot("course-worklist-reviewed")


def test_the_surgeon_deletes_a_scan_after_confirming(page, screenshot):
    surgeon = make_user("sam", role=roles.SURGEON)
    case, pd = _course(surgeon)
    login(page, "sam", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/cases/{case.pk}/course/")
    page.locator(f'a[href="/cases/{case.pk}/course/scan/{pd.pk}/delete/"]').click()
    page.get_by_role("heading", name="Delete this scan?").wait_for()
    screenshot("course-delete-confirm-390")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**/cases/{case.pk}/course/")
    assert not ImagingAssessment.objects.filter(pk=pd.pk).exists()


def test_a_nurse_who_chose_chinese_reads_the_course_items_at_phone_width(page, screenshot):
    from cases.models import UserProfile

    surgeon = make_user("sam", role=roles.SURGEON)
    nurse = make_user(role=roles.NURSE, username="nina", first_name="Nina", last_name="Nurse")
    UserProfile.objects.create(user=nurse, language="zh-hans")
    _course(surgeon)
    login(page, "nina", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/followups/?tab=all")
    page.get_by_text("计算结果为疾病进展").wait_for()
    screenshot("course-worklist-390-zh")
