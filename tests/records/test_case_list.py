"""/cases/: search, filters, pagination, a constant number of queries, and who may see it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CaseFactory, PatientFactory, PresentationFactory

pytestmark = pytest.mark.django_db
URL = reverse("records:list")


def rows(response):
    return [c.patient.mrn for c in response.context["page"].object_list]


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x"))
    assert client.get(URL).status_code == 403


def test_a_reading_role_sees_the_list_without_the_new_case_button(coordinator_client):
    CaseFactory(patient=PatientFactory(mrn="L-1", family_name="Quill"))
    response = coordinator_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "QUILL" in html
    assert reverse("records:new") not in html.split("<main")[1]


def search(client, **fields):
    """Post the search form (as the page does, keeping identifiers out of the URL), then read the list."""
    response = client.post(URL, fields)
    assert response.status_code == 302
    assert response["Location"] == URL
    return client.get(URL)


def test_it_finds_a_case_by_mrn_or_name(surgeon_client):
    CaseFactory(patient=PatientFactory(mrn="L-1", family_name="Quill", given_name="Ada"))
    CaseFactory(patient=PatientFactory(mrn="L-2", family_name="Other", given_name="Bo"))
    assert rows(search(surgeon_client, q="l-1")) == ["L-1"]
    assert rows(search(surgeon_client, q="quil")) == ["L-1"]
    assert rows(search(surgeon_client, q="bo")) == ["L-2"]
    assert rows(search(surgeon_client, q="nobody")) == []


def test_the_search_stays_out_of_the_url_and_survives_paging(surgeon_client):
    for _ in range(30):
        CaseFactory(patient=PatientFactory(family_name="Quill"))
    CaseFactory(patient=PatientFactory(family_name="Other"))
    response = search(surgeon_client, q="quill")
    html = response.content.decode()
    assert 'href="?page=2"' in html
    assert "quill" not in html.split('aria-label="Pages of cases"')[1]
    assert len(rows(surgeon_client.get(URL, {"page": 2}))) == 5
    assert len(rows(surgeon_client.get(URL, {"clear": 1}))) == 25
    assert response.context["page"].paginator.count == 30


def test_it_filters_by_status_site_and_risk(surgeon_client):
    high = CaseFactory(patient=PatientFactory(mrn="H"), status="assessed", risk_category="high")
    PresentationFactory(case=high, site="stomach")
    low = CaseFactory(patient=PatientFactory(mrn="L"), status="finalised", risk_category="low")
    PresentationFactory(case=low, site="rectum", gastric_location="")
    CaseFactory(patient=PatientFactory(mrn="D"))
    assert rows(search(surgeon_client, status="finalised")) == ["L"]
    assert rows(search(surgeon_client, site="stomach")) == ["H"]
    assert rows(search(surgeon_client, risk="high")) == ["H"]
    assert sorted(rows(search(surgeon_client, risk="bogus"))) == ["D", "H", "L"]
    # Filters that identify nobody may also come in a link from another page.
    assert rows(surgeon_client.get(URL, {"status": "finalised", "risk": ""})) == ["L"]


def test_it_leaves_out_archived_cases(surgeon_client):
    from django.utils import timezone

    CaseFactory(patient=PatientFactory(mrn="A"), archived_at=timezone.now())
    assert rows(surgeon_client.get(URL)) == []


def test_it_leaves_out_the_cases_of_archived_patients(surgeon_client):
    from django.utils import timezone

    from cases.models import Case

    archived = PatientFactory(mrn="GONE-1", archived_at=timezone.now())
    CaseFactory(patient=archived)
    CaseFactory(patient=archived)
    kept = CaseFactory(patient=PatientFactory(mrn="KEPT-1"))
    assert list(Case.objects.active()) == [kept]
    assert Case.objects.active().count() == 1
    page = surgeon_client.get(URL).content.decode()
    assert "KEPT-1" in page
    assert "GONE-1" not in page


def test_it_paginates(surgeon_client):
    for _ in range(30):
        CaseFactory()
    first = surgeon_client.get(URL)
    assert len(rows(first)) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(rows(surgeon_client.get(URL, {"page": 2}))) == 5
    assert len(rows(surgeon_client.get(URL, {"page": "junk"}))) == 25


def test_the_number_of_queries_does_not_grow_with_the_rows(surgeon_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert surgeon_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    case = CaseFactory()
    PresentationFactory(case=case)
    count()  # the first visit stores the (empty) search in the session; later ones do not write it again
    few = count()
    for _ in range(10):
        PresentationFactory(case=CaseFactory())
    assert count() == few


def test_htmx_search_returns_only_the_results(surgeon_client):
    CaseFactory(patient=PatientFactory(mrn="L-1"))
    response = surgeon_client.post(URL, {"q": "L-1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-results")
    html = response.content.decode()
    assert html.strip().startswith('<div id="case-results">')
    assert "<html" not in html
    assert "L-1" in html


@pytest.mark.parametrize("q", ["a\x00b", "%", "_", "'; drop table x; --", "9" * 500])
def test_odd_search_text_never_breaks_the_list(surgeon_client, q):
    CaseFactory()
    response = search(surgeon_client, q=q, status="\x00", site="x" * 100)
    assert response.status_code == 200
