"""Issue 13: "The adjuvant course tracking that the follow-up list has today is one such line: migrate its data,
keep one model."

Every AdjuvantCourse becomes the case's adjuvant imatinib TherapyLine (start, planned stop = planned end, stop =
actual end, dose, reason for an unusual dose) and every AdjuvantInterruption a LineInterruption of it. Nothing is
invented: a course without a dose gives a line without a dose ("dose not recorded"); a course that stopped before
its planned end has no recorded reason, so the line's reason stopped stays empty and its note says so (a course
that ran to its planned end is "completed").

History is kept: each historical row of a course (and of an interruption) is copied into the line's (and the
interruption's) history with its date, user, type and reason, then one row records the move. When the course page
already holds an adjuvant imatinib line overlapping the course, the course is merged into that line (no second,
overlapping imatinib line: cases/course/validation.py refuses them): the line gains the planned stop and the
interruptions, and the course's history is kept as the history of a record of its own that ends with the merge.

The reasons written here are listed for translation in cases/audit/labels.py (MOVED, MERGED).
"""

import uuid

from django.db import migrations
from django.utils import timezone

MOVED = "Moved from the follow-up page's adjuvant course into the treatment course"
MERGED = "Merged into the adjuvant line already on the treatment course"
NO_REASON = "Stopped before its planned end; the reason was not recorded on the follow-up page."


def _stop_reason(actual_end, planned_end) -> str:
    if actual_end is None:
        return ""
    return "completed" if actual_end >= planned_end else ""


def _line_values(course_row) -> dict:
    """A line's fields from a course (or a historical course) row."""
    return {
        "setting": "adjuvant",
        "drug": "imatinib",
        "dose_mg_per_day": course_row.dose_mg_per_day,
        "dose_override_reason": course_row.dose_override_reason,
        "start_date": course_row.start,
        "planned_stop_date": course_row.planned_end,
        "stop_date": course_row.actual_end,
        "stop_reason": _stop_reason(course_row.actual_end, course_row.planned_end),
        "notes": NO_REASON
        if course_row.actual_end is not None and course_row.actual_end < course_row.planned_end
        else "",
    }


def _overlapping_line(TherapyLine, course):
    """The adjuvant imatinib line of the course page that the course overlaps (as cases/course/validation.py
    counts an overlap: lines that meet on a day do not), or None. A line of advanced disease is never one: a
    recurrence treated with imatinib after the adjuvant course is a line of its own."""
    end = course.actual_end or course.planned_end
    lines = TherapyLine.objects.filter(case_id=course.case_id, drug="imatinib", setting="adjuvant")
    for line in lines.order_by("start_date"):
        if line.start_date < end and (line.stop_date is None or course.start < line.stop_date):
            return line
    return None


def _copy_course_history(apps, course_pk, line_id) -> list:
    """The course's history as the history of line `line_id`; returns the copied rows, oldest first."""
    CourseHistory = apps.get_model("cases", "HistoricalAdjuvantCourse")
    LineHistory = apps.get_model("cases", "HistoricalTherapyLine")
    rows = list(CourseHistory.objects.filter(case_id=course_pk).order_by("history_date", "history_id"))
    copied = []
    for number, row in enumerate(rows, start=1):
        copied.append(
            LineHistory.objects.create(
                id=line_id,
                case_id=course_pk,
                version=number,
                created_at=rows[0].history_date,
                updated_at=row.history_date,
                updated_by_id=row.history_user_id,
                history_date=row.history_date,
                history_type=row.history_type,
                history_user_id=row.history_user_id,
                history_change_reason=row.history_change_reason,
                **_line_values(row),
            )
        )
    return copied


def _history_row(apps, line, *, kind: str, reason: str, when):
    LineHistory = apps.get_model("cases", "HistoricalTherapyLine")
    fields = {f.attname: getattr(line, f.attname) for f in line._meta.concrete_fields}
    return LineHistory.objects.create(
        **fields, history_date=when, history_type=kind, history_user_id=None, history_change_reason=reason
    )


def _move_interruptions(apps, course, line, when) -> None:
    Gap = apps.get_model("cases", "AdjuvantInterruption")
    GapHistory = apps.get_model("cases", "HistoricalAdjuvantInterruption")
    LineInterruption = apps.get_model("cases", "LineInterruption")
    NewGapHistory = apps.get_model("cases", "HistoricalLineInterruption")
    new_ids: dict[int, uuid.UUID] = {}
    for gap in Gap.objects.filter(course_id=course.pk).order_by("start", "id"):
        moved = LineInterruption.objects.create(
            line_id=line.pk, start_date=gap.start, resume_date=gap.end, reason=gap.reason
        )
        new_ids[gap.pk] = moved.pk
    history = GapHistory.objects.filter(course_id=course.pk).order_by("history_date", "history_id")
    versions: dict[int, int] = {}
    for row in history:
        versions[row.id] = versions.get(row.id, 0) + 1
        NewGapHistory.objects.create(
            id=new_ids.setdefault(row.id, uuid.uuid4()),  # a deleted interruption keeps its history too
            line_id=line.pk,
            version=versions[row.id],
            created_at=row.history_date,
            updated_at=row.history_date,
            updated_by_id=row.history_user_id,
            start_date=row.start,
            resume_date=row.end,
            reason=row.reason,
            history_date=row.history_date,
            history_type=row.history_type,
            history_user_id=row.history_user_id,
            history_change_reason=row.history_change_reason,
        )
    for gap in LineInterruption.objects.filter(pk__in=new_ids.values()):
        gap.version = versions.get(_old_id(new_ids, gap.pk), 0) + 1  # its history's rows, then the move
        gap.save(update_fields=["version"])
        fields = {f.attname: getattr(gap, f.attname) for f in gap._meta.concrete_fields}
        NewGapHistory.objects.create(
            **fields, history_date=when, history_type="~", history_user_id=None, history_change_reason=MOVED
        )


