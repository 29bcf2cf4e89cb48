"""The nurse's calendar feed kept in the shared cache until a write to what it lists (issue 16: a feed of a year's
visits took 0.5-1 s, about 400x the bare view, at every poll of every calendar app; cases/kept.py).

Transactional tests: each write commits as in the app, renewing the follow-up items' generation when it would."""

from datetime import UTC, date, datetime

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.audit.archive import case_archive
from cases.followups.services import calendar_token_create, item_add_manual, item_mark_done
from cases.models import FollowUpItem, UserProfile
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def kept_and_today(kept_results):
    with time_machine.travel(TODAY, tick=False):
        yield


def _visit(case, due: date, nurse=None, modality: str = "mri"):
    return item_add_manual(
        case=case, user=None, due_date=due, modality=modality, reason="t", responsible_nurse=nurse
    )


@pytest.fixture
def world():
    anna = make_user("anna", role=roles.NURSE)
    bea = make_user("bea", role=roles.NURSE)
    case = make_case(surgery_date=None)
    other = make_case(site="rectum", surgery_date=None)
    made = {
        "mine": _visit(case, date(2026, 6, 20), anna, modality="ct_or_mri"),
        "nobodys": _visit(other, date(2026, 7, 1)),
        "beas": _visit(case, date(2026, 6, 25), bea),
    }
    return {"anna": anna, "bea": bea, "case": case, "other": other, **made}


