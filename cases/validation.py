"""Cross-field rules of the case form, testable with a plain dict (clinicedc style).

Three pure functions share one vocabulary, the form field names:

- `hidden_fields(values)`: the fields a branch hides (a location that does not belong to the site, EUS features
  for a lesion of 2 cm or more, operation details when the tumour was not resected...). The forms leave them
  out, the services clear them, so a value typed before the site changed never reaches the engine.
- `validate_case_data(values, today=...)`: the rules that need several fields (dates in order, nothing in the
  future except a planned adjuvant start, nothing before 1900, margin only for a resected tumour, location
  only for its site). Returns {field: [messages]}; every
  message names its field so it reads on its own in the error summary.
- `parse_size_cm` / `parse_mitoses`: the single-value rules shared by the forms and the validator.

`values` may be partial: a rule is checked only when the fields it needs are present.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

GASTRIC_LOCATION_SITES = frozenset({"stomach", "egj"})
SMALL_LESION_CM = Decimal("2")
MAX_SIZE_CM = Decimal("50")
MAX_MITOSES = 1000
ADVANCED_PRESENTATIONS = frozenset({"metastatic", "recurrent"})
EARLIEST_DATE = date(1900, 1, 1)

LABELS: dict[str, str] = {
    "date_of_birth": "Date of birth",
    "diagnosis_date": "Date of diagnosis",
    "biopsy_date": "Biopsy date",
    "surgery_date": "Date of surgery",
    "adjuvant_start": "Adjuvant start",
    "size_cm": "Largest diameter (cm)",
    "mitoses_per_5mm2": "Mitoses per 5 mm²",
    "margin": "Margin",
    "gastric_location": "Location within the stomach",
    "duodenal_location": "Duodenal wall",
    "rectal_level": "Rectal level",
    "eus_features": "Adverse EUS features",
    "metastatic_sites": "Metastatic sites",
}

# Fields that only make sense in one branch, with the value that means "not recorded".
EMPTY_VALUES: dict[str, object] = {
    "gastric_location": "",
    "duodenal_location": "",
    "rectal_level": "",
    "eus_features": [],
    "metastatic_sites": "",
    "biopsy_date": None,
    "biopsy_method": "",
    "surgery_date": None,
    "approach_used": "",
    "converted_to_open": False,
    "margin": "",
    "rupture_grade": "",
    "nodes_removed": False,
    "adjuvant_start": None,
    "adjuvant_dose_mg": None,
    "adjuvant_planned_months": None,
    "neoadjuvant_months": 0,
}
OPERATION_DETAIL_FIELDS = (
    "surgery_date",
    "approach_used",
    "converted_to_open",
    "margin",
    "rupture_grade",
    "nodes_removed",
)
ADJUVANT_DETAIL_FIELDS = ("adjuvant_start", "adjuvant_dose_mg", "adjuvant_planned_months")
ADJUVANT_FIELDS = ("adjuvant_decision", *ADJUVANT_DETAIL_FIELDS)


def _size(values: Mapping) -> Decimal | None:
    raw = values.get("size_cm")
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None  # NaN cannot be compared


def hidden_fields(values: Mapping) -> frozenset[str]:
    """The fields that do not apply to a case with these values (see the module docstring).

    A key absent from `values` counts as "not known": e.g. without a site no location field applies.
    """
    hidden: set[str] = set()
    site = values.get("site") or ""
    if site not in GASTRIC_LOCATION_SITES:
        hidden.add("gastric_location")
    if site != "duodenum":
        hidden.add("duodenal_location")
    if site != "rectum":
        hidden.add("rectal_level")
    size = _size(values)
    # EUS features decide the management of small lesions only (RULES.md section 3).
    if size is None or size >= SMALL_LESION_CM:
        hidden.add("eus_features")
    if values.get("presentation", "localized") not in ADVANCED_PRESENTATIONS:
        hidden.add("metastatic_sites")
    else:
        # Systemic therapy: no resection, so nothing given before or after one.
        hidden.update(("neoadjuvant_months", *ADJUVANT_FIELDS))
    if not values.get("biopsy_done"):
        hidden.update(("biopsy_date", "biopsy_method"))
    if "resected" in values and not values.get("resected"):
        hidden.update(OPERATION_DETAIL_FIELDS)
        hidden.update(ADJUVANT_FIELDS)  # adjuvant therapy follows a complete resection only
    if values.get("adjuvant_decision") != "given":
        hidden.update(ADJUVANT_DETAIL_FIELDS)
    return frozenset(hidden)


def clear_hidden(values: Mapping) -> dict:
    """A copy of `values` with every hidden field set to its empty value."""
    out = dict(values)
    for name in hidden_fields(values):
        if name in out:
            out[name] = EMPTY_VALUES.get(name, "")
    return out


def parse_size_cm(raw: object) -> Decimal:
    """The largest diameter as a Decimal in cm: 0 < size ≤ 50 (RULES.md section 1)."""
    label = LABELS["size_cm"]
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{label}: enter a number of centimetres, such as 6.5.", code="invalid"
        ) from None
    if not value.is_finite():
        raise ValidationError(f"{label}: enter a number of centimetres, such as 6.5.", code="invalid")
    if value <= 0:
        raise ValidationError(f"{label}: the size must be greater than 0 cm.", code="min_value")
    if value > MAX_SIZE_CM:
        raise ValidationError(
            f"{label}: {value} cm is implausible; the largest diameter must be 50 cm or less.",
            code="max_value",
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(f"{label}: give at most two decimal places.", code="max_decimal_places")
    return value


def parse_mitoses(raw: object) -> int:
    """A mitotic count per 5 mm²: a whole number from 0 to 1000 (RULES.md section 1)."""
    message = f"{LABELS['mitoses_per_5mm2']}: enter a whole number from 0 to {MAX_MITOSES}."
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):  # "²" and other Unicode digits are not counts
        raise ValidationError(message, code="invalid")
    value = int(text)
    if value > MAX_MITOSES:
        raise ValidationError(message, code="max_value")
    return value


def validate_case_data(values: Mapping, *, today: date) -> dict[str, list[str]]:
    """Cross-field errors for `values`, as {field name: [messages]} (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(f"{LABELS.get(field, field)}: {message}")

    for field in ("date_of_birth", "diagnosis_date", "biopsy_date", "surgery_date", "adjuvant_start"):
        value = values.get(field)
        if not isinstance(value, date):
            continue
        if value < EARLIEST_DATE:
            # Almost always a mistyped year; the engine's contract also refuses dates before 1900.
            add(field, f"{value:%d %b %Y} is before 1900; check the year.")
        elif value > today and field != "adjuvant_start":  # adjuvant therapy may be planned ahead
            add(field, f"{value:%d %b %Y} is in the future.")

    birth = values.get("date_of_birth")
    diagnosis = values.get("diagnosis_date")
    surgery = values.get("surgery_date")
    if isinstance(birth, date) and isinstance(diagnosis, date) and diagnosis < birth:
        add("diagnosis_date", "the diagnosis cannot be before the date of birth.")
    if isinstance(surgery, date):
        if isinstance(birth, date) and surgery < birth:
            add("surgery_date", "the surgery cannot be before the date of birth.")
        if isinstance(diagnosis, date) and surgery < diagnosis:
            add("surgery_date", f"the surgery cannot be before the diagnosis ({diagnosis:%d %b %Y}).")
    adjuvant_start = values.get("adjuvant_start")
    if isinstance(adjuvant_start, date) and isinstance(surgery, date) and adjuvant_start < surgery:
        add("adjuvant_start", "adjuvant therapy cannot start before the surgery.")

    if values.get("margin") and "resected" in values and not values.get("resected"):
        add("margin", "a margin applies only to a resected tumour.")

    size = values.get("size_cm")
    if size not in (None, ""):
        try:
            parse_size_cm(size)
        except ValidationError as exc:
            errors.setdefault("size_cm", []).extend(exc.messages)
    mitoses = values.get("mitoses_per_5mm2")
    if mitoses not in (None, ""):
        try:
            parse_mitoses(mitoses)
        except ValidationError as exc:
            errors.setdefault("mitoses_per_5mm2", []).extend(exc.messages)

    hidden = hidden_fields(values)
    site_rules = {
        "gastric_location": "applies only to a tumour of the stomach or the oesophagogastric junction.",
        "duodenal_location": "applies only to a duodenal tumour.",
        "rectal_level": "applies only to a rectal tumour.",
        "eus_features": "apply only to a lesion smaller than 2 cm.",
        "metastatic_sites": "apply only to metastatic or recurrent disease.",
    }
    for field, message in site_rules.items():
        if field in hidden and values.get(field):
            add(field, message)
    return errors
