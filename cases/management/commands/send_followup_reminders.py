"""Daily cron: move overdue visits one step up the escalation ladder, then email each nurse a digest of her
follow-up items due and overdue (see cases/followups/escalation.py and reminders.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.followups.escalation import escalate_overdue
from cases.followups.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Escalate overdue follow-up visits (one step per visit per run, idempotent) and email each nurse "
        "today's digest of due and overdue items (once per day)."
    )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        opened = escalate_overdue(today=today)
        self.stdout.write(
            f"{opened} escalation step{'' if opened == 1 else 's'} opened for {today.isoformat()}."
        )
        result = reminders_send(today=today, base_url=getattr(settings, "GISTCARE_BASE_URL", "").rstrip("/"))
        self.stdout.write(f"{result.sent} reminder digest(s) sent for {today.isoformat()}.")
        if result.not_sent:  # exit status 1, for the cron job's monitoring
            raise CommandError(
                f"{len(result.not_sent)} reminder digest(s) not sent (the mail server did not take them): "
                f"{', '.join(result.not_sent)}. Running the command again sends them."
            )
