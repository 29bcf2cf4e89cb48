"""The worklist's and home's follow-up counts kept in the shared cache until what they count changes (issue 16;
cases/kept.py).

Transactional tests: each write commits as it would in the app, so the generation is renewed when it would be
(inside the usual test transaction nothing ever commits, and the counts are never kept there)."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.audit.archive import case_archive
from cases.followups.services import item_add_manual, item_mark_done
from cases.followups.worklist import WorklistFilters, filtered_counts
from cases.models import FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 6, 1)
KEPT = override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-counts"}
    },
    GISTCARE_QUERY_CACHE_SECONDS=60,
)


@pytest.fixture(autouse=True)
def kept_and_today():
    with KEPT, time_machine.travel(TODAY, tick=False):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def nurse():
    return make_user("nurse", role=roles.NURSE)


@pytest.fixture
def case():
    return make_case(surgery_date=None)


def _add(case, due: date, nurse=None) -> FollowUpItem:
    return item_add_manual(
        case=case, user=None, due_date=due, modality="ct_or_mri", reason="test", window_days=14,
        responsible_nurse=nurse,
    )  # fmt: skip


@pytest.fixture
def items(case):
    """By hand, on 1 Jun 2026 with windows of ± 14 days: three overdue (due 1 May, window ends 15 May), one due
    (due 5 Jun, window 22 May – 19 Jun), two upcoming (due 25 Jun, window opens 11 Jun, within 30 days)."""
    overdue = [_add(case, date(2026, 5, 1)) for _ in range(3)]
    due = [_add(case, date(2026, 6, 5))]
    upcoming = [_add(case, date(2026, 6, 25)) for _ in range(2)]
    return overdue, due, upcoming


def _worklist(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/followups/", {"tab": "overdue", **params})
    assert response.status_code == 200
    counts = {name: count for name, _label, count in response.context["tabs"] if count is not None}
    counted = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    return counts, counted


def _counts() -> dict[str, int]:
    return filtered_counts(WorklistFilters(), TODAY, ("overdue", "due", "upcoming"))


def test_the_second_visit_reads_the_kept_counts(client, nurse, items):
    client.force_login(nurse)
    counts, counted = _worklist(client)
    assert counts == {"overdue": 3, "due": 1, "upcoming": 2}
    assert len(counted) == 1
    counts, counted = _worklist(client)
    assert counts == {"overdue": 3, "due": 1, "upcoming": 2}
    assert counted == []  # from the cache
    assert "Items 1–3 of 3" in client.get("/followups/", {"tab": "overdue"}).content.decode()


def test_without_the_setting_every_visit_counts(client, nurse, items):
    client.force_login(nurse)
    with override_settings(GISTCARE_QUERY_CACHE_SECONDS=0):
        assert len(_worklist(client)[1]) == 1
        assert len(_worklist(client)[1]) == 1


def test_an_item_marked_done_is_counted_off_at_once(client, nurse, items):
    client.force_login(nurse)
    assert _worklist(client)[0]["overdue"] == 3
    item = items[0][0]
    item_mark_done(item=item, user=nurse, expected_version=item.version, completed_date=TODAY, result="ned")
    counts, counted = _worklist(client)
    assert counts == {"overdue": 2, "due": 1, "upcoming": 2}
    assert len(counted) == 1


def test_the_action_page_itself_counts_it_off(client, nurse, items):
    """Through the nurse's own form, as in the app (the view's write commits before the list is read again)."""
    client.force_login(nurse)
    assert _worklist(client)[0]["overdue"] == 3
    item = items[0][0]
    response = client.post(
        f"/followups/item/{item.pk}/done/",
        {"completed_date": TODAY.isoformat(), "result": "ned", "expected_version": item.version},
    )
    assert response.status_code in (200, 302)
    assert FollowUpItem.objects.get(pk=item.pk).status == "done"
    assert _worklist(client)[0]["overdue"] == 2


def test_writes_that_send_no_signal_are_seen(case, items):
    """QuerySet.update(), bulk_create and raw SQL: the statements themselves are watched."""
    assert _counts() == {"overdue": 3, "due": 1, "upcoming": 2}
    FollowUpItem.objects.filter(pk=items[1][0].pk).update(status="cancelled")
    assert _counts() == {"overdue": 3, "due": 0, "upcoming": 2}
    template = items[2][0]
    copies = []
    for _ in range(4):
        copy = FollowUpItem.objects.get(pk=template.pk)
        copy.pk, copy.schedule_key = None, ""
        copies.append(copy)
    FollowUpItem.objects.bulk_create(copies)
    assert _counts() == {"overdue": 3, "due": 0, "upcoming": 6}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_followupitem WHERE id = %s", [_pk(items[0][0])])
    assert _counts() == {"overdue": 2, "due": 0, "upcoming": 6}


def _pk(item):
    return item.pk.hex if connection.vendor == "sqlite" else item.pk


CANCEL = "SET status = 'cancelled' WHERE id = %s"


@pytest.mark.parametrize(
    "sql",
    [
        f"/* nurse correction */ UPDATE cases_followupitem {CANCEL}",
        f"-- nurse correction\nUPDATE cases_followupitem {CANCEL}",
        f"UPDATE cases_followupitem AS f {CANCEL}",
        "WITH gone AS (SELECT id FROM cases_followupitem WHERE id = %s) "
        "UPDATE cases_followupitem AS f SET status = 'cancelled' WHERE f.id IN (SELECT id FROM gone)",
        "  with gone as (select id from cases_followupitem where id = %s) "
        "delete from cases_followupitem where id in (select id from gone)",
        {
            "sqlite": f"UPDATE OR IGNORE cases_followupitem {CANCEL}",
            "postgresql": f"UPDATE ONLY cases_followupitem {CANCEL}",
        },
        {"postgresql": f"/* a /* nested */ comment */ UPDATE cases_followupitem {CANCEL}"},
    ],
)
def test_a_write_in_any_form_is_seen(case, items, sql):
    """Raw SQL behind comments, with an alias, behind a WITH clause, in the databases' own forms: every
    statement but a SELECT that names a watched table renews its results."""
    if isinstance(sql, dict):
        if connection.vendor not in sql:
            pytest.skip(f"not {connection.vendor}'s SQL")
        sql = sql[connection.vendor]
    assert _counts()["due"] == 1
    with connection.cursor() as cursor:
        cursor.execute(sql, [_pk(items[1][0])])
    assert _counts() == {"overdue": 3, "due": 0, "upcoming": 2}


def test_a_select_is_no_write(case, items):
    """A SELECT, even one that names a write in a string or locks rows (FOR UPDATE), renews nothing."""
    _counts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'DELETE FROM cases_followupitem' FROM cases_followupitem")
        if connection.vendor == "postgresql":  # as Django writes a union of sliced parts there
            cursor.execute("(SELECT id FROM cases_followupitem) UNION (SELECT id FROM cases_followupitem)")
    with transaction.atomic():
        list(FollowUpItem.objects.select_for_update().filter(pk=items[0][0].pk))
    with CaptureQueriesContext(connection) as queries:
        assert _counts()["overdue"] == 3
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]  # still the kept counts


def test_the_renewal_is_queued_as_any_commit_hook(case, items, django_capture_on_commit_callbacks):
    """Appended to the transaction's commit hooks, as Django's and pytest-django's captures of them expect (they
    take the hooks added as the list's tail): a hook that writes to a watched table runs once."""
    ran = []

    def hook():
        ran.append("hook")
        FollowUpItem.objects.filter(pk=items[0][0].pk).update(status="cancelled")

    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            transaction.on_commit(hook)
        assert ran == ["hook"]
        # The hook, then the renewal its write queued: the follow-ups' group and home's, together (cases/kept.py).
        assert callbacks[0] is hook
        assert len(callbacks) == 2
        assert {generation.name for generation in callbacks[1].__self__.generations} == {"followups", "home"}
        transaction.set_rollback(True)


