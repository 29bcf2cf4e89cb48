"""The audit trail of a case, read from django-simple-history: who changed which field, when, from what to what.

Every model with a history that hangs off a case (directly through a `case` field, or one step further, e.g. an
MDT report through its agenda item) is found by introspection, so records added by later features appear in
the History tab without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats
from django.utils.translation import gettext, pgettext, pgettext_lazy
from simple_history.models import registered_models

from cases.course.texts import flag_reason, followup_reason
from cases.labels import phase_label
from cases.models import Case, FollowUpItem, Patient
from cases.templatetags.people import staff_name

# Bookkeeping columns that change on every save or repeat what the event already says (who, which record).
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "updated_by", "schedule_key"})
ACTIONS = {
    "+": pgettext_lazy("audit action", "created"),
    "~": pgettext_lazy("audit action", "changed"),
    "-": pgettext_lazy("audit action", "deleted"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class AuditEvent:
    when: datetime
    who: str
    action: str
    section: str
    #: (field, before, after, created) as stored; worded into `changes` only when read.
    values: list[tuple[models.Field, object, object, bool]] = field(default_factory=list, repr=False)
    users: dict = field(default_factory=dict, repr=False)
    reason: str = ""

    @cached_property
    def changes(self) -> list[FieldChange]:
        """The fields changed, in words. Worded when read: the History tab shows fifty of a case's events a page and
        a long-followed case has hundreds (issue 16: wording every value of 273 events was a third of the page)."""
        return [
            FieldChange(
                _label(f), "—" if created else _display(f, before, self.users), _display(f, after, self.users)
            )
            for f, before, after, created in self.values
        ]


def _case_paths(model: type[models.Model]) -> list[str]:
    """Lookups from `model` to a Case id: `case_id`, or `<fk>__case_id` one relation further (or `id` for Case)."""
    if model is Case:
        return ["id"]
    paths = []
    for f in model._meta.concrete_fields:
        if not f.is_relation or f.related_model is None:
            continue
        if f.related_model is Case:
            paths.append(f.attname)
        elif f.related_model not in (Patient, get_user_model()):
            for g in f.related_model._meta.concrete_fields:
                if g.is_relation and g.related_model is Case:
                    paths.append(f"{f.name}__{g.attname}")
    return paths


def audited_models() -> list[tuple[type[models.Model], list[str]]]:
    """Every history-tracked model attached to a case, with its lookups to the case id."""
    out = []
    for model in registered_models.values():
        if model is Patient:
            continue
        paths = _case_paths(model)
        if paths:
            out.append((model, paths))
    return sorted(out, key=lambda item: item[0]._meta.verbose_name)


def _display(f: models.Field, value: object, users: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if f.model is FollowUpItem and f.name == "phase":  # an engine phase id: its words (cases/labels.py)
        return phase_label(value)
    if f.model is FollowUpItem and f.name == "reason":  # written by the code, or typed
        return followup_reason(str(value))
    if f.model is Case and f.name == "mdt_review_reason":
        return flag_reason(str(value))
    if f.choices:
        labels = dict(f.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        # A signed report's frozen facts, result and snapshot: the report itself shows them, in words.
        return gettext("(structured data, %(count)s entries)") % {"count": len(value)}
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, datetime):
        return formats.date_format(value, _DATETIME())
    if f.is_relation and f.related_model is get_user_model():
        user = users.get(value)
        return staff_name(user) if user else gettext("(removed user)")
    if f.is_relation:
        # e.g. a case moved to another patient: the short id, no name
        return gettext("record %(id)s") % {"id": str(value)[:8]}
    if hasattr(value, "strftime"):
        return formats.date_format(value, _DATE())
    return str(value)


def _DATE() -> str:
    return pgettext("audit trail values: date", "d M Y")


def _DATETIME() -> str:
    return pgettext("audit trail values: date and time", "d M Y H:i")


def _label(f: models.Field) -> str:
    """A field's label in the reader's language: its verbose name, capitalised as the case form writes it."""
    text = str(f.verbose_name)
    return gettext(text[:1].upper() + text[1:])


def _user_name(user_id: object, users: dict) -> str:
    if user_id is None:
        return gettext("system")
    user = users.get(user_id)
    if user is None:
        return gettext("(removed user)")
    return staff_name(user)


def _is_parent_link(f: models.Field) -> bool:
    """The field tying a record to its case (or to the record above it): the event's section already says it."""
    if not f.is_relation or f.related_model in (None, get_user_model()):
        return False
    return f.related_model is Case or bool(_case_paths(f.related_model))


def _events_for(model: type[models.Model], records: Iterable, users: dict, section: str) -> list[AuditEvent]:
    tracked = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS
        and not f.primary_key
        and f.editable  # derived columns (e.g. a window computed from the due date) follow their source
        and not _is_parent_link(f)
    ]
    previous: dict[object, object] = {}
    events = []
    for rec in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        key = getattr(rec, model._meta.pk.attname)
        before = previous.get(key)
        changes = []
        for f in tracked:
            new = getattr(rec, f.attname, None)
            old = getattr(before, f.attname, None) if before is not None else None
            if before is None and rec.history_type == "+":
                if new not in (None, "", []):
                    changes.append((f, None, new, True))
            elif before is not None and old != new:
                changes.append((f, old, new, False))
        previous[key] = rec
        if changes or rec.history_type != "~":
            events.append(
                AuditEvent(
                    when=rec.history_date,
                    who=_user_name(rec.history_user_id, users),
                    action=ACTIONS.get(rec.history_type, rec.history_type),
                    section=section,
                    values=changes,
                    users=users,
                    # A reason the code writes is translated; typed reasons stay as typed.
                    reason=followup_reason(rec.history_change_reason or ""),
                )
            )
    return events


@cache
def _historical(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


def history_rows(model: type[models.Model]) -> models.QuerySet:
    """Every history row of `model`, through the historical model's plain manager. `model.history` builds a new
    manager class on every access (django-simple-history's descriptor, about 0.2 ms), and the pages that read a
    case's history read it from up to twenty tables (issue 16)."""
    return _historical(model)._default_manager.all()


def case_audit_trail(case: Case) -> list[AuditEvent]:
    """All recorded changes to the case, its patient and everything attached to it, newest first."""
    sources: list[tuple[type[models.Model], list, str]] = [
        (Patient, list(history_rows(Patient).filter(id=case.patient_id)), gettext("Patient")),
    ]
    for model, paths in audited_models():
        query = models.Q()
        for path in paths:
            query |= models.Q(**{path: case.id})
        records = list(history_rows(model).filter(query))
        label = gettext("Case") if model is Case else _label_model(model)
        sources.append((model, records, label))
    user_ids = {r.history_user_id for _, records, _ in sources for r in records if r.history_user_id}
    for model, records, _ in sources:
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is get_user_model():
                user_ids |= {getattr(r, f.attname) for r in records if getattr(r, f.attname)}
    users = get_user_model().objects.in_bulk(user_ids)
    events: list[AuditEvent] = []
    for model, records, label in sources:
        events.extend(_events_for(model, records, users, label))
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def _label_model(model: type[models.Model]) -> str:
    text = str(model._meta.verbose_name)
    return gettext(text[:1].upper() + text[1:])
