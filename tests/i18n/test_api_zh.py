"""POST /api/v1/assess honours Accept-Language for its texts (issue 15): the ids, codes and numbers of the contract
never change; only `text` of the recommendations and warnings is given in Chinese when the caller asks for it.
Without the header, or with a language GISTCare does not have, the answer is the English of gist_assess."""

from __future__ import annotations

import json

import pytest

from cases.api.tokens import api_token_create
from cases.models import UserProfile
from tests.api.test_assess import CASE, URL
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SMALL_RECTAL = {"site": "rectum", "size_cm": 1.5, "mitoses_per_5mm2": 2, "ruleset": "csco-2020"}


@pytest.fixture
def token():
    _, raw = api_token_create(owner=make_user("epr-zh", role="Surgeon"), name="EPR")
    return raw


def _post(client, token, body, **headers):
    return client.post(
        URL,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def _without_texts(result: dict) -> dict:
    return {
        **result,
        "recommendations": [{k: v for k, v in r.items() if k != "text"} for r in result["recommendations"]],
        "warnings": [{k: v for k, v in w.items() if k != "text"} for w in result["warnings"]],
    }


def test_chinese_texts_with_the_same_ids_and_values(client, token):
    english = _post(client, token, [CASE, SMALL_RECTAL]).json()
    chinese_response = _post(client, token, [CASE, SMALL_RECTAL], **{"Accept-Language": "zh-Hans"})
    assert chinese_response.status_code == 200
    assert chinese_response["Content-Language"] == "zh-hans"
    chinese = chinese_response.json()
    assert [_without_texts(r) for r in chinese] == [_without_texts(r) for r in english]
    texts = [r["text"] for r in chinese[0]["recommendations"]]
    assert any("伊马替尼" in t for t in texts), texts
    assert texts != [r["text"] for r in english[0]["recommendations"]]


def test_english_without_the_header_or_for_another_language(client, token):
    plain = _post(client, token, CASE)
    assert plain["Content-Language"] == "en"
    for header in ("en-GB,en;q=0.9", "fr-FR", "de"):
        response = _post(client, token, CASE, **{"Accept-Language": header})
        assert response.json() == plain.json(), header
    assert all("伊马替尼" not in r["text"] for r in plain.json()["recommendations"])


def test_a_browser_caller_stored_language_does_not_change_the_contract(client):
    """The API answers in the language the request asks for, not the signed-in user's page language."""
    user = make_user("zh-browser", role="Surgeon")
    UserProfile.objects.create(user=user, language="zh-hans")
    client.force_login(user)
    _, raw = api_token_create(owner=user, name="EPR")
    response = _post(client, raw, CASE)
    assert response["Content-Language"] == "en"
    assert all("伊马替尼" not in r["text"] for r in response.json()["recommendations"])
