"""The treatment course on the nurses' worklist (issue 13, "Nurses"): a scan due after a new line or a dose change,
an imatinib trough level due, and the results entered in the course that nobody has reviewed yet."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases import roles
from cases.choices import FollowUpSource, FollowUpStatus
from cases.course import services as svc
from cases.models import DoseChange, DrugLevel, FollowUpItem, ImagingAssessment
from tests.course.helpers import line, scan
from tests.exports import exported_csv
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(diagnosis_date=date(2025, 12, 1))


def dose_change(case, user, the_line, day=date(2026, 6, 10), dose=800):
    return svc.dose_change_save(
        case=case,
        user=user,
        data={
            "line": the_line.pk,
            "change_date": day,
            "dose_mg_per_day": Decimal(dose),
            "reason": "Progression",
        },
    )


def level(case, user, day=date(2026, 7, 10), trough=800):
    return svc.level_save(
        case=case,
        user=user,
        data={"sample_date": day, "trough_ng_ml": Decimal(trough), "hours_since_dose": Decimal(24)},
    )


def items(case, source):
    return list(FollowUpItem.objects.filter(case=case, source=source).order_by("due_date"))


def test_a_new_line_puts_a_scan_due_three_months_after_its_start(case, surgeon):
    saved = line(case, surgeon, start=date(2026, 2, 1))
    (item,) = items(case, FollowUpSource.DOSE_SCAN)
    assert (item.due_date, item.status, item.modality) == (date(2026, 5, 1), "pending", "ct_or_mri")
    assert item.course_record == saved.pk
    assert item.history.get().history_user == surgeon
    # Editing the line moves the pending item with the start; no second item.
    svc.line_save(
        case=case,
        user=surgeon,
        line=saved,
        expected_version=1,
        data={"setting": "advanced_1", "drug": "imatinib", "dose_mg_per_day": Decimal(400),
              "start_date": date(2026, 3, 1), "stop_date": None, "stop_reason": "", "notes": ""},
    )  # fmt: skip
    (item,) = items(case, FollowUpSource.DOSE_SCAN)
    assert item.due_date == date(2026, 6, 1)


def test_an_imatinib_dose_change_puts_a_scan_and_a_trough_level_due(case, surgeon):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    change = dose_change(case, surgeon, the_line)
    scans = items(case, FollowUpSource.DOSE_SCAN)
    assert [i.due_date for i in scans] == [date(2026, 5, 1), date(2026, 9, 10)]
    assert scans[1].course_record == change.pk
    (due_level,) = items(case, FollowUpSource.DRUG_LEVEL)
    assert (due_level.due_date, due_level.modality, due_level.course_record) == (
        date(2026, 7, 8),
        "drug_level",
        change.pk,
    )


def test_a_dose_change_of_another_drug_asks_for_no_level(case, surgeon):
    the_line = line(case, surgeon, drug="sunitinib", dose=50, start=date(2026, 2, 1))
    dose_change(case, surgeon, the_line, dose=37.5)
    assert len(items(case, FollowUpSource.DOSE_SCAN)) == 2
    assert items(case, FollowUpSource.DRUG_LEVEL) == []


def test_a_line_corrected_away_from_imatinib_cancels_the_trough_levels_its_dose_changes_asked_for(
    case, surgeon
):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    dose_change(case, surgeon, the_line)
    (due_level,) = items(case, FollowUpSource.DRUG_LEVEL)
    the_line.refresh_from_db()
    svc.line_save(
        case=case, user=surgeon, line=the_line, expected_version=the_line.version,
        data={"setting": "advanced_1", "drug": "sunitinib", "dose_mg_per_day": Decimal(50),
              "start_date": date(2026, 2, 1), "stop_date": None, "stop_reason": "", "notes": ""},
    )  # fmt: skip
    due_level.refresh_from_db()
    assert due_level.status == FollowUpStatus.CANCELLED
    assert "no trough level is measured for sunitinib" in due_level.reason
    # The scans due after the line's start and after its dose change stay: a scan is due whatever the drug.
    assert [i.status for i in items(case, FollowUpSource.DOSE_SCAN)] == ["pending", "pending"]


def test_imatinib_stopped_by_a_dose_change_to_zero_asks_for_no_level(case, surgeon):
    dose_change(case, surgeon, line(case, surgeon, start=date(2026, 2, 1)), dose=0)
    assert items(case, FollowUpSource.DRUG_LEVEL) == []


def test_a_stale_review_is_refused_and_writes_nothing(case, surgeon, nurse):
    from cases.followups.services import FollowUpConflict, item_mark_reviewed

    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    review = FollowUpItem.objects.get(source=FollowUpSource.REVIEW)
    item_mark_reviewed(item=review, user=surgeon, expected_version=review.version)
    with pytest.raises(FollowUpConflict):
        item_mark_reviewed(item=review, user=nurse, expected_version=review.version)
    review.refresh_from_db()
    assert review.updated_by == surgeon


def test_entering_the_scan_closes_scan_due_and_puts_the_scan_to_review(case, surgeon):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    dose_change(case, surgeon, the_line)
    saved = scan(case, surgeon, date(2026, 4, 28), ("liver", 50))
    first, second = items(case, FollowUpSource.DOSE_SCAN)
    # The scan after the line's start closes its item; the one due after the later dose change stays.
    assert (first.status, first.completed_date) == ("done", date(2026, 4, 28))
    assert second.status == "pending"
    (review,) = items(case, FollowUpSource.REVIEW)
    assert (review.status, review.course_record, review.attention) == ("pending", saved.pk, "")
    assert review.due_date == date(2026, 4, 28)


def test_the_baseline_scan_on_the_day_a_line_starts_does_not_close_its_scan_due(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    (item,) = items(case, FollowUpSource.DOSE_SCAN)
    assert item.status == "pending"
    scan(case, surgeon, date(2026, 5, 2), ("liver", 45))
    item.refresh_from_db()
    assert (item.status, item.completed_date) == ("done", date(2026, 5, 2))


def test_a_pd_scan_on_imatinib_stands_out_and_asks_for_a_trough_level(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    pd = scan(case, surgeon, date(2026, 5, 1), ("liver", 70))
    reviews = items(case, FollowUpSource.REVIEW)
    assert [r.attention for r in reviews] == ["", "progression"]
    (due_level,) = items(case, FollowUpSource.DRUG_LEVEL)
    assert (due_level.due_date, due_level.course_record) == (date(2026, 5, 1), pd.pk)


def test_entering_the_level_closes_level_due_and_a_low_level_stands_out(case, surgeon):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    dose_change(case, surgeon, the_line)
    saved = level(case, surgeon, trough=800)
    (due_level,) = items(case, FollowUpSource.DRUG_LEVEL)
    assert (due_level.status, due_level.completed_date) == ("done", date(2026, 7, 10))
    (review,) = items(case, FollowUpSource.REVIEW)
    assert (review.course_record, review.attention, review.modality) == (saved.pk, "low_level", "drug_level")
    # A level above the threshold is still to review, without standing out.
    level(case, surgeon, day=date(2026, 8, 10), trough=1500)
    assert [r.attention for r in items(case, FollowUpSource.REVIEW)] == ["low_level", ""]


def test_deleting_the_record_cancels_the_pending_items_it_made(case, surgeon):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    change = dose_change(case, surgeon, the_line)
    saved = level(case, surgeon)
    svc.record_delete(obj=DoseChange.objects.get(pk=change.pk), user=surgeon, expected_version=1)
    made = FollowUpItem.objects.filter(course_record=change.pk)
    # The level-due item was closed by the level (it stays done); the scan-due item is cancelled, with who.
    assert sorted(made.values_list("source", "status")) == [
        ("dose_scan", "cancelled"),
        ("drug_level", "done"),
    ]
    cancelled = made.get(source="dose_scan")
    assert "deleted" in cancelled.reason
    assert cancelled.history.first().history_user == surgeon
    svc.record_delete(obj=DrugLevel.objects.get(pk=saved.pk), user=surgeon, expected_version=1)
    assert FollowUpItem.objects.get(course_record=saved.pk).status == "cancelled"


def test_deleting_the_scan_that_closed_a_scan_due_opens_it_again(case, surgeon):
    line(case, surgeon, start=date(2026, 2, 1))
    answer = scan(case, surgeon, date(2026, 5, 2), ("liver", 45))
    (item,) = items(case, FollowUpSource.DOSE_SCAN)
    assert item.status == "done"
    svc.record_delete(obj=ImagingAssessment.objects.get(pk=answer.pk), user=surgeon, expected_version=1)
    item.refresh_from_db()
    assert (item.status, item.completed_date) == ("pending", None)
    assert "deleted" in item.reason


def test_a_refused_scan_writes_no_item(case, surgeon):
    from cases.service_helpers import ServiceError

    with pytest.raises(ServiceError):
        scan(case, surgeon, date(2025, 1, 1), ("liver", 50))  # before the diagnosis
    assert not FollowUpItem.objects.exists()


# The worklist ---------------------------------------------------------------------------------------------


def test_the_worklist_shows_the_three_kinds_and_the_pd_stands_out(client, surgeon, case):
    the_line = line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 70))
    dose_change(case, surgeon, the_line)
    client.force_login(make_user("nurse", role=roles.NURSE))
    html = client.get(reverse("followups:list") + "?tab=all").content.decode()
    assert "Scan due after dose change" in html
    assert "Imatinib trough level due" in html
    assert "Result to review" in html
    assert "individualised by the MDT" in html
    assert 'title="Local default (after ESMO 2022' in html
    assert 'class="badge text-bg-danger result-attention">Computes progression' in html
    assert "Mark reviewed" in html
    assert "To review" in html


def test_a_nurse_and_a_clinician_mark_a_result_reviewed_a_coordinator_cannot(client, surgeon, case):
    saved = scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    review = FollowUpItem.objects.get(source=FollowUpSource.REVIEW, course_record=saved.pk)
    url = reverse("followups:item_action", kwargs={"item_id": review.pk, "action": "reviewed"})
    for refused in (make_user("coord", role=roles.COORDINATOR), make_user("nobody", role=None)):
        other = Client()
        other.force_login(refused)
        assert other.post(url, {"expected_version": review.version}).status_code == 403
    assert FollowUpItem.objects.get(pk=review.pk).status == FollowUpStatus.PENDING
    client.force_login(make_user("nurse", role=roles.NURSE))
    assert client.post(url, {"expected_version": review.version}).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.updated_by.username) == ("done", "nurse")
    assert review.history.first().history_change_reason == "Reviewed"
    # A clinician may mark one too.
    second = scan(case, surgeon, date(2026, 5, 1), ("liver", 45))
    item = FollowUpItem.objects.get(source=FollowUpSource.REVIEW, course_record=second.pk)
    doctor = Client()
    doctor.force_login(surgeon)
    url = reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "reviewed"})
    assert doctor.post(url, {"expected_version": item.version}).status_code == 302
    assert FollowUpItem.objects.get(pk=item.pk).status == "done"


def test_a_result_to_review_is_no_safety_net_and_is_never_escalated(surgeon, case):
    from cases.followups import escalation

    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    assert escalation.escalate_overdue(today=date(2027, 1, 1)) == 0


def test_a_scan_edited_after_review_is_to_review_again(case, surgeon):
    saved = scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    review = FollowUpItem.objects.get(source=FollowUpSource.REVIEW)
    from cases.followups.services import item_mark_reviewed

    item_mark_reviewed(item=review, user=surgeon, expected_version=review.version)
    svc.scan_save(
        case=case,
        user=surgeon,
        scan=ImagingAssessment.objects.get(pk=saved.pk),
        expected_version=1,
        data={"scan_date": date(2026, 2, 2), "modality": "ct"},
        lesions=[{"organ": "liver", "diameter_mm": Decimal(52), "attenuation_hu": None}],
    )
    review.refresh_from_db()
    assert (review.status, review.due_date) == ("pending", date(2026, 2, 2))


def test_a_nurse_who_chose_chinese_reads_the_course_items_in_chinese(client, surgeon, case):
    from django.conf import settings
    from django.utils import translation

    from cases.models import UserProfile

    line(case, surgeon, start=date(2026, 2, 1))
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 70))
    nurse = make_user("nurse", role=roles.NURSE)
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    try:
        html = client.get(reverse("followups:list") + "?tab=all").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    for words in (
        "待复核结果",
        "计算结果为疾病进展",
        "剂量调整后待影像复查",
        "待查伊马替尼血药浓度（谷浓度）",
        "标记为已复核",
    ):
        assert words in html


def test_a_result_to_review_is_not_a_next_follow_up_on_the_case_page(surgeon_client, surgeon, case):
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    response = surgeon_client.get(reverse("records:case", kwargs={"case_id": case.pk}))
    assert response.context["next_followups"] == []


def test_the_course_page_says_which_results_are_not_reviewed_yet(surgeon_client, surgeon, case):
    from cases.followups.services import item_mark_reviewed

    first = scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    scan(case, surgeon, date(2026, 5, 1), ("liver", 45))
    level(case, surgeon)
    review = FollowUpItem.objects.get(course_record=first.pk)
    item_mark_reviewed(item=review, user=surgeon, expected_version=review.version)
    html = surgeon_client.get(reverse("course:page", kwargs={"case_id": case.pk})).content.decode()
    assert html.count('data-testid="unreviewed"') == 2
    assert "Not reviewed yet" in html


def test_the_csv_and_the_printable_list_say_what_a_course_item_is_for(client, surgeon, case):
    scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    client.force_login(make_user("nurse", role=roles.NURSE))
    csv = exported_csv(client, {"tab": "all"}).content.decode()
    assert "Result to review" in csv
    assert "Result to review" in client.get(reverse("followups:print") + "?tab=all").content.decode()


def test_a_patient_letter_has_plain_words_for_every_modality_the_course_adds():
    from cases.choices import FollowUpModality
    from cases.followups.letter_content import PLAIN_MODALITY, SHORT_MODALITY

    assert set(PLAIN_MODALITY) == set(SHORT_MODALITY) == set(FollowUpModality)


def test_the_calendar_feed_has_the_scan_due_but_not_the_result_to_review(client, case, surgeon):
    # A calendar event is an appointment: "result to review" plans none (and its modality would read as a scan).
    import icalendar

    from cases.followups import services as followup_svc

    with time_machine.travel(date(2026, 6, 1), tick=False):
        line(case, surgeon, start=date(2026, 5, 1))
        scan(case, surgeon, date(2026, 5, 1), ("liver", 30))  # the baseline: the scan due stays open
        (due_scan,) = items(case, FollowUpSource.DOSE_SCAN)
        (review,) = items(case, FollowUpSource.REVIEW)
        token = followup_svc.calendar_token_create(user=make_user(role=roles.NURSE)).token
        cal = icalendar.Calendar.from_ical(client.get(f"/followups/calendar/{token}.ics").content)
    uids = {str(event["uid"]) for event in cal.walk("VEVENT")}
    assert f"{due_scan.pk}@gistcare" in uids
    assert f"{review.pk}@gistcare" not in uids


def test_the_digest_says_a_result_is_to_review_not_that_a_scan_is_due(case, surgeon):
    from django.core import mail

    from cases.followups.reminders import reminders_send

    nurse = make_user(role=roles.NURSE, email="nina@example.org")
    with time_machine.travel(date(2026, 6, 1), tick=False):
        scan(case, surgeon, date(2026, 5, 20), ("liver", 30))
        assert reminders_send(today=date(2026, 6, 1)).sent == 1
    (message,) = mail.outbox
    assert message.to == [nurse.email]
    assert (
        f"- 20 May 2026 result to review: CT or MRI (abdomen and pelvis), case {case.short_id} (unassigned)"
        in (message.body)
    )
    assert "due now" not in message.body


def test_an_adjuvant_line_puts_no_response_scan_due(surgeon):
    """Adjuvant imatinib follows a complete resection: there is no disease whose response a scan would assess (the
    surveillance schedule has its own scans). A line changed to adjuvant cancels the response scan it had."""
    case = make_case(surgery_date=date(2024, 1, 10))
    adjuvant = line(case, surgeon, setting="adjuvant", start=date(2024, 2, 15))
    dose_change(case, surgeon, adjuvant, day=date(2024, 6, 1), dose=300)
    assert items(case, FollowUpSource.DOSE_SCAN) == []
    other = line(case, surgeon, drug="sunitinib", dose=50, start=date(2026, 1, 5))
    (scan_due,) = items(case, FollowUpSource.DOSE_SCAN)
    other.refresh_from_db()
    svc.line_save(
        case=case, user=surgeon, line=other, expected_version=other.version,
        data={"setting": "adjuvant", "drug": "sunitinib", "dose_mg_per_day": Decimal(50),
              "start_date": date(2026, 1, 5), "stop_date": None, "stop_reason": "", "notes": ""},
    )  # fmt: skip
    scan_due.refresh_from_db()
    assert scan_due.status == FollowUpStatus.CANCELLED
