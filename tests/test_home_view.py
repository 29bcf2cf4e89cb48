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


def _assessed_days_ago(case, days):
    from cases.records.assessment import case_assess

    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        case_assess(case=case, user=None)


def test_the_coordinators_lists_say_when_there_are_more_than_shown_and_link_to_all(client):
    """Home shows the 10 latest cases changed since signed and the 20 oldest awaiting sign-off; beyond that the
    others were silently left out. Each list now links to all of them in the case list, and the case list shows
    exactly those."""
    from cases.models import Case

    changed = [make_case() for _ in range(11)]
    Case.objects.filter(pk__in=[case.pk for case in changed]).update(changed_since_signed=True)
    unsigned = [make_case() for _ in range(21)]
    for case in unsigned:
        _assessed_days_ago(case, 20)
    _assessed_days_ago(make_case(), 3)  # assessed 3 days ago: not yet awaiting too long
    client.force_login(make_user(role=roles.COORDINATOR))
    html = client.get(reverse("home")).content.decode()
    all_changed = reverse("records:list") + "?attention=changed_since_signed"
    all_unsigned = reverse("records:list") + "?attention=awaiting_signoff"
    assert f'href="{all_changed}"' in html
    assert f'href="{all_unsigned}"' in html

    listed = client.get(all_changed)
    assert {case.pk for case in listed.context["page"].object_list} == {case.pk for case in changed}
    body = listed.content.decode()
    assert "11 cases" in body
    assert "Changed since signed" in body
    assert "Show every case" in body
    listed = client.get(all_unsigned)
    assert listed.context["page"].paginator.count == 21
    assert {case.pk for case in listed.context["page"].object_list} <= {case.pk for case in unsigned}
    assert "Awaiting sign-off for 14 days or more" in listed.content.decode()
    # The filter is kept while searching and paging (in the session, like the others), and "Show every case" ends it.
    assert client.get(reverse("records:list")).context["page"].paginator.count == 21
    assert client.get(reverse("records:list") + "?attention=").context["page"].paginator.count == 33


def test_short_lists_on_the_coordinators_home_have_no_link_to_more(client):
    from cases.models import Case

    changed = make_case()
    Case.objects.filter(pk=changed.pk).update(changed_since_signed=True)
    _assessed_days_ago(make_case(), 20)
    client.force_login(make_user(role=roles.COORDINATOR))
    html = client.get(reverse("home")).content.decode()
    assert "?attention=" not in html


def test_an_unknown_attention_filter_lists_every_case(client):
    make_case()
    client.force_login(make_user(role=roles.COORDINATOR))
    response = client.get(reverse("records:list") + "?attention=nonsense")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
