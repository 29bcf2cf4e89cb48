"""What every service shares: one way to refuse, one way to show a refusal on a form, one way to say who
did what and why in the audit history.

Services raise `ServiceError` (a `ValidationError`, so the form helper and Django's own handling take it);
`field` names the form field the message belongs to, None for the whole form. Views show it with
`add_service_errors(form, exc)` or, without a form, with `exc.message`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

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


_CONFLICT_WHAT = {
    "case": gettext_lazy("this case"),
    "meeting": gettext_lazy("this meeting"),
    "decision": gettext_lazy("this decision"),
}


class EditConflict(ServiceError):
    """Someone else saved the record after this form was opened: nothing was written (issue 11 finding 1).

    `differences` are (field label, the value submitted, the value on record now), for the form to show."""

    def __init__(self, what: str, *, who: str, when, differences: list[tuple[str, str, str]] = ()) -> None:
        values = {"who": who, "what": _CONFLICT_WHAT.get(what) or gettext("this %(thing)s") % {"thing": what}}
        if when:
            values["time"] = f"{timezone.localtime(when):%H:%M}"
            message = gettext(
                "%(who)s saved %(what)s at %(time)s, after you opened it. Your changes were not saved: your "
                "values are kept below; check them against the record and save again to replace it."
            )
        else:
            message = gettext(
                "%(who)s saved %(what)s after you opened it. Your changes were not saved: your values are kept "
                "below; check them against the record and save again to replace it."
            )
        super().__init__(message % values)
        self.differences = list(differences)


def claim_version(model: type[models.Model], pk: object, expected: int | None) -> int | None:
    """Take row `pk` from version `expected` to the next one; None if someone else saved it meanwhile.

    The conditional UPDATE is the lock (on PostgreSQL it also holds the row until the transaction commits, so
    the second of two concurrent saves waits, then finds the version moved on). `expected` None (a scripted
    post that did not carry the version) claims whatever version is there. Returns the new version."""
    rows = model._default_manager.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1):
        return None
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).get()


def lock_row(model: type[models.Model], pk: object) -> None:
    """Take the write lock on row `pk` as the transaction's first statement: the second of two concurrent
    writers waits here for the first to commit, then reads what it wrote. (A no-op UPDATE: on PostgreSQL it
    locks the row; on SQLite it takes the database's write lock before anything is read, so the second writer
    waits out the busy timeout instead of failing with "database is locked" when it upgrades a read.)"""
    model._default_manager.filter(pk=pk).update(version=F("version"))


def last_editor(obj: models.Model) -> tuple[str, object]:
    """(name, when) of the latest change in `obj`'s simple-history, for a conflict message."""
    latest = obj.history.order_by("-history_date").select_related("history_user").first()
    if latest is None or latest.history_user is None:
        return gettext("Someone else"), None if latest is None else latest.history_date
    user = latest.history_user
    return user.get_full_name() or user.get_username(), latest.history_date


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def posted_version(data) -> int | None:
    """The record version a form was opened at (hidden input `case_version` or `version`), None if absent."""
    raw = data.get("case_version") or data.get("version") or ""
    return int(raw) if str(raw).isdigit() else None


def _shown(field: forms.Field, value: object) -> str:
    """A value as the user would recognise it on the form: a choice's words, yes/no, a plain number."""
    if value in (None, "", [], ()):
        return gettext("not recorded")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_shown(field, item) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    words = dict(getattr(field, "choices", None) or ())
    return str(words.get(value, value))


def conflict_differences(form: forms.Form, on_record: dict) -> list[tuple[str, str, str]]:
    """(label, the value submitted, the value on record now) for every field of a valid `form` where the two
    differ: what the user must look at before saving again."""
    rows = []
    for name, field in form.fields.items():
        if name not in form.cleaned_data:
            continue
        mine, theirs = _shown(field, form.cleaned_data[name]), _shown(field, on_record.get(name))
        if mine != theirs:
            rows.append((str(field.label or name), mine, theirs))
    return rows


def show_conflict(form: forms.Form, conflict: EditConflict, differences: list[tuple[str, str, str]]) -> None:
    """The conflict above the form, then one line per differing field naming it, with both values."""
    form.add_error(None, conflict.message)
    for label, mine, theirs in differences:
        form.add_error(
            None,
            gettext("%(label)s: yours %(mine)s, on record now %(theirs)s.")
            % {"label": label, "mine": mine, "theirs": theirs},
        )


def record_history(obj: object, user: object, reason: str = "") -> None:
    """Who changed `obj` and why, for django-simple-history's record of its next save."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        obj._change_reason = reason[:REASON_MAX_LENGTH]
