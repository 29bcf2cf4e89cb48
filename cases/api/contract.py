"""The assessment contract (ASSESS_CONTRACT.md) for the API: JSON in, JSON out, errors naming field and case.

Decoding, validation and assessment are exactly those of `manage.py gist_assess` (`guidelines.contract`), so
the command, the API and the wizard give the same answer to the same input.
"""

from __future__ import annotations

from django.conf import settings

from guidelines.contract import ContractError, load_json, parse_payload
from guidelines.engine import assess
from guidelines.rulesets import get_ruleset

# A hospital system may batch cases; more than this in one call is a mistake or an attack on the workers.
MAX_CASES = 500


class ContractProblem(Exception):
    def __init__(self, message: str, field: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index


def assess_text(text: str) -> dict | list:
    """The contract's output for the JSON `text`: one result object, or a list in the same order."""
    try:
        payload = load_json(text)
        if isinstance(payload, list) and len(payload) > MAX_CASES:
            raise ContractProblem(f"at most {MAX_CASES} cases per request (got {len(payload)})")
        cases = parse_payload(payload)
    except ContractError as exc:
        raise ContractProblem(exc.message, exc.field, exc.index) from None
    default = get_ruleset(settings.GISTCARE_DEFAULT_RULESET)
    results = [assess(facts, facts.ruleset or default).to_dict() for facts in cases]
    return results[0] if isinstance(payload, dict) else results
