"""Tumour response on imaging, computed from lesion measurements, never typed (RULES.md section 6).

Two sets of criteria, side by side, each with its arithmetic:

- **RECIST 1.1** (Eisenhauer EA et al. Eur J Cancer 2009;45:228-47): up to 5 target lesions, at most 2 per
  organ; the sum of their longest diameters. Complete response (CR): every target lesion gone. Partial response
  (PR): the sum at least 30% below the *baseline* sum. Progressive disease (PD): the sum at least 20% above the
  *nadir* (the smallest sum so far, the baseline included) and at least 5 mm larger in absolute terms, or any new
  lesion. Stable disease (SD): none of these.
- **Choi** (Choi H et al. J Clin Oncol 2007;25:1753-9), for GIST on CT: PR: the sum of diameters at least 10%
  below baseline *or* the mean CT attenuation at least 15% below baseline, and no new lesion. PD: the sum at least
  10% above baseline without the attenuation criterion for PR, or a new lesion, or a new nodule inside a mass
  (or growth of one). CR: every lesion gone. SD: the rest.

A tumour that grows but falls in attenuation (cystic change under imatinib) is the classic disagreement: Choi
PR while RECIST says SD (or PD). A response needs a baseline scan: without one nothing is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: RECIST 1.1 limits on target lesions (Eisenhauer 2009, section 3.3).
MAX_TARGET_LESIONS = 5
MAX_TARGET_LESIONS_PER_ORGAN = 2
#: Plausible measurements: a longest diameter of 1-500 mm; CT attenuation from -1000 (air) to 3000 HU.
DIAMETER_MM = (1.0, 500.0)
ATTENUATION_HU = (-1000.0, 3000.0)

RECIST_PR_DECREASE_PCT = 30.0
RECIST_PD_INCREASE_PCT = 20.0
RECIST_PD_ABSOLUTE_MM = 5.0
CHOI_SIZE_PCT = 10.0
CHOI_ATTENUATION_DECREASE_PCT = 15.0


@dataclass(frozen=True, slots=True)
class Lesion:
    organ: str
    diameter_mm: float
    attenuation_hu: float | None = None


@dataclass(frozen=True, slots=True)
class Scan:
    day: date
    lesions: tuple[Lesion, ...]
    new_lesions: bool = False
    new_intratumoral_nodule: bool = False

    @property
    def sum_mm(self) -> float:
        return sum(lesion.diameter_mm for lesion in self.lesions)

    @property
    def mean_attenuation_hu(self) -> float | None:
        values = [lesion.attenuation_hu for lesion in self.lesions if lesion.attenuation_hu is not None]
        if not values or len(values) != len(self.lesions):
            return None
        return sum(values) / len(values)


@dataclass(frozen=True, slots=True)
class Response:
    criteria: str  # "RECIST 1.1" | "Choi"
    category: str  # CR | PR | SD | PD
    reference: str  # what the sum was compared with: "baseline" or "nadir"
    arithmetic: str  # the figures that decided it, in words a clinician can check


def target_problems(lesions: Sequence[Lesion]) -> list[str]:
    """Why a set of target lesions breaks RECIST 1.1's rules or the plausible ranges (empty when none)."""
    problems = []
    if len(lesions) > MAX_TARGET_LESIONS:
        problems.append(f"at most {MAX_TARGET_LESIONS} target lesions (got {len(lesions)})")
    per_organ: dict[str, int] = {}
    for lesion in lesions:
        per_organ[lesion.organ] = per_organ.get(lesion.organ, 0) + 1
    for organ, count in per_organ.items():
        if count > MAX_TARGET_LESIONS_PER_ORGAN:
            problems.append(
                f"at most {MAX_TARGET_LESIONS_PER_ORGAN} target lesions per organ ({organ}: {count})"
            )
    for lesion in lesions:
        if not DIAMETER_MM[0] <= lesion.diameter_mm <= DIAMETER_MM[1]:
            problems.append(f"a diameter of {lesion.diameter_mm:g} mm is outside 1-500 mm")
        hu = lesion.attenuation_hu
        if hu is not None and not ATTENUATION_HU[0] <= hu <= ATTENUATION_HU[1]:
            problems.append(f"an attenuation of {hu:g} HU is outside -1000 to 3000 HU")
    return problems


