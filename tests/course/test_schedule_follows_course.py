"""The surveillance schedule follows the treatment course (issue 13; RULES.md section 8).

- Systemic therapy: R is the start date of the current line, never the date of diagnosis; the current line is
  the one started last. Visits every 3 months from R, months 3-24.
- Resected, adjuvant given: A counts from surgery to the day imatinib really stopped (rounded up to a whole
  month, as for the follow-up pages' adjuvant course), and the "after adjuvant" phase starts at A + 3.

Due dates below are worked out by hand from those rules (calendar months, the day clamped to the month's end).
"""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.choices import CaseStatus, FollowUpSource
from cases.course import services as svc
from cases.followups.services import schedule_facts
from cases.models import Case
from cases.records.facts import build_facts
from tests.course.helpers import line
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 4, 1), tick=False):
        yield


@pytest.fixture
def surgeon():
    return make_user(role=roles.SURGEON)


def _definitive(case: Case) -> Case:
    """The MDT has discussed the case: its schedule follows the records (not the provisional assessment)."""
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISCUSSED)
    return Case.objects.get(pk=case.pk)


def _dues(case: Case, phase_prefix: str = "") -> list[date]:
    """The due dates of the surveillance schedule (not the course's own worklist items)."""
    items = case.followups.filter(
        source=FollowUpSource.SCHEDULE, status="pending", provisional=False, phase__startswith=phase_prefix
    )
    return sorted(set(items.values_list("due_date", flat=True)))


def test_the_systemic_schedule_counts_from_the_start_of_the_line_started_last(surgeon):
    case = _definitive(
        make_case(
            presentation="metastatic", surgery_date=None, diagnosis_date=date(2025, 6, 1), owner=surgeon
        )
    )
    line(case, surgeon, drug="imatinib", start=date(2025, 7, 1), stop=date(2026, 3, 10), reason="progression")
    line(case, surgeon, drug="sunitinib", start=date(2026, 3, 20), setting="advanced_2")

    case = Case.objects.get(pk=case.pk)
    assert build_facts(case, today=date(2026, 4, 1)).therapy_start_date == date(2026, 3, 20)
    # Months 3, 6, ..., 24 from 2026-03-20.
    dues = _dues(case)
    assert dues[:3] == [date(2026, 6, 20), date(2026, 9, 20), date(2026, 12, 20)]
    assert date(2028, 3, 20) in dues  # month 24
    # Nothing is counted from the first line any more (its month 12 was 2026-07-01).
    assert date(2026, 7, 1) not in dues


def test_deleting_the_current_line_gives_the_reference_back_to_the_previous_one(surgeon):
    case = _definitive(
        make_case(
            presentation="metastatic", surgery_date=None, diagnosis_date=date(2025, 6, 1), owner=surgeon
        )
    )
    line(case, surgeon, drug="imatinib", start=date(2025, 7, 1), stop=date(2026, 3, 10), reason="progression")
    second = line(case, surgeon, drug="sunitinib", start=date(2026, 3, 20), setting="advanced_2")
    svc.record_delete(obj=second, user=surgeon, expected_version=second.version)

    case = Case.objects.get(pk=case.pk)
    assert build_facts(case, today=date(2026, 4, 1)).therapy_start_date == date(2025, 7, 1)
    # From 2025-07-01: month 12 is 2026-07-01, month 15 is 2026-10-01.
    dues = _dues(case)
    assert date(2026, 7, 1) in dues
    assert date(2026, 10, 1) in dues
    assert date(2026, 6, 20) not in dues


def test_a_stopped_adjuvant_line_sets_a_from_surgery_to_the_real_stop(surgeon):
    # High risk (gastric 6.5 cm, 8 mitoses), surgery 2026-01-15, adjuvant given, 36 months planned: the first
    # visit after adjuvant therapy would be at month 39 (2029-04-15).
    case = _definitive(make_case(adjuvant_decision="given", owner=surgeon))
    line(
        case,
        surgeon,
        setting="adjuvant",
        start=date(2026, 2, 15),
        stop=date(2027, 1, 10),
        reason="toxicity",
    )
    case = Case.objects.get(pk=case.pk)
    # 2026-01-15 → 2027-01-10: 11 months and 26 days, rounded up to 12.
    assert schedule_facts(case, today=date(2026, 4, 1)).adjuvant_months == 12
    assert _dues(case, "post_adjuvant")[0] == date(2027, 4, 15)  # A + 3 = month 15


def test_an_ongoing_adjuvant_line_keeps_the_planned_duration(surgeon):
    case = _definitive(make_case(adjuvant_decision="given", owner=surgeon))
    line(case, surgeon, setting="adjuvant", start=date(2026, 2, 15))
    case = Case.objects.get(pk=case.pk)
    assert _dues(case, "post_adjuvant")[0] == date(2029, 4, 15)


