"""/mdt/<id>/: the agenda, adding cases, recording decisions, signing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.mdt.services import decision_record, meeting_create
from cases.models import AgendaItem, SignedReport
from tests.factories import PASSWORD, CaseFactory, PatientFactory, contract_example_case, meeting_with_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(coordinator):
    return meeting_create(user=coordinator, date=date(2026, 3, 2), title="GIST MDT", attendees="Dr A")


def test_anonymous_users_are_sent_to_login(client, meeting):
    response = client.get(reverse("mdt:meeting", args=[meeting.id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_meeting_is_404(client, nurse):
    client.force_login(nurse)
    assert client.get("/mdt/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_coordinator_finds_and_adds_a_case(client, coordinator, meeting):
    case = CaseFactory(patient=PatientFactory(family_name="Hopper", mrn="MRN9001"))
    CaseFactory(patient=PatientFactory(family_name="Turing"))
    client.force_login(coordinator)
    url = reverse("mdt:search", args=[meeting.id])
    html = client.post(url, {"q": "hopp"}).content.decode()
    assert "MRN9001" in html
    assert "Turing" not in html
    # The htmx request gets only the results fragment.
    fragment = client.post(url, {"q": "MRN9001"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    assert fragment.content.decode().lstrip().startswith('<div id="search-results"')
    assert case.short_id in client.post(url, {"q": case.short_id}).content.decode()

    response = client.post(reverse("mdt:agenda_add", args=[meeting.id]), {"case": str(case.id)})
    assert response.status_code == 302
    assert list(meeting.items.values_list("case_id", flat=True)) == [case.id]
    response = client.post(reverse("mdt:agenda_add", args=[meeting.id]), {"case": str(case.id)}, follow=True)
    assert "already on the agenda" in response.content.decode()
    assert meeting.items.count() == 1
    # Cases already on the agenda are not offered again.
    fragment = client.post(url, {"q": "MRN9001"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    assert "No case matches" in fragment.content.decode()


@pytest.mark.parametrize(
    "q", ["李芳", "李 芳", "Ada Lovelace", "LOVELACE ADA", "  ada   lovelace ", "mrn9002"]
)
def test_the_agenda_search_finds_a_whole_name_as_the_case_list_does(client, coordinator, meeting, q):
    """The same search as the case list (`PatientQuerySet.matching`): a whole name, in either order, the Chinese
    family name first and without a space (the agenda's search matched each part alone: "李芳" found nobody)."""
    CaseFactory(patient=PatientFactory(given_name="芳", family_name="李", mrn="MRN9001"))
    CaseFactory(patient=PatientFactory(given_name="Ada", family_name="Lovelace", mrn="MRN9002"))
    CaseFactory(patient=PatientFactory(given_name="Ada", family_name="Byron", mrn="MRN9003"))
    client.force_login(coordinator)
    html = client.post(reverse("mdt:search", args=[meeting.id]), {"q": q}).content.decode()
    found = {mrn for mrn in ("MRN9001", "MRN9002", "MRN9003") if mrn in html}
    assert found == ({"MRN9001"} if "芳" in q else {"MRN9002"})


def test_the_agenda_search_finds_a_name_saved_with_two_spaces_as_typed(client, coordinator, meeting):
    """As before the search was shared with the case list: the text as typed matches a name saved with two spaces
    or a no-break space inside it (the squeezed text matches too, for what is typed in haste)."""
    CaseFactory(patient=PatientFactory(given_name="Jan", family_name="Van  Der Berg", mrn="MRN9004"))
    CaseFactory(patient=PatientFactory(given_name="Piet", family_name="van\u00a0Dijk", mrn="MRN9005"))
    client.force_login(coordinator)
    url = reverse("mdt:search", args=[meeting.id])
    assert "MRN9004" in client.post(url, {"q": "Van  Der"}).content.decode()
    assert "MRN9005" in client.post(url, {"q": "van\u00a0Dijk"}).content.decode()
    assert "MRN9004" in client.post(url, {"q": " van  der berg "}).content.decode()  # any case, spaces around
    assert "MRN9004" in client.post(url, {"q": "Berg  Jan"}).content.decode()  # squeezed: "berg jan"


def test_others_cannot_change_the_agenda(client, surgeon, nurse, chair, meeting):
    case = CaseFactory()
    for user in (surgeon, nurse, chair):
        client.force_login(user)
        assert (
            client.post(reverse("mdt:agenda_add", args=[meeting.id]), {"case": str(case.id)}).status_code
            == 403
        )
        assert (
            client.post(
                reverse("mdt:meeting", args=[meeting.id]), {"date": "2026-03-03", "title": "X"}
            ).status_code
            == 403
        )
    assert not meeting.items.exists()


def test_the_coordinator_edits_the_meeting(client, coordinator, meeting):
    client.force_login(coordinator)
    url = reverse("mdt:meeting", args=[meeting.id])
    response = client.post(url, {"date": "", "title": "Renamed", "attendees": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert "Renamed" in response.content.decode()
    response = client.post(url, {"date": "2026-03-09", "title": "Renamed", "attendees": "Dr C"})
    assert response.status_code == 400
    assert "Give each person&#x27;s discipline" in response.content.decode()
    response = client.post(url, {"date": "2026-03-09", "title": "Renamed", "attendees": "Dr C, oncologist"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.title) == (date(2026, 3, 9), "Renamed")


def test_the_chair_records_a_decision_and_signs(client, coordinator, chair):
    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(chair)
    prefix = f"item-{item.id}"
    decide = reverse("mdt:decision", args=[meeting.id, item.id])
    response = client.post(
        decide, {f"{prefix}-decision": "modify", f"{prefix}-reason": "", f"{prefix}-text": "Watch"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason for modifying" in html
    assert "Watch" in html
    response = client.post(
        decide,
        {
            f"{prefix}-decision": "modify",
            f"{prefix}-reason": "Adjuvant declined",
            f"{prefix}-text": "",
            f"{prefix}-mod_adjuvant": "declined",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.modification_reason) == ("modify", "Adjuvant declined")
    assert item.modifications == {"adjuvant": "declined"}

    response = client.post(reverse("mdt:sign", args=[meeting.id, item.id]), {"password": PASSWORD})
    assert response.status_code == 302
    report = SignedReport.objects.get(case=item.case)
    assert (report.decision_reason, report.signed_by, report.agenda_item) == (
        "Adjuvant declined",
        chair,
        item,
    )
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert "Signed version 1 by Charles Chairman" in html
    assert "Sign report" not in html


def test_signing_without_a_decision_is_refused_with_a_message(client, coordinator, chair):
    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(chair)
    response = client.post(reverse("mdt:sign", args=[meeting.id, item.id]), {"password": PASSWORD})
    assert response.status_code == 400
    assert "Record the MDT decision before signing" in response.content.decode()
    assert not SignedReport.objects.exists()


def test_only_the_chair_decides_and_signs(client, coordinator, surgeon, nurse, chair):
    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    decision_record(item=item, user=chair, decision="accept")
    for user in (coordinator, surgeon, nurse):
        client.force_login(user)
        assert (
            client.post(
                reverse("mdt:decision", args=[meeting.id, item.id]), {f"item-{item.id}-decision": "accept"}
            ).status_code
            == 403
        )
        assert client.post(reverse("mdt:sign", args=[meeting.id, item.id])).status_code == 403
        assert "Sign report" not in client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert not SignedReport.objects.exists()


def test_an_item_of_another_meeting_is_404(client, coordinator, chair):
    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    other = meeting_create(user=coordinator, date=date(2026, 4, 1), title="Other")
    client.force_login(chair)
    assert client.post(reverse("mdt:sign", args=[other.id, item.id])).status_code == 404


def test_the_coordinator_removes_an_unsigned_item(client, coordinator):
    meeting, item = meeting_with_case(coordinator=coordinator, case=CaseFactory())
    client.force_login(coordinator)
    assert client.post(reverse("mdt:agenda_remove", args=[meeting.id, item.id])).status_code == 302
    assert not AgendaItem.objects.exists()


def test_cases_flagged_by_follow_up_are_offered(client, coordinator, nurse, meeting):
    flagged = CaseFactory(needs_mdt_review=True, mdt_review_reason="Suspected recurrence on CT")
    CaseFactory()
    client.force_login(coordinator)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert "Flagged for re-discussion" in html
    assert "Suspected recurrence on CT" in html
    assert flagged.short_id in html
    client.post(reverse("mdt:agenda_add", args=[meeting.id]), {"case": str(flagged.id)})
    assert (
        "Flagged for re-discussion"
        not in client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    )
    client.force_login(nurse)
    assert (
        "Flagged for re-discussion"
        not in client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    )
