"""Forms of the follow-up worklist: parse and normalise; the services decide."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    ContactOutcome,
    FollowUpModality,
    FollowUpResult,
    PreferredContact,
    RescheduleReason,
    RiskCategory,
    Site,
)
from cases.followups.worklist import TAB_NAMES, WorklistFilters
from cases.form_errors import HiddenErrorsShown
from cases.models import ClosureReason, EscalationOutcome, LetterPurpose, LetterRecipient, LetterSentVia
from cases.roles import NURSE
from cases.templatetags.people import staff_name

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def nurse_queryset():
    return (
        get_user_model().objects.filter(groups__name=NURSE, is_active=True).order_by("last_name", "username")
    )


class FilterForm(forms.Form):
    modality = forms.ChoiceField(
        label=_("Modality"), required=False, choices=_blank(_("Any modality"), FollowUpModality.choices)
    )
    surgeon = forms.TypedChoiceField(
        label=_("Surgeon"), required=False, coerce=int, empty_value=None, choices=[("", _("Any surgeon"))]
    )
    site = forms.ChoiceField(label=_("Site"), required=False, choices=_blank(_("Any site"), Site.choices))
    risk = forms.ChoiceField(
        label=_("Risk"), required=False, choices=_blank(_("Any risk"), RiskCategory.choices)
    )
    nurse = forms.ChoiceField(
        label=_("Nurse"),
        required=False,
        choices=[("", _("All nurses")), ("me", _("Mine and unassigned")), ("unassigned", _("Unassigned"))],
    )

    def __init__(self, *args, surgeons=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surgeon"].choices = [
            ("", _("Any surgeon")),
            *((u.pk, person_name(u)) for u in surgeons),
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


class VersionedForm(HiddenErrorsShown):
    expected_version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, min_value=1)


class DoneForm(VersionedForm):
    completed_date = forms.DateField(label=_("Date done"), widget=DATE_WIDGET)
    result = forms.ChoiceField(label=_("Result"), choices=_blank(_("Choose…"), FollowUpResult.choices))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReviewedForm(VersionedForm):
    """Marking a result to review as reviewed: nothing to fill in but the version seen."""


class ContactForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(_("Choose…"), ContactOutcome.choices))
    next_contact_date = forms.DateField(label=_("Next contact"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RescheduleForm(VersionedForm):
    due_date = forms.DateField(label=_("New due date"), widget=DATE_WIDGET)
    reason_code = forms.ChoiceField(label=_("Why"), choices=_blank(_("Choose…"), RescheduleReason.choices))
    reason = forms.CharField(label=_("Details"), max_length=250)
    confirmed = forms.BooleanField(
        label=_("I have checked the order of the visits and the gap: reschedule anyway"), required=False
    )


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=250)
    # Cancelling removes a visit from the plan: a deliberate second step, never a stray click.
    confirmed = forms.BooleanField(
        label=_("Yes, cancel this visit"),
        error_messages={"required": _("Tick “Yes, cancel this visit” to confirm the cancellation.")},
    )


class EscalateForm(VersionedForm):
    pass


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome of the current step"),
        choices=_blank(
            _("Choose…"), [c for c in EscalationOutcome.choices if c[0] != EscalationOutcome.CLOSED]
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the follow-up ends"), choices=_blank(_("Choose…"), ClosureReason.choices)
    )
    note = forms.CharField(label=_("Details"), required=False, max_length=300)


class LetterNewForm(HiddenErrorsShown):
    recipient = forms.ChoiceField(label=_("Recipient"), choices=LetterRecipient.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=LetterPurpose.choices)
    step = forms.IntegerField(label=_("Escalation step"), required=False, widget=forms.HiddenInput)


class LetterSendForm(forms.Form):
    via = forms.ChoiceField(label=_("Send by"), choices=LetterSentVia.choices)


class ContactDetailsForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    email = forms.EmailField(label=_("Email"), required=False)
    email_consent = forms.BooleanField(label=_("Agrees to receive letters by email"), required=False)
    preferred_contact = forms.ChoiceField(label=_("Preferred contact"), choices=PreferredContact.choices)
    address_line1 = forms.CharField(label=_("Address"), required=False, max_length=200)
    address_line2 = forms.CharField(label=_("Address (line 2)"), required=False, max_length=200)
    town = forms.CharField(label=_("Town"), required=False, max_length=100)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=16)
    gp_name = forms.CharField(label=_("GP name"), required=False, max_length=200)
    gp_practice_address = forms.CharField(
        label=_("GP practice address"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def person_name(user) -> str:
    """A colleague's name in the reader's language (family name first in Chinese: cases.templatetags.people)."""
    return staff_name(user)


class PersonChoiceField(forms.ModelChoiceField):
    """A chooser of users by their name (the user name only when no name is recorded)."""

    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class ItemFields(forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)
    window_days = forms.IntegerField(label=_("Window (± days)"), min_value=0, max_value=180, initial=14)
    modality = forms.ChoiceField(label=_("Modality"), choices=FollowUpModality.choices)
    responsible_nurse = PersonChoiceField(
        label=_("Responsible nurse"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Unassigned"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    reason = forms.CharField(label=_("Reason"), max_length=250)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_nurse"].queryset = nurse_queryset()


class EditForm(ItemFields, VersionedForm):
    pass


class ManualForm(ItemFields):
    pass


def worklist_filters(data, surgeons) -> tuple[FilterForm, WorklistFilters, str, str]:
    """The worklist's filter form, its filters, its tab and its filters as a query string, from `data` (a page's
    query, or the one an export job recorded)."""
    form = FilterForm(data or None, surgeons=surgeons)
    filters = form.filters() if form.is_bound else WorklistFilters()
    tab = data.get("tab", "overdue")
    if tab not in TAB_NAMES:
        tab = "overdue"
    params = {k: v for k, v in data.items() if k in form.fields and v}
    return form, filters, tab, urlencode(params)