def _old_id(new_ids: dict, new_pk):
    return next((old for old, new in new_ids.items() if new == new_pk), None)


def forwards(apps, schema_editor):
    AdjuvantCourse = apps.get_model("cases", "AdjuvantCourse")
    TherapyLine = apps.get_model("cases", "TherapyLine")
    when = timezone.now()
    for course in AdjuvantCourse.objects.order_by("case_id"):
        existing = _overlapping_line(TherapyLine, course)
        if existing is None:
            line = TherapyLine.objects.create(case_id=course.case_id, **_line_values(course))
            copied = _copy_course_history(apps, course.pk, line.pk)
            line.version = len(copied) + 1
            line.created_at = copied[0].history_date if copied else line.created_at
            line.save(update_fields=["version", "created_at"])
            _history_row(apps, line, kind="~" if copied else "+", reason=MOVED, when=when)
        else:
            line = existing
            line.planned_stop_date = line.planned_stop_date or course.planned_end
            if line.stop_date is None and course.actual_end is not None:
                line.stop_date = course.actual_end
                line.stop_reason = _stop_reason(course.actual_end, course.planned_end)
            if not line.dose_override_reason:
                line.dose_override_reason = course.dose_override_reason
            line.version += 1
            line.save()
            _history_row(apps, line, kind="~", reason=MERGED, when=when)
            # The course's own history stays readable: a record of its own, ending with the merge.
            copied = _copy_course_history(apps, course.pk, uuid.uuid4())
            if copied:
                last = copied[-1]
                last.pk = None
                last.history_id = None
                last.history_type = "-"
                last.history_date = when
                last.history_user_id = None
                last.history_change_reason = MERGED
                last.save()
        _move_interruptions(apps, course, line, when)


def backwards(apps, schema_editor):
    """The lines this migration made become follow-up adjuvant courses again, with their interruptions and the
    history copied back (the rows of the move left out); the lines and their history are then removed (a dose
    change recorded on such a line since goes with it). A course merged into a line that already existed stays
    merged."""
    AdjuvantCourse = apps.get_model("cases", "AdjuvantCourse")
    CourseHistory = apps.get_model("cases", "HistoricalAdjuvantCourse")
    Gap = apps.get_model("cases", "AdjuvantInterruption")
    GapHistory = apps.get_model("cases", "HistoricalAdjuvantInterruption")
    TherapyLine = apps.get_model("cases", "TherapyLine")
    LineHistory = apps.get_model("cases", "HistoricalTherapyLine")
    LineInterruption = apps.get_model("cases", "LineInterruption")
    NewGapHistory = apps.get_model("cases", "HistoricalLineInterruption")

    def dose(value):
        return int(round(value)) if value is not None else None

    def planned(row):
        return row.planned_stop_date or row.stop_date or row.start_date

    moved = LineHistory.objects.filter(history_change_reason=MOVED).values("id")
    for line in TherapyLine.objects.filter(pk__in=moved).order_by("case_id", "-start_date"):
        if AdjuvantCourse.objects.filter(case_id=line.case_id).exists():
            continue
        course = AdjuvantCourse.objects.create(
            case_id=line.case_id, start=line.start_date, planned_end=planned(line), actual_end=line.stop_date,
            dose_mg_per_day=dose(line.dose_mg_per_day), dose_override_reason=line.dose_override_reason,
        )  # fmt: skip
        for row in LineHistory.objects.filter(id=line.pk).exclude(history_change_reason=MOVED):
            CourseHistory.objects.create(
                case_id=line.case_id, start=row.start_date, planned_end=planned(row), actual_end=row.stop_date,
                dose_mg_per_day=dose(row.dose_mg_per_day), dose_override_reason=row.dose_override_reason,
                history_date=row.history_date, history_type=row.history_type, history_user_id=row.history_user_id,
                history_change_reason=row.history_change_reason,
            )  # fmt: skip
        for gap in LineInterruption.objects.filter(line_id=line.pk):
            old = Gap.objects.create(course=course, start=gap.start_date, end=gap.resume_date, reason=gap.reason)
            for row in NewGapHistory.objects.filter(id=gap.pk).exclude(history_change_reason=MOVED):
                GapHistory.objects.create(
                    id=old.pk, course_id=course.pk, start=row.start_date, end=row.resume_date, reason=row.reason,
                    history_date=row.history_date, history_type=row.history_type,
                    history_user_id=row.history_user_id, history_change_reason=row.history_change_reason,
                )  # fmt: skip
        NewGapHistory.objects.filter(line_id=line.pk).delete()
        LineHistory.objects.filter(id=line.pk).delete()
        line.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_line_interruptions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
