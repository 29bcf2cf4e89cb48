"""/mdt/<id>/printout.pdf: the cover with the agenda, then every case's report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.mdt.services import agenda_add, decision_record, report_sign
from cases.records.assessment import case_assess
from tests.factories import CaseFactory, contract_example_case, meeting_with_case, pdf_pages_text

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client, coordinator):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    response = client.get(reverse("mdt:printout", args=[meeting.id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_users_without_a_clinical_role(client, coordinator, outsider):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(outsider)
    assert client.get(reverse("mdt:printout", args=[meeting.id])).status_code == 403


def test_the_printout_has_a_cover_then_each_report(client, coordinator, chair, nurse):
    signed_case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN1111")
    meeting, item = meeting_with_case(coordinator=coordinator, case=signed_case)
    draft_case = contract_example_case(given_name="Grace", family_name="Hopper", mrn="MRN2222")
    agenda_add(meeting=meeting, case=draft_case, user=coordinator)
    not_ready = CaseFactory()
    agenda_add(meeting=meeting, case=not_ready, user=coordinator)
    decision_record(item=item, user=chair, decision="accept")
    report_sign(item=item, user=chair)
    # The signed case changes afterwards: the printout still shows what was signed.
    signed_case.presentation.size_cm = Decimal("1.2")
    signed_case.presentation.save()
    case_assess(case=signed_case, user=chair)

    client.force_login(nurse)
    response = client.get(reverse("mdt:printout", args=[meeting.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"gist-mdt-2026-02-03-{meeting.short_id}.pdf" in response["Content-Disposition"]
    pages = pdf_pages_text(response.content)
    cover = re.sub(r"\s+", " ", pages[0])
    assert "GIST MDT" in cover
    assert "Dr A, surgeon" in cover
    assert "MRN1111" in cover
    assert "MRN2222" in cover
    assert "Signed v1" in cover
    assert "Draft" in cover
    assert "cannot be assessed yet" in cover
    ada = [p for p in pages[1:] if "Ada Lovelace · MRN MRN1111" in p]
    grace = [p for p in pages[1:] if "Grace Hopper · MRN MRN2222" in p]
    assert ada
    assert grace
    assert len(ada) + len(grace) == len(pages) - 1
    assert all("DRAFT" not in p for p in ada)
    assert all("DRAFT" in p for p in grace)
    assert all(f"of {len(ada)}" in p for p in ada)  # each report keeps its own page numbering
    assert "6.5 cm" in " ".join(ada)
    assert "1.2 cm" not in " ".join(ada)


def test_an_empty_agenda_has_nothing_to_print(client, coordinator):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    client.force_login(coordinator)
    response = client.get(reverse("mdt:printout", args=[meeting.id]), follow=True)
    assert "no case that can be assessed" in response.content.decode()
