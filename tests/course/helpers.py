"""Building blocks of the treatment-course tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cases.course import services as svc


def line(
    case,
    user,
    *,
    drug="imatinib",
    dose=400,
    start=date(2026, 2, 1),
    stop=None,
    reason="",
    setting="advanced_1",
    planned_stop=None,
):
    return svc.line_save(
        case=case,
        user=user,
        data={
            "setting": setting,
            "drug": drug,
            "dose_mg_per_day": Decimal(dose),
            "start_date": start,
            "stop_date": stop,
            "stop_reason": reason,
            "planned_stop_date": planned_stop,
            "notes": "",
        },
    )


def scan(case, user, day, *lesions, new=False, nodule=False, modality="ct"):
    """`lesions`: (organ, diameter) or (organ, diameter, HU)."""
    return svc.scan_save(
        case=case,
        user=user,
        data={"scan_date": day, "modality": modality, "new_lesions": new, "new_intratumoral_nodule": nodule},
        lesions=[
            {
                "organ": item[0],
                "diameter_mm": Decimal(str(item[1])),
                "attenuation_hu": Decimal(str(item[2])) if len(item) > 2 else None,
            }
            for item in lesions
        ],
    )
