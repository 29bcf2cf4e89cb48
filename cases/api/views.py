"""JSON API for hospital systems: `POST /api/v1/assess`, the same contract as `manage.py gist_assess`.

Callers authenticate with `Authorization: Bearer <token>` (see `create_api_token`). A logged-in browser session
may call it too, but then the CSRF check applies: the view is CSRF-exempt only for token-authenticated calls.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from cases.api.contract import ContractProblem, assess_text
from cases.api.openapi import openapi_schema
from cases.api.tokens import api_token_authenticate
from cases.permissions import VIEW_CLINICAL

logger = logging.getLogger("gistcare.api")

MAX_BODY_BYTES = 1_000_000


def _error(status: int, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    # Run the CSRF check the middleware skipped because of csrf_exempt.
    check = CsrfViewMiddleware(lambda req: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda req: HttpResponse(), (), {})


def _authenticate(request: HttpRequest) -> tuple[object | None, JsonResponse | None]:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return None, _error(401, "use 'Authorization: Bearer <token>'")
        token = api_token_authenticate(raw.strip())
        if token is None:
            logger.info("api: refused an unknown or revoked token")
            return None, _error(401, "invalid or revoked token")
        request.api_token_id = token.pk  # for the log line: which integration called, never what it sent
        return token.owner, None
    if request.user.is_authenticated:
        if _csrf_failure(request) is not None:
            return None, _error(403, "CSRF check failed: browser sessions must send the CSRF token")
        return request.user, None
    return None, _error(401, "authentication required: send 'Authorization: Bearer <token>'")


def _with_www_authenticate(response: JsonResponse) -> JsonResponse:
    if response.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="gistcare"'
    return response


@csrf_exempt
def assess(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _error(405, "use POST with a JSON case object or a list of them")
        response["Allow"] = "POST"
        return response
    user, refusal = _authenticate(request)
    if refusal is not None:
        return _with_www_authenticate(refusal)
    if not user.has_perm(VIEW_CLINICAL):
        return _error(403, "this account has no clinical role")
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, f"request body larger than {MAX_BODY_BYTES} bytes")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "the request body is not UTF-8 text", field=None, case_index=None)
    try:
        result = assess_text(text)
    except ContractProblem as problem:
        return _error(400, problem.message, field=problem.field, case_index=problem.index)
    logger.info(
        "api: assess by user %s (token %s): %s case(s)",
        user.pk,
        getattr(request, "api_token_id", "-"),
        len(result) if isinstance(result, list) else 1,
    )
    return JsonResponse(result, safe=False)


@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    # Same doors as the API itself (a GET needs no CSRF check): every page requires a login or a token.
    if request.method != "GET":
        response = _error(405, "use GET")
        response["Allow"] = "GET"
        return response
    user, refusal = _authenticate(request)
    if refusal is not None:
        return _with_www_authenticate(refusal)
    return JsonResponse(openapi_schema(request))
