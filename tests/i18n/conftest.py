import pytest
from django.conf import settings
from django.utils import translation

from cases.models import UserProfile


@pytest.fixture(autouse=True)
def _back_to_the_site_language():
    """A Chinese request leaves Chinese active in the test's thread (as LocaleMiddleware does): reset it so that
    the next test, which may call presenters outside any request, starts in the site's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def zh_surgeon_client(client, surgeon):
    """The surgeon, who chose Simplified Chinese: a stored preference, not a cookie or a browser header."""
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    return client
