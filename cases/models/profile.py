from __future__ import annotations

from django.conf import settings
from django.db import models

from cases.models.base import BaseModel


class UserProfile(BaseModel):
    """What a user chooses for themselves: for now the language of the pages (issue 15).

    Blank means "not chosen": the language cookie, then the browser's Accept-Language, then LANGUAGE_CODE.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField("language", max_length=10, choices=settings.LANGUAGES, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.language or 'browser language'})"
