"""Project-wide middleware: private response headers (issue 11, finding 16) and the user's language (issue 15)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
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


class UserLanguageMiddleware:
    """The signed-in user's stored language (issue 15) wins over LocaleMiddleware's choice (cookie, browser).

    Placed after AuthenticationMiddleware. Users without a stored preference keep what LocaleMiddleware chose:
    the language cookie, then the browser's Accept-Language, then LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = user_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def user_language(user: object) -> str:
    """The user's stored language code, or "" when they chose none (or nobody is signed in)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    # One small query per request; the profile row only exists once the user has chosen.
    from cases.models import UserProfile

    return UserProfile.objects.filter(user=user).values_list("language", flat=True).first() or ""
