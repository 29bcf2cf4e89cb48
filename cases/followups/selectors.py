"""Follow-up queries used by more than one page (the flagged list, the MDT meeting page, the home page) or by a
page and a background job (the worklist's surgeon filter, also read by its CSV export)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from cases import kept
from cases.followups.worklist import NAME_FIELDS
from cases.models import Case


def flagged_cases() -> QuerySet[Case]:
    """Active cases a follow-up result flagged for MDT re-discussion, by patient name."""
    return (
        Case.objects.active()
        .filter(needs_mdt_review=True)
        .order_by("patient__family_name", "patient__given_name")
    )


def surgeon_choices() -> list:
    """The users who own a case (the surgeon filter's choices), by family name. Kept in the shared cache until a
    write to the users or the cases (cases/kept.py `STAFF`; 0.8 of a worklist page's 14 ms): their ids and the
    names the choices print, never a whole user row."""
    user_model = get_user_model()

    def read() -> list[tuple]:
        owns = Case.objects.filter(owner=OuterRef("pk"))
        surgeons = user_model.objects.filter(Exists(owns)).order_by("last_name", "username")
        return list(surgeons.values_list("pk", *NAME_FIELDS))

    kept_rows = kept.kept({"surgeons": (kept.STAFF, "surgeons", read)})["surgeons"]
    return [user_model(pk=pk, **dict(zip(NAME_FIELDS, names, strict=True))) for pk, *names in kept_rows]
