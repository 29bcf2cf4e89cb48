"""Forms of the MDT workflow: plain forms whose cleaned data go straight into the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.form_errors import HiddenErrorsShown
from cases.mdt.decisions import MODIFIABLE, clean_modifications, parse_attendees
from cases.models import SIGNABLE_DECISIONS, DeferralNeed, MdtDecision, MdtMeeting


class DateInput(forms.DateInput):
    """A native date picker: its value must be ISO (YYYY-MM-DD) whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MeetingForm(HiddenErrorsShown):
    date = forms.DateField(label=_("Meeting date"), widget=DateInput)
    title = forms.CharField(label=_("Title"), max_length=200, initial="GIST MDT")
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https")
    attendees = forms.CharField(
        label=_("Attendance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Who is present, one per line with their discipline, e.g. “Dr A. Smith, surgeon (chair)”. "
            "Disciplines: surgeon, oncologist, pathologist, radiologist, gastroenterologist, nurse, coordinator, "
            "other."
        ),
    )
    # The version of the meeting the form was opened at (optimistic concurrency, issue 11 finding 1).
    version = forms.IntegerField(label=_("version"), required=False, min_value=1, widget=forms.HiddenInput)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the meeting a title."))
        return title

    def clean_attendees(self) -> str:
        text = self.cleaned_data["attendees"]
        unknown = [a.name for a in parse_attendees(text) if not a.discipline]
        if unknown:
            raise forms.ValidationError(
                gettext(
                    "Give each person's discipline after a comma (e.g. “Dr A. Smith, surgeon”): %(lines)s"
                )
                % {"lines": "; ".join(f"“{line}”" for line in unknown)}
            )
        return text


class AgendaSearchForm(forms.Form):
    """Posted, never in the URL: the text is a patient's name or MRN (README: no identifiers in URLs)."""

    q = forms.CharField(
        label=_("Find a case"),
        max_length=100,
        required=False,
        help_text=_("Patient name, MRN or the first characters of the case number."),
    )


def _modification_field(spec: Any) -> forms.Field:
    label = gettext("MDT decision: %(field)s") % {"field": str(spec.label).lower()}
    if spec.kind == "choice":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", gettext("as recommended")), *spec.choices]
        )
    if spec.kind == "int":
        return forms.IntegerField(label=label, required=False, min_value=0, max_value=spec.maximum)
    return forms.CharField(label=label, required=False, max_length=200)


class ModificationsMixin:
    """The structured "what the MDT changed" fields (cases.mdt.decisions.MODIFIABLE), prefixed `mod_`."""

    def add_modification_fields(self) -> None:
        for spec in MODIFIABLE:
            self.fields[f"mod_{spec.key}"] = _modification_field(spec)  # type: ignore[attr-defined]

    def modifications(self) -> dict[str, Any]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {spec.key: data.get(f"mod_{spec.key}") for spec in MODIFIABLE}

    def check_modifications(self) -> None:
        _, errors = clean_modifications(self.modifications())
        for key, message in errors.items():
            self.add_error(f"mod_{key}", message)  # type: ignore[attr-defined]


class DecisionForm(ModificationsMixin, HiddenErrorsShown):
    decision = forms.ChoiceField(
        choices=MdtDecision.choices, widget=forms.RadioSelect, label=pgettext_lazy("MDT decision", "Decision")
    )
    reason = forms.CharField(
        label=_("Reason for the modification"),
        max_length=300,
        required=False,
        help_text=_("Required when modifying, e.g. “adjuvant declined by the patient”."),
    )
    deferral_need = forms.ChoiceField(
        label=_("When deferring: what is needed"),
        choices=[("", "—"), *DeferralNeed.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("What the MDT recommends instead (or what is needed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The version of the agenda item the form was opened at (optimistic concurrency, issue 11 finding 1).
    version = forms.IntegerField(label=_("version"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_modification_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        decision = data.get("decision")
        if decision == MdtDecision.MODIFY and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for modifying the recommendation."))
        if decision == MdtDecision.DEFER and not data.get("deferral_need"):
            self.add_error("deferral_need", _("Say what is needed before the MDT can decide."))
        self.check_modifications()
        return data


class SignForm(forms.Form):
    """The chair's attestation: their own password, and the statement they confirm."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AmendForm(ModificationsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)
    meeting = forms.ModelChoiceField(
        queryset=MdtMeeting.objects.none(),
        label=_("Signed at"),
        required=False,
        empty_label=_("Virtual MDT today (created if needed)"),
        help_text=_("The meeting this version is signed at: a meeting held today, or today's virtual MDT."),
    )
    decision = forms.ChoiceField(
        choices=[c for c in MdtDecision.choices if c[0] in SIGNABLE_DECISIONS],
        widget=forms.RadioSelect,
        label=pgettext_lazy("MDT decision", "Decision"),
    )
    decision_reason = forms.CharField(label=_("Reason for the modification"), max_length=300, required=False)
    decision_text = forms.CharField(
        label=_("What the MDT recommends instead"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = MdtMeeting.objects.filter(date=timezone.localdate())
        self.add_modification_fields()

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the amendment."))
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == MdtDecision.MODIFY and not (data.get("decision_reason") or "").strip():
            self.add_error("decision_reason", _("Give the reason for modifying the recommendation."))
        self.check_modifications()
        return data


class AddToAgendaForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=MdtMeeting.objects.none(),
        label=_("MDT meeting"),
        empty_label=_("Choose a meeting"),
        error_messages={"invalid_choice": _("Choose one of the upcoming meetings.")},
    )
    confirm_double_booking = forms.BooleanField(
        required=False, label=_("Book it anyway (the case is already on another upcoming meeting)")
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = MdtMeeting.objects.upcoming(today or timezone.localdate())


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if f"mod_{field}" in form.fields:
                field = f"mod_{field}"
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
