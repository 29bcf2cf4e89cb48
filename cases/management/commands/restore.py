"""`manage.py restore FILE --yes`: replace the database's content with a backup made by `manage.py backup`."""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Restore a backup file into the configured database, replacing everything in it."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm that the current content is replaced")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            raise CommandError("restore replaces the whole database: run it again with --yes to confirm")
        try:
            restore_database(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if settings.CACHE_URL:
            # The shared cache holds the replaced database's sessions and permission sets (issue 16); it is the
            # installation's own Redis database (docs/deploy.md), so it is emptied whole.
            try:
                cache.clear()
            except Exception as exc:
                raise CommandError(
                    f"Restored {file.name}, but the shared cache (CACHE_URL) could not be emptied ({exc}): empty it "
                    "(redis-cli -n <database> FLUSHDB) before the app serves again."
                ) from None
        self.stdout.write(
            f"Restored {file.name}. Run `manage.py migrate` if the backup predates this version."
        )
