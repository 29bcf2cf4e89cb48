"""JSON API for hospital systems: `POST /api/v1/assess`, the same contract as `manage.py gist_assess`.

The texts of the recommendations and warnings are English unless the request's `Accept-Language` asks for a
language GISTCare has (zh-Hans): then only those texts change, never an id, a code or a number (issue 15). The
signed-in user's page language plays no part: the answer depends on the request alone.

Callers authenticate with `Authorization: Bearer <token>` (see `create_api_token`). A logged-in browser session
may call it too, but then the CSRF check applies: the view is CSRF-exempt only for token-authenticated calls.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

from cases.api.contract import ContractProblem, assess_text
from cases.api.openapi import openapi_schema
from cases.api.tokens import api_token_authenticate
from cases.engine_texts import rule_text
from cases.permissions import VIEW_CLINICAL

logger = logging.getLogger("gistcare.api")

MAX_BODY_BYTES = 1_000_000
NO_ROLE = "this account has no clinical role"
NOT_JSON = "send the case as JSON with 'Content-Type: application/json'"


#: The contract's own language: its texts are the engine's English.
CONTRACT_LANGUAGE = "en"


def _texts_language(request: HttpRequest) -> str:
    """The language of the answer's texts: the caller's first Accept-Language that GISTCare has, else English."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return CONTRACT_LANGUAGE


def _localised(result: dict) -> dict:
    """`result` with the texts of its recommendations and warnings in the active language (ids unchanged)."""
    for key in ("recommendations", "warnings"):
        result[key] = [{**item, "text": rule_text(item)} for item in result.get(key) or []]
    return result


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


def _refusal(request: HttpRequest, method: str, hint: str) -> tuple[object | None, HttpResponse | None]:
    """The caller, or the JSON answer that turns them away: wrong method, not authenticated, no clinical role."""
    if request.method != method:
        response = _error(405, hint)
        response["Allow"] = method
        return None, response
    user, refusal = _authenticate(request)
    if refusal is not None:
        return None, _with_www_authenticate(refusal)
    if not user.has_perm(VIEW_CLINICAL):
        return None, _error(403, NO_ROLE)
    return user, None


@csrf_exempt
def assess(request: HttpRequest) -> HttpResponse:
    user, refusal = _refusal(request, "POST", "use POST with a JSON case object or a list of them")
    if refusal is not None:
        return refusal
    # Checked before the body is read: Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with its HTML page.
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared and request.content_type != "application/json":
        return _error(415, NOT_JSON, field=None, case_index=None)
    if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return _error(400, f"request body larger than {MAX_BODY_BYTES} bytes", field=None, case_index=None)
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
    language = _texts_language(request)
    with translation.override(language):
        result = [_localised(r) for r in result] if isinstance(result, list) else _localised(result)
    response = JsonResponse(result, safe=False)
    response["Content-Language"] = language
    return response


@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    # Same doors as the API itself (a GET needs no CSRF check): a login or a token, and a clinical role.
    _user, refusal = _refusal(request, "GET", "use GET")
    if refusal is not None:
        return refusal
    return JsonResponse(openapi_schema(request))
