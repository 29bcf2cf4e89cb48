"""`{% load flags %}` then `{{ case.mdt_review_reason|flag_reason }}`: why a case is flagged for the MDT, in the
reader's language (the treatment course stores its reasons in fixed English words; cases/course/texts.py)."""

from __future__ import annotations

from django import template

from cases.course.texts import flag_reason as _flag_reason

register = template.Library()


@register.filter
def flag_reason(text: str) -> str:
    return _flag_reason(text or "")
