"""The worklist page /followups/: tabs and windows, filters, counts, pagination, queries, permissions."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.followups.services import item_add_manual
from cases.models import FollowUpItem
from tests.exports import exported_csv
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
URL = "/followups/"


def _item(case, due, window=14, modality="ct_or_mri"):
    return item_add_manual(
        case=case, user=None, due_date=due, modality=modality, reason="test", window_days=window
    )


def _ids(response):
    return [str(i.pk) for i in response.context["items"]]


@pytest.fixture
def nurse_client(client):
    client.force_login(make_user(role=roles.NURSE))
    return client


@pytest.mark.parametrize(
    ("today", "tab"),
    [
        (date(2026, 6, 15), "upcoming"),  # the window (due 30 June ± 14) opens tomorrow
        (date(2026, 6, 16), "due"),  # first day of the window
        (date(2026, 7, 14), "due"),  # last day of the window
        (date(2026, 7, 15), "overdue"),  # the day after the window
    ],
)
def test_it_places_an_item_by_its_window(nurse_client, today, tab):
    case = make_case(surgery_date=None)
    item = _item(case, date(2026, 6, 30))
    with time_machine.travel(today, tick=False):
        counts = {}
        for name in ("overdue", "due", "upcoming", "all"):
            response = nurse_client.get(URL, {"tab": name})
            counts[name] = str(item.pk) in _ids(response)
    assert counts == {name: name in (tab, "all") for name in counts}


def test_upcoming_is_limited_to_the_next_30_days(nurse_client):
    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        inside = _item(case, date(2026, 7, 1))
        outside = _item(case, date(2026, 7, 2))
        response = nurse_client.get(URL, {"tab": "upcoming"})
    assert _ids(response) == [str(inside.pk)]
    assert str(outside.pk) not in _ids(response)


def test_it_shows_counts_contact_details_and_sorts_by_due_date(nurse_client):
    case = make_case(surgery_date=None)
    case.patient.phone = "+44 20 7946 0001"
    case.patient.preferred_contact = "sms"
    case.patient.save()
    with time_machine.travel(date(2026, 6, 1), tick=False):
        late = _item(case, date(2026, 5, 1))
        later = _item(case, date(2026, 4, 1))
        _item(case, date(2026, 6, 5))
        _item(case, date(2026, 6, 20))
        response = nurse_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    # "All" is counted only on its own tab (issue 16: no count reads the whole table on every request).
    assert {n: c for n, _l, c in response.context["tabs"]} == {
        "overdue": 2,
        "due": 1,
        "upcoming": 1,
        "all": None,
    }
    assert _ids(response) == [str(later.pk), str(late.pk)]
    assert "+44 20 7946 0001" in body
    assert "prefers text message" in body
    assert case.patient.mrn in body
    assert case.patient.family_name.upper() in body


def test_it_filters_by_modality_surgeon_site_and_risk(nurse_client):
    alice = make_user(role=roles.SURGEON, username="alice")
    stomach = make_case(surgery_date=None, owner=alice)
    stomach.risk_category = "high"
    stomach.save()
    rectum = make_case(site="rectum", surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        a = _item(stomach, date(2026, 6, 1), modality="ct_or_mri")
        b = _item(rectum, date(2026, 6, 1), modality="mri")
        assert _ids(nurse_client.get(URL, {"tab": "due", "modality": "mri"})) == [str(b.pk)]
        assert _ids(nurse_client.get(URL, {"tab": "due", "surgeon": alice.pk})) == [str(a.pk)]
        assert _ids(nurse_client.get(URL, {"tab": "due", "site": "rectum"})) == [str(b.pk)]
        assert _ids(nurse_client.get(URL, {"tab": "due", "risk": "high"})) == [str(a.pk)]
        response = nurse_client.get(URL, {"tab": "due", "site": "rectum"})
        assert {n: c for n, _l, c in response.context["tabs"]}["due"] == 1
        # A nonsense filter value is ignored rather than failing the page.
        assert nurse_client.get(URL, {"tab": "nope", "surgeon": "x"}).status_code == 200


def test_filters_on_the_case_combine_on_the_same_case(nurse_client):
    """Surgeon, site and risk are read from the item's case (one set of cases, issue 16): an item is listed only
    when its own case matches all of them, and the tab counts and the CSV agree with the list."""
    alice = make_user(role=roles.SURGEON, username="alice")
    bob = make_user(role=roles.SURGEON, username="bob")

    def case(owner, site, risk):
        made = make_case(site=site, surgery_date=None, owner=owner)
        made.risk_category = risk
        made.save()
        return made

    with time_machine.travel(date(2026, 6, 1), tick=False):
        match = _item(case(alice, "stomach", "high"), date(2026, 6, 1))
        _item(case(alice, "stomach", "low"), date(2026, 6, 1))  # another risk
        _item(case(alice, "rectum", "high"), date(2026, 6, 1))  # another site
        _item(case(bob, "stomach", "high"), date(2026, 6, 1))  # another surgeon
        late = _item(case(alice, "stomach", "high"), date(2026, 4, 1))  # overdue
        wanted = {"surgeon": alice.pk, "site": "stomach", "risk": "high"}
        response = nurse_client.get(URL, {"tab": "due", **wanted})
        assert _ids(response) == [str(match.pk)]
        assert {n: c for n, _l, c in response.context["tabs"]} == {
            "overdue": 1,
            "due": 1,
            "upcoming": 0,
            "all": None,
        }
        assert _ids(nurse_client.get(URL, {"tab": "all", **wanted})) == [str(late.pk), str(match.pk)]
        assert len(_ids(nurse_client.get(URL, {"tab": "due", "site": "stomach", "risk": "high"}))) == 2
        export = exported_csv(nurse_client, {"tab": "due", **wanted})
        lines = export.content.decode().strip().splitlines()
        assert len(lines) == 2  # the heading and the one row
        assert match.case.patient.mrn in lines[1]


def test_archived_cases_leave_the_list(nurse_client):
    from django.utils import timezone

    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        _item(case, date(2026, 6, 1))
        case.archived_at = timezone.now()
        case.save()
        assert _ids(nurse_client.get(URL, {"tab": "all"})) == []


def test_it_paginates(nurse_client):
    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        for n in range(55):
            _item(case, date(2026, 1, 1) + timedelta(days=n))
        first = nurse_client.get(URL, {"tab": "overdue"})
        second = nurse_client.get(URL, {"tab": "overdue", "page": 2})
    assert len(first.context["items"]) == 50
    assert len(second.context["items"]) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_rows(nurse_client):
    def queries(n_cases):
        for _ in range(n_cases):
            case = make_case(surgery_date=None, owner=make_user(role=roles.SURGEON))
            for k in range(3):
                _item(case, date(2026, 5, 1) + timedelta(days=k), modality="eus")
        nurse_client.get(URL, {"tab": "all"})  # warm: the session's renewal write falls on this request
        with CaptureQueriesContext(connection) as ctx:
            response = nurse_client.get(URL, {"tab": "all"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    with time_machine.travel(date(2026, 6, 1), tick=False):
        few = queries(1)
        many = queries(15)
    assert few == many
    assert many <= 7  # session, user, permissions (2), surgeons for the filter, tab counts, the page


def test_htmx_tab_switch_returns_only_the_list(nurse_client):
    response = nurse_client.get(URL, {"tab": "all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="worklist">')
    assert "<html" not in body


def test_readers_see_the_list_without_actions(client):
    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        _item(case, date(2026, 6, 1))
        client.force_login(make_user(role=roles.SURGEON))
        response = client.get(URL, {"tab": "due"})
    assert response.status_code == 200
    assert len(response.context["items"]) == 1
    assert "Mark done" not in response.content.decode()


def test_nurses_see_the_actions(nurse_client):
    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        _item(case, date(2026, 6, 1))
        assert "Mark done" in nurse_client.get(URL, {"tab": "due"}).content.decode()


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_users_without_a_role_are_refused(client):
    client.force_login(make_user(role=None))
    assert client.get(URL).status_code == 403
    client.force_login(make_user(role=roles.COORDINATOR))
    assert client.get(URL).status_code == 200
    assert FollowUpItem.objects.count() == 0


def test_the_all_tab_is_counted_on_its_own_tab_only(nurse_client):
    """Issue 16: counts that do not read the whole table on every request. The "all" count (every item ever,
    done and cancelled too) is a count of the whole table; the actionable tabs' counts read index ranges."""
    case = make_case(surgery_date=None)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        for due in (date(2026, 5, 1), date(2026, 6, 5), date(2026, 6, 20)):
            _item(case, due)
        with CaptureQueriesContext(connection) as ctx:
            overdue = nurse_client.get(URL, {"tab": "overdue"})
        everything = nurse_client.get(URL, {"tab": "all"})
    unfiltered = [q["sql"] for q in ctx.captured_queries if 'FROM "cases_followupitem") AS' in q["sql"]]
    assert unfiltered == []
    badges = overdue.content.decode()
    assert 'data-count="overdue"' in badges
    assert 'data-count="all"' not in badges
    assert {n: c for n, _l, c in everything.context["tabs"]}["all"] == 3
    assert 'data-count="all">3</span>' in everything.content.decode()
    assert "Items 1–3 of 3" in everything.content.decode()
