"""The language a user reads: the stored preference, else the cookie, else the browser's Accept-Language, else
LANGUAGE_CODE; the switcher in the navigation bar (Django's set_language, POST with CSRF) stores the choice."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import UserProfile

pytestmark = pytest.mark.django_db


def test_it_offers_the_switcher_in_the_navigation_bar(surgeon_client):
    html = surgeon_client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert (
        'name="csrfmiddlewaretoken"' in html.split('data-testid="language-switcher"')[1].split("</form>")[0]
    )
    assert '<option value="zh-hans" lang="zh-Hans">简体中文</option>' in html


def test_switching_stores_the_preference_and_the_next_page_is_chinese(surgeon_client, surgeon):
    response = surgeon_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("records:list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("records:list")
    assert UserProfile.objects.get(user=surgeon).language == "zh-hans"
    assert "病例" in surgeon_client.get(reverse("records:list")).content.decode()


def test_the_stored_preference_follows_the_user_to_another_browser(client, surgeon):
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)  # a new session: no language cookie
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert '<html lang="zh-Hans">' in html


def test_switching_back_to_english_is_stored_too(surgeon_client, surgeon):
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    surgeon_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserProfile.objects.get(user=surgeon).language == "en"
    html = surgeon_client.get(reverse("home")).content.decode()
    assert '<html lang="en-GB">' in html
    assert "Good to see you" in html


def test_without_a_preference_the_browser_language_decides(surgeon_client):
    html = surgeon_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-Hans">' in html


def test_without_a_preference_or_a_browser_language_the_site_default_decides(surgeon_client):
    assert settings.LANGUAGE_CODE.startswith("en")
    html = surgeon_client.get(reverse("home")).content.decode()
    assert '<html lang="en-GB">' in html
    assert "Good to see you" in html


def test_an_unknown_language_is_refused_and_nothing_is_stored(surgeon_client, surgeon):
    response = surgeon_client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert not UserProfile.objects.filter(user=surgeon).exists()


def test_the_switcher_never_redirects_to_another_site(surgeon_client):
    response = surgeon_client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_anonymous_visitor_can_switch_the_login_page(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    assert "登录" in client.get(reverse("login")).content.decode()


def test_english_dates_keep_the_british_order(surgeon_client):
    # LANGUAGES says "en"; its formats stay en-GB (gistcare/formats/en): day before month.
    from django.utils import formats, translation

    with translation.override("en"):
        accepted = formats.get_format("DATE_INPUT_FORMATS")
    assert "%d/%m/%Y" in accepted
    assert "%m/%d/%Y" not in accepted
