"""The patient banner: who this case is about, on every page of a case and on every page of its report.

Issue 10 finding 9 (wrong-patient risk): name, MRN, date of birth, age, sex, case status and rule set, from one
helper and one template partial (templates/records/_patient_banner.html); the report PDF prints the same facts in
its page header (`banner_line`).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext

from cases.choices import CaseStatus, Ruleset, Sex
from cases.models import Case
from cases.text_safety import isolate


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years of age on `on` (a birthday not reached yet this year does not count)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def patient_banner(
    case: Case | None = None,
    *,
    today: date | None = None,
    name: str = "",
    mrn: str = "",
    date_of_birth: date | None = None,
    sex: str = "",
    status: str = "",
    ruleset: str = "",
) -> dict | None:
    """The banner's facts for `case` (or, for a stored report, for the values given), as shown.

    `today`: the day the age is worked out on (a report: the day it was generated or signed).
    """
    if case is not None:
        patient = case.patient
        name, mrn, date_of_birth, sex = patient.full_name, patient.mrn, patient.date_of_birth, patient.sex
        status, ruleset = _label(CaseStatus, case.status), case.ruleset
    if not name:
        return None
    on = today or timezone.localdate()
    return {
        "name": name,
        "mrn": mrn,
        "date_of_birth": date_of_birth,
        "age": age_in_years(date_of_birth, on) if date_of_birth else None,
        "sex": _label(Sex, sex) if sex else gettext("Not recorded"),
        "status": status,
        "ruleset": _label(Ruleset, ruleset) if ruleset else "",
    }


def banner_line(banner: dict) -> str:
    """The banner on one line, for the report PDF's page header. Name and MRN are isolated, so a direction
    override stored before input was checked cannot reorder the rest of the line."""
    born = (
        gettext("born %(date)s (%(age)s y)")
        % {"date": f"{banner['date_of_birth']:%Y-%m-%d}", "age": banner["age"]}
        if banner["date_of_birth"]
        else ""
    )
    parts = [
        isolate(banner["name"]),
        f"{gettext('MRN')} {isolate(banner['mrn'])}",
        born,
        banner["sex"],
        banner["status"],
        banner["ruleset"],
    ]
    return " · ".join(part for part in parts if part)