def _feed(client, user, **extra):
    token = _token(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/followups/calendar/{token}.ics", **extra)
    assert response.status_code == 200
    read_items = [q for q in queries.captured_queries if "cases_followupitem" in q["sql"]]
    return response.content, len(read_items)


_TOKENS: dict[int, str] = {}


def _token(user) -> str:
    if user.pk not in _TOKENS:
        _TOKENS[user.pk] = calendar_token_create(user=user).token
    return _TOKENS[user.pk]


@pytest.fixture(autouse=True)
def _fresh_tokens():
    _TOKENS.clear()
    yield
    _TOKENS.clear()


def _uids(feed: bytes) -> set[str]:
    return {str(event["uid"]) for event in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def test_a_feed_asked_again_is_the_kept_one_until_an_item_changes(client, world):
    first, read = _feed(client, world["anna"])
    assert read >= 1
    assert _uids(first) == {f"{world['mine'].pk}@gistcare", f"{world['nobodys'].pk}@gistcare"}
    again, read = _feed(client, world["anna"])
    assert again == first
    assert read == 0  # kept: the items are not read again

    item_mark_done(
        item=FollowUpItem.objects.get(pk=world["mine"].pk), user=world["anna"],
        expected_version=world["mine"].version, completed_date=TODAY, result="ned",
    )  # fmt: skip
    after, read = _feed(client, world["anna"])
    assert read >= 1
    assert _uids(after) == {f"{world['nobodys'].pk}@gistcare"}


def test_a_feed_is_kept_between_two_polls_of_a_calendar_app(client, world, settings):
    # Calendar apps poll every quarter of an hour or less often: kept the query cache's minute, it was never used
    # again. Kept GISTCARE_CALENDAR_KEEP_SECONDS (an hour) while nothing it lists changes.
    assert settings.GISTCARE_CALENDAR_KEEP_SECONDS == 3600
    first, _ = _feed(client, world["anna"])
    with time_machine.travel(datetime(2026, 6, 1, 0, 59, tzinfo=UTC), tick=False):
        again, read = _feed(client, world["anna"])
    assert (again, read) == (first, 0)
    with time_machine.travel(datetime(2026, 6, 1, 1, 1, tzinfo=UTC), tick=False):
        _, read = _feed(client, world["anna"])
    assert read >= 1


def test_each_nurse_has_her_own_feed_in_her_own_language(client, world):
    annas, _ = _feed(client, world["anna"])
    beas, _ = _feed(client, world["bea"])
    assert _uids(beas) == {f"{world['beas'].pk}@gistcare", f"{world['nobodys'].pk}@gistcare"}
    assert b"Follow-up" in annas
    UserProfile.objects.create(user=world["anna"], language="zh-hans")
    chinese, read = _feed(client, world["anna"])
    assert read >= 1
    assert "随访".encode() in chinese
    assert _uids(chinese) == _uids(annas)


def test_a_feed_moves_on_with_the_day_and_the_host_asked(client, world, settings):
    _feed(client, world["anna"])
    settings.ALLOWED_HOSTS = ["calendar.example.org", "testserver"]
    other_host, read = _feed(client, world["anna"], HTTP_HOST="calendar.example.org")
    assert read >= 1
    links = [
        str(event["description"]).splitlines()[-1]
        for event in icalendar.Calendar.from_ical(other_host).walk("VEVENT")
    ]
    assert links
    assert all(link.startswith("http://calendar.example.org/followups/case/") for link in links)
    # 60 days after 20 Jun the visit has left the feed (it lists 60 days back).
    with time_machine.travel(date(2026, 8, 20), tick=False):
        later, read = _feed(client, world["anna"])
    assert read >= 1
    assert _uids(later) == {f"{world['nobodys'].pk}@gistcare"}


def test_an_archived_case_leaves_the_kept_feed(client, world):
    _feed(client, world["anna"])
    case_archive(case=world["other"], user=make_user("admin", role=roles.ADMINISTRATOR))
    after, _ = _feed(client, world["anna"])
    assert _uids(after) == {f"{world['mine'].pk}@gistcare"}


def test_without_a_shared_cache_every_poll_reads_the_items(client, world):
    with override_settings(GISTCARE_QUERY_CACHE_SECONDS=0):
        first, read = _feed(client, world["anna"])
        again, read_again = _feed(client, world["anna"])
    assert first == again
    assert read >= 1
    assert read_again >= 1


def test_a_revoked_replaced_or_refused_feed_is_not_served_from_the_cache(client, world):
    from django.contrib.auth.models import Group

    from cases.followups.services import calendar_token_revoke

    token = _token(world["anna"])
    _feed(client, world["anna"])
    calendar_token_revoke(user=world["anna"])
    assert client.get(f"/followups/calendar/{token}.ics").status_code == 404
    replaced = calendar_token_create(user=world["anna"]).token
    assert client.get(f"/followups/calendar/{replaced}.ics").status_code == 200
    second = calendar_token_create(user=world["anna"]).token  # replaces the one before
    assert client.get(f"/followups/calendar/{replaced}.ics").status_code == 404
    world["anna"].groups.remove(Group.objects.get(name=roles.NURSE))
    assert client.get(f"/followups/calendar/{second}.ics").status_code == 404
    world["anna"].groups.add(Group.objects.get(name=roles.NURSE))
    world["anna"].is_active = False
    world["anna"].save()
    assert client.get(f"/followups/calendar/{second}.ics").status_code == 404


def test_a_feed_kept_late_in_the_evening_moves_on_at_midnight(client, world, settings):
    # The day is in the key: a feed lists 60 days back, and at midnight a visit of 60 days ago leaves it, within the
    # hour a feed is kept. Europe/London: 23:50 BST is 22:50 UTC.
    assert settings.TIME_ZONE == "Europe/London"
    gone = _visit(world["case"], date(2026, 6, 2))
    with time_machine.travel(datetime(2026, 8, 1, 22, 50, tzinfo=UTC), tick=False):  # 1 Aug, 23:50 local
        evening, _ = _feed(client, world["anna"])
    assert f"{gone.pk}@gistcare" in _uids(evening)
    with time_machine.travel(datetime(2026, 8, 1, 23, 10, tzinfo=UTC), tick=False):  # 2 Aug, 00:10 local
        night, read = _feed(client, world["anna"])
    assert read >= 1
    assert f"{gone.pk}@gistcare" not in _uids(night)


def test_a_feed_kept_for_no_seconds_is_read_at_every_poll(client, world, settings):
    settings.GISTCARE_CALENDAR_KEEP_SECONDS = 0
    _feed(client, world["anna"])
    _, read = _feed(client, world["anna"])
    assert read >= 1


def test_a_deploy_builds_every_feed_again(client, world):
    """A release may change a feed's wording: the deploy's `migrate` (docs/deploy.md runs it before the new code
    serves), even with no migration to apply, voids every kept feed, so that no calendar app is served the old
    wording for the rest of the hour."""
    from io import StringIO

    from django.core.management import call_command

    _feed(client, world["anna"])
    call_command("migrate", verbosity=0, stdout=StringIO())
    _, read = _feed(client, world["anna"])
    assert read >= 1
