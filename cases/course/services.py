"""Writes of the treatment course: keyword-only, one transaction each, refusing with ServiceError.

Every write marks a case with a signed report "changed since signed" in its transaction, as the other clinical
records do (cases.mdt.services.case_note_clinical_change; the changes are listed by cases/mdt/drift.py).

An edit carries the version its form was opened at: if someone saved the record since, nothing is written and
EditConflict says who and when (as cases/records/services.py case_save_step). A scan that computes progressive
disease (RECIST 1.1 or Choi) and a recorded recurrence flag the case for the MDT in the same transaction; the
nurses' worklist items of the course (cases/course/worklist.py) are written in the same transaction too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models, transaction
from django.utils.translation import gettext, gettext_noop

from cases.course import validation, worklist
from cases.course.selectors import adjuvant_line, course_for, scan_responses
from cases.course.texts import day_text, describe
from cases.followups.services import case_flag_for_mdt, followups_on_case_change
from cases.mdt.services import case_note_clinical_change
from cases.models import (
    Case,
    DoseChange,
    DrugLevel,
    ImagingAssessment,
    LineInterruption,
    RecurrenceEvent,
    TargetLesion,
    TherapyLine,
)
from cases.models.course import Drug, LesionOrgan, LineSetting
from cases.service_helpers import EditConflict, ServiceError, claim_version, last_editor, record_history

# English in the stored history and worklist reasons; in the reader's language in an edit conflict's message.
WHAT = {
    TherapyLine: gettext_noop("therapy line"),
    DoseChange: gettext_noop("dose change"),
    LineInterruption: gettext_noop("interruption"),
    ImagingAssessment: gettext_noop("scan"),
    DrugLevel: gettext_noop("drug level"),
    RecurrenceEvent: gettext_noop("recurrence event"),
}


def _claim(obj: models.Model, expected_version: int | None) -> None:
    """Take `obj` to its next version, or refuse if someone saved it after the form was opened."""
    model = type(obj)
    version = claim_version(model, obj.pk, expected_version)
    if version is None:
        who, when = last_editor(obj)
        raise EditConflict(gettext(WHAT[model]), who=who, when=when)
    obj.version = version


def _write(
    obj: models.Model, values: Mapping, *, user, reason: str, expected_version: int | None, new: bool
) -> None:
    if not new:
        _claim(obj, expected_version)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.updated_by = user
    record_history(obj, user, reason)
    obj.save()


def _note_change(case_id) -> None:
    """After a write: a signed report of the case no longer matches it (read fresh: the caller's copy of the
    case may predate the write)."""
    case_note_clinical_change(case=Case.objects.get(pk=case_id))


def _flag(case: Case, *, user, reason: str) -> None:
    case.refresh_from_db(fields=["needs_mdt_review", "mdt_review_reason"])
    previous = case.mdt_review_reason if case.needs_mdt_review else ""
    if reason in previous:
        return
    case_flag_for_mdt(case=case, user=user, reason=f"{previous}; {reason}" if previous else reason)


# Therapy lines ----------------------------------------------------------------------------------------------


LINE_FIELDS = (
    "setting",
    "drug",
    "dose_mg_per_day",
    "dose_override_reason",
    "start_date",
    "planned_stop_date",
    "stop_date",
    "stop_reason",
    "notes",
)


def _drug_label(drug: str) -> str:
    return Drug(drug).label.lower() if drug in Drug.values else drug


@transaction.atomic
def line_save(
    *,
    case: Case,
    user,
    data: Mapping,
    line: TherapyLine | None = None,
    expected_version: int | None = None,
) -> TherapyLine:
    values = {name: data.get(name) for name in LINE_FIELDS}
    for name in ("stop_reason", "notes", "dose_override_reason"):
        values[name] = (values[name] or "").strip()
    others = TherapyLine.objects.filter(case=case)
    if line is not None:
        others = others.exclude(pk=line.pk)
    operation = case.section("operation")
    problems = validation.line_problems(
        drug=values["drug"],
        drug_label=_drug_label(values["drug"]),
        start_date=values["start_date"],
        stop_date=values["stop_date"],
        stop_reason=values["stop_reason"],
        others=others.values_list("drug", "start_date", "stop_date"),
        setting=values["setting"],
        planned_stop_date=values["planned_stop_date"],
        surgery_date=operation.surgery_date if operation is not None else None,
    )
    # The message a dose outside the drug's usual range gets (none: a usual dose, or a drug without rule data).
    unusual = validation.dose_problems(
        drug=values["drug"], drug_label=_drug_label(values["drug"]), dose=values["dose_mg_per_day"]
    )
    if not unusual:
        values["dose_override_reason"] = ""  # a usual dose needs no reason: none is kept
    elif not values["dose_override_reason"]:
        problems = unusual | problems
    if problems:
        raise ServiceError.for_fields(problems)
    new = line is None
    line = line or TherapyLine(case=case)
    _write(
        line,
        values,
        user=user,
        reason="Therapy line added" if new else "Therapy line edited",
        expected_version=expected_version,
        new=new,
    )
    # The schedule follows the course (RULES.md section 8): a line's start or stop moves R or A.
    followups_on_case_change(case=case, user=user)
    worklist.line_saved(line, user=user)
    _note_change(case.pk)
    return line


#: What the follow-up page's adjuvant form edits; the line's other values are kept as they are.
ADJUVANT_FIELDS = (
    "start_date",
    "planned_stop_date",
    "stop_date",
    "stop_reason",
    "dose_mg_per_day",
    "dose_override_reason",
)


@transaction.atomic
def adjuvant_line_save(
    *, case: Case, user, data: Mapping, line_id=None, expected_version: int | None = None
) -> TherapyLine:
    """The follow-up page's adjuvant course: the adjuvant line `line_id` of the case, or (None: the page showed no
    adjuvant line) a new adjuvant imatinib line (the drug of adjuvant therapy in GIST, RULES.md section 5). The
    same checks and history as the course page. Refused when the page is out of date: the line was deleted (or
    is no longer adjuvant), or a line was recorded since a page that showed none was opened."""
    if line_id is not None:
        line = TherapyLine.objects.filter(case=case, setting=LineSetting.ADJUVANT, pk=line_id).first()
        if line is None:
            raise ServiceError(
                gettext(
                    "The adjuvant line shown on this page was deleted, or is no longer adjuvant, since the page was "
                    "opened: nothing was saved. Open the page again."
                )
            )
        values = {name: getattr(line, name) for name in LINE_FIELDS}
    else:
        line = None
        recorded = adjuvant_line(case)
        if recorded is not None:
            who, when = last_editor(recorded)
            raise EditConflict(gettext(WHAT[TherapyLine]), who=who, when=when)
        values = {"setting": LineSetting.ADJUVANT, "drug": Drug.IMATINIB, "notes": ""}
    values.update({name: data.get(name) for name in ADJUVANT_FIELDS})
    return line_save(case=case, user=user, data=values, line=line, expected_version=expected_version)


@transaction.atomic
def interruption_save(
    *,
    case: Case,
    user,
    data: Mapping,
    interruption: LineInterruption | None = None,
    expected_version: int | None = None,
) -> LineInterruption:
    line = TherapyLine.objects.filter(case=case, pk=data.get("line")).first()
    if line is None:
        raise ServiceError(gettext("Therapy line: choose one of this case's lines."), field="line")
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ServiceError(gettext("Reason: required."), field="reason")
    others = LineInterruption.objects.filter(line=line)
    if interruption is not None:
        others = others.exclude(pk=interruption.pk)
    problems = validation.interruption_problems(
        start_date=data["start_date"],
        resume_date=data.get("resume_date"),
        line_start=line.start_date,
        line_stop=line.stop_date,
        others=others.values_list("start_date", "resume_date"),
    )
    if problems:
        raise ServiceError.for_fields(problems)
    new = interruption is None
    interruption = interruption or LineInterruption()
    values = {
        "line": line,
        "start_date": data["start_date"],
        "resume_date": data.get("resume_date"),
        "reason": reason,
    }
    _write(
        interruption,
        values,
        user=user,
        reason="Interruption added" if new else "Interruption edited",
        expected_version=expected_version,
        new=new,
    )
    # An interruption pushes back the real end of a line that has only its planned stop (RULES.md section 8's A).
    followups_on_case_change(case=case, user=user)
    _note_change(case.pk)
    return interruption


@transaction.atomic
def dose_change_save(
    *,
    case: Case,
    user,
    data: Mapping,
    change: DoseChange | None = None,
    expected_version: int | None = None,
) -> DoseChange:
    line = TherapyLine.objects.filter(case=case, pk=data.get("line")).first()
    if line is None:
        raise ServiceError(gettext("Therapy line: choose one of this case's lines."), field="line")
    problems = validation.dose_change_problems(
        change_date=data["change_date"],
        line_start=line.start_date,
        line_stop=line.stop_date,
        line_label=describe(line),
    )
    if problems:
        raise ServiceError.for_fields(problems)
    new = change is None
    change = change or DoseChange()
    values = {
        "line": line,
        "change_date": data["change_date"],
        "dose_mg_per_day": data["dose_mg_per_day"],
        "reason": data["reason"].strip(),
    }
    _write(
        change,
        values,
        user=user,
        reason="Dose change added" if new else "Dose change edited",
        expected_version=expected_version,
        new=new,
    )
    worklist.dose_change_saved(change, user=user)
    _note_change(case.pk)
    return change


# Scans ------------------------------------------------------------------------------------------------------


@transaction.atomic
def scan_save(
    *,
    case: Case,
    user,
    data: Mapping,
    lesions: Sequence[Mapping],
    scan: ImagingAssessment | None = None,
    expected_version: int | None = None,
) -> ImagingAssessment:
    """Save a scan and its target lesions (replacing the previous ones); flag the MDT if it computes PD.

    `lesions`: organ, diameter_mm, attenuation_hu, and optionally the form `row` it was typed in (for messages)."""
    rows = [lesion.get("row", index) for index, lesion in enumerate(lesions, start=1)]
    lesions = [{k: v for k, v in lesion.items() if k != "row"} for lesion in lesions]
    problems = validation.scan_problems(
        scan_date=data["scan_date"],
        diagnosis_date=case.diagnosis_date,
        organs=[lesion["organ"] for lesion in lesions],
        rows=rows,
        organ_labels=dict(LesionOrgan.choices),
        modality=data["modality"],
        attenuation_rows=[
            row for row, lesion in zip(rows, lesions, strict=True) if lesion.get("attenuation_hu") is not None
        ],
    )
    if problems:
        raise ServiceError.for_fields(problems)
    new = scan is None
    scan = scan or ImagingAssessment(case=case)
    values = {
        "scan_date": data["scan_date"],
        "modality": data["modality"],
        "new_lesions": bool(data.get("new_lesions")),
        "new_intratumoral_nodule": bool(data.get("new_intratumoral_nodule")),
        "notes": (data.get("notes") or "").strip(),
    }
    _write(
        scan,
        values,
        user=user,
        reason="Scan added" if new else "Scan edited",
        expected_version=expected_version,
        new=new,
    )
    for old in scan.lesions.all():
        record_history(old, user, "Scan edited")
        old.delete()
    for position, lesion in enumerate(lesions, start=1):
        target = TargetLesion(scan=scan, position=position, **lesion)
        record_history(target, user, "Scan added" if new else "Scan edited")
        target.save()
    progression = _flag_progression(case, scan, user=user)
    worklist.scan_saved(scan, user=user, progression=progression, new=new)
    _note_change(case.pk)
    return scan


def _flag_progression(case: Case, scan: ImagingAssessment, *, user) -> bool:
    """Flag the case for the MDT if the scan computes progression; say whether it does."""
    row = next(r for r in scan_responses(course_for(case)) if r.scan.pk == scan.pk)
    if not row.progression:
        return False
    said = [
        f"{r.criteria} {r.category}" for r in (row.recist, row.choi) if r is not None and r.category == "PD"
    ]
    reason = f"Scan of {scan.scan_date:%d %b %Y} computes progression ({', '.join(said)}): re-discuss"
    _flag(case, user=user, reason=reason)
    return True


# Drug levels and recurrence events --------------------------------------------------------------------------


@transaction.atomic
def level_save(
    *,
    case: Case,
    user,
    data: Mapping,
    level: DrugLevel | None = None,
    expected_version: int | None = None,
) -> DrugLevel:
    new = level is None
    level = level or DrugLevel(case=case)
    values = {name: data[name] for name in ("sample_date", "trough_ng_ml", "hours_since_dose")}
    _write(
        level,
        values,
        user=user,
        reason="Drug level added" if new else "Drug level edited",
        expected_version=expected_version,
        new=new,
    )
    worklist.level_saved(level, user=user, new=new)
    _note_change(case.pk)
    return level


@transaction.atomic
def event_save(
    *,
    case: Case,
    user,
    data: Mapping,
    event: RecurrenceEvent | None = None,
    expected_version: int | None = None,
) -> RecurrenceEvent:
    if not (data.get("site_liver") or data.get("site_peritoneum") or (data.get("site_other") or "").strip()):
        raise ServiceError(
            gettext("Sites: tick liver or peritoneum, or name the other site."), field="site_liver"
        )
    if case.diagnosis_date and data["event_date"] < case.diagnosis_date:
        raise ServiceError(
            gettext("Date: %(date)s is before the date of diagnosis (%(diagnosis)s).")
            % {"date": day_text(data["event_date"]), "diagnosis": day_text(case.diagnosis_date)},
            field="event_date",
        )
    new = event is None
    event = event or RecurrenceEvent(case=case)
    values = {
        "event_date": data["event_date"],
        "site_liver": bool(data.get("site_liver")),
        "site_peritoneum": bool(data.get("site_peritoneum")),
        "site_other": (data.get("site_other") or "").strip(),
        "found_by": data["found_by"],
        "notes": (data.get("notes") or "").strip(),
    }
    _write(
        event,
        values,
        user=user,
        reason="Recurrence recorded" if new else "Recurrence edited",
        expected_version=expected_version,
        new=new,
    )
    if new:
        _flag(
            case,
            user=user,
            reason=f"Recurrence/progression on {event.event_date:%d %b %Y} ({', '.join(event.sites)}): re-discuss",
        )
    _note_change(case.pk)
    return event


@transaction.atomic
def record_delete(*, obj: models.Model, user, expected_version: int | None = None) -> None:
    """Delete a course record (its history keeps who and when); refused if it changed since the page opened.

    What goes with it is deleted first, each with its own history (a line's dose changes, a scan's lesions), and
    the pending worklist items it made are cancelled."""
    _claim(obj, expected_version)
    case_id = obj.line.case_id if isinstance(obj, DoseChange | LineInterruption) else obj.case_id
    what = WHAT[type(obj)]
    worklist.record_deleted(obj, user=user, what=what)
    reason = f"{what.capitalize()} deleted"
    for child in deleted_with(obj):
        record_history(child, user, f"{reason} (with it)")
        child.delete()
    record_history(obj, user, reason)
    obj.delete()
    if isinstance(obj, TherapyLine | LineInterruption):
        followups_on_case_change(case=Case.objects.get(pk=case_id), user=user)
    _note_change(case_id)


def deleted_with(obj: models.Model) -> list[models.Model]:
    """The records deleted together with `obj` (named on the confirmation page)."""
    if isinstance(obj, TherapyLine):
        return [*obj.dose_changes.all(), *obj.interruptions.all()]
    if isinstance(obj, ImagingAssessment):
        return list(obj.lesions.all())
    return []
