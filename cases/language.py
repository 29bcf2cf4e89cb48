"""The language switcher (issue 15): Django's own set_language view, which also stores a signed-in user's choice.

Django's view validates the language and the `next` address (no open redirect) and sets the language cookie;
this wrapper then keeps the choice on the user's profile, so it follows the user to any browser.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from cases.models import UserProfile
from gistcare.middleware import SESSION_LANGUAGE_KEY


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language and check_for_language(language):
        UserProfile.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_LANGUAGE_KEY] = language
    return response


@receiver(user_logged_in, dispatch_uid="gistcare-user-language")
def _language_at_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """Copy the user's stored language into their new session (one query at log-in, none per page)."""
    if request is None or not hasattr(request, "session"):
        return
    language = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    if language:
        request.session[SESSION_LANGUAGE_KEY] = language
    else:
        request.session.pop(SESSION_LANGUAGE_KEY, None)


def stored_language(user_id: int | None) -> str:
    """The language a user chose, for what reaches them outside a page (e-mails, the calendar feed); the site's
    language when they chose none (or for no user: a team address)."""
    from django.conf import settings

    if user_id is not None:
        chosen = UserProfile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
        if chosen:
            return chosen
    return settings.LANGUAGE_CODE
