"""Arbitrary JSON (and non-JSON) posted to the assess API: a result or a 400 naming the problem, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.api.tokens import api_token_create
from guidelines import contract
from guidelines import facts as f
from tests.factories import make_user

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
URL = "/api/v1/assess"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["2026-01-15", "2026-02-30", "0000-01-01", "9999-12-31", "stomach", "R0", "kit_exon_11"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
ENUMS = {
    "site": f.SITES,
    "presentation": f.PRESENTATIONS,
    "gastric_location": f.GASTRIC_LOCATIONS,
    "duodenal_location": f.DUODENAL_LOCATIONS,
    "rectal_level": f.RECTAL_LEVELS,
    "growth_pattern": f.GROWTH_PATTERNS,
    "margin": f.MARGINS,
    "genotype": f.GENOTYPES,
    "ruleset": ("esmo-2022", "csco-2020", "nice-2099"),
}
# Every field the contract accepts: fuzzing follows the contract as the engine defines it.
FIELDS = contract.FIELDS


def _field_value(name: str):
    plausible = {
        "size_cm": st.one_of(st.floats(min_value=0, max_value=60), st.integers(-5, 100)),
        "mitoses_per_5mm2": st.integers(-5, 2000),
        "neoadjuvant_months": st.integers(-5, 500),
        "surgery_date": st.dates().map(str),
        "reference_date": st.dates().map(str),
        "eus_features": st.lists(st.sampled_from(f.EUS_FEATURES + ("bogus",)), max_size=4),
        "clinical_features": st.lists(st.sampled_from(f.CLINICAL_FEATURES + ("bogus",)), max_size=4),
    }
    if name in ENUMS:
        return st.one_of(st.sampled_from(ENUMS[name]), json_values)
    if name in plausible:
        return st.one_of(plausible[name], json_values)
    return st.one_of(st.booleans(), json_values)


# Cases that are mostly well-formed, so the engine itself is reached with unusual combinations.
case_objects = st.fixed_dictionaries(
    {"site": st.sampled_from(f.SITES), "size_cm": st.floats(min_value=0.1, max_value=50)},
    optional={name: _field_value(name) for name in FIELDS if name not in ("site", "size_cm")},
)
payloads = st.one_of(case_objects, st.lists(case_objects, max_size=3), json_values)


@pytest.fixture
def bearer(db):
    _, raw = api_token_create(owner=make_user("integration", role="Nurse"), name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


def _check(response):
    assert response.status_code in (200, 400), response.content[:300]
    data = response.json()
    if response.status_code == 400:
        assert data["error"]
        assert set(data) == {"error", "field", "case_index"}


@FUZZ
@given(payload=payloads)
def test_any_json_gets_a_result_or_a_400(client, bearer, payload):
    response = client.post(URL, json.dumps(payload), content_type="application/json", headers=bearer)
    _check(response)
    if response.status_code == 200:
        data = response.json()
        assert isinstance(data, list) == isinstance(payload, list)


@FUZZ
@given(body=st.binary(max_size=200))
def test_any_bytes_get_a_result_or_a_400(client, bearer, body):
    _check(client.post(URL, body, content_type="application/json", headers=bearer))
