from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from cases.models.base import BaseModel


class Assessment(BaseModel):
    """A frozen snapshot of one engine run: the facts it was given and what it answered.

    Never updated after creation: a report printed next year must show what was recommended then, with the
    rule set id and version that produced it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruleset = models.CharField(max_length=40)
    ruleset_version = models.CharField(max_length=80)
    facts = models.JSONField()
    result = models.JSONField()

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Assessment {self.ruleset} {self.ruleset_version} at {self.created_at:%Y-%m-%d %H:%M}"
