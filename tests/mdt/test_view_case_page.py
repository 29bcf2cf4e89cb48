"""The MDT parts of the case page (/cases/<id>/): add to an agenda, the report links, the signed versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.mdt.services import meeting_create
from tests.factories import contract_example_case, signed_report

pytestmark = pytest.mark.django_db


def test_the_coordinator_gets_the_add_to_agenda_action(client, coordinator, surgeon):
    case = contract_example_case()
    url = reverse("records:case", args=[case.id])
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert "Add to MDT agenda" in html
    assert reverse("mdt:case_agenda_add", args=[case.id]) in html
    client.force_login(surgeon)
    assert "Add to MDT agenda" not in client.get(url).content.decode()


def test_the_case_page_links_the_report_and_lists_the_versions(client, coordinator, chair, nurse):
    case = contract_example_case()
    meeting_create(user=coordinator, date=timezone.localdate() + timedelta(days=1), title="Next MDT")
    client.force_login(nurse)
    html = client.get(reverse("records:case", args=[case.id])).content.decode()
    assert reverse("mdt:report", args=[case.id]) in html
    assert reverse("mdt:report_pdf", args=[case.id]) in html
    assert "Not signed yet" in html
    assert "Not on any MDT agenda yet" in html

    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    html = client.get(reverse("records:case", args=[case.id])).content.decode()
    assert f"{reverse('mdt:report', args=[case.id])}?version=1" in html
    assert "signed by Charles Chairman" in html
    assert reverse("mdt:meeting", args=[report.agenda_item.meeting_id]) in html
