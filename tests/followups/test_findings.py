"""Issue 12, "Seen, to fix": each finding a nurse reported, as a test of the real behaviour."""

import csv
import io
from datetime import date, timedelta

import icalendar
import pytest
import time_machine
from django.utils import timezone

from cases import roles
from cases.course import services as course_svc
from cases.followups import services as svc
from cases.models import Case, TherapyLine
from cases.records.assessment import case_assess
from cases.service_helpers import ServiceError
from tests.exports import csv_text, exported_csv
from tests.factories import make_case, make_user, signed_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 11, 2), tick=False):
        yield


@pytest.fixture
def two_visits():
    """A case with two hand-added CT visits: 02 Nov 2026 (today) and 02 May 2028 (the next one)."""
    case = make_case(surgery_date=None)
    first = svc.item_add_manual(
        case=case,
        user=None,
        due_date=date(2026, 11, 2),
        modality="ct_or_mri",
        reason="planned",
        window_days=14,
    )
    nxt = svc.item_add_manual(
        case=case,
        user=None,
        due_date=date(2028, 5, 2),
        modality="ct_or_mri",
        reason="planned",
        window_days=30,
    )
    return first, nxt


# 1. A date in the past ------------------------------------------------------------------------------------


def test_it_refuses_to_reschedule_to_a_date_in_the_past(two_visits):
    first, _ = two_visits
    with pytest.raises(svc.FollowUpError) as exc:
        svc.item_reschedule(
            item=first,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            due_date=date(2026, 11, 1),
            reason_code="patient_request",
            reason="Patient asked for the day before",
        )
    assert exc.value.field == "due_date"
    assert "past" in exc.value.message
    first.refresh_from_db()
    assert (first.due_date, first.version) == (date(2026, 11, 2), 1)


# 2. Order, gaps, confirmation and a real reason ------------------------------------------------------------


def test_it_warns_when_a_visit_moves_past_the_next_one_and_needs_a_confirmation(two_visits):
    first, _ = two_visits
    with pytest.raises(svc.RescheduleNeedsConfirmation) as exc:
        svc.item_reschedule(
            item=first,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            due_date=date(2028, 6, 1),
            reason_code="scanner_availability",
            reason="No CT slot before June",
        )
    text = " ".join(exc.value.warnings)
    assert "after the next visit" in text
    assert "02 May 2028" in text
    # 02 Nov 2026 + 14 days = 16 Nov 2026; 01 Jun 2028 is 563 days later than the window allows.
    assert "outside its window" in text
    first.refresh_from_db()
    assert first.due_date == date(2026, 11, 2)

    svc.item_reschedule(
        item=first,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        due_date=date(2028, 6, 1),
        reason_code="scanner_availability",
        reason="No CT slot before June",
        confirmed=True,
    )
    first.refresh_from_db()
    assert first.due_date == date(2028, 6, 1)
    assert first.reason == "Rescheduled (scanner availability): No CT slot before June"


def test_a_reschedule_inside_the_window_needs_no_confirmation(two_visits):
    first, _ = two_visits
    svc.item_reschedule(
        item=first,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        due_date=date(2026, 11, 16),
        reason_code="patient_request",
        reason="Away that week",
    )
    first.refresh_from_db()
    assert first.due_date == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("code", "text", "field"),
    [
        ("", "Away that week", "reason_code"),
        ("holiday", "Away that week", "reason_code"),
        ("other", "x", "reason"),
    ],
)
def test_it_requires_a_reason_from_the_list_and_a_real_text(two_visits, code, text, field):
    first, _ = two_visits
    with pytest.raises(svc.FollowUpError) as exc:
        svc.item_reschedule(
            item=first,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            due_date=date(2026, 11, 10),
            reason_code=code,
            reason=text,
        )
    assert exc.value.field == field


