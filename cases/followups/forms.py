"""Forms of the follow-up worklist: parse and normalise; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cases.choices import ContactOutcome, FollowUpModality, FollowUpResult, RiskCategory, Site
from cases.followups.worklist import WorklistFilters
from cases.roles import NURSE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def nurse_queryset():
    return (
        get_user_model().objects.filter(groups__name=NURSE, is_active=True).order_by("last_name", "username")
    )


class FilterForm(forms.Form):
    modality = forms.ChoiceField(required=False, choices=_blank("Any modality", FollowUpModality.choices))
    surgeon = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "Any surgeon")]
    )
    site = forms.ChoiceField(required=False, choices=_blank("Any site", Site.choices))
    risk = forms.ChoiceField(required=False, choices=_blank("Any risk", RiskCategory.choices))
    nurse = forms.ChoiceField(
        required=False,
        choices=[("", "All nurses"), ("me", "Mine and unassigned"), ("unassigned", "Unassigned")],
    )

    def __init__(self, *args, surgeons=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surgeon"].choices = [
            ("", "Any surgeon"),
            *((u.pk, u.get_full_name() or u.username) for u in surgeons),
        ]

    def filters(self) -> WorklistFilters:
        """The valid filters (an invalid value is dropped rather than failing the whole list)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        )
        return WorklistFilters(
            modality=data.get("modality") or "",
            surgeon_id=data.get("surgeon") or None,
            site=data.get("site") or "",
            risk=data.get("risk") or "",
            nurse=data.get("nurse") or "",
        )


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DoneForm(VersionedForm):
    completed_date = forms.DateField(label="Date done", widget=DATE_WIDGET)
    result = forms.ChoiceField(choices=_blank("Choose…", FollowUpResult.choices))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ContactForm(VersionedForm):
    outcome = forms.ChoiceField(choices=_blank("Choose…", ContactOutcome.choices))
    next_contact_date = forms.DateField(label="Next contact", required=False, widget=DATE_WIDGET)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RescheduleForm(VersionedForm):
    due_date = forms.DateField(label="New due date", widget=DATE_WIDGET)
    reason = forms.CharField(max_length=250)


class CancelForm(VersionedForm):
    reason = forms.CharField(max_length=250)


class ItemFields(forms.Form):
    due_date = forms.DateField(label="Due date", widget=DATE_WIDGET)
    window_days = forms.IntegerField(label="Window (± days)", min_value=0, max_value=180, initial=14)
    modality = forms.ChoiceField(choices=FollowUpModality.choices)
    responsible_nurse = forms.ModelChoiceField(
        label="Responsible nurse",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Unassigned",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    reason = forms.CharField(max_length=250)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_nurse"].queryset = nurse_queryset()


class EditForm(ItemFields, VersionedForm):
    pass


class ManualForm(ItemFields):
    pass


class AdjuvantCourseForm(forms.Form):
    start = forms.DateField(label="Started", widget=DATE_WIDGET)
    planned_end = forms.DateField(label="Planned end", widget=DATE_WIDGET)
    actual_end = forms.DateField(label="Actual end", required=False, widget=DATE_WIDGET)
    dose_mg_per_day = forms.IntegerField(label="Dose (mg/day)", required=False, min_value=1, max_value=1000)


class InterruptionForm(forms.Form):
    start = forms.DateField(label="Interrupted from", widget=DATE_WIDGET)
    end = forms.DateField(label="Resumed on", required=False, widget=DATE_WIDGET)
    reason = forms.CharField(max_length=250)
