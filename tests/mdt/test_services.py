"""cases/services/mdt.py: meetings, agenda, decisions, signing and amending."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.choices import CaseStatus
from cases.mdt.services import (
    agenda_add,
    agenda_remove,
    decision_record,
    meeting_create,
    meeting_update,
    report_amend,
    report_sign,
)
from cases.models import AgendaItemStatus, SignedReport
from cases.records.assessment import case_assess
from tests.factories import CaseFactory, contract_example_case, meeting_with_case, signed_report

pytestmark = pytest.mark.django_db


def test_it_creates_and_edits_a_meeting(coordinator):
    meeting = meeting_create(user=coordinator, date=date(2026, 3, 2), title="  GIST MDT ", attendees="Dr A\n")
    assert (meeting.title, meeting.attendees, meeting.created_by) == ("GIST MDT", "Dr A", coordinator)
    meeting_update(
        meeting=meeting, user=coordinator, date=date(2026, 3, 9), title="Moved", attendees="Dr A\nDr B"
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.title, meeting.attendee_list) == (
        date(2026, 3, 9),
        "Moved",
        ["Dr A", "Dr B"],
    )
    assert meeting.history.count() == 2


def test_it_refuses_meetings_to_a_surgeon(surgeon):
    with pytest.raises(PermissionDenied):
        meeting_create(user=surgeon, date=date(2026, 3, 2), title="X")


def test_it_appends_cases_to_the_agenda_once(coordinator):
    meeting = meeting_create(user=coordinator, date=date(2026, 3, 2), title="GIST MDT")
    first = agenda_add(meeting=meeting, case=CaseFactory(), user=coordinator)
    case = CaseFactory()
    second = agenda_add(meeting=meeting, case=case, user=coordinator)
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(ValidationError, match="already on the agenda"):
        agenda_add(meeting=meeting, case=case, user=coordinator)
    assert meeting.items.count() == 2


def test_it_removes_an_unsigned_item_but_not_a_signed_one(coordinator, chair):
    meeting, item = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    agenda_remove(item=item, user=coordinator)
    assert meeting.items.count() == 0
    report = signed_report(coordinator=coordinator, chair=chair, case=contract_example_case())
    with pytest.raises(ValidationError):
        agenda_remove(item=report.agenda_item, user=coordinator)


def test_a_modification_needs_a_reason(coordinator, chair):
    _, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    with pytest.raises(ValidationError) as exc:
        decision_record(item=item, user=chair, decision="modify", reason="  ")
    assert "reason" in exc.value.message_dict
    decision_record(item=item, user=chair, decision="modify", reason="Adjuvant declined", text="Surveillance")
    item.refresh_from_db()
    assert (item.decision, item.modification_reason, item.status) == (
        "modify",
        "Adjuvant declined",
        "decided",
    )
    assert item.case.status == CaseStatus.DISCUSSED


def test_only_the_chair_records_decisions_and_signs(coordinator, surgeon):
    _, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    for user in (coordinator, surgeon):
        with pytest.raises(PermissionDenied):
            decision_record(item=item, user=user, decision="accept")
        with pytest.raises(PermissionDenied):
            report_sign(item=item, user=user)
    assert not SignedReport.objects.exists()


def test_signing_needs_a_decision(coordinator, chair):
    _, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    with pytest.raises(ValidationError, match="Record the MDT decision"):
        report_sign(item=item, user=chair)


def test_signing_freezes_the_report(coordinator, chair):
    case = contract_example_case()
    report = signed_report(
        coordinator=coordinator, chair=chair, case=case, decision="modify", reason="Adjuvant declined"
    )
    assert report.version == 1
    assert report.facts["size_cm"] == 6.5
    assert report.facts["mitoses_per_5mm2"] == 8
    assert report.result["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert (report.ruleset, report.ruleset_version) == ("esmo-2022", report.result["ruleset_version"])
    assert (report.decision, report.decision_reason) == ("modify", "Adjuvant declined")
    assert report.signed_by == chair
    assert report.signed_by_name == "Charles Chairman"
    assert report.snapshot["patient"]["mrn"] == case.patient.mrn
    pdf = bytes(report.pdf)
    assert pdf.startswith(b"%PDF")
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    report.agenda_item.refresh_from_db()
    assert report.agenda_item.status == AgendaItemStatus.SIGNED
    case.refresh_from_db()
    assert case.status == CaseStatus.FINALISED
    with pytest.raises(ValidationError, match="already signed"):
        report_sign(item=report.agenda_item, user=chair)


def test_signing_clears_the_re_discussion_flag(coordinator, chair):
    case = contract_example_case()
    case.needs_mdt_review, case.mdt_review_reason = True, "Recurrence on CT"
    case.save()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    case.refresh_from_db()
    assert (case.needs_mdt_review, case.mdt_review_reason) == (False, "")


def test_a_case_without_a_site_cannot_be_signed(coordinator, chair):
    _, item = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    decision_record(item=item, user=chair, decision="accept")
    with pytest.raises(ValidationError, match="cannot be assessed"):
        report_sign(item=item, user=chair)
    assert not SignedReport.objects.exists()


def test_a_signed_report_is_unchanged_after_the_case_is_edited(coordinator, chair):
    case = contract_example_case()
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    stored_pdf, stored_sha = bytes(report.pdf), report.pdf_sha256
    stored_facts, stored_result = report.facts, report.result

    case.presentation.size_cm = Decimal("2.5")
    case.presentation.save()
    case.pathology.mitoses_per_5mm2 = 2
    case.pathology.save()
    case.patient.family_name = "Renamed"
    case.patient.save()
    new = case_assess(case=case, user=chair)
    assert new.result["risk"]["modified_nih"] == "low"

    report = SignedReport.objects.get(pk=report.pk)
    assert bytes(report.pdf) == stored_pdf
    assert report.pdf_sha256 == stored_sha == hashlib.sha256(bytes(report.pdf)).hexdigest()
    assert (report.facts, report.result) == (stored_facts, stored_result)


def test_an_amendment_is_a_new_version_and_keeps_the_history(coordinator, chair):
    case = contract_example_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    first_pdf = bytes(first.pdf)
    case.pathology.mitoses_per_5mm2 = 2
    case.pathology.save()
    case_assess(case=case, user=chair)

    with pytest.raises(ValidationError):
        report_amend(report=first, reason=" ", user=chair)
    second = report_amend(
        report=first,
        reason="Mitotic count corrected by pathology",
        user=chair,
        decision="modify",
        decision_reason="Low risk now",
    )
    assert (second.version, second.amends, second.amendment_reason) == (
        1 + 1,
        first,
        "Mitotic count corrected by pathology",
    )
    assert second.agenda_item == first.agenda_item
    assert second.result["risk"]["modified_nih"] != first.result["risk"]["modified_nih"]
    assert (second.decision, second.decision_reason) == ("modify", "Low risk now")
    first.refresh_from_db()
    assert bytes(first.pdf) == first_pdf
    assert list(case.signed_reports.order_by("version").values_list("version", flat=True)) == [1, 2]
    with pytest.raises(ValidationError, match="latest version"):
        report_amend(report=first, reason="again", user=chair)


def test_an_amendment_needs_the_chair(coordinator, chair, surgeon):
    first = signed_report(coordinator=coordinator, chair=chair, case=contract_example_case())
    with pytest.raises(PermissionDenied):
        report_amend(report=first, reason="x", user=surgeon)


def test_signing_generates_the_follow_up_items(coordinator, chair):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    dues = list(case.followups.order_by("due_date").values_list("due_date", flat=True))
    assert len(dues) == 31
    assert dues[0] == date(2026, 4, 15)
    assert dues[-1] == date(2039, 1, 15)


def test_an_amendment_regenerates_the_follow_up_items(coordinator, chair):
    case = contract_example_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    # Gastric 4 cm with 2 mitoses: low risk, imaging every 6 months for 5 years.
    case.presentation.size_cm = Decimal("4.0")
    case.presentation.save()
    case.pathology.mitoses_per_5mm2 = 2
    case.pathology.save()
    case_assess(case=case, user=chair)
    report_amend(report=first, reason="Pathology revised", user=chair)
    dues = list(case.followups.order_by("due_date").values_list("due_date", flat=True))
    assert len(dues) == 10
    assert dues[0] == date(2026, 7, 15)
    assert dues[-1] == date(2031, 1, 15)
