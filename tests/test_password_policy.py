"""Password policy (issue 11, finding 10): at least 12 characters and not a common password, everywhere,
the demo command included."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import PASSWORD


def test_it_refuses_the_issues_example_as_too_short():
    with pytest.raises(ValidationError) as refused:
        validate_password("Winter2026")  # 10 characters
    assert "at least 12 characters" in " ".join(refused.value.messages)


def test_it_refuses_a_long_common_password():
    with pytest.raises(ValidationError) as refused:
        validate_password("password1234")  # 12 characters, on Django's list of 20,000 common passwords
    assert "too common" in " ".join(refused.value.messages)


def test_it_accepts_twelve_uncommon_characters():
    validate_password("kettle-fern7")
    validate_password(PASSWORD)


def test_the_validators_are_configured_in_settings_not_only_in_tests():
    names = {v["NAME"].rsplit(".", 1)[1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names["MinimumLengthValidator"] == {"min_length": 12}
    assert "CommonPasswordValidator" in names


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["a", "Winter2026", "password1234"])
def test_seed_demo_refuses_a_weak_password_and_creates_nobody(weak):
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--password", weak, stdout=StringIO())
    assert "--password" in str(refused.value)
    assert not get_user_model().objects.exists()


def test_the_make_run_default_demo_password_is_valid():
    from pathlib import Path

    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    default = makefile.split("DEMO_PASSWORD:-", 1)[1].split("}", 1)[0]
    validate_password(default)
    assert f"`{default}`" in (Path(settings.BASE_DIR) / "README.md").read_text()


@pytest.mark.django_db
def test_changing_a_password_refuses_a_short_one(client):
    user = get_user_model().objects.create_user("pat", password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Winter2026", "new_password2": "Winter2026"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
