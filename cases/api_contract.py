"""The assessment contract (ASSESS_CONTRACT.md) for the API: JSON in, JSON out, errors naming field and case.

Parsing and validation are the engine's own (`guidelines.contract`), so the API, `gist_assess` and the wizard
give the same answer to the same input.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CASES = 500


@dataclass
class ContractProblem(Exception):
    message: str
    field: str | None = None
    index: int | None = None


def assess_payload(payload: object) -> dict | list:
    raise ContractProblem("the guideline engine is not available yet")
