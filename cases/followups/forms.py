"""Forms of the follow-up worklist: parse and normalise; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cases.choices import (
    ContactOutcome,
    FollowUpModality,
    FollowUpResult,
    PreferredContact,
    RescheduleReason,
    RiskCategory,
    Site,
)
from cases.followups.worklist import WorklistFilters
from cases.models import ClosureReason, EscalationOutcome, LetterPurpose, LetterRecipient, LetterSentVia
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


class ReviewedForm(VersionedForm):
    """Marking a result to review as reviewed: nothing to fill in but the version seen."""


class ContactForm(VersionedForm):
    outcome = forms.ChoiceField(choices=_blank("Choose…", ContactOutcome.choices))
    next_contact_date = forms.DateField(label="Next contact", required=False, widget=DATE_WIDGET)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RescheduleForm(VersionedForm):
    due_date = forms.DateField(label="New due date", widget=DATE_WIDGET)
    reason_code = forms.ChoiceField(label="Why", choices=_blank("Choose…", RescheduleReason.choices))
    reason = forms.CharField(label="Details", max_length=250)
    confirmed = forms.BooleanField(
        label="I have checked the order of the visits and the gap: reschedule anyway", required=False
    )


class CancelForm(VersionedForm):
    reason = forms.CharField(max_length=250)
    # Cancelling removes a visit from the plan: a deliberate second step, never a stray click.
    confirmed = forms.BooleanField(
        label="Yes, cancel this visit",
        error_messages={"required": "Tick “Yes, cancel this visit” to confirm the cancellation."},
    )


class EscalateForm(VersionedForm):
    pass


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Outcome of the current step",
        choices=_blank("Choose…", [c for c in EscalationOutcome.choices if c[0] != EscalationOutcome.CLOSED]),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why the follow-up ends", choices=_blank("Choose…", ClosureReason.choices)
    )
    note = forms.CharField(label="Details", required=False, max_length=300)


class LetterNewForm(forms.Form):
    recipient = forms.ChoiceField(choices=LetterRecipient.choices)
    purpose = forms.ChoiceField(choices=LetterPurpose.choices)
    step = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LetterSendForm(forms.Form):
    via = forms.ChoiceField(label="Send by", choices=LetterSentVia.choices)


class ContactDetailsForm(forms.Form):
    phone = forms.CharField(required=False, max_length=32)
    email = forms.EmailField(required=False)
    email_consent = forms.BooleanField(label="Agrees to receive letters by email", required=False)
    preferred_contact = forms.ChoiceField(label="Preferred contact", choices=PreferredContact.choices)
    address_line1 = forms.CharField(label="Address", required=False, max_length=200)
    address_line2 = forms.CharField(label="Address (line 2)", required=False, max_length=200)
    town = forms.CharField(required=False, max_length=100)
    postcode = forms.CharField(required=False, max_length=16)
    gp_name = forms.CharField(label="GP name", required=False, max_length=200)
    gp_practice_address = forms.CharField(
        label="GP practice address", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


def person_name(user) -> str:
    return user.get_full_name() or user.username


class PersonChoiceField(forms.ModelChoiceField):
    """A chooser of users by their name (the user name only when no name is recorded)."""

    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class ItemFields(forms.Form):
    due_date = forms.DateField(label="Due date", widget=DATE_WIDGET)
    window_days = forms.IntegerField(label="Window (± days)", min_value=0, max_value=180, initial=14)
    modality = forms.ChoiceField(choices=FollowUpModality.choices)
    responsible_nurse = PersonChoiceField(
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
    dose_mg_per_day = forms.IntegerField(
        label="Dose (mg/day)",
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={
            "min_value": "Give the daily dose in mg (e.g. 400).",
            "max_value": "Give the daily dose in mg (e.g. 400): this is far above any imatinib dose.",
        },
    )
    dose_override_reason = forms.CharField(
        label="Reason for a dose outside the usual range",
        required=False,
        max_length=300,
        help_text="Only when the dose is outside the usual range (e.g. reduced for toxicity).",
    )


class InterruptionForm(forms.Form):
    start = forms.DateField(label="Interrupted from", widget=DATE_WIDGET)
    end = forms.DateField(label="Resumed on", required=False, widget=DATE_WIDGET)
    reason = forms.CharField(max_length=250)
