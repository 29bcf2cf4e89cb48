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
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import Genotype, GenotypeDetail
from cases.records.step_fields import OPERATION_FIELDS
from guidelines.contract import DATE_MIN, MITOSES_MAX, SIZE_MAX_CM
from guidelines.contract import HPF_AREA_MAX_MM2 as HPF_AREA_MAX
from guidelines.contract import HPF_AREA_MIN_MM2 as HPF_AREA_MIN
from guidelines.facts import ADVANCED_PRESENTATIONS, GENOTYPE_OF_DETAIL

# ASSESS_CONTRACT.md: gastric_location is for the stomach only (issue 17 item 10: the form agrees).
GASTRIC_LOCATION_SITES = frozenset({"stomach"})
# The engine's "< 2 cm" lesion (RULES.md section 3; guidelines/engine.py compares size < 2.0).
SMALL_LESION_CM = Decimal("2")
# Limits and vocabularies the engine owns (guidelines.contract, guidelines.facts): never redefined here.
MAX_SIZE_CM = Decimal(f"{SIZE_MAX_CM:g}")
MAX_MITOSES = MITOSES_MAX
EARLIEST_DATE = DATE_MIN
# The contract's plausible range for the area of one high-power field (guidelines/contract.py, ESMO 2022).
HPF_AREA_MIN_MM2 = Decimal(str(HPF_AREA_MIN))
HPF_AREA_MAX_MM2 = Decimal(str(HPF_AREA_MAX))

LABELS: dict[str, str] = {
    "date_of_birth": _("Date of birth"),
    "diagnosis_date": _("Date of diagnosis"),
    "biopsy_date": _("Biopsy date"),
    "surgery_date": _("Date of surgery"),
    "adjuvant_start": _("Adjuvant start"),
    "size_cm": _("Largest diameter (cm)"),
    "mitoses_per_5mm2": _("Mitoses per 5 mm²"),
    "margin": _("Margin"),
    "gastric_location": _("Location within the stomach"),
    "duodenal_location": _("Duodenal wall"),
    "rectal_level": _("Rectal level"),
    "eus_features": _("Adverse EUS features"),
    "metastatic_sites": _("Metastatic sites"),
    "recurrence_date": _("Date of recurrence or metastasis"),
    "therapy_start_date": _("Start of the current line of systemic therapy"),
    "pre_treatment_size_cm": _("Largest diameter before neoadjuvant therapy (cm)"),
    "pre_treatment_mitoses_per_5mm2": _("Biopsy mitoses per 5 mm² before neoadjuvant therapy"),
    "mitoses_per_50hpf": _("Mitoses per 50 HPF"),
    "hpf_field_area_mm2": _("Area of one high-power field (mm²)"),
    "genotype_detail": _("Mutation detail"),
}

# Fields that only make sense in one branch, with the value that means "not recorded".
EMPTY_VALUES: dict[str, object] = {
    "gastric_location": "",
    "duodenal_location": "",
    "rectal_level": "",
    "eus_features": [],
    "metastatic_sites": "",
    "recurrence_date": None,
    "therapy_start_date": None,
    "pre_treatment_size_cm": None,
    "pre_treatment_mitoses_per_5mm2": None,
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
OPERATION_DETAIL_FIELDS = OPERATION_FIELDS  # every operation field belongs to a resected tumour
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


def _positive_whole(raw: object) -> bool:
    text = str(raw).strip() if raw is not None else ""
    return text.isascii() and text.isdigit() and int(text) > 0


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
        hidden.update(("metastatic_sites", "recurrence_date", "therapy_start_date"))
    else:
        # Systemic therapy: no resection, so nothing given before or after one.
        hidden.update(("neoadjuvant_months", *ADJUVANT_FIELDS))
    if not _positive_whole(values.get("neoadjuvant_months")):
        # Risk before neoadjuvant therapy (ESMO 2022): asked for only when neoadjuvant therapy was given.
        hidden.update(("pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2"))
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


def parse_size_cm(raw: object, field: str = "size_cm") -> Decimal:
    """A largest diameter as a Decimal in cm: 0 < size ≤ 50 (RULES.md section 1).

    Every message names the field and says what was wrong with the value typed (issue 10 finding 8: an invalid
    size is an error, never "unknown"); a size above the limit suggests the likely slip of the decimal point.
    """
    label = LABELS[field]
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            gettext("%(label)s: enter a number of centimetres, such as 6.5.") % {"label": label},
            code="invalid",
        ) from None
    if not value.is_finite():
        raise ValidationError(
            gettext("%(label)s: enter a number of centimetres, such as 6.5.") % {"label": label},
            code="invalid",
        )
    if value < 0:
        raise ValidationError(
            gettext("%(label)s: %(value)s cm is negative; the size must be greater than 0 cm.")
            % {"label": label, "value": f"{value:f}"},
            code="min_value",
        )
    if value == 0:
        raise ValidationError(
            gettext("%(label)s: the size must be greater than 0 cm.") % {"label": label}, code="min_value"
        )
    if value > MAX_SIZE_CM:
        values = {"label": label, "value": f"{value.normalize():f}", "limit": MAX_SIZE_CM}
        tenth = value / 10
        if tenth <= MAX_SIZE_CM:
            message = gettext(
                "%(label)s: %(value)s cm is above the %(limit)s cm limit: did you mean %(tenth)s?"
            )
            values["tenth"] = f"{tenth.normalize():f}"
        else:
            message = gettext("%(label)s: %(value)s cm is above the %(limit)s cm limit.")
        raise ValidationError(message % values, code="max_value")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(
            gettext("%(label)s: give at most two decimal places.") % {"label": label},
            code="max_decimal_places",
        )
    return value


