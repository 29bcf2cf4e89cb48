"""`python manage.py import_cases FILE.csv|FILE.xlsx --user USERNAME [--dry-run]` (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.interop.register_import import FileRefused, register_import
from cases.interop.register_report import report_lines


class Command(BaseCommand):
    help = "Import a GIST register (one row per case) as draft cases: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file with the columns of docs/import.md")
        parser.add_argument(
            "--user", required=True, help="user name recorded as importer and responsible surgeon"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, file: str, user: str, dry_run: bool = False, **options) -> None:
        try:
            importer = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user: no user named {user!r}") from None
        if not importer.has_perm("cases.edit_clinical"):
            raise CommandError(f"--user: {user} may not create cases (needs a surgeon or administrator role)")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            report = register_import(content=content, filename=path.name, user=importer, dry_run=dry_run)
        except FileRefused as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        for line in report_lines(report):
            self.stdout.write(line)
        if report.errors:
            raise CommandError(
                f"{path.name}: {len({p.row for p in report.errors})} row(s) refused; nothing written"
            )