def test_an_archived_case_drops_its_items(case, items):
    assert _counts()["overdue"] == 3
    case_archive(case=case, user=make_user("archivist", role=roles.COORDINATOR))
    assert _counts() == {"overdue": 0, "due": 0, "upcoming": 0}


def test_a_transaction_counts_its_own_writes_and_a_rollback_changes_nothing(case, items):
    assert _counts()["overdue"] == 3
    with transaction.atomic():
        _add(case, date(2026, 5, 2))
        assert _counts()["overdue"] == 4  # inside the transaction: from the database, its own write seen
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as queries:
        assert _counts()["overdue"] == 3
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]  # still the kept counts
    with transaction.atomic():
        _add(case, date(2026, 5, 2))
    assert _counts()["overdue"] == 4  # committed: renewed


def test_the_tabs_move_on_at_midnight(case, items):
    assert _counts()["due"] == 1
    # On 20 Jun the item due 5 Jun (window ends 19 Jun) is overdue; the two due 25 Jun (window from 11 Jun) are due.
    later = date(2026, 6, 20)
    assert filtered_counts(WorklistFilters(), later, ("overdue", "due", "upcoming")) == {
        "overdue": 4, "due": 2, "upcoming": 0,
    }  # fmt: skip


def test_mine_is_counted_for_each_nurse(client, case):
    first, second = make_user("first", role=roles.NURSE), make_user("second", role=roles.NURSE)
    _add(case, date(2026, 5, 1), nurse=first)
    _add(case, date(2026, 5, 1), nurse=first)
    _add(case, date(2026, 5, 1), nurse=second)
    _add(case, date(2026, 5, 1))  # unassigned: everybody's "mine"
    client.force_login(first)
    assert _worklist(client, nurse="me")[0]["overdue"] == 3
    client.force_login(second)
    assert _worklist(client, nurse="me")[0]["overdue"] == 2
    assert _worklist(client)[0]["overdue"] == 4


