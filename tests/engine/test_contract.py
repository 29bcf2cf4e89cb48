"""The JSON contract: strict input parsing and the exact output shape (ASSESS_CONTRACT.md)."""

import json
from datetime import date

import pytest

from guidelines import CaseFacts, ContractError, assess, parse_case, parse_payload, result_to_json
from guidelines.contract import load_json

EXAMPLE = {
    "site": "stomach",
    "gastric_location": "greater_curvature",
    "size_cm": 6.5,
    "mitoses_per_5mm2": 8,
    "resected": True,
    "surgery_date": "2026-01-15",
    "margin": "R0",
    "genotype": "kit_exon_11",
}


def test_parse_contract_example():
    assert parse_case(EXAMPLE) == CaseFacts(
        site="stomach",
        gastric_location="greater_curvature",
        size_cm=6.5,
        mitoses_per_5mm2=8,
        resected=True,
        surgery_date=date(2026, 1, 15),
        margin="R0",
        genotype="kit_exon_11",
    )


def test_defaults():
    facts = parse_case({"site": "jejunum", "size_cm": 3})
    assert facts.presentation == "localized"
    assert facts.genotype == "not_tested"
    assert facts.boundary_clear is True
    assert facts.r0_feasible is True
    assert facts.neoadjuvant_months == 0
    assert facts.size_cm == 3.0
    assert facts.ruleset is None


def test_every_field_accepted():
    facts = parse_case(
        {
            "ruleset": "csco-2020",
            "presentation": "locally_advanced",
            "site": "duodenum",
            "duodenal_location": "lateral_wall",
            "size_cm": 4.2,
            "growth_pattern": "exophytic",
            "boundary_clear": False,
            "adherent_to_adjacent_organs": True,
            "eus_features": ["irregular_border", "cystic_spaces", "irregular_border"],
            "clinical_features": ["bleeding"],
            "histology_confirmed": True,
            "r0_feasible": False,
            "major_morbidity_expected": True,
            "resected": False,
            "rupture": True,
            "mitoses_per_5mm2": 0,
            "nodes_positive": True,
            "genotype": "pdgfra_d842v",
            "neoadjuvant_months": 3,
            "reference_date": "2026-02-01",
        }
    )
    assert facts.eus_features == ("irregular_border", "cystic_spaces")  # repeated value kept once
    assert facts.ruleset == "csco-2020"
    assert facts.reference_date == date(2026, 2, 1)


