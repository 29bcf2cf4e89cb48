"""The assessment API under bad input (issue 11, finding 14): JSON answers only, never Django's HTML pages."""

from __future__ import annotations

import json

import pytest

from cases.api.openapi import openapi_schema
from cases.api.tokens import api_token_create
from cases.api.views import MAX_BODY_BYTES
from tests.factories import make_user

URL = "/api/v1/assess"
CASE = {"site": "stomach", "size_cm": 6.5, "mitoses_per_5mm2": 8}


@pytest.fixture
def token(db):
    _, raw = api_token_create(owner=make_user("epr", role="Surgeon"), name="EPR")
    return raw


def _post(client, body: bytes | str, token: str, content_type: str = "application/json"):
    return client.post(URL, body, content_type=content_type, headers={"Authorization": f"Bearer {token}"})


def test_a_ten_megabyte_body_gets_a_json_400_naming_the_limit(client, token):
    body = b'{"site": "stomach", "notes": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = _post(client, body, token)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": f"request body larger than {MAX_BODY_BYTES} bytes",
        "field": None,
        "case_index": None,
    }


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_only_json_is_accepted(client, token, content_type):
    response = _post(client, json.dumps(CASE), token, content_type=content_type)
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "send the case as JSON with 'Content-Type: application/json'"


def test_json_with_a_charset_is_fine(client, token):
    assert (
        _post(client, json.dumps(CASE), token, content_type="application/json; charset=utf-8").status_code
        == 200
    )


def test_null_for_a_boolean_reaches_the_engine_as_not_recorded(client, token):
    # The view passes null through untouched; the contract reads it as "not recorded" and the engine says which
    # default it assumed (ASSESS_CONTRACT.md, additions of 2026-12-02), where a missing field says nothing.
    with_null = _post(client, json.dumps(CASE | {"rupture": None, "resected": None}), token)
    without = _post(client, json.dumps(CASE), token)
    assert with_null.status_code == 200
    (assumed,) = [w for w in with_null.json()["warnings"] if w["id"] == "input.assumed_default"]
    assert "tumour resected: no" in assumed["text"]
    assert "tumour rupture: no" in assumed["text"]
    assert "input.assumed_default" not in [w["id"] for w in without.json()["warnings"]]


def test_the_schema_documents_nulls_and_the_cross_field_rules():
    case = openapi_schema()["components"]["schemas"]["Case"]
    rupture = case["properties"]["rupture"]
    assert rupture["type"] == "boolean"
    assert rupture["nullable"] is True
    assert "not recorded" in rupture["description"]
    assert "input.assumed_default" in rupture["description"]
    props = case["properties"]
    assert 'only when "resected" is true' in props["margin"]["description"]
    assert 'Required when "resected" is true' in props["surgery_date"]["description"]
    assert 'site "stomach"' in props["gastric_location"]["description"]
    assert 'site "duodenum"' in props["duodenal_location"]["description"]
    assert 'site "rectum"' in props["rectal_level"]["description"]
    post = openapi_schema()["paths"]["/assess"]["post"]
    assert set(post["responses"]) >= {"400", "401", "403", "415"}


def test_the_schema_states_the_rules_of_the_contracts_additions():
    props = openapi_schema()["components"]["schemas"]["Case"]["properties"]
    assert "rupture" in props["rupture_grade"]["description"]
    assert "hpf_field_area_mm2" in props["mitoses_per_50hpf"]["description"]
    assert "mitoses_per_5mm2" in props["mitoses_per_50hpf"]["description"]
    assert "mitoses_per_50hpf" in props["hpf_field_area_mm2"]["description"]
