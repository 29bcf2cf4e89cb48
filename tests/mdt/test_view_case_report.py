"""/cases/<id>/report/, /cases/<id>/report.pdf and /cases/<id>/report/amend/."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Assessment, SignedReport
from cases.records.assessment import case_assess
from tests.factories import PASSWORD, CaseFactory, contract_example_case, pdf_pages_text, signed_report

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    case = contract_example_case()
    for name in ("mdt:report", "mdt:report_pdf", "mdt:report_amend"):
        response = client.get(reverse(name, args=[case.id]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_refuses_users_without_a_clinical_role(client, outsider):
    case = contract_example_case()
    client.force_login(outsider)
    assert client.get(reverse("mdt:report", args=[case.id])).status_code == 403
    assert client.get(reverse("mdt:report_pdf", args=[case.id])).status_code == 403


def test_it_runs_the_engine_for_a_case_never_assessed_without_storing_anything(client, nurse):
    case = contract_example_case(mrn="MRN5555")
    client.force_login(nurse)
    response = client.get(reverse("mdt:report", args=[case.id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "MRN5555" in html
    assert "High (55%)" in html
    assert "DRAFT" in html
    # A nurse reading a report changes nothing: no stored assessment, the case stays a draft (issue 6).
    assert Assessment.objects.filter(case=case).count() == 0
    case.refresh_from_db()
    assert case.status == "draft"


def test_the_draft_pdf_is_named_by_the_short_case_id(client, nurse):
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN5555")
    client.force_login(nurse)
    response = client.get(reverse("mdt:report_pdf", args=[case.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f"gist-mdt-report-{case.short_id}-draft.pdf" in disposition
    assert "MRN5555" not in disposition
    assert "Lovelace" not in disposition
    assert "no-store" in response["Cache-Control"]
    assert all("DRAFT" in text for text in pdf_pages_text(response.content))


def test_a_signed_report_is_served_from_the_stored_bytes(client, nurse, coordinator, chair):
    case = contract_example_case()
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    stored = bytes(report.pdf)
    # Edit and re-assess: the served document must not move.
    case.presentation.size_cm = Decimal("1.5")
    case.presentation.save()
    case_assess(case=case, user=chair)

    client.force_login(nurse)
    response = client.get(reverse("mdt:report_pdf", args=[case.id]))
    assert response.content == stored
    assert hashlib.sha256(response.content).hexdigest() == report.pdf_sha256
    assert f"gist-mdt-report-{case.short_id}-v1.pdf" in response["Content-Disposition"]
    html = client.get(reverse("mdt:report", args=[case.id])).content.decode()
    assert "6.5 cm" in html
    assert "DRAFT" not in html
    assert report.pdf_sha256 in html
    draft = client.get(reverse("mdt:report", args=[case.id]) + "?draft=1").content.decode()
    assert "1.5 cm" in draft
    assert "DRAFT" in draft


def test_every_version_stays_viewable(client, nurse, coordinator, chair):
    from cases.mdt.services import report_amend

    case = contract_example_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    second = report_amend(report=first, reason="Typo in the decision", user=chair, password=PASSWORD)
    client.force_login(nurse)
    url = reverse("mdt:report", args=[case.id])
    assert "version 2" in client.get(url).content.decode()
    old = client.get(url + "?version=1").content.decode()
    assert "Signed, version 1" in old
    assert client.get(reverse("mdt:report_pdf", args=[case.id]) + "?version=1").content == bytes(first.pdf)
    assert client.get(reverse("mdt:report_pdf", args=[case.id]) + "?version=2").content == bytes(second.pdf)
    assert client.get(url + "?version=9").status_code == 404
    assert client.get(url + "?version=abc").status_code == 404


def test_a_case_without_a_site_explains_why_there_is_no_report(client, nurse):
    case = CaseFactory()
    client.force_login(nurse)
    for name in ("mdt:report", "mdt:report_pdf"):
        response = client.get(reverse(name, args=[case.id]))
        assert response.status_code == 200
        assert "cannot be assessed" in response.content.decode()


def test_the_chair_amends_with_a_reason(client, coordinator, chair):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    client.force_login(chair)
    url = reverse("mdt:report_amend", args=[case.id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "", "decision": "accept"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"reason": "Pathology revised", "decision": "modify", "decision_reason": ""})
    assert response.status_code == 400
    assert "Give the reason for modifying" in response.content.decode()
    assert "Pathology revised" in response.content.decode()  # nothing entered is lost
    amend = {
        "reason": "Pathology revised",
        "decision": "modify",
        "decision_reason": "Adjuvant declined",
        "mod_adjuvant": "declined",
    }
    response = client.post(url, {**amend, "password": "not my password"})
    assert response.status_code == 400
    assert "The password is not correct: nothing was signed" in response.content.decode()
    assert SignedReport.objects.filter(case=case).count() == 1
    response = client.post(url, {**amend, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].endswith("?version=2")
    latest = SignedReport.objects.get(case=case, version=2)
    assert (latest.amendment_reason, latest.decision_reason, latest.amends.version) == (
        "Pathology revised",
        "Adjuvant declined",
        1,
    )


def test_only_the_chair_may_amend(client, coordinator, chair, surgeon, nurse):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    for user in (coordinator, surgeon, nurse):
        client.force_login(user)
        response = client.post(
            reverse("mdt:report_amend", args=[case.id]), {"reason": "x", "decision": "accept"}
        )
        assert response.status_code == 403
    assert SignedReport.objects.filter(case=case).count() == 1


def test_the_versions_partial_lists_every_signed_version(coordinator, chair):
    from django.template import Context, Template

    from cases.mdt.services import report_amend

    case = contract_example_case()
    template = Template(
        '{% include "mdt/_report_versions.html" with case=case versions=case.report_versions %}'
    )
    assert "Not signed yet" in template.render(Context({"case": case}))
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    report_amend(report=first, reason="Typo in the decision", user=chair, password=PASSWORD)
    html = template.render(Context({"case": case}))
    assert f"{reverse('mdt:report', args=[case.id])}?version=1" in html
    assert f"{reverse('mdt:report', args=[case.id])}?version=2" in html
    assert "amendment: Typo in the decision" in html


def test_it_lists_the_report_versions_without_loading_their_pdfs(coordinator, chair):
    from django.db import connection
    from django.template import Context, Template
    from django.test.utils import CaptureQueriesContext

    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    template = Template(
        '{% include "mdt/_report_versions.html" with case=case versions=case.report_versions %}'
    )
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"case": case}))
    assert "Version 1" in html
    report_queries = [q["sql"] for q in queries.captured_queries if "signedreport" in q["sql"]]
    assert len(report_queries) == 1
    assert '"pdf"' not in report_queries[0]
    assert '"snapshot"' not in report_queries[0]
    # Newest first by the version alone: the model's ordering ("case" first) joined the case table for its
    # updated_at, the same for every row of one case.
    assert '"cases_case"' not in report_queries[0]
