"""POST /api/v1/assess: the gist_assess contract over HTTP, for hospital systems holding a token."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cases.api.tokens import api_token_create, api_token_revoke
from cases.models import ApiToken
from cases.models.api import hash_token
from tests.factories import make_user

CASE = {
    "site": "stomach",
    "gastric_location": "greater_curvature",
    "size_cm": 6.5,
    "mitoses_per_5mm2": 8,
    "resected": True,
    "surgery_date": "2026-01-15",
    "margin": "R0",
    "genotype": "kit_exon_11",
}
URL = "/api/v1/assess"


@pytest.fixture
def api_user(db):
    return make_user("epr-integration", role="Surgeon")


@pytest.fixture
def token(api_user):
    _, raw = api_token_create(owner=api_user, name="EPR")
    return raw


def _post(client, body, token=None, content_type="application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type=content_type, headers=headers)


def _gist_assess(payload) -> object:
    out = io.StringIO()
    stdin = io.StringIO(json.dumps(payload))
    import sys

    old = sys.stdin
    sys.stdin = stdin
    try:
        call_command("gist_assess", "-", stdout=out)
    finally:
        sys.stdin = old
    return json.loads(out.getvalue())


def test_the_url_is_api_v1_assess():
    assert reverse("api:assess") == URL


def test_it_answers_like_gist_assess_for_one_case(client, token):
    response = _post(client, CASE, token)
    assert response.status_code == 200
    data = response.json()
    assert data == _gist_assess(CASE)
    assert data["risk"]["modified_nih"] == "high"
    assert data["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert data["risk"]["tnm"]["stage"] == "IIIA"
    assert data["adjuvant"] == {
        "recommendation": "recommended",
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "duration_months": 36,
    }
    assert data["surveillance"][0]["due"] == "2026-04-15"
    assert len(data["surveillance"]) == 31


def test_a_list_gives_a_list_in_the_same_order(client, token):
    small = {"site": "rectum", "size_cm": 1.5, "mitoses_per_5mm2": 2, "ruleset": "csco-2020"}
    response = _post(client, [CASE, small], token)
    assert response.status_code == 200
    data = response.json()
    assert [r["ruleset"] for r in data] == ["esmo-2022", "csco-2020"]
    assert data == _gist_assess([CASE, small])


def test_an_empty_list_gives_an_empty_list(client, token):
    assert _post(client, [], token).json() == []


@pytest.mark.parametrize(
    ("body", "field", "index", "words"),
    [
        ([CASE, {**CASE, "mitosis": 3}], "mitosis", 1, "unknown"),
        ({"size_cm": 3}, "site", 0, "required"),
        ({**CASE, "size_cm": "big"}, "size_cm", 0, ""),
        ({**CASE, "site": "liver"}, "site", 0, ""),
        ({**CASE, "size_cm": 51}, "size_cm", 0, ""),
        ([CASE, CASE, {**CASE, "surgery_date": "2026-02-30"}], "surgery_date", 2, ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_case(client, token, body, field, index, words):
    response = _post(client, body, token)
    assert response.status_code == 400
    data = response.json()
    assert data["field"] == field
    assert data["case_index"] == index
    assert words in data["error"]


@pytest.mark.parametrize("body", ["{not json", "NaN", '"a string"', "42", "", "[1, 2]"])
def test_malformed_json_is_a_400(client, token, body):
    response = _post(client, body, token)
    assert response.status_code == 400
    assert response.json()["error"]


def test_non_utf8_body_is_a_400(client, token):
    response = _post(client, b"\xff\xfe{}", token)
    assert response.status_code == 400


def test_anonymous_calls_get_a_401_json(client, db):
    response = _post(client, CASE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "authentication required" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer ", "Token abc"])
def test_wrong_credentials_get_a_401(client, db, header):
    response = client.post(URL, json.dumps(CASE), content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_revoked_token_is_refused(client, api_user):
    record, raw = api_token_create(owner=api_user, name="old")
    assert _post(client, CASE, raw).status_code == 200
    api_token_revoke(token=record)
    assert _post(client, CASE, raw).status_code == 401


def test_an_inactive_owner_is_refused(client, api_user, token):
    api_user.is_active = False
    api_user.save()
    assert _post(client, CASE, token).status_code == 401


def test_a_token_of_a_user_without_role_is_refused(client, db):
    _, raw = api_token_create(owner=make_user("norole"), name="x")
    response = _post(client, CASE, raw)
    assert response.status_code == 403


def test_only_the_hash_is_stored_and_use_is_recorded(client, api_user, token):
    record = ApiToken.objects.get(owner=api_user)
    assert record.token_hash == hash_token(token)
    assert token not in {record.token_hash, record.name}
    assert record.last_used_at is None
    _post(client, CASE, token)
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_token_calls_need_no_csrf_token(db, token):
    client = Client(enforce_csrf_checks=True)
    assert _post(client, CASE, token).status_code == 200


def test_session_calls_need_the_csrf_token(db, api_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(api_user)
    response = _post(client, CASE)
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    client.get(reverse("home"))  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        URL, json.dumps(CASE), content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200


def test_get_is_not_allowed(client, token):
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405


def test_create_api_token_prints_the_token_once(api_user, client):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "epr-integration", "--name", "Lab system", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("gc_")
    record = ApiToken.objects.get(name="Lab system")
    assert record.token_hash == hash_token(raw)
    assert "not shown again" in err.getvalue()
    assert _post(client, CASE, raw).status_code == 200
    call_command("revoke_api_token", str(record.pk), stdout=io.StringIO())
    assert _post(client, CASE, raw).status_code == 401


def test_create_api_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no user named"):
        call_command("create_api_token", "ghost", "--name", "x")


def test_the_openapi_schema_describes_the_endpoint(client, token):
    assert client.get("/api/v1/openapi.json").status_code == 401
    response = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    case = schema["components"]["schemas"]["Case"]
    assert set(case["properties"]) >= set(CASE)
    assert "/assess" in schema["paths"]


@pytest.mark.parametrize("field", ["size_cm", "mitoses_per_5mm2", "pre_treatment_size_cm"])
def test_a_huge_integer_is_a_400_naming_the_field(client, token, field):
    # Issue 17.3: 10**400 raised OverflowError (a 500 HTML page) before the contract compared before converting.
    huge = "9" * 400
    fields = {"site": '"stomach"', "size_cm": "3", field: huge}
    body = "{" + ", ".join(f'"{name}": {value}' for name, value in fields.items()) + "}"
    response = _post(client, body, token)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_the_openapi_schema_has_the_contract_additions_and_the_case_limit(client, token):
    schema = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json()
    props = schema["components"]["schemas"]["Case"]["properties"]
    for name in ("cd117", "dog1", "sdhb_ihc", "rupture_grade", "genotype_detail", "mitoses_per_50hpf",
                 "hpf_field_area_mm2", "pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2",
                 "therapy_start_date"):  # fmt: skip
        assert name in props, name
    body = schema["paths"]["/assess"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][1]["maxItems"] == 500
