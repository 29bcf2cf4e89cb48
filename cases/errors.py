"""Error pages that say what happened and what to do, never which record or why in technical terms.

Django's defaults echo the requested path on the 404 page; paths here carry only UUIDs, but the pages stay
generic anyway, so nothing about a patient or the code can leak through an error.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader


def _render(request: HttpRequest, template: str, status: int) -> HttpResponse:
    # No context from the failing view: only the request (for the navigation) is passed on.
    body = loader.get_template(template).render({}, request if status != 500 else None)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the failure may come from the very code a context processor would call.
    return _render(request, "500.html", 500)
