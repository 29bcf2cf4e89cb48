"""Has a case changed since its report was signed, and how? (read-only selectors)

Two views of the same question:
- `changes_since_signed`: every change to the case's clinical records after the latest signature, field by
  field (old → new, who, when), read from django-simple-history's tables. A save that changed nothing is
  not a change.
- `signed_vs_current`: the signed version against the case as it is now, row by row as the report prints
  them, for the amend page.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from cases.audit.history import history_rows
from cases.audit.labels import MERGED, MOVED
from cases.mdt.reports import ReportSource, draft_source, report_context, signed_source
from cases.models import (
    Case,
    Diagnostics,
    DoseChange,
    DrugLevel,
    ImagingAssessment,
    LineInterruption,
    Operation,
    Pathology,
    Patient,
    Presentation,
    RecurrenceEvent,
    SignedReport,
    TargetLesion,
    TherapyLine,
    TreatmentDecision,
)
from cases.templatetags.people import staff_name

# The records a report is made from, and the fields of each that the MDT's decision rests on. Bookkeeping
# fields (timestamps, status, the denormalised risk) and contact details are not clinical data.
_IGNORED = {
    "updated_at",
    "created_at",
    "status",
    "risk_category",
    "pathway",
    "needs_mdt_review",
    "mdt_review_reason",
    "changed_since_signed",
    "version",
    "archived_at",
    "owner",
    "phone",
    "email",
    "preferred_contact",
    "updated_by_id",
}
COURSE = gettext_noop("Treatment course")
# History rows written by migration 0018 when the adjuvant course moved into the treatment course: bookkeeping, not
# a clinical change (a case signed before the move would otherwise list its adjuvant course as changed).
MIGRATION_REASONS = (MOVED, MERGED)
_SECTIONS: tuple[tuple[str, type[models.Model], str], ...] = (
    (gettext_noop("Patient"), Patient, "id"),
    (gettext_noop("Case"), Case, "id"),
    (gettext_noop("Presentation"), Presentation, "case_id"),
    (gettext_noop("Diagnostics"), Diagnostics, "case_id"),
    (gettext_noop("Operation"), Operation, "case_id"),
    (gettext_noop("Pathology"), Pathology, "case_id"),
    (gettext_noop("Treatment decisions"), TreatmentDecision, "case_id"),
    # The treatment course (issue 13). A dose change belongs to a line and a target lesion to a scan: they are
    # found through the history of their parent (so a record whose parent was deleted is still found).
    (COURSE, TherapyLine, "case_id"),
    (COURSE, DoseChange, "line_id"),
    (COURSE, LineInterruption, "line_id"),
    (COURSE, ImagingAssessment, "case_id"),
    (COURSE, TargetLesion, "scan_id"),
    (COURSE, DrugLevel, "case_id"),
    (COURSE, RecurrenceEvent, "case_id"),
)
# The parent whose history holds the case of a child record's `key`.
_PARENTS: dict[str, type[models.Model]] = {"line_id": TherapyLine, "scan_id": ImagingAssessment}


@dataclass(frozen=True)
class FieldChange:
    section: str
    field: str
    old: str
    new: str
    who: str
    when: datetime


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value in (None, "", []):
        return gettext("not recorded")
    try:
        field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        text = str(model._meta.get_field(name).verbose_name)
        # not capitalize(): "ng/mL" and "EUS" keep their capitals; the words as the audit trail prints them
        return gettext(text[:1].upper() + text[1:])
    except Exception:
        return name.replace("_", " ").capitalize()


def _who(record: Any) -> str:
    user = record.history_user
    return staff_name(user) if user else gettext("unknown user")


def _owner(case: Case, model: type[models.Model], key: str) -> dict[str, Any]:
    """The filter on `model`'s history for the records of `case`."""
    if model is Patient:
        return {key: case.patient_id}
    if key in _PARENTS:
        parents = history_rows(_PARENTS[key]).filter(case_id=case.pk).values("id")
        return {f"{key}__in": parents}
    return {key: case.pk}


def _course_names(case: Case) -> dict[Any, str]:
    """The words naming a parent course record by its id, as it is now (or was last, if deleted): a line's drug
    ("imatinib"), a scan's date. Read oldest first, so that the latest version's words win (the historical models
    order newest first by default: a corrected scan date or drug named the record by its first version)."""
    oldest_first = ("history_date", "history_id")
    names: dict[Any, str] = {}
    lines = history_rows(TherapyLine).filter(case_id=case.pk).order_by(*oldest_first)
    for line_id, drug in lines.values_list("id", "drug"):
        names[line_id] = _display(TherapyLine, "drug", drug).lower()
    scans = history_rows(ImagingAssessment).filter(case_id=case.pk).order_by(*oldest_first)
    for scan_id, day in scans.values_list("id", "scan_date"):
        names[scan_id] = str(day)
    return names