def _pct(value: float, reference: float) -> float:
    return (value - reference) / reference * 100.0


def recist(baseline: Scan, earlier: Sequence[Scan], current: Scan) -> Response:
    """RECIST 1.1 response of ``current``; ``earlier``: the scans between the baseline and it (for the nadir)."""
    total = current.sum_mm
    base = baseline.sum_mm
    nadir_scan = min((baseline, *earlier), key=lambda scan: scan.sum_mm)
    nadir = nadir_scan.sum_mm
    if current.new_lesions:
        return Response("RECIST 1.1", "PD", "nadir", f"new lesion(s); sum {total:g} mm")
    if total == 0:
        return Response(
            "RECIST 1.1", "CR", "baseline", f"every target lesion gone (baseline sum {base:g} mm)"
        )
    from_base = _pct(total, base)
    growth = total - nadir
    from_nadir = _pct(total, nadir) if nadir else float("inf")
    if from_nadir >= RECIST_PD_INCREASE_PCT and growth >= RECIST_PD_ABSOLUTE_MM:
        return Response(
            "RECIST 1.1",
            "PD",
            "nadir",
            f"sum {total:g} mm vs nadir {nadir:g} mm ({nadir_scan.day.isoformat()}): {from_nadir:+.1f}%, "
            f"+{growth:g} mm (PD: at least +20% and +5 mm)",
        )
    if from_base <= -RECIST_PR_DECREASE_PCT:
        return Response(
            "RECIST 1.1",
            "PR",
            "baseline",
            f"sum {total:g} mm vs baseline {base:g} mm: {from_base:+.1f}% (PR: at least -30%)",
        )
    return Response(
        "RECIST 1.1",
        "SD",
        "baseline",
        f"sum {total:g} mm vs baseline {base:g} mm: {from_base:+.1f}%; vs nadir {nadir:g} mm: "
        f"{growth:+g} mm (neither -30% from baseline nor +20% and +5 mm from the nadir)",
    )


def choi(baseline: Scan, current: Scan) -> Response:
    """Choi response of ``current`` against the baseline scan (size and CT attenuation)."""
    total = current.sum_mm
    base = baseline.sum_mm
    if current.new_lesions or current.new_intratumoral_nodule:
        reason = "new lesion(s)" if current.new_lesions else "a new nodule inside a mass"
        return Response("Choi", "PD", "baseline", reason)
    if total == 0:
        return Response("Choi", "CR", "baseline", f"every lesion gone (baseline sum {base:g} mm)")
    size_change = _pct(total, base)
    base_hu, hu = baseline.mean_attenuation_hu, current.mean_attenuation_hu
    hu_change = _pct(hu, base_hu) if base_hu not in (None, 0) and hu is not None else None
    size_text = f"size {total:g} mm vs baseline {base:g} mm: {size_change:+.1f}%"
    hu_text = (
        f"attenuation {hu:.0f} HU vs baseline {base_hu:.0f} HU: {hu_change:+.1f}%"
        if hu_change is not None
        else "attenuation not measured on both scans"
    )
    arithmetic = f"{size_text}; {hu_text}"
    density_pr = hu_change is not None and hu_change <= -CHOI_ATTENUATION_DECREASE_PCT
    if size_change <= -CHOI_SIZE_PCT or density_pr:
        return Response("Choi", "PR", "baseline", f"{arithmetic} (PR: size -10% or attenuation -15%)")
    if size_change >= CHOI_SIZE_PCT:
        return Response(
            "Choi", "PD", "baseline", f"{arithmetic} (PD: size +10% without the attenuation fall)"
        )
    return Response("Choi", "SD", "baseline", arithmetic)
