"""Password reset over a log-only email backend (issue 11, finding 7).

With the console (or file) email backend the reset link lands in the server log, so anyone who can read the log
can take over any account. With DEBUG off that combination is a system-check error (and the WSGI application
refuses to start) unless password reset is switched off, which removes its URLs and its link.
"""

from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from cases.checks import password_reset_email_check

CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in password_reset_email_check(None)]


@pytest.mark.parametrize("backend", [CONSOLE, FILE])
def test_it_is_an_error_to_email_reset_links_into_a_log_in_production(backend):
    assert _ids(DEBUG=False, EMAIL_BACKEND=backend, GISTCARE_PASSWORD_RESET=True) == ["gistcare.E001"]


def test_it_allows_the_console_backend_when_password_reset_is_off():
    assert _ids(DEBUG=False, EMAIL_BACKEND=CONSOLE, GISTCARE_PASSWORD_RESET=False) == []


def test_it_allows_a_real_mail_server_or_development():
    assert _ids(DEBUG=False, EMAIL_BACKEND=SMTP, GISTCARE_PASSWORD_RESET=True) == []
    assert _ids(DEBUG=True, EMAIL_BACKEND=CONSOLE, GISTCARE_PASSWORD_RESET=True) == []


def test_the_wsgi_application_refuses_to_start():
    from django.core.exceptions import ImproperlyConfigured

    from cases.checks import refuse_unsafe_start

    unsafe = override_settings(DEBUG=False, EMAIL_BACKEND=CONSOLE, GISTCARE_PASSWORD_RESET=True)
    with unsafe, pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe_start()
    assert "PASSWORD_RESET" in str(refused.value)


@pytest.fixture
def reset_disabled(settings):
    import gistcare.urls

    settings.GISTCARE_PASSWORD_RESET = False
    importlib.reload(gistcare.urls)
    clear_url_caches()
    yield
    settings.GISTCARE_PASSWORD_RESET = True
    importlib.reload(gistcare.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_switching_reset_off_removes_its_urls_and_link(client, reset_disabled):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert client.get("/accounts/password_reset/").status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "Forgotten your password?" not in page


@pytest.mark.django_db
def test_the_link_is_there_when_reset_is_on(client):
    assert "Forgotten your password?" in client.get(reverse("login")).content.decode()
