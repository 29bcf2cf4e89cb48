"""Thin views of the FHIR export/import and the register import (the work is in the interop modules)."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from cases.interop.fhir_export import case_bundle
from cases.models import Case
from cases.views.api import _authenticate, _error, _with_www_authenticate

FHIR_JSON = "application/fhir+json"


@csrf_exempt
def case_fhir(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """GET /api/v1/cases/<id>/fhir: the case as a FHIR R4 Bundle (token, or a session with view_clinical)."""
    if request.method != "GET":
        response = _error(405, "use GET")
        response["Allow"] = "GET"
        return response
    user, refusal = _authenticate(request)
    if refusal is not None:
        return _with_www_authenticate(refusal)
    if not user.has_perm("cases.view_clinical"):
        return _error(403, "this account may not read clinical records")
    case = get_object_or_404(Case.objects.with_sections(), pk=pk)
    return HttpResponse(json.dumps(case_bundle(case)), content_type=FHIR_JSON)


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status)
