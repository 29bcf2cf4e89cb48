"""Daily cron: email each nurse a digest of her follow-up items due and overdue (see followup_reminders)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.followups.reminders import reminders_send


class Command(BaseCommand):
    help = "Email each nurse today's digest of due and overdue follow-up items (once per day)."

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        sent = reminders_send(today=today, base_url=getattr(settings, "GISTCARE_BASE_URL", "").rstrip("/"))
        self.stdout.write(f"{sent} reminder digest(s) sent for {today.isoformat()}.")
