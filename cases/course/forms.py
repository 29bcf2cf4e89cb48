"""Forms of the treatment course: parse and normalise, with a message naming the field; the services decide
what depends on other records (overlaps, the date of diagnosis)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.course.texts import describe
from cases.form_errors import HiddenErrorsShown
from cases.models.course import Drug, FoundBy, LesionOrgan, LineSetting, Modality, StopReason
from guidelines.response import ATTENUATION_HU, DIAMETER_MM, MAX_TARGET_LESIONS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def initial_values(values: dict) -> dict:
    """A record's values as a form shows them: a stored decimal as typed (400, not 400.0; 37.5 stays 37.5)."""
    return {
        name: format(value.normalize(), "f") if isinstance(value, Decimal) else value
        for name, value in values.items()
    }


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _required(label) -> str:
    return format_lazy(_("{label}: required."), label=label)


def _number(label, low, high, *, required: bool = True, places: int = 1) -> forms.DecimalField:
    text = format_lazy(
        _("{label}: enter a number from {low} to {high}."), label=label, low=f"{low:g}", high=f"{high:g}"
    )
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        decimal_places=places,
        max_digits=7,
        error_messages={
            "required": _required(label),
            "invalid": text,
            "min_value": text,
            "max_value": text,
            "max_decimal_places": format_lazy(
                _("{label}: at most {places} decimal place."), label=label, places=places
            ),
            "max_digits": text,
        },
    )


def _date(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        error_messages={
            "required": _required(label),
            "invalid": format_lazy(_("{label}: enter a valid date."), label=label),
        },
    )


class VersionedForm(HiddenErrorsShown):
    # Lower case: the label starts the line an edit conflict shows ("version: yours 1, on record now 2").
    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, required=False, min_value=1)


class LineForm(VersionedForm):
    setting = forms.ChoiceField(label=_("Setting"), choices=_blank(_("Choose…"), LineSetting.choices))
    drug = forms.ChoiceField(label=_("Drug"), choices=_blank(_("Choose…"), Drug.choices))
    dose_mg_per_day = _number(_("Dose (mg/day)"), 1, 2000)
    dose_override_reason = forms.CharField(
        label=_("Reason for a dose outside the usual range"),
        required=False,
        max_length=300,
        help_text=_("Only when the dose is outside the usual range (e.g. reduced for toxicity)."),
    )
    start_date = _date(_("Started"))
    planned_stop_date = _date(_("Planned stop"), required=False)
    stop_date = _date(_("Stopped"), required=False)
    stop_reason = forms.ChoiceField(
        label=_("Reason stopped"), required=False, choices=_blank(_("Not stopped"), StopReason.choices)
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)


class AdjuvantLineForm(VersionedForm):
    """The follow-up page's adjuvant course: the fields of the adjuvant line a nurse records as delivered."""

    # The line the page showed (empty: none yet): the save is refused if the page is out of date.
    line = forms.UUIDField(label=_("therapy line"), widget=forms.HiddenInput, required=False)
    start_date = LineForm.base_fields["start_date"]
    planned_stop_date = _date(_("Planned stop"))
    stop_date = LineForm.base_fields["stop_date"]
    stop_reason = LineForm.base_fields["stop_reason"]
    dose_mg_per_day = LineForm.base_fields["dose_mg_per_day"]
    dose_override_reason = LineForm.base_fields["dose_override_reason"]


def _line_choices(lines) -> list[tuple[str, str]]:
    return _blank(_("Choose…"), [(str(line.pk), describe(line)) for line in lines])


class InterruptionFields(VersionedForm):
    start_date = _date(_("Interrupted from"))
    resume_date = _date(_("Resumed on"), required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, error_messages={"required": _("Reason: required.")}
    )


class InterruptionForm(InterruptionFields):
    """An interruption of any line, on the course page (the follow-up page's form is for the adjuvant line)."""

    line = forms.ChoiceField(label=_("Therapy line"))
    field_order = ["line"]

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _line_choices(lines)


