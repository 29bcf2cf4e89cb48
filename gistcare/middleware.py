"""Project-wide response headers (issue 11, finding 16)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivateResponseMiddleware:
    """Every response the app itself builds may carry patient data: pages, CSV/ICS/PDF exports, JSON answers,
    even error pages (they repeat the address). None may be stored by a browser or a proxy, and no page may use
    the camera, microphone, location or other powerful browser features.

    Placed after WhiteNoise in MIDDLEWARE, so static files (which hold no patient data) keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.GISTCARE_PERMISSIONS_POLICY)
        return response
