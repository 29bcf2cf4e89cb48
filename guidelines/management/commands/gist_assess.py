"""``python manage.py gist_assess [FILE|-]``: assess cases given as JSON (ASSESS_CONTRACT.md).

One case object in gives one result object out; a list gives a list in the same order (an empty list gives
``[]``). Every case is validated before anything is printed. Bad input (unreadable file, invalid JSON, a
contract violation) exits with status 2 and one line on standard error naming the field and the 0-based case
index; standard output stays empty and no traceback is printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guidelines.contract import ContractError, load_json, parse_payload, result_to_json
from guidelines.engine import assess
from guidelines.rulesets import UnknownRuleset, get_ruleset


class Command(BaseCommand):
    help = "Assess GIST cases given as JSON (a case object or a list of them) and print the results as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", default="-", help="JSON file, or - for standard input (default)"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}", returncode=2
            ) from None

        try:
            ruleset = get_ruleset(getattr(settings, "GISTCARE_DEFAULT_RULESET", "esmo-2022"))
        except UnknownRuleset as exc:
            raise CommandError(f"settings.GISTCARE_DEFAULT_RULESET: {exc}", returncode=2) from None

        try:
            payload = load_json(text)
            cases = parse_payload(payload)
        except ContractError as exc:
            raise CommandError(str(exc), returncode=2) from None

        # A case's own "ruleset" wins over the settings default.
        results = [assess(facts, facts.ruleset or ruleset) for facts in cases]
        output = result_to_json(results[0] if isinstance(payload, dict) else results)
        self.stdout.write(output)