def test_the_reschedule_page_shows_the_warning_and_keeps_what_was_typed(client, two_visits):
    first, _ = two_visits
    client.force_login(make_user(role=roles.NURSE))
    data = {
        "expected_version": 1,
        "due_date": "2028-06-01",
        "reason_code": "scanner_availability",
        "reason": "No CT slot before June",
    }
    response = client.post(f"/followups/item/{first.pk}/reschedule/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "after the next visit" in body
    assert "No CT slot before June" in body
    assert 'name="confirmed"' in body
    first.refresh_from_db()
    assert first.due_date == date(2026, 11, 2)
    response = client.post(f"/followups/item/{first.pk}/reschedule/", {**data, "confirmed": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.due_date == date(2028, 6, 1)


# 3. Adjuvant course: start before surgery, dose outside the usual range -------------------------------------


def _adjuvant(case, *, start=date(2026, 2, 15), planned=date(2029, 2, 15), dose=400, why=""):
    return course_svc.adjuvant_line_save(
        case=case,
        user=make_user(role=roles.NURSE),
        data={
            "start_date": start,
            "planned_stop_date": planned,
            "stop_date": None,
            "stop_reason": "",
            "dose_mg_per_day": dose,
            "dose_override_reason": why,
        },
    )


def test_it_refuses_an_adjuvant_start_before_the_surgery():
    case = make_case(surgery_date=date(2026, 1, 15))
    with pytest.raises(ServiceError) as exc:
        _adjuvant(case, start=date(2026, 1, 14), planned=date(2029, 1, 14))
    assert exc.value.field == "start_date"
    assert "15 Jan 2026" in exc.value.message
    assert not TherapyLine.objects.exists()


@pytest.mark.parametrize("dose", [50, 99, 801, 1000])
def test_it_refuses_a_dose_outside_imatinibs_usual_range_without_an_override(dose):
    case = make_case()
    with pytest.raises(ServiceError) as exc:
        _adjuvant(case, dose=dose)
    assert exc.value.field == "dose_mg_per_day"
    assert f"{dose} mg/day" in exc.value.message
    assert "100-800 mg/day" in exc.value.message
    assert not TherapyLine.objects.exists()


@pytest.mark.parametrize("dose", [100, 400, 800])
def test_it_accepts_the_usual_doses(dose):
    course = _adjuvant(make_case(), dose=dose)
    course.refresh_from_db()
    assert course.dose_mg_per_day == dose
    assert course.dose_override_reason == ""


def test_an_unusual_dose_is_kept_with_the_reason_for_the_override():
    course = _adjuvant(make_case(), dose=50, why="Dose reduced by oncologist for neutropenia")
    course.refresh_from_db()
    assert (course.dose_mg_per_day, course.dose_override_reason) == (
        50,
        "Dose reduced by oncologist for neutropenia",
    )


def test_the_adjuvant_form_says_the_dose_in_clinical_words(client):
    case = make_case()
    client.force_login(make_user(role=roles.NURSE))
    response = client.post(
        f"/followups/case/{case.pk}/adjuvant/",
        {"start_date": "2026-02-15", "planned_stop_date": "2029-02-15", "dose_mg_per_day": 1000},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "usual imatinib dose is 100-800 mg/day" in body
    assert "less than or equal to" not in body
    assert 'value="1000"' in body  # nothing typed is lost


# 4. Callback date cleared when the item is closed ----------------------------------------------------------


def test_marking_done_clears_the_callback_date(two_visits):
    first, _ = two_visits
    user = make_user(role=roles.NURSE)
    svc.item_record_contact(
        item=first, user=user, expected_version=1, outcome="no_answer", next_contact_date=date(2026, 11, 5)
    )
    svc.item_mark_done(
        item=first, user=user, expected_version=2, completed_date=date(2026, 11, 2), result="ned"
    )
    first.refresh_from_db()
    assert first.next_contact_date is None


def test_cancelling_clears_the_callback_date(two_visits):
    first, _ = two_visits
    user = make_user(role=roles.NURSE)
    svc.item_record_contact(
        item=first, user=user, expected_version=1, outcome="no_answer", next_contact_date=date(2026, 11, 5)
    )
    svc.item_cancel(item=first, user=user, expected_version=2, reason="Scan done elsewhere")
    first.refresh_from_db()
    assert first.next_contact_date is None


# 5. Provisional items before signing; an unsigned report on the coordinator's home page ---------------------


def test_an_assessed_unsigned_case_has_provisional_items_from_its_latest_assessment():
    # Small gastric nodule under surveillance (ESMO 2022, no tissue diagnosis): EUS at 3 months, then yearly 12-60.
    case = make_case(size_cm="1.5", surgery_date=None, diagnosis_date=date(2026, 10, 1))
    case_assess(case=case, user=None)
    items = list(case.followups.order_by("due_date"))
    assert [i.due_date for i in items] == [
        date(2027, 1, 1),
        date(2027, 10, 1),
        date(2028, 10, 1),
        date(2029, 10, 1),
        date(2030, 10, 1),
        date(2031, 10, 1),
    ]
    assert {i.modality for i in items} == {"eus"}
    assert all(i.provisional for i in items)


def test_signing_replaces_the_provisional_items():
    case = make_case(size_cm="4", mitoses=3, surgery_date=date(2026, 10, 1))  # low risk: every 6 months 6-60
    case_assess(case=case, user=None)
    provisional = case.followups.get(due_date=date(2027, 4, 1))
    assert provisional.provisional
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    items = list(case.followups.order_by("due_date"))
    assert len(items) == 10
    assert not any(i.provisional for i in items)
    assert (
        items[0].pk == provisional.pk
    )  # same visit: kept (with anything a nurse did), no longer provisional


def test_the_worklist_marks_provisional_items(client):
    case = make_case(
        size_cm="4", mitoses=3, surgery_date=date(2026, 4, 1)
    )  # first visit 01 Oct 2026: overdue
    case_assess(case=case, user=None)
    client.force_login(make_user(role=roles.NURSE))
    body = client.get("/followups/?tab=overdue").content.decode()
    assert "Provisional" in body


def test_a_report_unsigned_14_days_after_its_assessment_is_on_the_coordinators_home_page(client):
    late = make_case()
    recent = make_case()
    with time_machine.travel(timezone.now() - timedelta(days=14), tick=False):
        case_assess(case=late, user=None)
    with time_machine.travel(timezone.now() - timedelta(days=13), tick=False):
        case_assess(case=recent, user=None)
    client.force_login(make_user(role=roles.COORDINATOR))
    body = client.get("/").content.decode()
    assert "Awaiting sign-off for 14 days or more" in body
    assert late.short_id in body
    assert recent.short_id not in body


# 6. Recurrent → flagged for the MDT ------------------------------------------------------------------------


def test_marking_a_case_recurrent_flags_it_for_the_mdt():
    case = make_case()
    svc.case_mark_recurrent(case=case, user=None)
    case = Case.objects.get(pk=case.pk)
    assert case.needs_mdt_review
    assert "recurrent" in case.mdt_review_reason.lower()


# 7. CSV columns, callback dates in the calendar, people's names in the nurse chooser -------------------------


def test_the_csv_has_result_date_done_and_notes_and_one_state_column(client, two_visits):
    first, _ = two_visits
    svc.item_mark_done(
        item=first,
        user=make_user(role=roles.NURSE),
        expected_version=1,
        completed_date=date(2026, 11, 2),
        result="ned",
        notes="CT clear",
    )
    client.force_login(make_user(role=roles.NURSE))
    text = csv_text(exported_csv(client, {"tab": "all"}))
    reader = csv.DictReader(io.StringIO(text))
    assert "status" not in reader.fieldnames
    assert reader.fieldnames.count("state") == 1
    rows = list(reader)
    done = next(r for r in rows if r["due_date"] == "2026-11-02")
    assert (done["state"], done["result"], done["date_done"], done["notes"]) == (
        "done",
        "No evidence of disease",
        "2026-11-02",
        "CT clear",
    )


def test_the_calendar_feed_includes_callback_dates(client, two_visits):
    first, _ = two_visits
    user = make_user(role=roles.NURSE)
    svc.item_record_contact(
        item=first, user=user, expected_version=1, outcome="no_answer", next_contact_date=date(2026, 11, 5)
    )
    token = svc.calendar_token_create(user=user).token
    cal = icalendar.Calendar.from_ical(client.get(f"/followups/calendar/{token}.ics").content)
    events = list(cal.walk("VEVENT"))
    callbacks = [e for e in events if str(e["summary"]).startswith("Call back")]
    assert len(callbacks) == 1
    assert callbacks[0].decoded("dtstart") == date(2026, 11, 5)
    assert first.case.short_id in str(callbacks[0]["summary"])


def test_the_nurse_chooser_shows_peoples_names(client, two_visits):
    first, _ = two_visits
    make_user(role=roles.NURSE, username="nurse7", first_name="Nadia", last_name="Okafor")
    client.force_login(make_user(role=roles.NURSE))
    body = client.get(f"/followups/item/{first.pk}/edit/").content.decode()
    assert ">Nadia Okafor</option>" in body
    assert ">nurse7</option>" not in body


# 8. Destructive actions confirmed; the row just saved stays where it was ----------------------------------

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "item"}


def test_cancelling_needs_an_explicit_confirmation(client, two_visits):
    first, _ = two_visits
    client.force_login(make_user(role=roles.NURSE))
    url = f"/followups/item/{first.pk}/cancel/"
    response = client.post(url, {"expected_version": 1, "reason": "Scan done elsewhere"}, **HX)
    body = response.content.decode()
    assert "Yes, cancel this visit" in body
    assert "Scan done elsewhere" in body  # what was typed is kept
    first.refresh_from_db()
    assert first.status == "pending"
    client.post(url, {"expected_version": 1, "reason": "Scan done elsewhere", "confirmed": "on"}, **HX)
    first.refresh_from_db()
    assert first.status == "cancelled"


def test_after_an_htmx_save_the_saved_row_is_swapped_in_place_and_nothing_else(client, two_visits):
    first, nxt = two_visits
    client.force_login(make_user(role=roles.NURSE))
    data = {"expected_version": 1, "completed_date": "2026-11-02", "result": "ned", "notes": ""}
    body = client.post(f"/followups/item/{first.pk}/done/", data, **HX).content.decode()
    assert body.lstrip().startswith(f'<tbody id="item-{first.pk}"')
    assert body.count("<tbody") == 1
    assert str(nxt.pk) not in body  # the next patient's row (and its buttons) is not re-rendered or moved
    assert "Done 02 Nov 2026" in body
    assert "/cancel/" not in body  # a closed item offers no Cancel button to land on
