"""Issue 13: "The adjuvant course tracking that the follow-up list has today is one such line: migrate its data,
keep one model."

The follow-up page's adjuvant course (start, planned end, actual end, dose, interruptions) is now the treatment
course's adjuvant line: a TherapyLine with a planned stop date and LineInterruptions. These tests cover the data
migration (every course and interruption moved, with its history), both pages writing the same record with the
same checks and the same optimistic concurrency, and what reads it (schedule, letter, report).
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps as live_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases import roles
from cases.course import services as svc
from cases.models import LineInterruption, TherapyLine
from cases.service_helpers import ServiceError
from tests.course.helpers import line
from tests.factories import make_case, make_user

BEFORE = [("cases", "0016_course_worklist_items")]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


def test_there_is_one_model_of_a_line_of_therapy():
    names = {model.__name__ for model in live_apps.get_app_config("cases").get_models()}
    assert "AdjuvantCourse" not in names
    assert "AdjuvantInterruption" not in names
    assert {"TherapyLine", "LineInterruption"} <= names


# The data migration ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_adjuvant_course_into_a_line_with_its_history():
    try:
        _check_the_migration()
    finally:  # whatever happened, later tests get the whole schema back
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, tzinfo=dt.UTC)


def _check_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    nurse = User.objects.create(username="nurse-m")
    other = User.objects.create(username="nurse-n")
    patient = old.get_model("cases", "Patient").objects.create(
        mrn="M1", given_name="A", family_name="B", date_of_birth=date(1960, 1, 1)
    )
    Case = old.get_model("cases", "Case")
    Course = old.get_model("cases", "AdjuvantCourse")
    CourseHistory = old.get_model("cases", "HistoricalAdjuvantCourse")
    Gap = old.get_model("cases", "AdjuvantInterruption")
    GapHistory = old.get_model("cases", "HistoricalAdjuvantInterruption")
    OldLine = old.get_model("cases", "TherapyLine")

    def course(case, **values):
        row = Course.objects.create(case=case, **values)
        return row

    def history(case, when, user, kind, **values):
        CourseHistory.objects.create(
            case_id=case.pk, history_date=when, history_user=user, history_type=kind, **values
        )

    # 1. An ongoing course, edited once (the dose 300 → 400), with one interruption.
    ongoing = Case.objects.create(patient=patient, owner=nurse, ruleset="esmo-2022")
    plan = {"start": date(2026, 2, 15), "planned_end": date(2029, 2, 15), "actual_end": None}
    course(ongoing, dose_mg_per_day=400, dose_override_reason="", **plan)
    history(ongoing, _at(15), nurse, "+", dose_mg_per_day=300, dose_override_reason="", **plan)
    history(ongoing, _at(16), other, "~", dose_mg_per_day=400, dose_override_reason="", **plan)
    gap = Gap.objects.create(
        course_id=ongoing.pk, start=date(2026, 6, 1), end=date(2026, 7, 31), reason="Neutropenia"
    )
    GapHistory.objects.create(
        id=gap.pk, course_id=ongoing.pk, start=gap.start, end=gap.end, reason=gap.reason,
        history_date=_at(17), history_user=other, history_type="+",
    )  # fmt: skip

    # 2. Stopped before its planned end, no dose recorded: the reason is not known, and is not invented.
    early = Case.objects.create(patient=patient, owner=nurse, ruleset="esmo-2022")
    course(early, start=date(2026, 2, 1), planned_end=date(2029, 2, 1), actual_end=date(2027, 1, 10))

    # 3. Ran to its planned end: completed.
    full = Case.objects.create(patient=patient, owner=nurse, ruleset="esmo-2022")
    course(
        full,
        start=date(2023, 1, 1),
        planned_end=date(2026, 1, 1),
        actual_end=date(2026, 1, 1),
        dose_mg_per_day=400,
    )

    # 4. The course page already has this case's adjuvant imatinib line: the course is merged into it (no second,
    #    overlapping imatinib line), and the course's own history is kept beside the line's.
    both = Case.objects.create(patient=patient, owner=nurse, ruleset="esmo-2022")
    existing = OldLine.objects.create(
        case=both,
        setting="adjuvant",
        drug="imatinib",
        dose_mg_per_day=Decimal(400),
        start_date=date(2026, 2, 10),
    )
    plan4 = {"start": date(2026, 2, 15), "planned_end": date(2029, 2, 15), "actual_end": None}
    course(both, dose_mg_per_day=400, **plan4)
    history(both, _at(18), nurse, "+", dose_mg_per_day=400, dose_override_reason="", **plan4)
    Gap.objects.create(course_id=both.pk, start=date(2026, 5, 1), end=None, reason="Rash")

    # 5. Recurrence: the course ended the day advanced imatinib started. That line is not the adjuvant course: the
    #    course becomes an adjuvant line of its own, the advanced line is left as it was.
    recurred = Case.objects.create(patient=patient, owner=nurse, ruleset="esmo-2022")
    advanced = OldLine.objects.create(
        case=recurred, setting="advanced_1", drug="imatinib", dose_mg_per_day=Decimal(400),
        start_date=date(2025, 6, 1),
    )  # fmt: skip
    course(recurred, start=date(2024, 1, 1), planned_end=date(2027, 1, 1), actual_end=date(2025, 6, 1),
           dose_mg_per_day=400)  # fmt: skip
    Gap.objects.create(course_id=recurred.pk, start=date(2024, 5, 1), end=date(2024, 5, 20), reason="Rash")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = MigrationExecutor(connection).loader.project_state(executor.loader.graph.leaf_nodes()).apps
    with pytest.raises(LookupError):
        new.get_model("cases", "AdjuvantCourse")

    moved = TherapyLine.objects.get(case_id=ongoing.pk)
    assert (moved.setting, moved.drug, moved.dose_mg_per_day) == ("adjuvant", "imatinib", 400)
    assert (moved.start_date, moved.planned_stop_date, moved.stop_date, moved.stop_reason) == (
        date(2026, 2, 15), date(2029, 2, 15), None, ""
    )  # fmt: skip
    gaps = list(
        LineInterruption.objects.filter(line=moved).values_list("start_date", "resume_date", "reason")
    )
    assert gaps == [(date(2026, 6, 1), date(2026, 7, 31), "Neutropenia")]
    # Who changed what, and when, is still there: the course's two rows, then the move.
    rows = list(TherapyLine.history.filter(id=moved.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_date, r.history_user_id, r.dose_mg_per_day) for r in rows[:2]] == [
        ("+", _at(15), nurse.pk, 300),
        ("~", _at(16), other.pk, 400),
    ]
    assert len(rows) == 3
    assert "treatment course" in rows[2].history_change_reason
    gap_rows = LineInterruption.history.filter(line_id=moved.pk).order_by("history_date")
    assert [(r.history_type, r.history_date, r.history_user_id) for r in gap_rows][:1] == [
        ("+", _at(17), other.pk)
    ]

    stopped = TherapyLine.objects.get(case_id=early.pk)
    assert (stopped.stop_date, stopped.stop_reason, stopped.dose_mg_per_day) == (date(2027, 1, 10), "", None)
    assert "not recorded" in stopped.notes

    completed = TherapyLine.objects.get(case_id=full.pk)
    assert (completed.stop_date, completed.stop_reason) == (date(2026, 1, 1), "completed")

    merged = TherapyLine.objects.get(case_id=both.pk)
    assert merged.pk == existing.pk
    assert (merged.start_date, merged.planned_stop_date) == (date(2026, 2, 10), date(2029, 2, 15))
    assert list(LineInterruption.objects.filter(line=merged).values_list("reason", flat=True)) == ["Rash"]
    # The merged course's history is kept (as a record of its own that ends with the merge).
    kept = TherapyLine.history.filter(case_id=both.pk).exclude(id=merged.pk).order_by("history_date")
    assert [row.history_type for row in kept] == ["+", "-"]
    assert kept[0].history_user_id == nurse.pk

    lines = {line.setting: line for line in TherapyLine.objects.filter(case_id=recurred.pk)}
    assert set(lines) == {"adjuvant", "advanced_1"}
    assert (lines["adjuvant"].start_date, lines["adjuvant"].stop_date) == (date(2024, 1, 1), date(2025, 6, 1))
    assert [g.reason for g in lines["adjuvant"].interruptions.all()] == ["Rash"]
    assert lines["advanced_1"].pk == advanced.pk
    assert (lines["advanced_1"].planned_stop_date, lines["advanced_1"].stop_date) == (None, None)
    # An interruption's version follows its history (one row, then the move).
    assert LineInterruption.objects.get(line=moved).version == 2

    # Back: the moved lines are follow-up adjuvant courses again, with their interruptions and their history.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Course, CourseHistory = (
        old.get_model("cases", "AdjuvantCourse"),
        old.get_model("cases", "HistoricalAdjuvantCourse"),
    )
    assert set(Course.objects.values_list("case_id", flat=True)) == {
        ongoing.pk,
        early.pk,
        full.pk,
        recurred.pk,
    }
    back = Course.objects.get(case_id=ongoing.pk)
    assert (back.start, back.planned_end, back.actual_end, back.dose_mg_per_day) == (
        date(2026, 2, 15), date(2029, 2, 15), None, 400
    )  # fmt: skip
    assert list(CourseHistory.objects.filter(case_id=ongoing.pk).order_by("history_date").values_list(
        "history_type", "dose_mg_per_day")) == [("+", 300), ("~", 400)]  # fmt: skip
    assert old.get_model("cases", "AdjuvantInterruption").objects.filter(course_id=ongoing.pk).count() == 1
    assert Course.objects.get(case_id=early.pk).dose_mg_per_day is None
    assert old.get_model("cases", "TherapyLine").objects.filter(case_id=recurred.pk).count() == 1

    # And forward again: the same lines, no second copy of anything.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    again = TherapyLine.objects.get(case_id=ongoing.pk)
    assert TherapyLine.history.filter(id=again.pk).count() == 3
    assert LineInterruption.objects.filter(line=again).count() == 1
    assert TherapyLine.objects.filter(case_id=recurred.pk).count() == 2


# Both pages write the same record, with the same checks ---------------------------------------------------


@pytest.fixture
def nurse():
    return make_user(role=roles.NURSE)


@pytest.fixture
def surgeon():
    return make_user(role=roles.SURGEON)


def _adjuvant_form(**values):
    form = {"start_date": "2026-02-15", "planned_stop_date": "2029-02-15", "dose_mg_per_day": "400"}
    form.update(values)
    return {name: value for name, value in form.items() if value is not None}


@pytest.mark.django_db
def test_the_course_recorded_on_the_follow_up_page_is_the_adjuvant_line_of_the_course_page(
    client, nurse, surgeon
):
    case = make_case(adjuvant_decision="given")
    client.force_login(nurse)
    response = client.post(f"/followups/case/{case.pk}/adjuvant/", _adjuvant_form())
    assert response.status_code == 302
    client.post(
        f"/followups/case/{case.pk}/interruption/",
        {"start_date": "2026-06-01", "resume_date": "2026-07-31", "reason": "Neutropenia"},
    )
    client.force_login(surgeon)
    page = client.get(reverse("course:page", args=[case.pk])).content.decode()
    assert "Adjuvant" in page
    assert "Planned stop 15 Feb 2029" in page
    assert "Interrupted 1 Jun 2026 – 31 Jul 2026: Neutropenia" in page
    # On the timeline, seen in September: the gap in the bar, and its row in the table beside the picture.
    with time_machine.travel(date(2026, 9, 1), tick=False):
        client.force_login(surgeon)
        timeline = client.get(reverse("course:timeline", args=[case.pk])).content.decode()
    assert 'stroke-dasharray="3 2"><title>interrupted</title>' in timeline
    assert "Imatinib interrupted until 31 Jul 2026: Neutropenia" in timeline


@pytest.mark.django_db
def test_an_interruption_is_a_course_record_with_its_own_checks(surgeon):
    case = make_case()
    adjuvant = line(
        case, surgeon, setting="adjuvant", start=date(2026, 2, 15), stop=date(2026, 12, 1), reason="toxicity"
    )

    def gap(start, resume, reason="Neutropenia"):
        return svc.interruption_save(
            case=case,
            user=surgeon,
            data={"line": adjuvant.pk, "start_date": start, "resume_date": resume, "reason": reason},
        )

    with pytest.raises(ServiceError) as before:
        gap(date(2026, 2, 14), None)
    assert before.value.field == "start_date"
    assert "15 Feb 2026" in before.value.message
    with pytest.raises(ServiceError) as backwards:
        gap(date(2026, 6, 1), date(2026, 5, 1))
    assert backwards.value.field == "resume_date"
    with pytest.raises(ServiceError) as after_stop:
        gap(date(2026, 12, 2), None)
    assert after_stop.value.field == "start_date"
    with pytest.raises(ServiceError) as no_reason:
        gap(date(2026, 6, 1), None, reason="  ")
    assert no_reason.value.field == "reason"
    assert not LineInterruption.objects.exists()
    gap(date(2026, 6, 1), date(2026, 7, 1))
    with pytest.raises(ServiceError) as overlap:
        gap(date(2026, 6, 15), date(2026, 8, 1))
    assert overlap.value.field == "start_date"
    assert LineInterruption.objects.count() == 1


@pytest.mark.django_db
def test_the_course_page_adds_edits_and_deletes_an_interruption(client, surgeon):
    case = make_case()
    adjuvant = line(case, surgeon, setting="adjuvant", start=date(2026, 2, 15))
    client.force_login(surgeon)
    url = reverse("course:add", args=[case.pk, "interruption"])
    refused = client.post(url, {"line": adjuvant.pk, "start_date": "2026-01-01", "reason": "Rash"})
    assert refused.status_code == 400
    assert "is before the start of the line" in refused.content.decode()
    assert 'value="Rash"' in refused.content.decode()  # nothing typed is lost
    assert (
        client.post(url, {"line": adjuvant.pk, "start_date": "2026-04-01", "reason": "Rash"}).status_code
        == 302
    )
    gap = LineInterruption.objects.get()
    edit = reverse("course:edit", args=[case.pk, "interruption", gap.pk])
    ok = client.post(edit, {"line": adjuvant.pk, "start_date": "2026-04-01", "resume_date": "2026-04-20",
                            "reason": "Rash", "version": 1})  # fmt: skip
    assert ok.status_code == 302
    gap.refresh_from_db()
    assert (gap.resume_date, gap.version) == (date(2026, 4, 20), 2)
    # A second person editing from the same page opened before: told, nothing overwritten.
    late = client.post(edit, {"line": adjuvant.pk, "start_date": "2026-04-01", "resume_date": "2026-05-20",
                              "reason": "Rash", "version": 1})  # fmt: skip
    assert late.status_code == 409
    gap.refresh_from_db()
    assert gap.resume_date == date(2026, 4, 20)
    client.post(
        reverse("course:delete", args=[case.pk, "interruption", gap.pk]), {"confirm": "yes", "version": 2}
    )
    assert not LineInterruption.objects.exists()
    assert LineInterruption.history.filter(history_type="-").count() == 1


@pytest.mark.django_db
def test_the_follow_up_page_is_told_when_the_line_changed_since_it_opened(client, nurse, surgeon):
    case = make_case(adjuvant_decision="given")
    client.force_login(nurse)
    client.post(f"/followups/case/{case.pk}/adjuvant/", _adjuvant_form())
    adjuvant = TherapyLine.objects.get(case=case)
    page = client.get(f"/followups/case/{case.pk}/").content.decode()
    assert 'name="version" value="1"' in page
    assert 'name="dose_mg_per_day" value="400"' in page  # as typed, not 400.0
    # The surgeon corrects the dose on the course page...
    svc.line_save(
        case=case, user=surgeon, line=adjuvant, expected_version=1,
        data={"setting": "adjuvant", "drug": "imatinib", "dose_mg_per_day": Decimal(300), "start_date": date(2026, 2, 15),
              "planned_stop_date": date(2029, 2, 15), "stop_date": None, "stop_reason": "", "notes": "",
              "dose_override_reason": ""},
    )  # fmt: skip
    # ... and the nurse's form, opened before, does not put 400 back.
    assert f'name="line" value="{adjuvant.pk}"' in page
    late = client.post(f"/followups/case/{case.pk}/adjuvant/", _adjuvant_form(
        version="1", line=str(adjuvant.pk), stop_date="2026-12-01", stop_reason="toxicity"))  # fmt: skip
    assert late.status_code == 409
    body = late.content.decode()
    assert "Dose (mg/day): yours 400, on record now 300." in body
    adjuvant.refresh_from_db()
    assert (adjuvant.dose_mg_per_day, adjuvant.stop_date, adjuvant.version) == (300, None, 2)


@pytest.mark.django_db
def test_a_page_opened_before_a_line_was_recorded_does_not_add_a_second_one(client, nurse, surgeon):
    case = make_case(adjuvant_decision="given")
    client.force_login(nurse)
    page = client.get(f"/followups/case/{case.pk}/").content.decode()
    assert '<input type="hidden" name="line" id="id_line">' in page  # no line shown
    # Meanwhile the surgeon records the adjuvant line on the course page.
    line(case, surgeon, setting="adjuvant", start=date(2026, 2, 20), planned_stop=date(2029, 2, 20))
    late = client.post(f"/followups/case/{case.pk}/adjuvant/", _adjuvant_form())
    assert late.status_code == 409
    assert "Started: yours 15 Feb 2026, on record now 20 Feb 2026." in late.content.decode()
    assert [(x.start_date, x.version) for x in TherapyLine.objects.filter(case=case)] == [
        (date(2026, 2, 20), 1)
    ]


@pytest.mark.django_db
def test_a_line_deleted_since_the_page_opened_is_not_written_again(client, nurse, surgeon):
    case = make_case(adjuvant_decision="given")
    adjuvant = line(
        case, surgeon, setting="adjuvant", start=date(2026, 2, 20), planned_stop=date(2029, 2, 20)
    )
    shown = str(adjuvant.pk)  # the page was opened showing this line...
    svc.record_delete(
        obj=adjuvant, user=surgeon, expected_version=1
    )  # ... which is deleted before the nurse saves
    client.force_login(nurse)
    late = client.post(f"/followups/case/{case.pk}/adjuvant/", _adjuvant_form(version="1", line=shown))
    assert late.status_code == 400
    assert "was deleted, or is no longer adjuvant, since the page was opened" in late.content.decode()
    assert not TherapyLine.objects.exists()


@pytest.mark.django_db
def test_the_usual_dose_check_applies_on_the_course_page_too(client, surgeon):
    case = make_case()
    client.force_login(surgeon)
    form = {
        "setting": "advanced_1",
        "drug": "imatinib",
        "dose_mg_per_day": "1000",
        "start_date": "2026-03-01",
    }
    refused = client.post(reverse("course:add", args=[case.pk, "line"]), form)
    assert refused.status_code == 400
    assert "usual imatinib dose is 100-800 mg/day" in refused.content.decode()
    assert not TherapyLine.objects.exists()
    form["dose_override_reason"] = "Trial protocol"
    assert client.post(reverse("course:add", args=[case.pk, "line"]), form).status_code == 302
    assert TherapyLine.objects.get().dose_override_reason == "Trial protocol"
    # Sunitinib has no dose range in the rule data: nothing is invented for it.
    svc.line_save(
        case=case, user=surgeon,
        data={"setting": "advanced_2", "drug": "sunitinib", "dose_mg_per_day": Decimal(1000),
              "start_date": date(2026, 9, 1), "stop_date": None, "stop_reason": "", "notes": ""},
    )  # fmt: skip


@pytest.mark.django_db
def test_a_planned_stop_is_after_the_start_and_an_adjuvant_line_starts_after_the_operation(surgeon):
    case = make_case(surgery_date=date(2026, 1, 15))
    with pytest.raises(ServiceError) as planned:
        line(case, surgeon, setting="adjuvant", start=date(2026, 2, 1), planned_stop=date(2026, 2, 1))
    assert planned.value.field == "planned_stop_date"
    with pytest.raises(ServiceError) as early:
        line(case, surgeon, setting="adjuvant", start=date(2026, 1, 10))
    assert early.value.field == "start_date"
    assert "15 Jan 2026" in early.value.message
    # Neoadjuvant imatinib is given before the operation: no such check.
    line(
        case,
        surgeon,
        setting="neoadjuvant",
        start=date(2025, 6, 1),
        stop=date(2026, 1, 1),
        reason="completed",
    )


@pytest.mark.django_db
def test_a_line_without_a_recorded_dose_says_so(client, surgeon):
    case = make_case()
    adjuvant = line(case, surgeon, setting="adjuvant", start=date(2026, 2, 15))
    TherapyLine.objects.filter(pk=adjuvant.pk).update(dose_mg_per_day=None)  # as a migrated course may be
    client.force_login(surgeon)
    page = client.get(reverse("course:page", args=[case.pk]))
    assert page.status_code == 200
    assert "dose not recorded" in page.content.decode()
    assert client.get(reverse("records:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("course:timeline", args=[case.pk])).status_code == 200
    assert client.get(reverse("course:edit", args=[case.pk, "line", adjuvant.pk])).status_code == 200


@pytest.mark.django_db
def test_the_edit_form_shows_stored_numbers_as_typed(client, surgeon):
    case = make_case()
    imatinib = line(case, surgeon, start=date(2026, 2, 15), dose=400)
    client.force_login(surgeon)
    page = client.get(reverse("course:edit", args=[case.pk, "line", imatinib.pk])).content.decode()
    assert 'name="dose_mg_per_day" value="400"' in page