def _record_name(model: type[models.Model], record: Any, names: dict[Any, str]) -> str:
    """The course record a change belongs to, in plain words (the other sections name only the field)."""
    if model is TherapyLine:
        return gettext("Therapy line %(drug)s") % {"drug": _display(model, "drug", record.drug).lower()}
    if model is DoseChange:
        if record.line_id in names:
            return gettext("Dose change %(day)s of the %(drug)s line") % {
                "day": record.change_date,
                "drug": names[record.line_id],
            }
        return gettext("Dose change %(day)s of a deleted line") % {"day": record.change_date}
    if model is LineInterruption:
        if record.line_id in names:
            return gettext("Interruption %(day)s of the %(drug)s line") % {
                "day": record.start_date,
                "drug": names[record.line_id],
            }
        return gettext("Interruption %(day)s of a deleted line") % {"day": record.start_date}
    if model is ImagingAssessment:
        return gettext("Scan %(day)s") % {"day": record.scan_date}
    if model is TargetLesion:
        if record.scan_id in names:
            return gettext("Target lesion of the scan of %(day)s") % {"day": names[record.scan_id]}
        return gettext("Target lesion of a deleted scan")
    if model is DrugLevel:
        return gettext("Drug level %(day)s") % {"day": record.sample_date}
    if model is RecurrenceEvent:
        return gettext("Recurrence %(day)s") % {"day": record.event_date}
    return ""


def _since_with_previous(rows: list[Any], pk: str, since: datetime) -> list[tuple[Any, Any]]:
    """Of `rows` (every history row of some records, oldest first by date then id), those after `since` that are not
    migration bookkeeping, each with the row before it of the same record: the latest with an earlier
    `history_date`, whatever its change reason, as django-simple-history's `prev_record` (of rows tied on the date,
    the one with the highest `history_id`, the history's own ordering; the app writes no two versions of one row at
    the same instant). One query for a section's rows and their previous versions (issue 16: a query per edit, then
    one per section, on every page showing what changed). `rows` are the versions of the case's records found by
    their owner (the case, the patient, a parent line or scan): a record's earlier versions are among them because no
    record moves to another owner in the app (a case's patient is changed in the admin; the patient's rows are found
    by the current one, as before)."""
    by_record: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        by_record[getattr(row, pk)].append(row)
    dates = {key: [row.history_date for row in same] for key, same in by_record.items()}
    found = []
    for row in rows:
        if row.history_date <= since or row.history_change_reason in MIGRATION_REASONS:
            continue
        key = getattr(row, pk)
        before = bisect_left(dates[key], row.history_date)
        found.append((row, by_record[key][before - 1] if before else None))
    return found


def latest_signed(case: Case) -> SignedReport | None:
    return case.signed_reports.defer("pdf").order_by("-version").first()


def changes_since_signed(case: Case, report: SignedReport | None = None) -> list[FieldChange]:
    """Field-level changes to the case's clinical records after `report` (default: the latest) was signed."""
    report = report or latest_signed(case)
    if report is None:
        return []
    since = report.signed_at
    changes: list[FieldChange] = []
    names: dict[Any, str] | None = None
    for section, model, key in _SECTIONS:
        # Every version of the section's records, oldest first: those after the signature are the changes, each told
        # against the version before it (which may predate the signature).
        rows = history_rows(model).filter(**_owner(case, model, key)).order_by("history_date", "history_id")
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in _IGNORED]
        fields = [name for name in fields if name not in ("id", "case_id", key)]
        for record, previous in _since_with_previous(
            list(rows.select_related("history_user")), model._meta.pk.attname, since
        ):
            prefix = ""
            if section == COURSE:
                names = _course_names(case) if names is None else names
                prefix = f"{_record_name(model, record, names)}: "
            for name in fields:
                if record.history_type == "-":
                    old, new = getattr(record, name), None
                elif previous is None:
                    old, new = None, getattr(record, name)
                else:
                    old, new = getattr(previous, name), getattr(record, name)
                if old == new or (record.history_type == "-" and old in (None, "", [], False)):
                    continue
                if previous is None and record.history_type == "+" and new in (None, "", [], False):
                    continue
                changes.append(
                    FieldChange(
                        section=gettext(section),
                        field=prefix + _label(model, name.removesuffix("_id")),
                        old=_display(model, name, old)
                        if record.history_type != "+" or previous
                        else gettext("none"),
                        new=_display(model, name, new) if record.history_type != "-" else gettext("removed"),
                        who=_who(record),
                        when=record.history_date,
                    )
                )
    changes.sort(key=lambda change: change.when)
    return changes


