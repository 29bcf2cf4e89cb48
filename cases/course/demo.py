"""A ten-year treatment course of synthetic measurements, for the demo data (seed_demo) and the benchmark.

Imatinib 400 mg/day from the start (advanced disease, line 1), a response, progression in year 4 with an
escalation to 800 mg/day, progression again in year 5 -> sunitinib 50 mg/day (line 2), progression in year 8 ->
regorafenib 160 mg/day (line 3). A CT every 3 months (40 scans), an imatinib trough level every 3 months while on
imatinib (20 levels), and the recurrence events. Every record goes through the services, so progression flags
the case for the MDT as it would in use. The numbers are made up to show the picture, not a real patient.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from cases.course import services as svc
from cases.models import Case, Patient


def months_after(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# (month, sum of diameters in mm, mean attenuation in HU) of each of the 40 scans; month 0 is the baseline.
def _burden(month: int) -> tuple[float, float]:
    if month <= 12:  # response to imatinib: 120 -> 60 mm, 90 -> 45 HU
        return 120 - 5 * month, 90 - 3.75 * month
    if month <= 42:  # stable
        return 60, 45
    if month <= 48:  # progression on 400 mg (PD at month 45: 75 mm, +25% / +15 mm from 60)
        return 60 + 5 * (month - 42), 55
    if month <= 60:  # escalation to 800 mg holds it, then grows again (PD at month 60)
        return (90, 55) if month < 60 else (110, 60)
    if month <= 66:  # sunitinib: a Choi response (attenuation falls) while the size barely moves
        return 105, 42
    if month <= 93:
        return 100, 42
    if (
        month <= 96
    ):  # progression on sunitinib (month 96: 124 mm, +24% / +24 mm from the 100 mm nadir) -> regorafenib
        return 100 + 8 * (month - 93), 50
    return 128, 48  # regorafenib: stable against its baseline (124 mm at month 96: +3%)


def long_course(*, case: Case, user, start: date) -> None:
    """Write the ten-year course of the module docstring on `case`, starting on `start`."""
    imatinib = svc.line_save(
        case=case,
        user=user,
        data={"setting": "advanced_1", "drug": "imatinib", "dose_mg_per_day": Decimal(400),
              "start_date": start, "stop_date": months_after(start, 61), "stop_reason": "progression",
              "notes": ""},
    )  # fmt: skip
    svc.dose_change_save(
        case=case,
        user=user,
        data={"line": imatinib.pk, "change_date": months_after(start, 46), "dose_mg_per_day": Decimal(800),
              "reason": "Progression on 400 mg/day"},
    )  # fmt: skip
    svc.line_save(
        case=case,
        user=user,
        data={"setting": "advanced_2", "drug": "sunitinib", "dose_mg_per_day": Decimal(50),
              "start_date": months_after(start, 61), "stop_date": months_after(start, 97),
              "stop_reason": "progression", "notes": "4 weeks on, 2 off"},
    )  # fmt: skip
    svc.line_save(
        case=case,
        user=user,
        data={"setting": "advanced_3", "drug": "regorafenib", "dose_mg_per_day": Decimal(160),
              "start_date": months_after(start, 97), "stop_date": None, "stop_reason": "", "notes": ""},
    )  # fmt: skip
    for index in range(40):
        month = 3 * index
        total, hu = _burden(month)
        day = start - timedelta(days=7) if month == 0 else months_after(start, month)
        big = round(total * 0.6, 1)
        svc.scan_save(
            case=case,
            user=user,
            data={"scan_date": day, "modality": "ct"},
            lesions=[
                {"organ": "liver", "diameter_mm": Decimal(str(big)), "attenuation_hu": Decimal(str(hu))},
                {
                    "organ": "peritoneum",
                    "diameter_mm": Decimal(str(round(total - big, 1))),
                    "attenuation_hu": Decimal(str(hu)),
                },
            ],  # fmt: skip
        )
    for index in range(20):
        month = 3 * index + 3
        level = 900 if month in (42, 45) else 1300 + (index % 4) * 150
        svc.level_save(
            case=case,
            user=user,
            data={"sample_date": months_after(start, month), "trough_ng_ml": Decimal(level),
                  "hours_since_dose": Decimal(24)},
        )  # fmt: skip
    for month, sites in ((45, {"site_liver": True}), (97, {"site_peritoneum": True})):
        svc.event_save(
            case=case,
            user=user,
            data={"event_date": months_after(start, month), "found_by": "scheduled_scan", **sites},
        )


# Sum of the target lesions' diameters (mm) at each scan of the resected course, by month after surgery: the
# recurrence (baseline), a response to imatinib 400, progression (month 84), a response to 800, progression again
# (month 99), then sunitinib holds it.
_RESECTED_BURDEN = {54: 80, 57: 70, 60: 60, 63: 55, 84: 65, 87: 58, 99: 70, 102: 68}


def _resected_burden(month: int) -> float:
    if month in _RESECTED_BURDEN:
        return _RESECTED_BURDEN[month]
    if month < 84:
        return 50  # the nadir on imatinib 400 (month 66: 80 -> 50 mm, -37.5%: PR)
    if month < 99:
        return 55  # on 800 mg: +10% from the 50 mm nadir, SD
    return 66  # sunitinib: stable against its baseline (70 mm at month 99)


def resected_course(*, case: Case, user, surgery: date) -> None:
    """A resected gastric GIST's ten years: adjuvant imatinib 400 mg/day for 3 years from 35 days after surgery,
    interrupted 3 weeks for neutropenia, completed; recurrence in the liver at month 54 found on a scheduled scan;
    imatinib 400 (advanced, line 1) from month 55, 800 from month 85 after progression, then sunitinib (line 2)
    from month 100 after progression again. A CT every 3 months from the recurrence, trough levels on imatinib."""
    start = surgery + timedelta(days=35)
    adjuvant = svc.line_save(
        case=case,
        user=user,
        data={"setting": "adjuvant", "drug": "imatinib", "dose_mg_per_day": Decimal(400), "start_date": start,
              "planned_stop_date": months_after(start, 36), "stop_date": months_after(start, 36),
              "stop_reason": "completed", "notes": ""},
    )  # fmt: skip
    svc.interruption_save(
        case=case,
        user=user,
        data={"line": adjuvant.pk, "start_date": months_after(start, 5).replace(day=1),
              "resume_date": months_after(start, 5).replace(day=22), "reason": "Grade 3 neutropenia"},
    )  # fmt: skip
    svc.event_save(
        case=case,
        user=user,
        data={"event_date": months_after(surgery, 54), "found_by": "scheduled_scan", "site_liver": True},
    )
    imatinib = svc.line_save(
        case=case,
        user=user,
        data={"setting": "advanced_1", "drug": "imatinib", "dose_mg_per_day": Decimal(400),
              "start_date": months_after(surgery, 55), "stop_date": months_after(surgery, 100),
              "stop_reason": "progression", "notes": ""},
    )  # fmt: skip
    svc.dose_change_save(
        case=case,
        user=user,
        data={"line": imatinib.pk, "change_date": months_after(surgery, 85), "dose_mg_per_day": Decimal(800),
              "reason": "Progression on 400 mg/day"},
    )  # fmt: skip
    svc.line_save(
        case=case,
        user=user,
        data={"setting": "advanced_2", "drug": "sunitinib", "dose_mg_per_day": Decimal(50),
              "start_date": months_after(surgery, 100), "stop_date": None, "stop_reason": "",
              "notes": "4 weeks on, 2 off"},
    )  # fmt: skip
    for month in range(54, 121, 3):
        total = _resected_burden(month)
        big = round(total * 0.6, 1)
        svc.scan_save(
            case=case,
            user=user,
            data={"scan_date": months_after(surgery, month), "modality": "ct"},
            lesions=[
                {"organ": "liver", "diameter_mm": Decimal(str(big)), "attenuation_hu": Decimal(70)},
                {
                    "organ": "liver",
                    "diameter_mm": Decimal(str(round(total - big, 1))),
                    "attenuation_hu": Decimal(70),
                },
            ],  # fmt: skip
        )
    for month in range(57, 99, 3):
        svc.level_save(
            case=case,
            user=user,
            data={"sample_date": months_after(surgery, month), "trough_ng_ml": Decimal(950 if month == 81 else 1250),
                  "hours_since_dose": Decimal(24)},
        )  # fmt: skip


#: The demo's long courses: (date of diagnosis, primary site, size in cm). Liver and peritoneal metastases.
LONG_COURSES = ((date(2016, 2, 1), "stomach", "9.5"), (date(2016, 9, 5), "small_intestine", "12"))


@transaction.atomic
def demo_long_courses(*, user, patients: list[dict]) -> int:
    """A metastatic case with a ten-year course for each of the first `patients` (seed_demo's patient fields, one
    per LONG_COURSES) not on record yet, and a resected case with its adjuvant line and recurrence (resected_course)
    for the one after them; returns how many were added."""
    from cases.records.services import case_create, case_save_step  # the records services import much

    added = 0
    for fields, (diagnosis, site, size) in zip(patients, LONG_COURSES, strict=False):
        if Patient.objects.filter(mrn=fields["mrn"]).exists():
            continue
        case = case_create(**fields, diagnosis_date=diagnosis, ruleset=None, user=user)
        presentation = {"presentation": "metastatic", "site": site, "size_cm": Decimal(size),
                        "metastatic_sites": "liver, peritoneum", "histology_confirmed": True,
                        "cd117": "positive", "dog1": "positive", "biopsy_done": True, "biopsy_method": "eus_fna",
                        "biopsy_date": diagnosis, "eus_features": [], "clinical_features": []}  # fmt: skip
        case_save_step(case=case, step="presentation", data=presentation, user=user)
        long_course(case=Case.objects.get(pk=case.pk), user=user, start=diagnosis + timedelta(days=21))
        added += 1
    if len(patients) > len(LONG_COURSES) and not Patient.objects.filter(mrn=patients[-1]["mrn"]).exists():
        added += _demo_resected(user=user, fields=patients[-1])
    return added


#: The resected course's patient: (date of diagnosis, date of surgery); a 7 cm gastric GIST, 8 mitoses/5 mm².
RESECTED = (date(2016, 1, 18), date(2016, 3, 1))


def _demo_resected(*, user, fields: dict) -> int:
    from cases.records.services import case_create, case_save_step  # the records services import much

    diagnosis, surgery = RESECTED
    case = case_create(**fields, diagnosis_date=diagnosis, ruleset=None, user=user)
    steps = (
        ("presentation", {"presentation": "localized", "site": "stomach", "size_cm": Decimal(7),
                          "gastric_location": "greater_curvature", "histology_confirmed": True, "cd117": "positive",
                          "dog1": "positive", "eus_features": [], "clinical_features": []}),
        ("operation", {"resected": True, "surgery_date": surgery, "approach_used": "open", "margin": "R0",
                       "rupture_grade": "none"}),
        ("pathology", {"mitoses_per_5mm2": 8, "genotype": "kit_exon_11", "adjuvant_decision": "given",
                       "adjuvant_start": surgery + timedelta(days=35), "adjuvant_dose_mg": 400,
                       "adjuvant_planned_months": 36}),
    )  # fmt: skip
    for step, data in steps:
        case_save_step(case=case, step=step, data=data, user=user)
    resected_course(case=Case.objects.get(pk=case.pk), user=user, surgery=surgery)
    return 1
