"""An htmx request whose session has ended is sent to the log-in page as a whole page, not drawn inside the page.

htmx follows a redirect as the browser's request does, then swaps what it got into its target: the MDT chair whose
session ended during a meeting (30 minutes idle) saw the whole log-in page inside a case's card on opening its
decision form, and the agenda's search did the same. Such a request now gets htmx's own redirect (HX-Redirect),
to the log-in page with the page the user was on as `next`.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import contract_example_case, meeting_with_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(coordinator):
    return meeting_with_case(coordinator=coordinator, case=contract_example_case())[1]


def test_an_htmx_request_without_a_session_sends_the_browser_to_log_in(client, item):
    page = reverse("mdt:meeting", args=[item.meeting_id])
    response = client.get(
        reverse("mdt:decision", args=[item.meeting_id, item.id]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page.replace('/', '%2F')}"


def test_the_page_to_return_to_is_never_another_site(client, item):
    fragment = reverse("mdt:decision", args=[item.meeting_id, item.id])
    response = client.get(fragment, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/mdt/")
    assert response["HX-Redirect"] == f"{reverse('login')}?next={fragment.replace('/', '%2F')}"


def test_a_request_without_htmx_is_redirected_as_before(client, item):
    response = client.get(reverse("mdt:decision", args=[item.meeting_id, item.id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "HX-Redirect" not in response


def test_a_signed_in_users_htmx_redirect_is_left_alone(client, chair, item):
    """Only the way to the log-in page changes: a view's own redirect of an htmx request stays one."""
    client.force_login(chair)
    response = client.post(
        reverse("mdt:printout", args=[item.meeting_id]),
        HTTP_HX_REQUEST="true",
    )
    assert "HX-Redirect" not in response
