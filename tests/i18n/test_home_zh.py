"""The coordinator's home lists and their links to all in the case list, in Chinese."""

import pytest
from django.urls import reverse

from cases import roles
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def test_the_links_to_all_and_the_filter_read_in_chinese(client):
    from cases.models import Case

    changed = [make_case() for _ in range(11)]
    Case.objects.filter(pk__in=[case.pk for case in changed]).update(changed_since_signed=True)
    client.force_login(make_user(role=roles.COORDINATOR))
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    assert "全部签署后有改动的病例" in client.get(reverse("home"), **chinese).content.decode()
    body = client.get(reverse("records:list") + "?attention=changed_since_signed", **chinese).content.decode()
    assert "签署后有改动" in body
    assert "显示全部病例" in body
