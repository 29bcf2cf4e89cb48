"""Deep worklist pages cost what the first does (issue 16): "Next" and "Previous" carry the last / first row's
(due date, id) and the next page is read from there by the (due_date, id) index, never with OFFSET."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.followups.services import item_add_manual
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
URL = "/followups/"


@pytest.fixture
def nurse_client(client):
    client.force_login(make_user(role=roles.NURSE))
    return client


@pytest.fixture
def items():
    """120 items, three on each due date (ties on the date are ordered by id)."""
    case = make_case(surgery_date=None)
    made = []
    for n in range(40):
        for _ in range(3):
            made.append(
                item_add_manual(
                    case=case,
                    user=None,
                    due_date=date(2026, 1, 1) + timedelta(days=n),
                    modality="ct_or_mri",
                    reason="test",
                    window_days=14,
                )  # fmt: skip
            )
    return sorted(made, key=lambda item: (item.due_date, item.pk))


def _link(html: str, label: str) -> str | None:
    match = re.search(rf'<a class="page-link" href="(\?[^"]+)"[^>]*>{label}</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_next_and_previous_walk_every_item_once_in_order(nurse_client, items):
    seen, pages = [], []
    with time_machine.travel(date(2026, 6, 1), tick=False):
        response = nurse_client.get(URL, {"tab": "all"})
        while True:
            html = response.content.decode()
            pages.append(re.search(r"Page (\d+) of (\d+)", html).groups())
            seen.extend(i.pk for i in response.context["items"])
            following = _link(html, "Next")
            if following is None:
                break
            assert "after=" in following
            response = nurse_client.get(URL + following)
        assert seen == [i.pk for i in items]
        assert pages == [("1", "3"), ("2", "3"), ("3", "3")]

        back = nurse_client.get(URL + _link(response.content.decode(), "Previous"))
        assert [i.pk for i in back.context["items"]] == [i.pk for i in items[50:100]]
        assert "Page 2 of 3" in back.content.decode()


def test_a_page_after_a_cursor_is_read_without_offset(nurse_client, items):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        first = nurse_client.get(URL, {"tab": "all"})
        with CaptureQueriesContext(connection) as ctx:
            second = nurse_client.get(URL + _link(first.content.decode(), "Next"))
    assert [i.pk for i in second.context["items"]] == [i.pk for i in items[50:100]]
    assert not [q["sql"] for q in ctx.captured_queries if "OFFSET" in q["sql"].upper()]


@pytest.mark.parametrize("cursor", ["junk", "2026-13-01_x", "2026-01-05_not-a-uuid", ""])
def test_a_broken_cursor_falls_back_to_the_page_number(nurse_client, items, cursor):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        response = nurse_client.get(URL, {"tab": "all", "after": cursor, "page": "2"})
    assert response.status_code == 200
    assert [i.pk for i in response.context["items"]] == [i.pk for i in items[50:100]]  # page 2 by number


def test_all_is_counted_up_to_a_bound_and_walked_without_a_total(nurse_client, items, monkeypatch):
    """Issue 16: "All" (every item ever) is not counted to the end on each request. Past ALL_COUNT_LIMIT items its
    badge says "more than", the pages have no last number, and Next and Previous still walk every item."""
    monkeypatch.setattr("cases.followups.views.ALL_COUNT_LIMIT", 60)
    seen, labels = [], []
    with time_machine.travel(date(2026, 6, 1), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            response = nurse_client.get(URL, {"tab": "all"})
        counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
        assert len(counts) == 1
        assert "LIMIT 61" in counts[0]  # the bound plus one: enough to say "more than"
        html = response.content.decode()
        assert 'data-count="all">60+</span>' in html
        assert "Items 1–50 of more than 60, by due date." in html
        while True:
            html = response.content.decode()
            labels.append(re.search(r'<span class="page-link">(Page [^<]+)</span>', html).group(1))
            seen.extend(i.pk for i in response.context["items"])
            following = _link(html, "Next")
            if following is None:
                break
            response = nurse_client.get(URL + following)
        assert seen == [i.pk for i in items]
        assert labels == ["Page 1", "Page 2", "Page 3"]
        assert "Items 101–120 of more than 60" in html
        back = nurse_client.get(URL + _link(html, "Previous"))
        assert [i.pk for i in back.context["items"]] == [i.pk for i in items[50:100]]
        assert _link(back.content.decode(), "Next") is not None


def test_the_other_tabs_are_counted_exactly_past_the_bound(nurse_client, items, monkeypatch):
    monkeypatch.setattr("cases.followups.views.ALL_COUNT_LIMIT", 60)
    with time_machine.travel(date(2026, 6, 1), tick=False):  # every item is overdue by then
        html = nurse_client.get(URL, {"tab": "overdue"}).content.decode()
    assert 'data-count="overdue">120</span>' in html
    assert "Items 1–50 of 120, by due date." in html
    assert "Page 1 of 3" in html


def test_the_bound_is_said_in_chinese_too(nurse_client, items, monkeypatch):
    monkeypatch.setattr("cases.followups.views.ALL_COUNT_LIMIT", 60)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        html = nurse_client.get(URL, {"tab": "all"}, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "第1–50项，共超过60项，按到期日排序。" in html
    assert '<span class="page-link">第 1 页</span>' in html


def test_a_number_past_the_last_page_of_all_shows_the_first_page(nurse_client, items, monkeypatch):
    """Past the bound the last page's number is not known, so a typed number past it is not clamped to it: the
    list starts again from the first page rather than showing an empty page with a range that does not exist."""
    monkeypatch.setattr("cases.followups.views.ALL_COUNT_LIMIT", 60)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        response = nurse_client.get(URL, {"tab": "all", "page": "9"})
    html = response.content.decode()
    assert [i.pk for i in response.context["items"]] == [i.pk for i in items[:50]]
    assert "Items 1–50 of more than 60, by due date." in html
    assert '<span class="page-link">Page 1</span>' in html
    assert _link(html, "Previous") is None


@pytest.mark.parametrize("number", ["99999999999999999999999", "-4", "abc", "2.5"])
def test_a_malformed_or_huge_page_number_of_all_shows_the_first_page(
    nurse_client, items, monkeypatch, number
):
    """Past the bound the number is not clamped to a last page: a huge one must not reach the database's OFFSET
    (an integer too large for it was a server error)."""
    monkeypatch.setattr("cases.followups.views.ALL_COUNT_LIMIT", 60)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        response = nurse_client.get(URL, {"tab": "all", "page": number})
    assert response.status_code == 200
    assert [i.pk for i in response.context["items"]] == [i.pk for i in items[:50]]
    assert '<span class="page-link">Page 1</span>' in response.content.decode()
