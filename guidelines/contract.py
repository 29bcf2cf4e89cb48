"""The JSON assessment contract (ASSESS_CONTRACT.md): strict parsing of input cases and JSON output.

Decisions where the contract leaves room (documented here, tested in ``tests/test_engine_contract.py``):

- Types are JSON types: ``true``/``false`` are not numbers (Python's ``bool`` is an ``int``, so it is
  excluded explicitly); a whole-valued number such as ``8.0`` is accepted for the integer fields
  (``mitoses_per_5mm2``, ``neoadjuvant_months``) because many JSON writers emit every number as a float;
  ``8.5`` is rejected. NaN and infinities are rejected.
- Ranges: ``0 < size_cm <= 50`` (more than 50 cm is implausible), ``0 <= mitoses_per_5mm2 <= 1000``,
  ``0 <= neoadjuvant_months <= 120`` (ten years: anything longer is a data-entry error).
- Dates are strictly ``YYYY-MM-DD`` and must exist on the calendar (``2026-02-30`` is refused), and lie between
  1900-01-01 and 2199-12-31 (anything else is a data-entry error; a date near year 9999 would also put the
  schedule's visits beyond the calendar).
- JSON nested too deeply to decode is invalid JSON (exit 2), not a crash.
- ``surgery_date`` is required when ``resected`` is true; ``surgery_date`` and ``margin`` are refused when
  ``resected`` is not true (they describe an operation).
- Location fields belong to their site: ``gastric_location`` with ``stomach`` (any value) or ``egj`` (only
  ``cardia``, which the EGJ site already implies: RULES.md section 4); ``duodenal_location`` with
  ``duodenum``; ``rectal_level`` with ``rectum``.
- List fields are JSON lists of allowed strings; a repeated value is kept once.
- ``null`` for an optional field means the same as leaving the field out.
- ``ruleset`` must name a registered rule set.
- Case indexes are 0-based positions in the input list; a single object is case 0.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date

from .facts import (
    BOOLEAN_DEFAULTS,
    CLINICAL_FEATURES,
    DUODENAL_LOCATIONS,
    EUS_FEATURES,
    GASTRIC_LOCATIONS,
    GENOTYPE_DETAILS,
    GENOTYPE_OF_DETAIL,
    GENOTYPES,
    GROWTH_PATTERNS,
    MARGINS,
    PRESENTATIONS,
    RECTAL_LEVELS,
    RUPTURE_GRADES,
    SDHB_IHC_RESULTS,
    SITES,
    STAIN_RESULTS,
    CaseFacts,
)
from .results import Assessment
from .rulesets import RULESETS

SIZE_MAX_CM = 50.0
MITOSES_MAX = 1000
NEOADJUVANT_MONTHS_MAX = 120
#: The area of one high-power field: 0.05 to 1.0 mm2 (ESMO 2022: 50 HPF are often 10-12 mm2 on modern
#: microscopes, i.e. 0.2-0.24 mm2 a field; older ones about 0.16 mm2). Outside this range it is a typing error.
HPF_AREA_MIN_MM2 = 0.05
HPF_AREA_MAX_MM2 = 1.0
#: The most cases one request or file may hold (the API and the command alike).
MAX_CASES = 500

#: Input fields in the contract's order.
FIELDS: tuple[str, ...] = (
    "ruleset",
    "presentation",
    "site",
    "gastric_location",
    "duodenal_location",
    "rectal_level",
    "size_cm",
    "growth_pattern",
    "boundary_clear",
    "adherent_to_adjacent_organs",
    "eus_features",
    "clinical_features",
    "histology_confirmed",
    "r0_feasible",
    "major_morbidity_expected",
    "resected",
    "surgery_date",
    "margin",
    "rupture",
    "mitoses_per_5mm2",
    "nodes_positive",
    "genotype",
    "neoadjuvant_months",
    "reference_date",
    # Additions of 2026-12-02.
    "cd117",
    "dog1",
    "sdhb_ihc",
    "rupture_grade",
    "genotype_detail",
    "mitoses_per_50hpf",
    "hpf_field_area_mm2",
    "pre_treatment_size_cm",
    "pre_treatment_mitoses_per_5mm2",
    "therapy_start_date",
)
REQUIRED: tuple[str, ...] = ("site", "size_cm")
_BOOL_FIELDS = tuple(BOOLEAN_DEFAULTS)
_ENUM_FIELDS: dict[str, Sequence[str]] = {
    "presentation": PRESENTATIONS,
    "site": SITES,
    "gastric_location": GASTRIC_LOCATIONS,
    "duodenal_location": DUODENAL_LOCATIONS,
    "rectal_level": RECTAL_LEVELS,
    "growth_pattern": GROWTH_PATTERNS,
    "margin": MARGINS,
    "genotype": GENOTYPES,
    "cd117": STAIN_RESULTS,
    "dog1": STAIN_RESULTS,
    "sdhb_ihc": SDHB_IHC_RESULTS,
    "rupture_grade": RUPTURE_GRADES,
    "genotype_detail": GENOTYPE_DETAILS,
}
_LIST_FIELDS: dict[str, Sequence[str]] = {
    "eus_features": EUS_FEATURES,
    "clinical_features": CLINICAL_FEATURES,
}
#: Decimal fields besides size_cm: (exclusive minimum, maximum, unit).
_DECIMAL_FIELDS: dict[str, tuple[float, float, str]] = {
    "pre_treatment_size_cm": (0.0, SIZE_MAX_CM, "cm"),
    "hpf_field_area_mm2": (HPF_AREA_MIN_MM2, HPF_AREA_MAX_MM2, "mm2"),
}
#: Whole-number fields: (minimum, maximum), both included.
_WHOLE_FIELDS: dict[str, tuple[int, int]] = {
    "mitoses_per_5mm2": (0, MITOSES_MAX),
    "mitoses_per_50hpf": (0, MITOSES_MAX),
    "pre_treatment_mitoses_per_5mm2": (0, MITOSES_MAX),
    "neoadjuvant_months": (0, NEOADJUVANT_MONTHS_MAX),
}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
_FIELD_SET = frozenset(FIELDS)


class ContractError(ValueError):
    """Bad input: ``field`` (or None for the case as a whole), ``index`` (0-based case index), ``message``."""

    def __init__(self, message: str, field: str | None = None, index: int | None = None) -> None:
        self.message = message
        self.field = field
        self.index = index
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.index is not None:
            parts.append(f"case {self.index}")
        if self.field is not None:
            parts.append(f'field "{self.field}"')
        parts.append(self.message)
        return ": ".join(parts)


def _show(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def _number(value: object) -> bool:
    """A JSON number: an int (of any size) or a finite float; never a bool."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _whole(value: object, field: str, index: int | None, low: int, high: int) -> int:
    message = f"must be a whole number from {low} to {high} (got {_show(value)})"
    if not _number(value):
        raise ContractError(message, field, index)
    if isinstance(value, float) and not value.is_integer():
        raise ContractError(message, field, index)
    # Compared before any conversion: an int of hundreds of digits is refused here, never turned into a float.
    if not low <= value <= high:  # type: ignore[operator]
        raise ContractError(message, field, index)
    return int(value)  # type: ignore[arg-type]


