"""Forms of the MDT workflow: plain forms whose cleaned data go straight into the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import MdtDecision, MdtMeeting


class DateInput(forms.DateInput):
    """A native date picker: its value must be ISO (YYYY-MM-DD) whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    date = forms.DateField(label="Meeting date", widget=DateInput)
    title = forms.CharField(max_length=200, initial="GIST MDT")
    attendees = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, e.g. “Dr A. Smith, surgeon (chair)”.",
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the meeting a title.")
        return title


class AgendaSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a case",
        max_length=100,
        required=False,
        help_text="Patient name, MRN or the first characters of the case number.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=MdtDecision.choices, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(
        label="Reason for the modification",
        max_length=300,
        required=False,
        help_text="Required when modifying, e.g. “adjuvant declined by the patient”.",
    )
    text = forms.CharField(
        label="What the MDT recommends instead",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == MdtDecision.MODIFY and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for modifying the recommendation.")
        return data


class AmendForm(forms.Form):
    reason = forms.CharField(label="Reason for the amendment", max_length=300)
    decision = forms.ChoiceField(choices=MdtDecision.choices, widget=forms.RadioSelect, label="Decision")
    decision_reason = forms.CharField(label="Reason for the modification", max_length=300, required=False)
    decision_text = forms.CharField(
        label="What the MDT recommends instead", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for the amendment.")
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == MdtDecision.MODIFY and not (data.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "Give the reason for modifying the recommendation.")
        return data


class AddToAgendaForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=MdtMeeting.objects.none(),
        label="MDT meeting",
        empty_label="Choose a meeting",
        error_messages={"invalid_choice": "Choose one of the upcoming meetings."},
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = MdtMeeting.objects.upcoming(today or timezone.localdate())


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