def assessment_differs(case: Case, report: SignedReport | None = None) -> bool:
    """Whether an assessment stored after signing answers differently from the signed one (the rule-set version
    aside)."""
    report = report or latest_signed(case)
    if report is None:
        return False
    latest = case.assessments.filter(created_at__gt=report.signed_at).order_by("-created_at").first()
    return latest is not None and _answer(latest.result) != _answer(report.result)


def _answer(result: dict) -> dict:
    """An assessment's result without the rule-set version it was made with: re-assessed with a newer version that
    answers the same, a case still says what its signed report says."""
    return {key: value for key, value in result.items() if key != "ruleset_version"}


@dataclass(frozen=True)
class DiffRow:
    label: str
    signed: str
    current: str

    @property
    def changed(self) -> bool:
        return self.signed != self.current


def _rows(source: ReportSource) -> list[tuple[str, str]]:
    """The report's content as (label, printed value) rows: identity, case summary, risk, plan, schedule."""
    ctx = report_context(source)
    patient = ctx["patient"]
    rows = [
        (_("Patient"), patient["name"]),
        (_("MRN"), patient["mrn"]),
        (_("Date of birth"), str(patient["date_of_birth"] or "")),
        (_("Sex"), patient["sex"]),
    ]
    for left, right in ctx["summary_pairs"]:
        rows.append(left)
        if right:
            rows.append(right)
    risk = ctx["risk"] or {}
    rows += [
        (_("Modified NIH risk"), risk.get("modified_nih", _("Not computed"))),
        (_("NIH 2002 risk"), risk.get("nih_2002", _("Not computed"))),
        (_("AFIP progression risk"), risk.get("afip", _("Not computed"))),
        (_("TNM stage"), f"{risk['tnm_stage']} ({risk['tnm_detail']})" if risk else _("Not staged")),
        (_("Pathway"), ctx["pathway"]),
        (_("Surgical approach"), ctx["approach"] or _("None")),
        (
            _("Adjuvant therapy"),
            ctx["therapy"]["adjuvant_recommendation"]
            + (f": {ctx['therapy']['adjuvant_plan']}" if ctx["therapy"]["adjuvant_plan"] else ""),
        ),
        (
            _("Systemic therapy"),
            "; ".join(f"{x['line']}. {x['drug']} {x['dose']}" for x in ctx["therapy"]["systemic_lines"])
            or _("None"),
        ),
    ]
    visits = ctx["surveillance"]
    rows.append(
        (
            _("Surveillance"),
            _("%(count)s visits, %(first)s to %(last)s")
            % {"count": len(visits), "first": visits[0]["due"], "last": visits[-1]["due"]}
            if visits
            else _("No schedule"),
        )
    )
    course = ctx["course"]
    if course:  # the treatment course (issue 13), one row per kind of record
        rows.append(
            (
                _("Therapy lines"),
                "; ".join(
                    " ".join([f"{x['drug']} {x['dose']}", *x["changes"]])
                    + ", "
                    + _("%(start)s to %(stop)s") % {"start": x["start"], "stop": x["stop"]}
                    for x in course["lines"]
                )
                or _("None"),
            )
        )
        last = course["scans"][-1] if course["scans"] else None
        rows.append(
            (
                _("Latest scan"),
                f"{last['date']}: {last['sum']}, RECIST 1.1 {last['recist']}"
                + (f", Choi {last['choi']}" if last["choi"] else "")
                if last
                else _("None"),
            )
        )
        rows.append(
            (_("Drug levels"), "; ".join(f"{x['date']} {x['trough']}" for x in course["levels"]) or _("None"))
        )
        rows.append(
            (
                _("Recurrences"),
                "; ".join(f"{x['date']} ({x['sites']})" for x in course["events"]) or _("None"),
            )
        )
    rows.append((_("Rule set"), f"{ctx['ruleset']} {ctx['ruleset_version']}"))
    return rows


def signed_vs_current(case: Case, report: SignedReport, current: Any) -> list[DiffRow]:
    """Row by row, the signed version against the case now (`current`: its latest assessment, or None)."""
    signed_rows = dict(_rows(signed_source(report)))
    current_rows = dict(_rows(draft_source(case, current))) if current is not None else {}
    labels = list(signed_rows) + [label for label in current_rows if label not in signed_rows]
    return [DiffRow(label, signed_rows.get(label, "—"), current_rows.get(label, "—")) for label in labels]
