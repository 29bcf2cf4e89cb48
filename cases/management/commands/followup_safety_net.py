"""List every case with a signed report and no pending visit, closure or flag; fails (status 1) if any."""

from django.core.management.base import BaseCommand, CommandError

from cases.followups.safety import cases_without_safety_net


class Command(BaseCommand):
    help = (
        "List the cases with a signed report that have no pending follow-up visit, no closure with a reason and "
        "no flag. Exits with status 1 when there is any (for cron and monitoring)."
    )

    def handle(self, *args, **options) -> None:
        cases = list(cases_without_safety_net())
        if not cases:
            self.stdout.write("No case without a pending visit, a closure or a flag.")
            return
        # Case short ids and surgeons only: this output ends up in logs and emails.
        for case in cases:
            surgeon = case.owner.get_full_name() or case.owner.username
            self.stdout.write(f"case {case.short_id}  surgeon {surgeon}  signed {case.last_signed:%Y-%m-%d}")
        raise CommandError(
            f"{len(cases)} case(s) with a signed report have no pending visit, closure or flag."
        )
