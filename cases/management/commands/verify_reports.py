"""`manage.py verify_reports`: recompute every signed report's PDF hash and the per-case hash chain.

Prints each mismatch (case, version, what is wrong) and exits with status 1 if there is any, 0 otherwise.
"""

from __future__ import annotations

from itertools import groupby

from django.core.management.base import BaseCommand, CommandError

from cases.mdt.integrity import verify_chain
from cases.models import SignedReport


class Command(BaseCommand):
    help = "Check the signed reports' PDF hashes and hash chain; exit status 1 on any mismatch."

    def handle(self, *args, **options) -> None:
        rows = (
            SignedReport.objects.order_by("case_id", "version")
            .values_list("case_id", "version", "pdf", "pdf_sha256", "chain_sha256")
            .iterator(chunk_size=50)
        )
        checked, problems = 0, []
        for case_id, group in groupby(rows, key=lambda row: row[0]):
            reports = [(version, pdf, pdf_sha, chain) for _case, version, pdf, pdf_sha, chain in group]
            checked += len(reports)
            problems += verify_chain(case_id, reports)
        for problem in problems:
            self.stderr.write(f"case {str(problem.case_id)[:8]} version {problem.version}: {problem.problem}")
        if problems:
            raise CommandError(f"{len(problems)} mismatch(es) in {checked} signed report(s)")
        self.stdout.write(f"{checked} signed report(s) verified: every PDF hash and the hash chain match.")
