"""`python manage.py export_fhir [--since DATE] OUTDIR`: one FHIR Bundle per case, NDJSON (docs/fhir.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.interop.fhir_export import case_bundle
from cases.models import Case


class Command(BaseCommand):
    help = "Write every case (or those changed since DATE) as FHIR R4 Bundles to OUTDIR/Bundle.ndjson."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", help="directory to write Bundle.ndjson into (created if missing)")
        parser.add_argument("--since", help="only cases changed on or after this date (YYYY-MM-DD)")

    def handle(self, *args, outdir: str, since: str | None = None, **options) -> None:
        cases = Case.objects.with_sections().order_by("created_at", "id")
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since: enter a date such as 2026-01-31 (got {since!r})") from None
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            cases = cases.filter(updated_at__gte=start)
        target = Path(outdir)
        try:
            target.mkdir(parents=True, exist_ok=True)
            path = target / "Bundle.ndjson"
            count = 0
            with path.open("w", encoding="utf-8") as out:
                for case in cases.iterator(chunk_size=200):
                    out.write(json.dumps(case_bundle(case), separators=(",", ":")) + "\n")
                    count += 1
        except OSError as exc:
            raise CommandError(f"cannot write to {outdir}: {exc.strerror}") from None
        self.stdout.write(f"{count} case(s) written to {path}")
