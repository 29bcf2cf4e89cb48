"""Issue 10 finding 9: a patient banner (name, MRN, date of birth, age, sex, case status, rule set) on every page
of a case, in the report PDF's header on every page, and on the meeting printout's pages."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from cases.records.assessment import case_assess
from cases.records.banner import age_in_years
from tests.factories import contract_example_case, meeting_with_case, pdf_pages_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def case():
    # Born 14 Mar 1961: 65 on 2 Dec 2026 (birthday passed), female, ESMO 2022, status "assessed" once assessed.
    case = contract_example_case(given_name="Ada", family_name="O'Brien", mrn="MRN-4711")
    case_assess(case=case, user=None)
    case.refresh_from_db()
    return case


def banner_of(html: str) -> str:
    match = re.search(r'<section class="patient-banner.*?</section>', html, re.S)
    assert match, "no patient banner on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def assert_banner(html: str, status: str) -> None:
    text = banner_of(html)
    for part in ("Ada O&#x27;Brien", "MRN MRN-4711", "Born 14 Mar 1961", "Age 65", "Sex Female",
                 f"Status {status}", "Rule set ESMO 2022"):  # fmt: skip
        assert part in text, (part, text)


@pytest.mark.parametrize(
    ("on", "years"),
    [(dt.date(2026, 3, 13), 64), (dt.date(2026, 3, 14), 65), (dt.date(2026, 12, 2), 65)],
)
def test_age_counts_completed_years(on, years):
    assert age_in_years(dt.date(1961, 3, 14), on) == years


def test_it_is_on_every_page_of_a_case(client, chair, case):
    client.force_login(chair)  # a surgeon who chairs: may read, edit, and see every page
    urls = [reverse("records:case", args=[case.pk]), reverse("mdt:report", args=[case.pk]),
            reverse("audit:history", args=[case.pk]), reverse("followups:case", args=[case.pk])]  # fmt: skip
    urls += [reverse("records:step", args=[case.pk, step]) for step in
             ("patient", "presentation", "decision", "operation", "pathology", "review")]  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_banner(response.content.decode(), "Assessed")


def test_the_report_pdf_has_the_banner_in_the_header_of_every_page(client, chair, case):
    client.force_login(chair)
    with time_machine.travel(NOW, tick=False):
        pages = pdf_pages_text(client.get(reverse("mdt:report_pdf", args=[case.pk])).content)
    assert len(pages) >= 2
    for page in pages:
        assert "Ada O'Brien · MRN MRN-4711 · born 1961-03-14 (65 y) · Female · Draft · ESMO 2022" in page


def test_the_meeting_printout_has_the_banner_on_each_report_page(client, coordinator, case):
    meeting, _item = meeting_with_case(coordinator=coordinator, case=case)
    client.force_login(coordinator)
    with time_machine.travel(NOW, tick=False):
        status = client.post(reverse("mdt:printout", args=[meeting.id]))  # prepared in-process in tests
        pages = pdf_pages_text(client.get(status["Location"] + "printout.pdf").content)
    report_pages = pages[1:]  # after the cover
    assert report_pages
    for page in report_pages:
        assert "Ada O'Brien · MRN MRN-4711 · born 1961-03-14 (65 y)" in page
