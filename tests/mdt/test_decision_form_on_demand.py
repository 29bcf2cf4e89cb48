"""The chair's decision form is drawn when the chair opens it, not under every case of the agenda (issue 16).

With 40 cases on the agenda the meeting page drew 40 forms of twelve fields each: 212 ms against a bare view of
1.7 ms (124x, bench/mdt.py). Each case now has a closed "Record the decision" disclosure: opening it fetches the
form (htmx), or, without JavaScript, follows a link to the same form on its own page. A form sent back with an
error is drawn in place, open, with what was typed.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cases.mdt.services import agenda_add, decision_record, report_sign
from cases.models import UserProfile
from tests.factories import PASSWORD, contract_example_case, meeting_with_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(coordinator):
    meeting, first = meeting_with_case(coordinator=coordinator, case=contract_example_case(mrn="MRN0001"))
    second = agenda_add(meeting=meeting, case=contract_example_case(mrn="MRN0002"), user=coordinator)
    return meeting, [first, second]


def _fields_of(html: str, item) -> set[str]:
    return set(re.findall(rf'name="item-{item.id}-([a-z_]+)"', html))


def _summary(html: str, item) -> str:
    pattern = rf'<details[^>]*id="decision-{item.id}"[^>]*>\s*<summary[^>]*>(.*?)</summary>'
    return re.search(pattern, html, re.S).group(1).strip()


def test_the_meeting_page_draws_no_decision_form_until_the_chair_opens_one(client, chair, agenda):
    meeting, items = agenda
    client.force_login(chair)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    for item in items:
        url = reverse("mdt:decision", args=[meeting.id, item.id])
        assert _fields_of(html, item) == set()
        disclosure = re.search(rf'<details[^>]*id="decision-{item.id}"[^>]*>(.*?)</details>', html, re.S)
        assert disclosure, "each case has its decision disclosure"
        assert " open" not in disclosure.group(0).split(">", 1)[0]
        assert "Record the decision" in disclosure.group(1)
        # The version of the item the page shows goes with the request (a decision recorded since is not
        # overwritten unseen: test_a_decision_changed_since_the_page_was_loaded_is_not_overwritten_unseen).
        assert f'hx-get="{url}?version={item.version}"' in disclosure.group(1)
        assert f'href="{url}?version={item.version}"' in disclosure.group(1), (
            "without JavaScript: its own page"
        )
        # Each disclosure is named by its case for a screen reader (the visible words are the same for every case).
        assert f'aria-label="Record the decision for case {item.case.short_id}"' in disclosure.group(1)


def test_the_decision_form_opens_with_what_was_recorded(client, chair, agenda):
    meeting, (item, _) = agenda
    decision_record(
        item=item,
        user=chair,
        decision="modify",
        reason="Adjuvant declined",
        modifications={"adjuvant": "declined"},
    )
    item.refresh_from_db()
    client.force_login(chair)
    url = reverse("mdt:decision", args=[meeting.id, item.id])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html, "htmx gets the form alone"
    assert f'action="{url}#decision-{item.id}"' in html, "a form sent back with an error opens at its case"
    assert "csrfmiddlewaretoken" in html
    expected = {"decision", "reason", "text", "deferral_need", "version", "mod_adjuvant"}
    assert expected <= _fields_of(html, item)
    assert re.search(rf'name="item-{item.id}-decision" value="modify"[^>]*checked', html)
    assert f'name="item-{item.id}-reason" value="Adjuvant declined"' in html
    assert re.search(r'<option value="declined" selected>', html)
    assert f'name="item-{item.id}-version" value="{item.version}"' in html

    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert "Change the decision" in html
    assert "Sign report" in html, "the recorded decision can be signed without opening the form"


def test_without_javascript_the_decision_form_is_a_page_of_its_own(client, chair, agenda):
    meeting, (item, _) = agenda
    client.force_login(chair)
    url = reverse("mdt:decision", args=[meeting.id, item.id])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert item.case.patient.mrn in html
    # What the chair decides on: the case's risk and pathway, and its report.
    assert item.case.risk_category
    assert item.case.pathway
    assert f">{item.case.get_risk_category_display()}</span>" in html
    assert f"Pathway: {item.case.get_pathway_display()}" in html
    assert f'href="{reverse("mdt:report", args=[item.case.id])}"' in html
    assert f'href="{reverse("mdt:meeting", args=[meeting.id])}#item-{item.id}"' in html
    assert {"decision", "version"} <= _fields_of(html, item)
    prefix = f"item-{item.id}"
    response = client.post(url, {f"{prefix}-decision": "accept", f"{prefix}-version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "accept"


def test_only_the_chair_opens_a_decision_form(client, coordinator, surgeon, nurse, agenda):
    meeting, (item, _) = agenda
    for user in (coordinator, surgeon, nurse):
        client.force_login(user)
        url = reverse("mdt:decision", args=[meeting.id, item.id])
        assert client.get(url).status_code == 403
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
        html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
        assert "Record the decision" not in html


def test_a_signed_case_offers_no_decision_form(client, chair, agenda):
    meeting, (item, _) = agenda
    decision_record(item=item, user=chair, decision="accept")
    item.refresh_from_db()
    report_sign(item=item, user=chair, password=PASSWORD)
    client.force_login(chair)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert f'id="decision-{item.id}"' not in html
    response = client.get(reverse("mdt:decision", args=[meeting.id, item.id]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _fields_of(response.content.decode(), item) == set()
    assert "signed" in response.content.decode()


def test_a_refused_decision_is_drawn_open_in_place_with_what_was_typed(client, chair, agenda):
    meeting, (item, other) = agenda
    client.force_login(chair)
    prefix = f"item-{item.id}"
    response = client.post(
        reverse("mdt:decision", args=[meeting.id, item.id]),
        {f"{prefix}-decision": "modify", f"{prefix}-reason": "", f"{prefix}-text": "Watch and wait"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    opened = re.search(rf'<details[^>]*id="decision-{item.id}"[^>]*>', html).group(0)
    assert " open" in opened
    assert "Give the reason for modifying" in html
    assert "Watch and wait" in html
    assert _fields_of(html, other) == set(), "the other cases' forms stay closed"


@pytest.fixture
def _site_language_after():
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a Chinese request leaves Chinese active in the thread


@pytest.mark.usefixtures("_site_language_after")
def test_the_disclosure_reads_in_chinese(client, chair, agenda):
    meeting, (item, _) = agenda
    UserProfile.objects.create(user=chair, language="zh-hans")
    client.force_login(chair)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert _summary(html, item) == "记录多学科团队决定"
    decision_record(item=item, user=chair, decision="accept")
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert _summary(html, item) == "更改多学科团队决定"


def test_a_decision_changed_since_the_page_was_loaded_is_not_overwritten_unseen(client, chair, agenda):
    """The page shows "Accept"; someone records "Defer" in another window; the chair then opens the form from the
    page still showing "Accept" and saves: told, nothing overwritten (as when the form was on the page)."""
    meeting, (item, _) = agenda
    decision_record(item=item, user=chair, decision="accept", expected_version=item.version)
    item.refresh_from_db()
    shown = item.version  # the version the meeting page was drawn from
    decision_record(
        item=item, user=chair, decision="defer", deferral_need="biopsy", expected_version=item.version
    )
    client.force_login(chair)
    url = reverse("mdt:decision", args=[meeting.id, item.id])
    html = client.get(url, {"version": shown}, HTTP_HX_REQUEST="true").content.decode()
    assert "changed since the meeting page was loaded" in html
    assert f'name="item-{item.id}-version" value="{shown}"' in html
    prefix = f"item-{item.id}"
    response = client.post(url, {f"{prefix}-decision": "accept", f"{prefix}-version": shown})
    assert response.status_code == 409
    item.refresh_from_db()
    assert (item.decision, item.deferral_need) == ("defer", "biopsy")
    # Opened without the page's version (a bookmark), or with one that is not a number: the current one.
    for params in ({}, {"version": "x"}):
        html = client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
        assert f'name="item-{item.id}-version" value="{item.version}"' in html
        assert "changed since the meeting page was loaded" not in html


def test_an_item_of_another_meeting_opens_no_decision_form(client, coordinator, chair, agenda):
    meeting, (item, _) = agenda
    other, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case(mrn="MRN0003"))
    client.force_login(chair)
    assert (
        client.get(reverse("mdt:decision", args=[other.id, item.id]), HTTP_HX_REQUEST="true").status_code
        == 404
    )
