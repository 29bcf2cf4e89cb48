"""Forms of the treatment course: parse and normalise, with a message naming the field; the services decide
what depends on other records (overlaps, the date of diagnosis)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cases.models.course import Drug, FoundBy, LesionOrgan, LineSetting, Modality, StopReason
from guidelines.response import ATTENUATION_HU, DIAMETER_MM, MAX_TARGET_LESIONS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _number(label: str, low, high, *, required: bool = True, places: int = 1) -> forms.DecimalField:
    text = f"{label}: enter a number from {low:g} to {high:g}."
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        decimal_places=places,
        max_digits=7,
        error_messages={
            "required": f"{label}: required.",
            "invalid": text,
            "min_value": text,
            "max_value": text,
            "max_decimal_places": f"{label}: at most {places} decimal place.",
            "max_digits": text,
        },
    )


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        error_messages={"required": f"{label}: required.", "invalid": f"{label}: enter a valid date."},
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class LineForm(VersionedForm):
    setting = forms.ChoiceField(label="Setting", choices=_blank("Choose…", LineSetting.choices))
    drug = forms.ChoiceField(label="Drug", choices=_blank("Choose…", Drug.choices))
    dose_mg_per_day = _number("Dose (mg/day)", 1, 2000)
    start_date = _date("Started")
    stop_date = _date("Stopped", required=False)
    stop_reason = forms.ChoiceField(
        label="Reason stopped", required=False, choices=_blank("Not stopped", StopReason.choices)
    )
    notes = forms.CharField(label="Notes", required=False, max_length=300)


class DoseChangeForm(VersionedForm):
    line = forms.ChoiceField(label="Therapy line")
    change_date = _date("Date")
    dose_mg_per_day = _number("New dose (mg/day)", 0, 2000)
    reason = forms.CharField(label="Reason", max_length=300, error_messages={"required": "Reason: required."})

    def __init__(self, *args, lines=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _blank("Choose…", [(str(line.pk), str(line)) for line in lines])


class ScanForm(VersionedForm):
    scan_date = _date("Scan date")
    modality = forms.ChoiceField(label="Modality", choices=_blank("Choose…", Modality.choices))
    new_lesions = forms.BooleanField(label="New lesions", required=False)
    new_intratumoral_nodule = forms.BooleanField(label="New nodule inside a mass", required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, MAX_TARGET_LESIONS + 1):
            self.fields[f"organ_{row}"] = forms.ChoiceField(
                label=f"Lesion {row}: organ", required=False, choices=_blank("—", LesionOrgan.choices)
            )
            self.fields[f"diameter_{row}"] = _number(
                f"Lesion {row}: longest diameter (mm)", *DIAMETER_MM, required=False
            )
            self.fields[f"hu_{row}"] = _number(
                f"Lesion {row}: attenuation (HU)", *ATTENUATION_HU, required=False
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
                self.add_error(f"organ_{row}", f"Lesion {row}: organ: choose the organ of this lesion.")
            elif diameter is None:
                self.add_error(f"diameter_{row}", f"Lesion {row}: longest diameter (mm): required.")
            else:
                lesions.append({"row": row, "organ": organ, "diameter_mm": diameter, "attenuation_hu": hu})
        data["lesions"] = lesions
        return data


class LevelForm(VersionedForm):
    sample_date = _date("Date")
    trough_ng_ml = _number("Trough level (ng/mL)", 0, 100000)
    hours_since_dose = _number("Hours since the last dose", 0, 168)


class EventForm(VersionedForm):
    event_date = _date("Date")
    site_liver = forms.BooleanField(label="Liver", required=False)
    site_peritoneum = forms.BooleanField(label="Peritoneum", required=False)
    site_other = forms.CharField(label="Other site", required=False, max_length=120)
    found_by = forms.ChoiceField(label="How found", choices=_blank("Choose…", FoundBy.choices))
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if not (data.get("site_liver") or data.get("site_peritoneum") or data.get("site_other")):
            self.add_error("site_liver", "Sites: tick liver or peritoneum, or name the other site.")
        return data
