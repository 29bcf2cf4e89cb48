"""/: each role sees what it works on next."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.mdt.services import agenda_add, meeting_create
from tests.factories import CaseFactory, make_case, make_user

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_surgeon_sees_their_own_drafts_only(client):
    me, other = make_user(role=roles.SURGEON), make_user(role=roles.SURGEON)
    mine = CaseFactory(owner=me)
    theirs = CaseFactory(owner=other)
    client.force_login(me)
    html = client.get(reverse("home")).content.decode()
    assert "My draft cases (1)" in html
    assert reverse("records:case", args=[mine.pk]) in html
    assert reverse("records:case", args=[theirs.pk]) not in html
    assert "Coming MDT meetings" not in html
    assert "Overdue" not in html


def test_a_coordinator_sees_coming_meetings_and_flagged_cases(client):
    user = make_user(role=roles.COORDINATOR)
    today = timezone.localdate()
    past = meeting_create(user=user, date=today - timedelta(days=7), title="Last week")
    coming = meeting_create(user=user, date=today + timedelta(days=7), title="Next week")
    agenda_add(meeting=coming, case=make_case(), user=user)
    CaseFactory(needs_mdt_review=True)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("mdt:meeting", args=[coming.pk]) in html
    assert "· 1 case" in html
    assert reverse("mdt:meeting", args=[past.pk]) not in html
    assert "1 case flagged for re-discussion" in html
    assert "My draft cases" not in html


def test_a_nurse_sees_the_followup_counts(client):
    from cases.followups.services import followups_regenerate

    user = make_user(role=roles.NURSE)
    case = make_case(surgery_date=date(2025, 1, 15), status="finalised")
    followups_regenerate(case=case, user=user, reason="signed")
    client.force_login(user)
    with time_machine.travel(date(2025, 9, 1)):
        html = client.get(reverse("home")).content.decode()
    # Surgery 2025-01-15, high risk: on 1 Sep the visits of 15 Apr and 15 Jul are past their ±14-day window;
    # 15 Oct is 44 days away, beyond the 30-day upcoming horizon.
    assert 'Overdue <span class="badge text-bg-danger">2</span>' in html
    assert 'Due now <span class="badge text-bg-warning">0</span>' in html
    assert 'Upcoming (30 days) <span class="badge text-bg-secondary">0</span>' in html
    assert "My draft cases" not in html
