"""Dates in long lists, worded once: `{% load dates %}` then `{{ item.due_date|day:day_format }}`.

Django's `date` filter works a date out anew at every call (the format looked up, each of its letters formatted,
the month's name translated: about 30 µs, and 57 µs with a translated format such as `_("d M Y")` as its argument).
A list prints the same few hundred dates again and again: the printable follow-up list, up to 2,000 rows of three
dates each (issue 16). `day` gives exactly what `date` gives, keeping what it has worded for each date, format and
language; what it kept is forgotten when a setting changes (formats, the time zone that "r" and "U" read).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.template.defaultfilters import date as date_filter
from django.utils import translation

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def day(value, arg=None) -> str:
    """`value|date:arg`, kept for a calendar date (a date and time is worded each time, as `date` does)."""
    if type(value) is not date:
        return date_filter(value, arg)
    try:
        return _worded(value, arg, translation.get_language())
    except TypeError:  # an argument that cannot be a key (not a format: `date` words it all the same)
        return date_filter(value, arg)


@lru_cache(maxsize=4096)
def _worded(value: date, arg: str | None, language: str | None) -> str:
    """Called with `language` active: it is in the key because the month's name and the formats depend on it."""
    return date_filter(value, arg)


def _forget(**kwargs) -> None:
    _worded.cache_clear()


setting_changed.connect(_forget, dispatch_uid="cases.templatetags.dates.forget")