class DoseChangeForm(VersionedForm):
    line = forms.ChoiceField(label=_("Therapy line"))
    change_date = _date(_("Date"))
    dose_mg_per_day = _number(_("New dose (mg/day)"), 0, 2000)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, error_messages={"required": _("Reason: required.")}
    )

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _line_choices(lines)


class ScanForm(VersionedForm):
    scan_date = _date(_("Scan date"))
    modality = forms.ChoiceField(label=_("Modality"), choices=_blank(_("Choose…"), Modality.choices))
    new_lesions = forms.BooleanField(label=_("New lesions"), required=False)
    new_intratumoral_nodule = forms.BooleanField(label=_("New nodule inside a mass"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, MAX_TARGET_LESIONS + 1):
            self.fields[f"organ_{row}"] = forms.ChoiceField(
                label=format_lazy(_("Lesion {row}: organ"), row=row),
                required=False,
                choices=_blank("—", LesionOrgan.choices),
            )
            self.fields[f"diameter_{row}"] = _number(
                format_lazy(_("Lesion {row}: longest diameter (mm)"), row=row), *DIAMETER_MM, required=False
            )
            self.fields[f"hu_{row}"] = _number(
                format_lazy(_("Lesion {row}: attenuation (HU)"), row=row), *ATTENUATION_HU, required=False
            )

        for row in range(1, MAX_TARGET_LESIONS + 1):
            for name, css in (("organ", "form-select"), ("diameter", "form-control"), ("hu", "form-control")):
                self.fields[f"{name}_{row}"].widget.attrs["class"] = f"{css} {css}-sm"

    def lesion_rows(self):
        """(row, organ field, diameter field, attenuation field) for the template; a field with a message is
        marked invalid (known only once the form has been validated)."""
        for name in self.errors:
            if (
                name in self.fields
                and name[-2:-1] == "_"
                and name.split("_")[0] in ("organ", "diameter", "hu")
            ):
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs["class"]:
                    attrs["class"] += " is-invalid"
        return [
            (row, self[f"organ_{row}"], self[f"diameter_{row}"], self[f"hu_{row}"])
            for row in range(1, MAX_TARGET_LESIONS + 1)
        ]

    def clean(self):
        data = super().clean()
        lesions = []
        for row in range(1, MAX_TARGET_LESIONS + 1):
            organ, diameter, hu = (data.get(f"{name}_{row}") for name in ("organ", "diameter", "hu"))
            if f"diameter_{row}" in self.errors or f"hu_{row}" in self.errors:
                continue
            if not organ and diameter is None and hu is None:
                continue
            if not organ:
                self.add_error(
                    f"organ_{row}", _("Lesion {row}: organ: choose the organ of this lesion.").format(row=row)
                )
            elif diameter is None:
                self.add_error(
                    f"diameter_{row}", _("Lesion {row}: longest diameter (mm): required.").format(row=row)
                )
            else:
                lesions.append({"row": row, "organ": organ, "diameter_mm": diameter, "attenuation_hu": hu})
        data["lesions"] = lesions
        return data


class LevelForm(VersionedForm):
    sample_date = _date(_("Date"))
    trough_ng_ml = _number(_("Trough level (ng/mL)"), 0, 100000)
    hours_since_dose = _number(_("Hours since the last dose"), 0, 168)


class EventForm(VersionedForm):
    event_date = _date(_("Date"))
    site_liver = forms.BooleanField(label=_("Liver"), required=False)
    site_peritoneum = forms.BooleanField(label=_("Peritoneum"), required=False)
    site_other = forms.CharField(label=_("Other site"), required=False, max_length=120)
    found_by = forms.ChoiceField(label=_("How found"), choices=_blank(_("Choose…"), FoundBy.choices))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if not (data.get("site_liver") or data.get("site_peritoneum") or data.get("site_other")):
            self.add_error("site_liver", _("Sites: tick liver or peritoneum, or name the other site."))
        return data