def test_home_reads_the_counts_the_worklist_kept(client, nurse, items):
    client.force_login(nurse)
    assert _worklist(client)[0] == {"overdue": 3, "due": 1, "upcoming": 2}  # counted and kept by the worklist
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.context["followup_counts"] == {"overdue": 3, "due": 1, "upcoming": 2}
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    FollowUpItem.objects.filter(pk=items[0][0].pk).delete()
    assert client.get("/").context["followup_counts"] == {"overdue": 2, "due": 1, "upcoming": 2}


def test_an_unreachable_cache_counts_from_the_database(client, nurse, items, monkeypatch):
    client.force_login(nurse)

    def refused(*args, **kwargs):
        raise ConnectionError("refused")

    for name in ("get_many", "get", "set", "add"):
        monkeypatch.setattr(LocMemCache, name, refused)
    counts, counted = _worklist(client)
    assert counts == {"overdue": 3, "due": 1, "upcoming": 2}
    assert len(counted) == 1
    item = items[0][0]
    item_mark_done(item=item, user=nurse, expected_version=item.version, completed_date=TODAY, result="ned")
    assert _worklist(client)[0]["overdue"] == 2


def test_a_result_counted_across_a_write_is_not_kept_for_later(case, items):
    """The token is read before counting: a write committed while the counts are read renews it, so what was
    counted (before or after the write, nobody knows) is not served afterwards."""
    from cases import kept

    def count_while_a_nurse_cancels():
        counted = {"overdue": 3, "due": 1, "upcoming": 2}
        FollowUpItem.objects.filter(pk=items[0][0].pk).update(status="cancelled")  # autocommit: committed
        return counted

    key = ("counts", (kept.FOLLOWUPS, "race", count_while_a_nurse_cancels))
    assert kept.kept(dict([key]))["counts"]["overdue"] == 3
    recounted = kept.kept({"counts": (kept.FOLLOWUPS, "race", lambda: {"overdue": 2})})
    assert recounted["counts"] == {"overdue": 2}


