"""People's names in templates: `{% load people %}` then `{{ user|staff_name }}`.

A colleague's name as the reader's language writes it (issue 15): in English what Django gives (`get_full_name`,
else the user name); in Chinese family name first, without a space for a Chinese name ("李芳") and with one for a
name in Latin script ("Cutter Sam"), as for patients (cases.models.patient.person_name).
"""

from __future__ import annotations

from django import template
from django.utils import translation

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
