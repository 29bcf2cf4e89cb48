"""The base of every model of the app."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


class BaseModel(models.Model):
    """get_FOO_display with each field's labels translated once per language and kept.

    Django's own (`Model._get_FIELD_display`, which every get_FOO_display calls) translates every choice of the
    field on each call to find one label: a case page printed ten labels for about 0.3 ms of its 9 (issue 16).
    The labels are exactly Django's (tests/test_choice_labels.py), in the language active at the call.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field):
        value = getattr(self, field.attname)
        return force_str(_labels(field, get_language()).get(make_hashable(value), value), strings_only=True)


@lru_cache(maxsize=1024)  # about 50 fields with choices (and their history), in two languages
def _labels(field: models.Field, language: str | None) -> dict:
    return {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}


@receiver(setting_changed)
def forget(**_kwargs) -> None:
    """Drop what is kept. Settings change only in tests (languages, catalogues): sent then."""
    _labels.cache_clear()


class BackgroundJob(BaseModel):
    """Work a Celery worker does for a request (a meeting printout, a CSV export): its progress, its error, who ran it
    and when. Each kind adds its own `status` (with "ready" and "failed", which end it), inputs and file."""

    status: str
    #: The setting that says after how many seconds without progress an unfinished job is `stalled`.
    STALE_SETTING = "GISTCARE_EXPORT_STALE_SECONDS"
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # Which process finished the work ("in-process" without a broker): where to look when something went wrong.
    worker = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        if self.status == "ready":
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def percent_step(self) -> int:
        """The percentage in steps of 5: the progress bar's width class (static/css/printout.css)."""
        return 5 * round(self.percent / 5)

    @property
    def finished(self) -> bool:
        return self.status in {"ready", "failed"}

    @property
    def stalled(self) -> bool:
        """Unfinished and unchanged for `STALE_SETTING` seconds: its message was lost, or its worker died (a
        running job saves its progress as it goes: an export every 1,000 rows, a rule review every 100 cases). Its
        page stops waiting and offers to ask again."""
        if self.finished:
            return False
        return timezone.now() - self.updated_at > timedelta(seconds=getattr(settings, self.STALE_SETTING))
