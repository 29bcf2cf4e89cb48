"""Tamper evidence for signed reports (issue 11, finding 6): a hash chain per case.

Each signed version stores `chain_sha256` = SHA-256 of the previous version's chain hash, the case, the version
number and the SHA-256 of its own PDF. Changing any stored PDF, hash or version breaks the chain from there on,
and `manage.py verify_reports` recomputes everything and names each mismatch. (Without a key, someone who can
rewrite the database can recompute a whole chain; keep a copy of `verify_reports`'s output, or of the latest
chain hashes, outside the database to detect that too.)

Pure functions: also used by migration 0007 to chain the reports signed before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


def pdf_hash(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def chain_hash(*, previous: str, case_id: object, version: int, pdf_sha256: str) -> str:
    text = f"gistcare-report-chain-v1\n{previous}\n{case_id}\n{version}\n{pdf_sha256}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Mismatch:
    case_id: object
    version: int
    problem: str


def verify_chain(case_id: object, reports: Iterable[tuple[int, bytes, str, str]]) -> list[Mismatch]:
    """`reports`: (version, pdf, stored pdf_sha256, stored chain_sha256) of one case in version order."""
    problems: list[Mismatch] = []
    previous = ""
    expected_version = 1
    for version, pdf, stored_pdf_hash, stored_chain in reports:
        if version != expected_version:
            problems.append(Mismatch(case_id, version, f"version {expected_version} is missing"))
        expected_version = version + 1
        actual = pdf_hash(bytes(pdf))
        if actual != stored_pdf_hash:
            problems.append(Mismatch(case_id, version, "the PDF does not match its stored SHA-256"))
        chained = chain_hash(previous=previous, case_id=case_id, version=version, pdf_sha256=actual)
        if chained != stored_chain:
            problems.append(Mismatch(case_id, version, "the hash chain is broken at this version"))
        previous = stored_chain
    return problems
