"""Issue 11 finding 1: two people edit the same thing; the second is told, nothing is overwritten.

Two surgeons open the pathology step (mitoses 3). One saves 12; the other saves the page they had. The count must
stay 12, and the second gets a clear message with both values, their own typed values kept on the page. The
same for the meeting details.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, MdtMeeting, Pathology
from cases.records.services import case_save_step
from cases.service_helpers import EditConflict
from tests.factories import (
    CaseFactory,
    OperationFactory,
    PathologyFactory,
    PresentationFactory,
    SurgeonFactory,
)

pytestmark = pytest.mark.django_db

PATHOLOGY = {"mitoses_per_5mm2": "3", "genotype": "kit_exon_11", "action": "save"}


def _step_url(case, step="pathology"):
    return reverse("records:step", args=[case.pk, step])


def _version_on_page(html: str) -> str:
    match = re.search(r'name="case_version" value="(\d+)"', html)
    assert match, "the step form carries the version of the case it shows"
    return match.group(1)


@pytest.fixture
def case_with_pathology():
    case = CaseFactory()
    PresentationFactory(case=case)
    OperationFactory(case=case)
    PathologyFactory(case=case, mitoses_per_5mm2=3)
    return case


def test_the_second_save_of_an_old_page_is_refused_and_keeps_what_was_typed(
    case_with_pathology, surgeon_client
):
    case = case_with_pathology
    client = Client()
    client.force_login(SurgeonFactory(username="second-surgeon", first_name="Bea", last_name="Hart"))

    seen_by_first = _version_on_page(surgeon_client.get(_step_url(case)).content.decode())
    seen_by_second = _version_on_page(client.get(_step_url(case)).content.decode())
    assert seen_by_first == seen_by_second

    saved = client.post(
        _step_url(case), {**PATHOLOGY, "mitoses_per_5mm2": "12", "case_version": seen_by_second}
    )
    assert saved.status_code == 302
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 12

    stale = surgeon_client.post(_step_url(case), {**PATHOLOGY, "case_version": seen_by_first})
    assert stale.status_code == 409
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 12  # nothing overwritten
    html = stale.content.decode()
    assert "Bea Hart saved this case" in html
    assert "Your changes were not saved" in html
    # Both values, named by their field; the page keeps what the first surgeon typed.
    assert re.search(
        r"Mitoses per 5 mm²[^<]*: yours <strong>3</strong>, on record now <strong>12</strong>", html
    )
    assert 'name="mitoses_per_5mm2" value="3"' in html
    # The page now carries the current version: saving again is a deliberate overwrite, and it works.
    again = _version_on_page(html)
    assert int(again) == int(seen_by_first) + 1
    resaved = surgeon_client.post(_step_url(case), {**PATHOLOGY, "case_version": again})
    assert resaved.status_code == 302
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 3


def test_a_stale_save_in_the_service_writes_nothing(case_with_pathology, surgeon):
    case = case_with_pathology
    version = Case.objects.get(pk=case.pk).version
    data = {"mitoses_per_5mm2": 12, "genotype": "kit_exon_11"}
    case_save_step(case=case, step="pathology", data=data, user=surgeon, expected_version=version)
    assert Case.objects.get(pk=case.pk).version == version + 1
    with pytest.raises(EditConflict) as refusal:
        case_save_step(
            case=Case.objects.get(pk=case.pk),
            step="pathology",
            data={**data, "mitoses_per_5mm2": 3},
            user=surgeon,
            expected_version=version,
        )
    assert "Your changes were not saved" in refusal.value.message
    assert Pathology.objects.get(case=case).mitoses_per_5mm2 == 12
    assert Case.objects.get(pk=case.pk).version == version + 1


def test_a_step_save_does_not_write_back_a_status_changed_meanwhile(case_with_pathology, surgeon):
    case = case_with_pathology  # loaded before the MDT discussed it
    Case.objects.filter(pk=case.pk).update(status="discussed")
    case_save_step(
        case=case, step="pathology", data={"mitoses_per_5mm2": 4, "genotype": "kit_exon_11"}, user=surgeon
    )
    assert Case.objects.get(pk=case.pk).status == "discussed"


def test_the_second_edit_of_a_meeting_is_refused(coordinator_client, coordinator):
    from cases.mdt.services import meeting_create

    meeting = meeting_create(user=coordinator, date="2027-01-05", title="GIST MDT")
    url = reverse("mdt:meeting", kwargs={"meeting_id": meeting.pk})
    html = coordinator_client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    form = {"date": "2027-01-05", "title": "GIST MDT (moved room)", "place": "Room 2", "version": version}
    assert coordinator_client.post(url, form).status_code == 302
    stale = coordinator_client.post(url, {**form, "title": "GIST MDT", "place": ""})
    assert stale.status_code == 409
    assert "Your changes were not saved" in stale.content.decode()
    meeting = MdtMeeting.objects.get(pk=meeting.pk)
    assert (meeting.title, meeting.place) == ("GIST MDT (moved room)", "Room 2")
    assert 'value="GIST MDT"' in stale.content.decode()  # the typed title is kept on the page


def test_the_second_decision_recorded_from_an_old_page_is_refused(coordinator, chair, client):
    from cases.models import AgendaItem
    from tests.factories import contract_example_case, meeting_with_case

    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    client.force_login(chair)
    decide = reverse("mdt:decision", kwargs={"meeting_id": meeting.pk, "item_id": item.pk})
    # The form, as the meeting page's disclosure fetches it when the chair opens it.
    html = client.get(decide, HTTP_HX_REQUEST="true").content.decode()
    version = re.search(rf'name="item-{item.pk}-version" value="(\d+)"', html).group(1)
    prefix = f"item-{item.pk}-"
    accept = {prefix + "decision": "accept", prefix + "version": version}
    assert client.post(decide, accept).status_code == 302
    defer = {prefix + "decision": "defer", prefix + "deferral_need": "imaging", prefix + "version": version}
    stale = client.post(decide, defer)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "saved this decision" in html
    assert "Your changes were not saved" in html
    assert re.search(r"Decision: yours Defer[^<]*, on record now Accept", html)
    assert AgendaItem.objects.get(pk=item.pk).decision == "accept"