def parse_mitoses(raw: object, field: str = "mitoses_per_5mm2") -> int:
    """A mitotic count: a whole number from 0 to 1000 (RULES.md section 1)."""
    message = gettext("%(label)s: enter a whole number from 0 to %(max)s.") % {
        "label": LABELS[field],
        "max": MAX_MITOSES,
    }
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):  # "²" and other Unicode digits are not counts
        raise ValidationError(message, code="invalid")
    value = int(text)
    if value > MAX_MITOSES:
        raise ValidationError(message, code="max_value")
    return value


def parse_hpf_area(raw: object) -> Decimal:
    """The area of one high-power field in mm², within the contract's plausible range."""
    message = gettext("%(label)s: enter a number greater than %(min)s and at most %(max)s mm².") % {
        "label": LABELS["hpf_field_area_mm2"],
        "min": HPF_AREA_MIN_MM2,
        "max": f"{HPF_AREA_MAX_MM2.normalize():f}",
    }
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(message, code="invalid") from None
    if not value.is_finite() or not HPF_AREA_MIN_MM2 < value <= HPF_AREA_MAX_MM2:
        raise ValidationError(message, code="invalid")
    if value.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValidationError(
            gettext("%(label)s: give at most three decimal places.")
            % {"label": LABELS["hpf_field_area_mm2"]},
            code="max_decimal_places",
        )
    return value


def mitoses_conversion(count: int, area_mm2: Decimal) -> tuple[str, Decimal]:
    """The conversion of a count per 50 HPF to per 5 mm² (RULES.md section 1), as a formula and its value.

    count per 5 mm² = count × 5 / (50 × field area in mm²). Shown to the reader so the number is traceable.
    """
    value = Decimal(count) * 5 / (50 * area_mm2)
    shown = value.quantize(Decimal("0.01")).normalize()
    area = f"{area_mm2.normalize():f}"
    return f"{count} × 5 / (50 × {area}) = {shown:f}", shown


