"""Tamper evidence of signed reports (issue 11, finding 6): a per-case hash chain and `manage.py verify_reports`."""

from __future__ import annotations

import hashlib
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.mdt.services import report_amend
from cases.models import SignedReport
from tests.factories import PASSWORD, contract_example_case, signed_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(coordinator, chair):
    case = contract_example_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    second = report_amend(report=first, reason="Typo in the decision", user=chair, password=PASSWORD)
    first.refresh_from_db()
    return first, second


def _by_hand(previous: str, report: SignedReport) -> str:
    pdf = hashlib.sha256(bytes(report.pdf)).hexdigest()
    text = f"gistcare-report-chain-v1\n{previous}\n{report.case_id}\n{report.version}\n{pdf}"
    return hashlib.sha256(text.encode()).hexdigest()


def _verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_reports", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_each_version_chains_the_previous_ones_hash(two_versions):
    first, second = two_versions
    assert first.chain_sha256 == _by_hand("", first)
    assert second.chain_sha256 == _by_hand(first.chain_sha256, second)


def test_it_verifies_an_untouched_chain(two_versions):
    out, err = _verify()
    assert "2 signed report(s) verified" in out
    assert err == ""


def test_it_names_a_replaced_pdf_and_exits_non_zero(two_versions):
    first, _ = two_versions
    SignedReport.objects.filter(pk=first.pk).update(pdf=b"%PDF-1.7 forged")
    err = StringIO()
    with pytest.raises(CommandError, match=r"mismatch\(es\) in 2 signed report\(s\)"):
        call_command("verify_reports", stdout=StringIO(), stderr=err)
    assert (
        f"case {str(first.case_id)[:8]} version 1: the PDF does not match its stored SHA-256"
        in err.getvalue()
    )


def test_a_rewritten_hash_breaks_the_chain_of_every_later_version(two_versions):
    first, _ = two_versions
    forged = hashlib.sha256(b"%PDF-1.7 forged").hexdigest()
    # The forger replaces the PDF and its hash in the row: the chain still gives it away.
    SignedReport.objects.filter(pk=first.pk).update(pdf=b"%PDF-1.7 forged", pdf_sha256=forged)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_reports", stdout=StringIO(), stderr=err)
    assert "version 1: the hash chain is broken at this version" in err.getvalue()


def test_the_migration_chains_reports_signed_before_it(two_versions):
    first, second = two_versions
    SignedReport.objects.update(chain_sha256="")
    migration = importlib.import_module("cases.migrations.0007_signed_report_hash_chain")
    migration.chain_existing_reports(apps, None)
    assert SignedReport.objects.get(pk=first.pk).chain_sha256 == _by_hand("", first)
    assert SignedReport.objects.get(pk=second.pk).chain_sha256 == _by_hand(first.chain_sha256, second)