def test_a_process_that_keeps_nothing_still_renews(case, items):
    """A worker or a command run with QUERY_CACHE_SECONDS=0 but the shared cache configured: its writes renew the
    tokens that the servers' kept results are stored with."""
    from cases import kept

    assert _counts()["overdue"] == 3
    token = cache.get(kept.FOLLOWUPS.key)
    with override_settings(GISTCARE_QUERY_CACHE_SECONDS=0, CACHE_URL="redis://shared.test:6379/1"):
        FollowUpItem.objects.filter(pk=items[0][0].pk).update(status="cancelled")
    assert cache.get(kept.FOLLOWUPS.key) != token
    assert _counts()["overdue"] == 2


def test_a_presentation_moved_to_another_site_leaves_the_site_filter(case, items):
    from cases.models import Presentation

    stomach = WorklistFilters(site="stomach")
    assert filtered_counts(stomach, TODAY, ("overdue", "due", "upcoming")) == {
        "overdue": 3,
        "due": 1,
        "upcoming": 2,
    }
    Presentation.objects.filter(case=case).update(site="rectum")
    assert filtered_counts(stomach, TODAY, ("overdue", "due", "upcoming")) == {
        "overdue": 0,
        "due": 0,
        "upcoming": 0,
    }


def test_a_connection_first_opened_inside_an_execute_wrapper_keeps_its_watcher():
    """Django's `execute_wrapper()` removes the last wrapper of the list when its block ends: a connection opened
    inside the block got its watcher appended after the block's wrapper, and lost it (its writes unseen)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from cases.kept import watch_writes

    def spy(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with fresh.execute_wrapper(spy), fresh.cursor() as cursor:
            cursor.execute("SELECT 1")  # the connection opens here
        assert fresh.execute_wrappers == [watch_writes]
    finally:
        fresh.close()


def test_after_a_write_the_counts_are_read_with_the_statement_built_before(case, items, nurse):
    """Django building the counts' SQL cost half of counting (2.6 of 4.8 ms with 100,000 items, PostgreSQL) on
    every first visit after a write. The statement depends only on the day, the tabs, the filters and, for "mine",
    the nurse: it is built once for them, and read again with the rows as they are now."""
    from cases.followups.worklist import filtered_statement

    filtered_statement.cache_clear()
    assert _counts() == {"overdue": 3, "due": 1, "upcoming": 2}
    FollowUpItem.objects.filter(pk=items[0][0].pk).update(status="cancelled")
    assert _counts() == {"overdue": 2, "due": 1, "upcoming": 2}
    assert filtered_statement.cache_info()[:2] == (1, 1)  # (hits, misses): built once, used twice

    mine = WorklistFilters(nurse="me")
    FollowUpItem.objects.filter(pk=items[0][1].pk).update(responsible_nurse=nurse)
    other = make_user("other nurse", role=roles.NURSE)
    assert (
        filtered_counts(mine, TODAY, ("overdue",), user=nurse)["overdue"] == 2
    )  # hers and the unassigned one
    assert filtered_counts(mine, TODAY, ("overdue",), user=other)["overdue"] == 1  # the unassigned one
    assert filtered_counts(WorklistFilters(), date(2026, 6, 20), ("overdue",))["overdue"] == 3  # + due 5 Jun
    assert filtered_statement.cache_info()[:2] == (1, 4)


def test_the_statement_kept_for_mine_holds_no_request(client, nurse, items):
    """The statement is kept per nurse by her id: the signed-in user of a request (a lazy object that refers to
    its request, with its headers, cookies and session) is not kept with it."""
    import gc
    import weakref

    client.force_login(nurse)
    response = client.get("/followups/", {"tab": "overdue", "nurse": "me"})
    assert response.status_code == 200
    request = weakref.ref(response.wsgi_request)
    del response
    gc.collect()
    assert request() is None
