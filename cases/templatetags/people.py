"""People's names in templates: `{% load people %}` then `{{ user|staff_name }}`, `{{ patient|listed_name }}`.

A colleague's name as the reader's language writes it (issue 15): in English what Django gives (`get_full_name`,
else the user name); in Chinese family name first, without a space for a Chinese name ("李芳") and with one for a
name in Latin script ("Cutter Sam"), as for patients (cases.models.patient.person_name).
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cases.models.patient import listed_name as listed_parts
from cases.models.patient import person_name

register = template.Library()


@register.filter
def staff_name(user) -> str:
    if user is None:
        return ""
    given, family = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not (given or family):
        return user.username
    if (translation.get_language() or "").startswith("zh"):
        return person_name(given, family)
    return user.get_full_name() or user.username


@register.filter
def listed_name(patient) -> SafeString:
    """A patient's name as lists and follow-up pages print it, family name first ("HOPPER, Grace"; in Chinese
    "张伟", "Hopper Grace"), each part isolated by <bdi> (a name in a right-to-left script stays in its place)."""
    chinese = (translation.get_language() or "").startswith("zh")
    family, separator, given = listed_parts(patient.given_name, patient.family_name, chinese)
    return format_html("<bdi>{}</bdi>{}<bdi>{}</bdi>", family, separator, given)
