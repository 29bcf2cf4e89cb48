"""Loading a case for the signed-in user: 404 when it does not exist, 403 when the role may not do this."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cases.models import Case

VIEW = "cases.view_clinical"
EDIT = "cases.edit_clinical"


def require_perm(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _get_case_for_user(request: HttpRequest, pk: uuid.UUID, *, edit: bool = False) -> Case:
    """The case `pk` with its patient and sections, for a user who may read it (and edit it when `edit`)."""
    require_perm(request, VIEW)
    if edit:
        require_perm(request, EDIT)
    return get_object_or_404(Case.objects.with_sections(), pk=pk)
