import pytest

from cases.models import UserProfile


@pytest.fixture
def zh_surgeon_client(client, surgeon):
    """The surgeon, who chose Simplified Chinese: a stored preference, not a cookie or a browser header."""
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    return client
