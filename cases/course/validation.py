"""Cross-field and cross-record rules of the treatment course, testable with plain values.

Each function returns {field name: message} (empty when nothing is wrong); the services refuse with them
(ServiceError.for_fields) so that the form shows each message on the field it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.utils.translation import gettext as _

from cases.course.texts import day_text as _d
from guidelines.response import MAX_TARGET_LESIONS, MAX_TARGET_LESIONS_PER_ORGAN
from guidelines.rulesets.drug_doses import usual_range_missed


def line_problems(
    *,
    drug: str,
    drug_label: str,
    start_date: date,
    stop_date: date | None,
    stop_reason: str,
    others: Iterable[tuple[str, date, date | None]],
    setting: str = "",
    planned_stop_date: date | None = None,
    surgery_date: date | None = None,
) -> dict[str, str]:
    """A therapy line's dates in order (its planned stop after its start; an adjuvant line after the operation),
    its stop reason with its stop date, no overlap with a line of the same drug (`others`: (drug, start, stop)
    of the case's other lines). Lines that meet on a day (one stops the day the next starts) do not overlap."""
    problems: dict[str, str] = {}
    if planned_stop_date is not None and planned_stop_date <= start_date:
        problems["planned_stop_date"] = _("Planned stop: %(stop)s is not after the start (%(start)s).") % {
            "stop": _d(planned_stop_date),
            "start": _d(start_date),
        }
    if setting == "adjuvant" and surgery_date is not None and start_date < surgery_date:
        problems["start_date"] = _(
            "Started: adjuvant therapy starts after the operation: the surgery was on %(surgery)s, the start "
            "given is %(start)s."
        ) % {"surgery": _d(surgery_date), "start": _d(start_date)}
    if stop_date is not None and stop_date < start_date:
        problems["stop_date"] = _(
            "Stopped: %(stop)s is before the start (%(start)s); a line cannot stop before it starts."
        ) % {"stop": _d(stop_date), "start": _d(start_date)}
    if stop_date is not None and not stop_reason:
        problems["stop_reason"] = _("Reason stopped: choose why the line stopped.")
    if stop_reason and stop_date is None:
        problems["stop_date"] = _("Stopped: give the date the line stopped, or clear the reason stopped.")
    if "stop_date" in problems or "start_date" in problems:
        return problems
    end = stop_date or date.max
    for other_drug, other_start, other_stop in others:
        other_end = other_stop or date.max
        if other_drug == drug and start_date < other_end and other_start < end:
            until = _d(other_stop) if other_stop else _("ongoing")
            problems["start_date"] = _(
                "Started: this %(drug)s line overlaps the %(drug)s line of %(start)s to %(until)s. Record a dose "
                "change within that line instead, or stop it first."
            ) % {"drug": drug_label, "start": _d(other_start), "until": until}
            break
    return problems


def dose_problems(*, drug: str, drug_label: str, dose) -> dict[str, str]:
    """A dose outside the drug's usual daily doses (guidelines/rulesets/drug_doses.py, with its source): the message
    that asks for the reason for it (the service keeps the dose when the reason is given). A drug without rule data
    is not checked."""
    usual = usual_range_missed(drug, float(dose)) if dose is not None else None
    if usual is None:
        return {}
    values = {
        "dose": f"{float(dose):g}",
        "drug": drug_label,
        "low": usual.low_mg_per_day,
        "high": usual.high_mg_per_day,
        "source": usual.source,
    }
    if float(dose) < usual.low_mg_per_day:
        text = _(
            "Dose (mg/day): %(dose)s mg/day is below the usual range: the usual %(drug)s dose is %(low)s-%(high)s "
            "mg/day (%(source)s). Check the prescription; if this dose is intended, give the reason for it."
        )
    else:
        text = _(
            "Dose (mg/day): %(dose)s mg/day is above the usual range: the usual %(drug)s dose is %(low)s-%(high)s "
            "mg/day (%(source)s). Check the prescription; if this dose is intended, give the reason for it."
        )
    return {"dose_mg_per_day": text % values}


def interruption_problems(
    *,
    start_date: date,
    resume_date: date | None,
    line_start: date,
    line_stop: date | None,
    others: Iterable[tuple[date, date | None]],
) -> dict[str, str]:
    """An interruption within its line (from its start to its stop), resumed after it began, not overlapping
    another interruption of the line (`others`: (start, resume) of the line's other interruptions)."""
    if start_date < line_start:
        return {
            "start_date": _("Interrupted from: %(date)s is before the start of the line (%(start)s).")
            % {"date": _d(start_date), "start": _d(line_start)}
        }
    if line_stop is not None and start_date > line_stop:
        return {
            "start_date": _("Interrupted from: %(date)s is after the line stopped (%(stop)s).")
            % {"date": _d(start_date), "stop": _d(line_stop)}
        }
    if resume_date is not None and resume_date < start_date:
        return {
            "resume_date": _("Resumed on: %(date)s is before the interruption began (%(start)s).")
            % {"date": _d(resume_date), "start": _d(start_date)}
        }
    end = resume_date or date.max
    for other_start, other_resume in others:
        if start_date < (other_resume or date.max) and other_start < end:
            until = _d(other_resume) if other_resume else _("ongoing")
            return {
                "start_date": _("Interrupted from: this overlaps the interruption of %(start)s to %(until)s.")
                % {"start": _d(other_start), "until": until}
            }
    return {}


def dose_change_problems(
    *, change_date: date, line_start: date, line_stop: date | None, line_label: str
) -> dict[str, str]:
    if change_date < line_start or (line_stop is not None and change_date > line_stop):
        until = _d(line_stop) if line_stop else _("ongoing")
        return {
            "change_date": _("Date: %(date)s is outside the line %(line)s (%(start)s to %(until)s).")
            % {"date": _d(change_date), "line": line_label, "start": _d(line_start), "until": until}
        }
    return {}


def scan_problems(
    *,
    scan_date: date,
    diagnosis_date: date | None,
    organs: Sequence[str],
    rows: Sequence[int] = (),
    organ_labels: dict[str, str],
    modality: str = "ct",
    attenuation_rows: Sequence[int] = (),
) -> dict[str, str]:
    """A scan not before the diagnosis; RECIST 1.1 target lesions: at most 5, at most 2 per organ
    (Eisenhauer 2009). `organs`: the organ of each target lesion, in row order (row n is field `organ_<n>`).
    Hounsfield units exist on CT only (the CT of a PET-CT included): an MRI carries none (`attenuation_rows`:
    the rows where one was typed). `rows`: the form row of each lesion (1, 2, ... when not given)."""
    problems: dict[str, str] = {}
    if modality == "mri":
        for row in attenuation_rows:
            problems[f"hu_{row}"] = _(
                "Lesion %(row)s: attenuation (HU): Hounsfield units are measured on CT, not MRI; leave it empty."
            ) % {"row": row}
    if diagnosis_date is not None and scan_date < diagnosis_date:
        problems["scan_date"] = _("Scan date: %(date)s is before the date of diagnosis (%(diagnosis)s).") % {
            "date": _d(scan_date),
            "diagnosis": _d(diagnosis_date),
        }
    if len(organs) > MAX_TARGET_LESIONS:
        problems["organ_1"] = _("At most %(max)s target lesions (RECIST 1.1); got %(count)s.") % {
            "max": MAX_TARGET_LESIONS,
            "count": len(organs),
        }
    seen: dict[str, int] = {}
    for row, organ in zip(rows or range(1, len(organs) + 1), organs, strict=True):
        seen[organ] = seen.get(organ, 0) + 1
        if seen[organ] > MAX_TARGET_LESIONS_PER_ORGAN:
            problems[f"organ_{row}"] = _(
                "Organ of lesion %(row)s: at most %(max)s target lesions per organ (RECIST 1.1); this is the third "
                "in %(organ)s."
            ) % {
                "row": row,
                "max": MAX_TARGET_LESIONS_PER_ORGAN,
                "organ": organ_labels.get(organ, organ).lower(),
            }
    return problems
