"""Item actions and optimistic concurrency (cases/services/followups.py)."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.choices import FollowUpStatus
from cases.followups import services as svc
from cases.models import Case, ContactAttempt, FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 7, 20), tick=False):
        yield


@pytest.fixture
def item():
    case = make_case(size_cm="4", mitoses=3)  # low risk: first visit 2026-07-15
    svc.followups_regenerate(case=case, user=None, reason="MDT signed")
    return case.followups.order_by("due_date").first()


def test_it_marks_done(item):
    user = make_user(role=roles.NURSE)
    svc.item_mark_done(
        item=item,
        user=user,
        expected_version=1,
        completed_date=date(2026, 7, 18),
        result="ned",
        notes="CT clear",
    )
    item.refresh_from_db()
    assert (item.status, item.completed_date, item.result, item.notes) == (
        "done",
        date(2026, 7, 18),
        "ned",
        "CT clear",
    )
    assert item.version == 2
    assert item.updated_by == user
    assert item.history.first().history_user == user
    assert not item.case.needs_mdt_review


@pytest.mark.parametrize("result", ["suspected_recurrence", "confirmed_recurrence", "progression"])
def test_recurrence_or_progression_flags_the_case_for_the_mdt(item, result):
    svc.item_mark_done(
        item=item,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        completed_date=date(2026, 7, 18),
        result=result,
    )
    case = Case.objects.get(pk=item.case_id)
    assert case.needs_mdt_review
    assert "18 Jul 2026" in case.mdt_review_reason
    assert "CT or MRI" in case.mdt_review_reason


def test_it_refuses_a_future_date_or_a_missing_result(item):
    with pytest.raises(svc.FollowUpError) as exc:
        svc.item_mark_done(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            completed_date=date(2026, 7, 21),
            result="ned",
        )
    assert exc.value.field == "completed_date"
    with pytest.raises(svc.FollowUpError) as exc:
        svc.item_mark_done(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            completed_date=date(2026, 7, 20),
            result="",
        )
    assert exc.value.field == "result"
    item.refresh_from_db()
    assert item.status == "pending"
    assert item.version == 1


def test_it_records_a_contact_attempt(item):
    user = make_user(role=roles.NURSE)
    attempt = svc.item_record_contact(
        item=item, user=user, expected_version=1, outcome="no_answer", next_contact_date=date(2026, 7, 22)
    )
    item.refresh_from_db()
    assert ContactAttempt.objects.get() == attempt
    assert attempt.by == user
    assert item.next_contact_date == date(2026, 7, 22)
    assert item.version == 2


def test_it_reschedules_with_a_reason_and_moves_the_window(item):
    svc.item_reschedule(
        item=item,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        due_date=date(2026, 8, 10),
        reason_code="patient_request",
        reason="Holiday abroad",
        confirmed=True,  # 10 Aug is outside the 15 Jul ± 14 days window
    )
    item.refresh_from_db()
    assert item.due_date == date(2026, 8, 10)
    assert (item.window_start, item.window_end) == (date(2026, 7, 27), date(2026, 8, 24))
    assert item.reason == "Rescheduled (patient request): Holiday abroad"
    with pytest.raises(svc.FollowUpError) as exc:
        svc.item_reschedule(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=2,
            due_date=date(2026, 9, 1),
            reason_code="other",
            reason="  ",
        )
    assert exc.value.field == "reason"


def test_it_cancels_with_a_reason_and_cannot_act_on_a_cancelled_item(item):
    svc.item_cancel(
        item=item, user=make_user(role=roles.NURSE), expected_version=1, reason="Followed up elsewhere"
    )
    item.refresh_from_db()
    assert item.status == FollowUpStatus.CANCELLED
    assert item.reason == "Cancelled: Followed up elsewhere"
    with pytest.raises(svc.FollowUpError, match="already cancelled"):
        svc.item_mark_done(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=2,
            completed_date=date(2026, 7, 20),
            result="ned",
        )
    item.refresh_from_db()
    assert item.version == 2  # the refused action rolled back its claim


def test_it_adds_and_edits_by_hand_with_a_reason(item):
    user, other = make_user(role=roles.NURSE), make_user(role=roles.NURSE)
    manual = svc.item_add_manual(
        case=item.case,
        user=user,
        due_date=date(2026, 8, 1),
        modality="clinic",
        reason="Wound review",
        window_days=7,
    )
    assert manual.source == "manual"
    assert manual.reason == "Added: Wound review"
    assert (manual.window_start, manual.window_end) == (date(2026, 7, 25), date(2026, 8, 8))
    svc.item_edit(
        item=item,
        user=user,
        expected_version=1,
        reason="MRI instead: contrast allergy",
        due_date=date(2026, 7, 30),
        window_days=10,
        modality="mri",
        responsible_nurse=other,
        notes="Book MRI",
    )
    item.refresh_from_db()
    assert (item.modality, item.window_days, item.responsible_nurse, item.notes) == (
        "mri",
        10,
        other,
        "Book MRI",
    )
    assert item.history.first().history_change_reason == "Edited: MRI instead: contrast allergy"


def test_the_second_of_two_saves_with_the_same_version_is_refused_and_nothing_is_lost(item):
    anna, ben = make_user(role=roles.NURSE, first_name="Anna", last_name="Smith"), make_user(role=roles.NURSE)
    stale = FollowUpItem.objects.get(pk=item.pk)  # Ben opened the item at version 1 too
    svc.item_mark_done(
        item=item, user=anna, expected_version=1, completed_date=date(2026, 7, 19), result="ned"
    )
    with pytest.raises(svc.FollowUpConflict) as exc:
        svc.item_reschedule(
            item=stale,
            user=ben,
            expected_version=1,
            due_date=date(2026, 9, 1),
            reason_code="patient_request",
            reason="Asked to",
        )
    assert "Anna Smith saved this follow-up item" in exc.value.message
    assert exc.value.current.version == 2
    item.refresh_from_db()
    assert (item.status, item.result, item.due_date, item.version) == ("done", "ned", date(2026, 7, 15), 2)
    with pytest.raises(svc.FollowUpConflict):
        svc.item_record_contact(item=stale, user=ben, expected_version=1, outcome="no_answer")
    assert not ContactAttempt.objects.exists()


def test_case_mark_recurrent_reassesses_as_systemic_therapy(item):
    svc.item_mark_done(
        item=item,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        completed_date=date(2026, 7, 18),
        result="confirmed_recurrence",
    )
    case = Case.objects.get(pk=item.case_id)
    snapshot = svc.case_mark_recurrent(case=case, user=None)
    case.refresh_from_db()
    assert case.presentation.presentation == "recurrent"
    assert snapshot.result["pathway"] == "systemic_therapy"
    assert case.pathway == "systemic_therapy"
    assert case.needs_mdt_review  # stays until the MDT has re-discussed the case


def test_the_recurrence_flag_is_stored_in_english_and_read_in_each_readers_language(item):
    """The reason was stored in the language of whoever marked the case recurrent: a Chinese nurse's reason read
    in Chinese by an English surgeon. Stored in English, like the treatment course's reasons, and translated for
    each reader."""
    from django.utils import translation

    from cases.templatetags.flags import flag_reason

    case = Case.objects.get(pk=item.case_id)
    with translation.override("zh-hans"):
        svc.case_mark_recurrent(case=case, user=None)
    case.refresh_from_db()
    english = "Marked recurrent: re-discuss at the MDT (systemic therapy pathway)"
    assert case.mdt_review_reason == english
    with translation.override("en"):
        assert flag_reason(case.mdt_review_reason) == english
    with translation.override("zh-hans"):
        assert flag_reason(case.mdt_review_reason) == "已标记为复发：需多学科团队重新讨论（全身治疗路径）"