def _decimal(value: object, field: str, index: int | None, low: float, high: float, unit: str) -> float:
    """A number with ``low < value <= high`` (``low`` excluded: a size or an area of 0 is no measurement)."""
    message = f"must be a number of {unit} greater than {low:g} and at most {high:g} (got {_show(value)})"
    if not _number(value):
        raise ContractError(message, field, index)
    if value > high:  # type: ignore[operator]
        raise ContractError(
            f"{_show(value)} {unit} is implausible: it must be at most {high:g} {unit}", field, index
        )
    if value <= low:  # type: ignore[operator]
        raise ContractError(message, field, index)
    return float(value)  # type: ignore[arg-type]


def _date(value: object, field: str, index: int | None) -> date:
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ContractError(f'must be a date written "YYYY-MM-DD" (got {_show(value)})', field, index)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ContractError(f"is not a real calendar date (got {_show(value)})", field, index) from None
    if not DATE_MIN <= parsed <= DATE_MAX:
        raise ContractError(
            f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()} (got {_show(value)})",
            field,
            index,
        )
    return parsed


def parse_case(obj: object, index: int | None = None) -> CaseFacts:
    """Validate one input case against the contract and return its :class:`CaseFacts`.

    Raises :class:`ContractError` naming the field and the case index on the first problem found.
    """
    if not isinstance(obj, dict):
        raise ContractError(f"must be a JSON object (got {_show(obj)})", None, index)
    for key in obj:
        if key not in _FIELD_SET:
            close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.5)
            hint = f'; did you mean "{close[0]}"?' if close else f" (allowed: {_choices(FIELDS)})"
            raise ContractError(f"unknown field{hint}", str(key), index)
    for key in REQUIRED:
        if key not in obj or obj[key] is None:
            raise ContractError("is required", key, index)

    values: dict[str, object] = {}
    for key in _BOOL_FIELDS:
        if key in obj:
            value = obj[key]
            # null: "not recorded" (the engine applies the default and says so: input.assumed_default).
            if value is not None and not isinstance(value, bool):
                raise ContractError(f"must be true, false or null (got {_show(value)})", key, index)
            values[key] = value
    for key, allowed in _ENUM_FIELDS.items():
        if obj.get(key) is not None:
            value = obj[key]
            if not isinstance(value, str) or value not in allowed:
                raise ContractError(f"must be one of {_choices(allowed)} (got {_show(value)})", key, index)
            values[key] = value
    for key, allowed in _LIST_FIELDS.items():
        if obj.get(key) is not None:
            value = obj[key]
            if not isinstance(value, list):
                raise ContractError(
                    f"must be a list of: {_choices(allowed)} (got {_show(value)})", key, index
                )
            items: list[str] = []
            for item in value:
                if not isinstance(item, str) or item not in allowed:
                    raise ContractError(
                        f"items must be among {_choices(allowed)} (got {_show(item)})", key, index
                    )
                if item not in items:
                    items.append(item)
            values[key] = tuple(items)

    if "ruleset" in obj and obj["ruleset"] is not None:
        value = obj["ruleset"]
        if not isinstance(value, str) or value not in RULESETS:
            raise ContractError(
                f"must be one of {_choices(sorted(RULESETS))} (got {_show(value)})", "ruleset", index
            )
        values["ruleset"] = value

    values["size_cm"] = _decimal(obj["size_cm"], "size_cm", index, 0.0, SIZE_MAX_CM, "cm")
    for key, (low, high, unit) in _DECIMAL_FIELDS.items():
        if obj.get(key) is not None:
            values[key] = _decimal(obj[key], key, index, low, high, unit)
    for key, (low, high) in _WHOLE_FIELDS.items():
        if obj.get(key) is not None:
            values[key] = _whole(obj[key], key, index, low, high)
    for key in ("surgery_date", "reference_date", "therapy_start_date"):
        if obj.get(key) is not None:
            values[key] = _date(obj[key], key, index)

    # Cross-field rules.
    grade = values.get("rupture_grade")
    rupture = values.get("rupture")
    if grade is not None and rupture is not None and rupture != (grade == "major"):
        raise ContractError(
            f'"rupture": {_show(rupture)} contradicts it ("rupture": true means "major"; '
            "give one of the two, or both with the same meaning)",
            "rupture_grade",
            index,
        )
    if "mitoses_per_50hpf" in values:
        if "mitoses_per_5mm2" in values:
            raise ContractError(
                'give the count once: per 5 mm2 ("mitoses_per_5mm2") or per 50 HPF, not both',
                "mitoses_per_50hpf",
                index,
            )
        if "hpf_field_area_mm2" not in values:
            raise ContractError(
                'is required with "mitoses_per_50hpf" (the area of one high-power field in mm2: 50 HPF '
                "are not 5 mm2 on most microscopes)",
                "hpf_field_area_mm2",
                index,
            )
    elif "hpf_field_area_mm2" in values:
        raise ContractError('is only valid with "mitoses_per_50hpf"', "hpf_field_area_mm2", index)
    detail = values.get("genotype_detail")
    if detail is not None and values.get("genotype") != GENOTYPE_OF_DETAIL[detail]:
        raise ContractError(
            f'"{detail}" is a detail of genotype "{GENOTYPE_OF_DETAIL[detail]}" '
            f"(got genotype {_show(values.get('genotype', 'not_tested'))})",
            "genotype_detail",
            index,
        )
    resected = values.get("resected") or False
    if resected and "surgery_date" not in values:
        raise ContractError('is required when "resected" is true', "surgery_date", index)
    if not resected:
        for key in ("surgery_date", "margin"):
            if key in values:
                raise ContractError('is only valid when "resected" is true', key, index)
    site = values["site"]
    location = values.get("gastric_location")
    if location is not None and not (site == "stomach" or (site == "egj" and location == "cardia")):
        raise ContractError(
            'is only valid with site "stomach" (or "cardia" with site "egj")', "gastric_location", index
        )
    if "duodenal_location" in values and site != "duodenum":
        raise ContractError('is only valid with site "duodenum"', "duodenal_location", index)
    if "rectal_level" in values and site != "rectum":
        raise ContractError('is only valid with site "rectum"', "rectal_level", index)

    return CaseFacts(**values)  # type: ignore[arg-type]


def parse_payload(obj: object) -> list[CaseFacts]:
    """Parse a decoded JSON payload: one case object (case 0) or a list of them. Validates every case."""
    if isinstance(obj, dict):
        return [parse_case(obj, 0)]
    if isinstance(obj, list):
        return [parse_case(item, i) for i, item in enumerate(obj)]
    raise ContractError(f"the input must be a case object or a list of case objects (got {_show(obj)})")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str) -> object:
    """Decode JSON strictly (NaN and Infinity are refused); raises :class:`ContractError` when invalid."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ContractError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:
        raise ContractError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ContractError("invalid JSON: nested too deeply") from None


def result_to_json(results: Assessment | Sequence[Assessment], *, indent: int | None = 2) -> str:
    """JSON text of one result object or a list of them (the contract's output)."""
    if isinstance(results, Assessment):
        data: object = results.to_dict()
    else:
        data = [result.to_dict() for result in results]
    return json.dumps(data, indent=indent, ensure_ascii=False)