def test_a_recorded_adjuvant_line_counts_as_given_when_no_decision_was_recorded(surgeon):
    case = _definitive(make_case(adjuvant_decision="", owner=surgeon))
    line(
        case,
        surgeon,
        setting="adjuvant",
        start=date(2026, 2, 15),
        stop=date(2027, 1, 10),
        reason="patient_choice",
    )
    case = Case.objects.get(pk=case.pk)
    facts = schedule_facts(case, today=date(2026, 4, 1))
    assert (facts.adjuvant_decision, facts.adjuvant_months) == ("given", 12)
    assert _dues(case, "post_adjuvant")[0] == date(2027, 4, 15)


def test_a_declined_decision_is_not_overridden_by_a_line(surgeon):
    # The MDT's record wins; the contradiction is for the MDT to resolve (A = 0: after-adjuvant visits from
    # month 3).
    case = _definitive(make_case(adjuvant_decision="declined", owner=surgeon))
    line(
        case, surgeon, setting="adjuvant", start=date(2026, 2, 15), stop=date(2027, 1, 10), reason="toxicity"
    )
    case = Case.objects.get(pk=case.pk)
    assert schedule_facts(case, today=date(2026, 4, 1)).adjuvant_decision == "declined"
    assert _dues(case, "post_adjuvant")[0] == date(2026, 4, 15)


def _recurrence(case, user, day):
    return svc.event_save(
        case=case,
        user=user,
        data={"event_date": day, "site_liver": True, "found_by": "scheduled_scan", "notes": ""},
    )


def test_a_recurrence_on_the_course_makes_the_disease_recurrent_for_the_engine(surgeon):
    case = _definitive(make_case(adjuvant_decision="given", owner=surgeon))
    event = _recurrence(case, surgeon, date(2026, 3, 5))
    case = Case.objects.get(pk=case.pk)
    facts = build_facts(case, today=date(2026, 4, 1))
    assert (facts.presentation, facts.recurrence_date) == ("recurrent", date(2026, 3, 5))
    assert case.presentation.presentation == "localized"  # the record of the presentation is not rewritten
    assert case.needs_mdt_review is True

    # First-line imatinib from 2026-03-20: the systemic schedule counts from it (months 3, 6, ...).
    line(case, surgeon, drug="imatinib", start=date(2026, 3, 20))
    case = Case.objects.get(pk=case.pk)
    assert _dues(case)[:2] == [date(2026, 6, 20), date(2026, 9, 20)]
    assert _dues(case, "post_adjuvant") == []

    # Recorded by mistake: deleting it gives the localized disease back.
    svc.record_delete(obj=event, user=surgeon, expected_version=event.version)
    facts = build_facts(Case.objects.get(pk=case.pk), today=date(2026, 4, 1))
    assert (facts.presentation, facts.recurrence_date) == ("localized", None)


def test_progression_of_metastatic_disease_stays_metastatic(surgeon):
    case = make_case(presentation="metastatic", surgery_date=None, owner=surgeon)
    _recurrence(case, surgeon, date(2026, 3, 5))
    facts = build_facts(Case.objects.get(pk=case.pk), today=date(2026, 4, 1))
    assert (facts.presentation, facts.recurrence_date) == ("metastatic", date(2026, 3, 5))


def _imaging_on(case: Case, day: date) -> list[str]:
    return sorted(
        case.followups.filter(status="pending", due_date=day, modality="ct_or_mri").values_list(
            "source", flat=True
        )
    )


def test_a_new_line_whose_schedule_already_has_the_three_month_scan_gets_no_second_scan(surgeon):
    # The systemic schedule counts from the line's start (month 3: 2026-06-20): the course's own "scan due after
    # a new line" (3 months, also 2026-06-20) would be the same scan twice on the nurses' list.
    case = _definitive(
        make_case(
            presentation="metastatic", surgery_date=None, diagnosis_date=date(2025, 6, 1), owner=surgeon
        )
    )
    line(case, surgeon, drug="imatinib", start=date(2026, 3, 20))
    assert _imaging_on(case, date(2026, 6, 20)) == [FollowUpSource.SCHEDULE]
    assert not case.followups.filter(source=FollowUpSource.DOSE_SCAN, status="pending").exists()


def test_a_dose_change_between_scheduled_scans_still_gets_its_scan(surgeon):
    from tests.course.test_worklist_items import dose_change

    case = _definitive(
        make_case(
            presentation="metastatic", surgery_date=None, diagnosis_date=date(2025, 6, 1), owner=surgeon
        )
    )
    the_line = line(case, surgeon, drug="imatinib", start=date(2026, 3, 20))
    dose_change(case, surgeon, the_line, day=date(2026, 5, 1))
    # 3 months after 2026-05-01 is 2026-08-01: no scheduled scan within 14 days of it (2026-06-20, 2026-09-20).
    assert _imaging_on(case, date(2026, 8, 1)) == [FollowUpSource.DOSE_SCAN]