def test_whole_valued_float_accepted_for_counts():
    assert parse_case({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": 8.0}).mitoses_per_5mm2 == 8


def test_null_is_the_same_as_absent_for_a_value_field():
    assert parse_case({"site": "stomach", "size_cm": 3, "genotype": None, "margin": None}) == CaseFacts(
        site="stomach", size_cm=3.0
    )


def test_null_for_a_yes_no_field_means_not_recorded():
    # ASSESS_CONTRACT.md, additions of 2026-12-02: a boolean given as null is "not recorded", kept as None
    # (the engine applies the default and says so), unlike an absent field.
    facts = parse_case({"site": "stomach", "size_cm": 3, "rupture": None, "boundary_clear": None})
    assert facts.rupture is None
    assert facts.boundary_clear is None
    assert parse_case({"site": "stomach", "size_cm": 3}).rupture is False


def test_size_50_is_accepted():
    assert parse_case({"site": "stomach", "size_cm": 50}).size_cm == 50.0


def test_egj_with_cardia_is_accepted():
    assert (
        parse_case({"site": "egj", "size_cm": 3, "gastric_location": "cardia"}).gastric_location == "cardia"
    )


BAD = [
    ({"site": "stomach", "size_cm": 3, "mitosis": 3}, "mitosis", 'did you mean "mitoses_per_5mm2"'),
    ({"size_cm": 3}, "site", "is required"),
    ({"site": "stomach"}, "size_cm", "is required"),
    ({"site": "stomach", "size_cm": True}, "size_cm", "(got true)"),
    (
        {"site": "stomach", "size_cm": "3"},
        "size_cm",
        'must be a number of cm greater than 0 and at most 50 (got "3")',
    ),
    ({"site": "stomach", "size_cm": 0}, "size_cm", "greater than 0"),
    ({"site": "stomach", "size_cm": -1}, "size_cm", "greater than 0"),
    ({"site": "stomach", "size_cm": 50.1}, "size_cm", "implausible"),
    (
        {"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": 8.5},
        "mitoses_per_5mm2",
        "whole number from 0 to 1000 (got 8.5)",
    ),
    ({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": -1}, "mitoses_per_5mm2", "whole number"),
    ({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": 1001}, "mitoses_per_5mm2", "whole number"),
    ({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": True}, "mitoses_per_5mm2", "(got true)"),
    ({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": "8"}, "mitoses_per_5mm2", "whole number"),
    ({"site": "stomach", "size_cm": 3, "neoadjuvant_months": 121}, "neoadjuvant_months", "from 0 to 120"),
    ({"site": "stomach", "size_cm": 3, "neoadjuvant_months": -2}, "neoadjuvant_months", "from 0 to 120"),
    ({"site": "stomach", "size_cm": 3, "rupture": "yes"}, "rupture", "must be true, false or null"),
    ({"site": "stomach", "size_cm": 3, "rupture": 1}, "rupture", "must be true, false or null"),
    ({"site": "liver", "size_cm": 3}, "site", "must be one of esophagus, egj, stomach"),
    ({"site": "stomach", "size_cm": 3, "genotype": "KIT"}, "genotype", "kit_exon_11"),
    ({"site": "stomach", "size_cm": 3, "presentation": "advanced"}, "presentation", "locally_advanced"),
    ({"site": "stomach", "size_cm": 3, "eus_features": "ulceration"}, "eus_features", "must be a list"),
    ({"site": "stomach", "size_cm": 3, "eus_features": ["ulcer"]}, "eus_features", "items must be among"),
    ({"site": "stomach", "size_cm": 3, "clinical_features": [1]}, "clinical_features", "items must be among"),
    ({"site": "stomach", "size_cm": 3, "resected": True}, "surgery_date", 'required when "resected" is true'),
    (
        {"site": "stomach", "size_cm": 3, "resected": True, "surgery_date": "2026-02-30"},
        "surgery_date",
        "not a real calendar date",
    ),
    (
        {"site": "stomach", "size_cm": 3, "resected": True, "surgery_date": "15/01/2026"},
        "surgery_date",
        "YYYY-MM-DD",
    ),
    (
        {"site": "stomach", "size_cm": 3, "resected": True, "surgery_date": "20260115"},
        "surgery_date",
        "YYYY-MM-DD",
    ),
    (
        {"site": "stomach", "size_cm": 3, "reference_date": "2026-13-01"},
        "reference_date",
        "not a real calendar date",
    ),
    (
        {"site": "stomach", "size_cm": 3, "surgery_date": "2026-01-15"},
        "surgery_date",
        'only valid when "resected"',
    ),
    ({"site": "stomach", "size_cm": 3, "margin": "R0"}, "margin", 'only valid when "resected"'),
    (
        {"site": "jejunum", "size_cm": 3, "gastric_location": "antrum"},
        "gastric_location",
        "only valid with site",
    ),
    ({"site": "egj", "size_cm": 3, "gastric_location": "fundus"}, "gastric_location", "only valid with site"),
    ({"site": "stomach", "size_cm": 3, "duodenal_location": "lateral_wall"}, "duodenal_location", "duodenum"),
    ({"site": "colon", "size_cm": 3, "rectal_level": "low"}, "rectal_level", "rectum"),
    ({"site": "stomach", "size_cm": 3, "ruleset": "nccn"}, "ruleset", "csco-2020, esmo-2022"),
]


@pytest.mark.parametrize(("case", "field", "fragment"), BAD)
def test_bad_input(case, field, fragment):
    with pytest.raises(ContractError) as info:
        parse_case(case, 3)
    error = info.value
    assert error.field == field
    assert error.index == 3
    assert fragment in error.message
    assert str(error).startswith(f'case 3: field "{field}": ')


def test_error_string_format():
    with pytest.raises(ContractError) as info:
        parse_case({"site": "stomach", "size_cm": 3, "mitoses_per_5mm2": 8.5}, 3)
    assert (
        str(info.value) == 'case 3: field "mitoses_per_5mm2": must be a whole number from 0 to 1000 (got 8.5)'
    )


def test_size_implausible_message():
    with pytest.raises(ContractError) as info:
        parse_case({"site": "stomach", "size_cm": 60})
    assert "more than 50" in info.value.message or "at most 50 cm" in info.value.message
    assert "implausible" in info.value.message


def test_payload_single_object_is_case_0():
    assert len(parse_payload(EXAMPLE)) == 1
    with pytest.raises(ContractError) as info:
        parse_payload({"site": "stomach"})
    assert info.value.index == 0


def test_payload_list_names_the_bad_index():
    with pytest.raises(ContractError) as info:
        parse_payload([EXAMPLE, EXAMPLE, {"site": "stomach", "size_cm": 3, "genotype": "x"}])
    assert (info.value.index, info.value.field) == (2, "genotype")


def test_payload_non_object_item():
    with pytest.raises(ContractError) as info:
        parse_payload([EXAMPLE, 3])
    assert (info.value.index, info.value.field) == (1, None)
    assert str(info.value) == "case 1: must be a JSON object (got 3)"


def test_payload_empty_list():
    assert parse_payload([]) == []


@pytest.mark.parametrize("payload", [3, "case", None])
def test_payload_must_be_object_or_list(payload):
    with pytest.raises(ContractError):
        parse_payload(payload)


@pytest.mark.parametrize("text", ["{", '{"site": NaN}', "[1,]", ""])
def test_invalid_json(text):
    with pytest.raises(ContractError) as info:
        load_json(text)
    assert "invalid JSON" in str(info.value)


def test_output_keys_in_contract_order():
    data = assess(parse_case(EXAMPLE)).to_dict()
    assert list(data) == [
        "ruleset",
        "ruleset_version",
        "risk",
        "pathway",
        "biopsy_first",
        "approach",
        "molecular_testing_required",
        "neoadjuvant",
        "adjuvant",
        "systemic_lines",
        "surveillance",
        "recommendations",
        "warnings",
    ]
    assert list(data["risk"]) == ["modified_nih", "nih_2002", "afip", "tnm", "notes"]
    assert list(data["risk"]["tnm"]) == ["t", "n", "m", "mitotic_rate", "stage"]
    assert list(data["adjuvant"]) == ["recommendation", "drug", "dose_mg_per_day", "duration_months"]
    assert list(data["surveillance"][0]) == ["due", "window_days", "modality", "phase"]
    assert all(list(r) == ["id", "text", "evidence", "source"] for r in data["recommendations"])


def test_output_of_neoadjuvant_systemic_and_warnings_shape():
    neo = assess(parse_case({"site": "stomach", "size_cm": 9, "r0_feasible": False})).to_dict()
    assert list(neo["neoadjuvant"]) == ["drug", "dose_mg_per_day", "months_min", "months_max"]
    assert all(list(w) == ["id", "text"] for w in neo["warnings"])
    systemic = assess(parse_case({"site": "stomach", "size_cm": 9, "presentation": "metastatic"})).to_dict()
    assert systemic["systemic_lines"][0] == {"line": 1, "drug": "imatinib", "dose": "400 mg once daily"}


def test_result_to_json_round_trip():
    result = assess(parse_case(EXAMPLE))
    assert json.loads(result_to_json(result)) == result.to_dict()
    assert json.loads(result_to_json([result, result])) == [result.to_dict(), result.to_dict()]


def test_case_ruleset_is_used():
    data = assess(parse_case({**EXAMPLE, "ruleset": "csco-2020"})).to_dict()
    assert data["ruleset"] == "csco-2020"
    assert len(data["surveillance"]) == 26


# Review findings: input that passed validation and then crashed the engine (a traceback, not exit 2).
@pytest.mark.parametrize(
    ("case", "field"),
    [
        # A visit at surgery + 156 months would fall after year 9999: an impossible date, not a crash.
        (
            {
                "site": "stomach",
                "size_cm": 12,
                "mitoses_per_5mm2": 3,
                "resected": True,
                "surgery_date": "9999-01-01",
            },
            "surgery_date",
        ),
        (
            {"site": "stomach", "size_cm": 3, "presentation": "metastatic", "reference_date": "9999-12-01"},
            "reference_date",
        ),
        ({"site": "stomach", "size_cm": 1.5, "reference_date": "9995-01-01"}, "reference_date"),
        ({"site": "stomach", "size_cm": 3, "resected": True, "surgery_date": "2200-01-01"}, "surgery_date"),
        ({"site": "stomach", "size_cm": 3, "reference_date": "1899-12-31"}, "reference_date"),
    ],
)
def test_implausible_dates_are_rejected(case, field):
    with pytest.raises(ContractError) as info:
        parse_case(case, 1)
    assert (info.value.field, info.value.index) == (field, 1)
    assert "between 1900-01-01 and 2199-12-31" in info.value.message


@pytest.mark.parametrize("value", ["1900-01-01", "2199-12-31"])
def test_date_range_bounds_are_accepted(value):
    facts = parse_case(
        {"site": "stomach", "size_cm": 3, "presentation": "metastatic", "reference_date": value}
    )
    assert assess(facts).to_dict()["surveillance"]


def test_deeply_nested_json_is_invalid_json_not_a_crash():
    with pytest.raises(ContractError) as info:
        load_json("[" * 100_000)
    assert "invalid JSON" in str(info.value)
