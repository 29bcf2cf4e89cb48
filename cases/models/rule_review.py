"""Checking every case against the current rule set, and re-assessing the cases the MDT ticks, in the background
(issue 16: re-assessment of many cases runs as a Celery task; issue 17.1: after a rule-data change).

A check changes nothing: it runs the current rules on each case's latest stored facts and keeps the cases whose
answer (modified NIH risk, pathway, adjuvant advice, surveillance schedule) differs, with both answers, and the cases
made with a superseded version that the current rules answer the same. A re-assessment re-assesses the cases ticked
on a check's page, one by one, as the case page's "Re-assess with the current rules" does, leaving alone a case that
is no longer the one the check listed (cases/records/rule_review.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import BackgroundJob


class RuleReviewKind(models.TextChoices):
    CHECK = "check", _("Check against the current rules")
    REASSESS = "reassess", _("Re-assess with the current rules")


class RuleReviewStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Working")
    READY = "ready", _("Done")
    FAILED = "failed", _("Failed")


class RuleReviewJob(BackgroundJob):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=RuleReviewKind.choices)
    status = models.CharField(
        max_length=10, choices=RuleReviewStatus.choices, default=RuleReviewStatus.QUEUED
    )
    # A re-assessment: the check whose page it was asked from, and the cases ticked there (their ids, in order).
    check_job = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    case_ids = models.JSONField(default=list)
    # A check: {"changed": [{"case", "ruleset", "stored_version", "current_version", "changes": [[what, before, after]]}],
    # "unchanged": [case ids], "failed": [case ids not checked], "versions": {rule set: its current version then}}.
    # A re-assessment: {"reassessed": [case ids], "skipped": [[case id, why]]}.
    result = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Rule review {str(self.id)[:8]} ({self.kind}, {self.status})"
