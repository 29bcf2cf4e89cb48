"""What the meeting page prints of each agenda item (drawn by Jinja2 from values prepared once a page, issue 16):
the decision and its reason, the deferral's need, the signed version, the buttons, escaped; and every form of the
agenda posts with the page's CSRF field."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases import roles
from cases.mdt.services import agenda_add, decision_record, meeting_create, report_sign
from cases.models import AgendaItem
from tests.catalogue import broken_translations
from tests.factories import PASSWORD, contract_example_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(coordinator):
    chair = make_user(username="chair", chair=True, role=roles.SURGEON, first_name="<Ch>", last_name="Air")
    with time_machine.travel(date(2026, 3, 2), tick=False):
        meeting = meeting_create(user=coordinator, date=date(2026, 3, 2), title="GIST MDT", attendees="Dr A")
        cases = [
            contract_example_case(given_name="Grace", family_name=f"<Hop{n}>", mrn=f"M<{n}>")
            for n in range(3)
        ]
        items = [agenda_add(meeting=meeting, case=case, user=coordinator) for case in cases]
        decision_record(item=items[0], user=chair, decision="accept")
        report_sign(item=AgendaItem.objects.get(pk=items[0].pk), user=chair, password=PASSWORD)
        decision_record(
            item=items[1],
            user=chair,
            decision="modify",
            reason="Patient <declines>",
            modifications={"adjuvant": "declined"},
        )
    return meeting, items, chair


def _item(page: str, item) -> str:
    return re.search(rf'<li class="card mb-3" id="item-{item.pk}">(.*?)</li>', page, re.S).group(1)


def test_each_item_prints_its_decision_and_signature_escaped(client, agenda):
    meeting, items, chair = agenda
    client.force_login(chair)
    page = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    signed, modified, waiting = (_item(page, item) for item in items)
    assert "1. <bdi>Grace &lt;Hop0&gt;</bdi>" in signed
    assert "MRN <bdi>M&lt;0&gt;</bdi>" in signed
    assert (
        '<p class="mb-1 small">Decision: Accept the recommendation (recorded by <bdi>&lt;Ch&gt; Air</bdi>)</p>'
        in signed
    )
    assert "Signed version 1 by &lt;Ch&gt; Air, 2026-03-02 00:00" in signed
    assert f'href="/cases/{items[0].case_id}/report/amend/">Amend</a>' in signed
    assert "Sign report" not in signed  # signed: no decision form, no signing
    assert (
        "Decision: Modify the recommendation — Patient &lt;declines&gt; (recorded by <bdi>&lt;Ch&gt; Air</bdi>)"
        in modified
    )
    assert f'aria-label="Change the decision for case {items[1].case.short_id}"' in modified
    assert f'href="/mdt/{meeting.pk}/items/{items[1].pk}/sign/">Sign report</a>' in modified
    assert "Amend" not in modified
    assert f'aria-label="Record the decision for case {items[2].case.short_id}"' in waiting
    assert f'hx-get="/mdt/{meeting.pk}/items/{items[2].pk}/decision/?version=1"' in waiting
    assert "<Hop" not in page
    assert "<declines>" not in page
    assert "<Ch>" not in page


def test_every_form_of_the_agenda_posts_with_the_pages_csrf_field(coordinator, agenda):
    meeting, items, _chair = agenda
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    page = browser.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    waiting = _item(page, items[2])
    assert "disabled>&darr;" in waiting  # the last item cannot move down
    move = re.search(r'<form method="post" action="([^"]+/move/)".*?value="([^"]+)"', waiting, re.S)
    response = browser.post(move.group(1), {"csrfmiddlewaretoken": move.group(2), "direction": "up"})
    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=items[2].pk).order == 2
    page = browser.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    remove = re.search(
        r'<form method="post" action="([^"]+/remove/)".*?value="([^"]+)"', _item(page, items[2]), re.S
    )
    assert browser.post(remove.group(1), {"csrfmiddlewaretoken": remove.group(2)}).status_code == 302
    assert not AgendaItem.objects.filter(pk=items[2].pk).exists()
    # Decided or signed items cannot be removed: no button.
    assert "/remove/" not in _item(page, items[0])
    assert "/remove/" not in _item(page, items[1])


def test_a_translation_that_cannot_be_filled_prints_the_english_not_an_error_page(
    client, coordinator, agenda
):
    meeting, items, chair = agenda
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    broken = {
        "Move case %(id)s up": "上移病例 %(编号)s",
        "(recorded by <bdi>%(who)s</bdi>)": "（记录人：<bdi>%(记录人)s</bdi>）",
        "Signed version %(version)s by %(who)s, %(when)s": "第 %(版本)s 版",
    }
    with broken_translations("zh-hans", broken):
        response = client.get(reverse("mdt:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'aria-label="Move case {items[0].case.short_id} up"' in page
    # The English sentence, filled with the values the page prepared for its reader (the name as Chinese writes it).
    assert "(recorded by <bdi>Air &lt;Ch&gt;</bdi>)" in page
    assert "Signed version 1 by &lt;Ch&gt; Air, 2026-03-02 00:00" in page  # the name as stored when signed