def validate_case_data(values: Mapping, *, today: date) -> dict[str, list[str]]:
    """Cross-field errors for `values`, as {field name: [messages]} (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(
            gettext("%(label)s: %(message)s") % {"label": LABELS.get(field, field), "message": message}
        )

    def day(value: date) -> str:
        # English keeps strftime's day (a mistyped year 202 reads "202", not "0202"); Chinese: 2026年3月5日.
        fmt = gettext("d M Y")
        return f"{value:%d %b %Y}" if fmt == "d M Y" else date_format(value, fmt)

    dates = ("date_of_birth", "diagnosis_date", "biopsy_date", "surgery_date", "adjuvant_start",
             "recurrence_date", "therapy_start_date")  # fmt: skip
    planned = ("adjuvant_start", "therapy_start_date")  # therapy may be planned ahead
    for field in dates:
        value = values.get(field)
        if not isinstance(value, date):
            continue
        if value < EARLIEST_DATE:
            # Almost always a mistyped year; the engine's contract also refuses dates before 1900.
            add(field, gettext("%(date)s is before 1900; check the year.") % {"date": day(value)})
        elif value > today and field not in planned:
            add(field, gettext("%(date)s is in the future.") % {"date": day(value)})

    birth = values.get("date_of_birth")
    diagnosis = values.get("diagnosis_date")
    surgery = values.get("surgery_date")
    if isinstance(birth, date) and isinstance(diagnosis, date) and diagnosis < birth:
        add("diagnosis_date", gettext("the diagnosis cannot be before the date of birth."))
    if isinstance(surgery, date):
        if isinstance(birth, date) and surgery < birth:
            add("surgery_date", gettext("the surgery cannot be before the date of birth."))
        if isinstance(diagnosis, date) and surgery < diagnosis:
            add(
                "surgery_date",
                gettext("the surgery cannot be before the diagnosis (%(date)s).") % {"date": day(diagnosis)},
            )
    adjuvant_start = values.get("adjuvant_start")
    if isinstance(adjuvant_start, date) and isinstance(surgery, date) and adjuvant_start < surgery:
        add("adjuvant_start", gettext("adjuvant therapy cannot start before the surgery."))

    # A recurrence is dated after the diagnosis (and may come after the surgery: issue 17 item 13); the current
    # line of systemic therapy starts after the diagnosis and after the recurrence it treats.
    recurrence = values.get("recurrence_date")
    if isinstance(recurrence, date) and isinstance(diagnosis, date) and recurrence < diagnosis:
        add(
            "recurrence_date",
            gettext("the recurrence cannot be before the diagnosis (%(date)s).") % {"date": day(diagnosis)},
        )
    therapy = values.get("therapy_start_date")
    if isinstance(therapy, date):
        if isinstance(diagnosis, date) and therapy < diagnosis:
            add(
                "therapy_start_date",
                gettext("the therapy cannot start before the diagnosis (%(date)s).")
                % {"date": day(diagnosis)},
            )
        elif isinstance(recurrence, date) and therapy < recurrence:
            add(
                "therapy_start_date",
                gettext("the therapy cannot start before the recurrence or metastasis (%(date)s).")
                % {"date": day(recurrence)},
            )

    if values.get("margin") and "resected" in values and not values.get("resected"):
        add("margin", gettext("a margin applies only to a resected tumour."))

    size = values.get("size_cm")
    if size not in (None, ""):
        try:
            parse_size_cm(size)
        except ValidationError as exc:
            errors.setdefault("size_cm", []).extend(exc.messages)
    for field in ("mitoses_per_5mm2", "mitoses_per_50hpf", "pre_treatment_mitoses_per_5mm2"):
        count = values.get(field)
        if count not in (None, ""):
            try:
                parse_mitoses(count, field)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    # One mitotic count, in one unit (ASSESS_CONTRACT.md: giving both is an error); a count per 50 HPF needs
    # the field area to be converted (RULES.md section 1).
    per_50hpf = values.get("mitoses_per_50hpf") not in (None, "")
    if per_50hpf and values.get("mitoses_per_5mm2") not in (None, ""):
        add("mitoses_per_50hpf", gettext("give the count once, per 5 mm² or per 50 HPF, not both."))
    area = values.get("hpf_field_area_mm2") not in (None, "")
    if per_50hpf and not area:
        add(
            "hpf_field_area_mm2",
            gettext("needed to convert a count per 50 HPF (50 HPF are not 5 mm² on most microscopes)."),
        )
    elif area and not per_50hpf:
        add("hpf_field_area_mm2", gettext("applies only to a count per 50 HPF."))
    detail = values.get("genotype_detail")
    if (
        detail in GENOTYPE_OF_DETAIL
        and values.get("genotype")
        and values["genotype"] != GENOTYPE_OF_DETAIL[detail]
    ):
        add(
            "genotype_detail",
            gettext("%(detail)s is a detail of %(genotype)s, not of %(other)s.")
            % {
                "detail": GenotypeDetail(detail).label,
                "genotype": Genotype(GENOTYPE_OF_DETAIL[detail]).label,
                "other": Genotype(values["genotype"]).label,
            },
        )

    hidden = hidden_fields(values)
    site_rules = {
        "gastric_location": gettext("applies only to a tumour of the stomach."),
        "duodenal_location": gettext("applies only to a duodenal tumour."),
        "rectal_level": gettext("applies only to a rectal tumour."),
        "eus_features": gettext("apply only to a lesion smaller than 2 cm."),
        "metastatic_sites": gettext("apply only to metastatic or recurrent disease."),
    }
    for field, message in site_rules.items():
        if field in hidden and values.get(field):
            add(field, message)
    return errors
