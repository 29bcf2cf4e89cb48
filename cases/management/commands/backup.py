"""`manage.py backup [--dir DIR]`: a consistent copy of the database in backups/ (see README, "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, backup_database, default_directory


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) into a timestamped file."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="directory (default: backups/)")

    def handle(self, *args, dir: Path | None, **options):
        try:
            path = backup_database(dir or default_directory())
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(path))
