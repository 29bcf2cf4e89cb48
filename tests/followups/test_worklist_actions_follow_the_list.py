"""The worklist's "Export CSV" and "Printable list" take the tab and filters the list shows, also after the list
was filtered or its tab changed in place (htmx swaps the list, not the page's header where the two actions are).

Found on 7 Dec: filtered to one site by htmx, the list showed that site's visits and "Export CSV" exported every
site's (the form kept the query of the page as first drawn).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from cases import roles
from cases.followups.services import item_add_manual
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse_client(client):
    client.force_login(make_user(role=roles.NURSE))
    for site in ("stomach", "rectum"):
        item_add_manual(
            case=make_case(site=site), user=None, due_date=date(2026, 5, 1), modality="mri", reason="t"
        )
    return client


def _actions(html: str) -> list[str]:
    return re.findall(r'<span id="list-actions"[^>]*>.*?</span>', html, re.S)


@time_machine.travel(date(2026, 6, 1), tick=False)
def test_the_actions_follow_the_list_swapped_in_place(nurse_client):
    page = nurse_client.get("/followups/", {"tab": "all"}).content.decode()
    assert len(_actions(page)) == 1, "drawn once on the page"
    assert "hx-swap-oob" not in _actions(page)[0]
    swapped = nurse_client.get(
        "/followups/", {"tab": "overdue", "site": "rectum"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist"
    ).content.decode()
    (actions,) = _actions(swapped)
    assert 'hx-swap-oob="true"' in actions  # replaces the header's, wherever the list is swapped
    assert 'action="/followups/export/?tab=overdue&amp;site=rectum"' in actions
    assert 'href="/followups/print/?tab=overdue&amp;site=rectum"' in actions


@time_machine.travel(date(2026, 6, 1), tick=False)
def test_a_whole_page_asked_for_by_htmx_has_its_actions_once(nurse_client):
    """htmx asks for the whole page with HX-Request (restoring its history after Back): the actions are drawn once, in
    the header, not also out of band (two out-of-band copies removed both)."""
    page = nurse_client.get("/followups/", {"tab": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page
    (actions,) = _actions(page)
    assert "hx-swap-oob" not in actions
    assert page.count('id="filter-tab"') == 1


@time_machine.travel(date(2026, 6, 1), tick=False)
def test_the_filters_keep_the_tab_shown(nurse_client):
    """The filter form's tab (and its Clear link) follow a tab changed in place: applying a filter after moving to
    "All" stays on "All" (it went back to the tab of the page as first drawn)."""
    swapped = nurse_client.get(
        "/followups/", {"tab": "all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist"
    ).content.decode()
    tab = re.search(r'<input[^>]*id="filter-tab"[^>]*>', swapped).group(0)
    assert 'value="all"' in tab
    assert 'hx-swap-oob="true"' in tab
    clear = re.search(r'<a[^>]*id="filters-clear"[^>]*>', swapped).group(0)
    assert 'href="/followups/?tab=all"' in clear
    assert 'hx-swap-oob="true"' in clear
