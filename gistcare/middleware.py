"""Project-wide middleware: private response headers (issue 11, finding 16), the session's idle-timeout
renewal, the signed-in user's language (issue 15), a refused role change's page (issue 16), and the way to the
log-in page from an htmx request."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

#: The signed-in user's stored language, copied into their session when they log in or switch (cases.language).
SESSION_LANGUAGE_KEY = "_user_language"


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


class SessionRenewalMiddleware:
    """Renew a user's session (its server-side expiry, SESSION_COOKIE_AGE from now) at most once every
    GISTCARE_SESSION_RENEW_SECONDS, instead of writing the session row on every request
    (SESSION_SAVE_EVERY_REQUEST). The idle timeout ends between AGE - RENEW and AGE after the last request.
    A visitor without a session gets none."""

    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A view that never read the session (e.g. /healthz/) leaves it unloaded: no query for it.
        if session is None or not session.accessed or session.is_empty() or response.status_code >= 500:
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.GISTCARE_SESSION_RENEW_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


class UserLanguageMiddleware:
    """The signed-in user's stored language (issue 15) wins over LocaleMiddleware's choice (cookie, browser).

    The preference lives on the user's profile; it is copied into the session at log-in and when the user
    switches (cases.language), so a page costs no query for it beyond the session that authentication reads
    anyway. A request without a session cookie (an anonymous visitor, the proxy's /healthz/ check) is left to
    LocaleMiddleware: the language cookie, then Accept-Language, then LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            used_by_view = session.accessed
            language = session.get(SESSION_LANGUAGE_KEY)
            # Reading the language is not the view using the session: a view that never reads it (/healthz/)
            # still gets no renewal write (SessionRenewalMiddleware) and no "Vary: Cookie".
            session.accessed = used_by_view
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RoleChangeRefusedMiddleware:
    """A change to roles or permissions refused because the shared cache could not be told
    (gistcare.auth_backends.PermissionCacheUnreachable) is a page that says so, with status 503, not the
    server-error page. The forms that change roles ask the cache first (cases/admin.py); this catches a cache
    lost between that check and the save. The view's transaction has been rolled back: nothing was saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from gistcare.auth_backends import PermissionCacheUnreachable

        if not isinstance(exception, PermissionCacheUnreachable):
            return None
        body = loader.get_template("role_change_refused.html").render({}, request)
        return HttpResponse(body, status=503)


class HtmxLoginRedirectMiddleware:
    """An htmx request sent to the log-in page (its session ended: 30 minutes idle) gets htmx's own redirect.

    htmx follows an ordinary redirect itself and swaps the log-in page it got into its target: a chair whose
    session ended during a meeting saw the whole log-in page inside a case's card on opening its decision form.
    With HX-Redirect the browser goes to the log-in page, and `next` is the page the user was on (htmx's
    HX-Current-URL, when it is on this site), not the fragment's address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302 or request.headers.get("HX-Request") != "true":
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        current = request.headers.get("HX-Current-URL", "")
        safe = url_has_allowed_host_and_scheme(current, {request.get_host()}, request.is_secure())
        back = urlsplit(current) if current and safe else None
        page = (back.path + (f"?{back.query}" if back.query else "")) if back else request.get_full_path()
        return HttpResponseClientRedirect(f"{login}?{urlencode({'next': page})}")
