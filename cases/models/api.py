"""Tokens for hospital systems calling the JSON API (`Authorization: Bearer <token>`).

Only a SHA-256 hash of each token is stored: a copy of the database (or of a backup) does not let anyone call
the API. The token itself is shown once, when created (`manage.py create_api_token`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.base import BaseModel


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, owner__is_active=True)


class ApiToken(BaseModel):
    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. 'EPR integration'.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
