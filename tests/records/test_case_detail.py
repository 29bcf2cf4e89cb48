"""/cases/<id>/: the summary, the latest snapshot with its rule set, and edit links only for editors."""

import pytest
from django.urls import reverse

from cases.records.assessment import case_assess
from tests.factories import CaseFactory, gastric_case

pytestmark = pytest.mark.django_db


def detail_url(case):
    return reverse("records:case", args=[case.pk])


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(detail_url(CaseFactory()))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_every_section_and_the_snapshot_to_the_owner(surgeon_client, surgeon):
    case = gastric_case(owner=surgeon)
    snapshot = case_assess(case=case, user=surgeon)
    html = surgeon_client.get(detail_url(case)).content.decode()
    assert case.patient.mrn in html
    assert "Greater curvature".lower() in html.lower()
    assert "15 Jan 2026" in html
    assert "6.5 cm" in html
    assert "KIT exon 11" in html
    assert f"rule set <strong>esmo-2022</strong>, version <strong>{snapshot.ruleset_version}</strong>" in html
    assert "55% progression" in html
    assert "IIIA" in html
    assert reverse("records:step", args=[case.pk, "presentation"]) in html
    assert 'id="case-actions"' in html


def test_a_reading_role_sees_the_case_without_edit_links(coordinator_client):
    case = gastric_case()
    case_assess(case=case, user=None)
    response = coordinator_client.get(detail_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "KIT exon 11" in html
    assert "/step/" not in html
    assert "Edit case" not in html


def test_a_case_not_assessed_yet_says_so(surgeon_client):
    html = surgeon_client.get(detail_url(CaseFactory())).content.decode()
    assert "Not assessed yet" in html


def test_an_unknown_case_is_404(surgeon_client):
    assert (
        surgeon_client.get(reverse("records:case", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


def test_it_shows_the_next_pending_followups(surgeon_client, surgeon):
    from cases.followups.services import followups_regenerate

    case = gastric_case(owner=surgeon, status="discussed")
    followups_regenerate(case=case, user=surgeon, reason="Signed at MDT")
    html = surgeon_client.get(detail_url(case)).content.decode()
    assert "Next follow-up" in html
    assert "15 Apr 2026" in html
    assert "15 Jul 2026" in html
    assert "15 Oct 2026" in html
    assert "15 Jan 2027" not in html  # only the next three are listed
    assert reverse("followups:case", args=[case.pk]) in html


def test_it_says_when_there_is_no_followup_yet(surgeon_client, surgeon):
    html = surgeon_client.get(detail_url(gastric_case(owner=surgeon))).content.decode()
    assert "No pending follow-up" in html
