"""The navigation bar's links and the language menu, rendered once per process for each of their inputs and kept
(issue 16): `{% load navigation %}`, then `{% main_nav %}` and `{% language_choices %}`.

Every page shows both. Through the template engine they cost about 0.3 ms a page, half of what a bare view costs
altogether. What they show depends only on the language, the site's path prefix, which page this is (its view and
app names) and two of the reader's rights, so each combination is rendered once and then read from memory (77
pages, 2 languages and 4 pairs of rights: at most about 600, of about 1.5 KB each). Nothing of one reader or one
request is kept: the rights are looked up on every request (a role given or taken away shows at the next page),
and the language form's CSRF token is rendered by the page around the kept part (templates/_language_switcher.html).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from cases.permissions import EDIT_CLINICAL, VIEW_CLINICAL

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> SafeString:
    """The links of the navigation bar for this reader on this page."""
    user = context["user"]
    # None on a page for an address that matched nothing (404), or rendered outside a request.
    match = getattr(context.get("request"), "resolver_match", None)
    return _main_nav(
        translation.get_language(),
        get_script_prefix(),
        match.view_name if match else "",
        match.app_name if match else "",
        user.has_perm(VIEW_CLINICAL),
        user.has_perm(EDIT_CLINICAL),
    )


@register.simple_tag
def language_choices() -> SafeString:
    """The language menu's label, choices (the current language selected) and button, without its form."""
    return _language_choices(translation.get_language(), get_script_prefix())


# The key's language and prefix are the ones active while the value is rendered: render_to_string and reverse()
# read them from the running request, so they are part of the key and not passed on.
@lru_cache(maxsize=1024)
def _main_nav(
    language: str, prefix: str, view_name: str, app_name: str, can_view: bool, can_edit: bool
) -> SafeString:
    context = {"view_name": view_name, "app_name": app_name, "can_view": can_view, "can_edit": can_edit}
    return mark_safe(render_to_string("_nav_items.html", context))  # noqa: S308  (escaped by the template)


@lru_cache(maxsize=16)
def _language_choices(language: str, prefix: str) -> SafeString:
    return mark_safe(render_to_string("_language_choices.html"))  # noqa: S308  (escaped by the template)


@receiver(setting_changed)
def forget(**_kwargs) -> None:
    """Drop what is kept. Settings change only in tests (languages, catalogues, templates, URLs): sent then."""
    _main_nav.cache_clear()
    _language_choices.cache_clear()
