"""What every service shares: one way to refuse, one way to show a refusal on a form, one way to say who
did what and why in the audit history.

Services raise `ServiceError` (a `ValidationError`, so the form helper and Django's own handling take it);
`field` names the form field the message belongs to, None for the whole form. Views show it with
`add_service_errors(form, exc)` or, without a form, with `exc.message`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

#: simple_history keeps at most this many characters of a change reason.
REASON_MAX_LENGTH = 100


class ServiceError(ValidationError):
    """A service refused an action: `message` is meant for the user, `field` names the form field if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        error = ValidationError(message, code=code)
        super().__init__({field: [error]} if field else [error])
        self.message = message
        self.field = field
        self.code = code

    @classmethod
    def for_fields(cls, errors: dict[str, str]) -> ServiceError:
        """One refusal naming several fields (a form's worth of checks); `field` and `message` are the first."""
        field, message = next(iter(errors.items()))
        refusal = cls(message, field=field)
        refusal.error_dict = {name: [ValidationError(text)] for name, text in errors.items()}
        return refusal


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def record_history(obj: object, user: object, reason: str = "") -> None:
    """Who changed `obj` and why, for django-simple-history's record of its next save."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        obj._change_reason = reason[:REASON_MAX_LENGTH]
