"""cases.records.validation: the cross-field rules, checked with plain dicts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cases.records.validation import (
    clear_hidden,
    hidden_fields,
    parse_mitoses,
    parse_size_cm,
    validate_case_data,
)

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(("raw", "expected"), [("6.5", Decimal("6.5")), ("0.1", Decimal("0.1")), ("50", Decimal("50")),
                                               (" 2,5 ", Decimal("2.5"))])  # fmt: skip
def test_it_parses_a_plausible_size(raw, expected):
    assert parse_size_cm(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("0", "greater than 0"), ("-1", "greater than 0"), ("50.01", "above the 50 cm limit: did you mean 5.001?"),
     ("75", "75 cm is above the 50 cm limit: did you mean 7.5?"), ("-3", "-3 cm is negative"),
     ("abc", "enter a number"), ("nan", "enter a number"), ("1.234", "two decimal places")],
)  # fmt: skip
def test_it_rejects_an_impossible_size_naming_the_field(raw, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_size_cm(raw)
    message = exc.value.messages[0]
    assert message.startswith("Largest diameter (cm):")
    assert fragment in message


@pytest.mark.parametrize("raw", ["0", "8", "1000", 12])
def test_it_accepts_whole_mitotic_counts(raw):
    assert parse_mitoses(raw) == int(raw)


@pytest.mark.parametrize("raw", ["-1", "5.5", "1001", "eight", "", "²", "1e3"])
def test_it_rejects_a_count_that_is_not_a_whole_number_up_to_1000(raw):
    with pytest.raises(ValidationError) as exc:
        parse_mitoses(raw)
    assert exc.value.messages == ["Mitoses per 5 mm²: enter a whole number from 0 to 1000."]


def test_it_rejects_dates_in_the_future():
    errors = validate_case_data(
        {"date_of_birth": date(2026, 3, 2), "surgery_date": date(2027, 1, 1)}, today=TODAY
    )
    assert errors["date_of_birth"] == ["Date of birth: 02 Mar 2026 is in the future."]
    assert errors["surgery_date"][0] == "Date of surgery: 01 Jan 2027 is in the future."


def test_it_accepts_today():
    assert validate_case_data({"surgery_date": TODAY, "diagnosis_date": TODAY}, today=TODAY) == {}


def test_it_rejects_surgery_before_birth_or_diagnosis():
    errors = validate_case_data(
        {
            "date_of_birth": date(1960, 1, 1),
            "diagnosis_date": date(2025, 6, 1),
            "surgery_date": date(1959, 1, 1),
        },
        today=TODAY,
    )
    assert "Date of surgery: the surgery cannot be before the date of birth." in errors["surgery_date"]
    assert (
        "Date of surgery: the surgery cannot be before the diagnosis (01 Jun 2025)." in errors["surgery_date"]
    )


def test_it_rejects_a_diagnosis_before_birth():
    errors = validate_case_data(
        {"date_of_birth": date(1960, 1, 1), "diagnosis_date": date(1950, 1, 1)}, today=TODAY
    )
    assert errors == {
        "diagnosis_date": ["Date of diagnosis: the diagnosis cannot be before the date of birth."]
    }


def test_it_allows_a_margin_only_for_a_resected_tumour():
    assert validate_case_data({"resected": True, "margin": "R0"}, today=TODAY) == {}
    errors = validate_case_data({"resected": False, "margin": "R1"}, today=TODAY)
    assert errors == {"margin": ["Margin: a margin applies only to a resected tumour."]}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"site": "duodenum", "gastric_location": "antrum"}, "gastric_location"),
        ({"site": "stomach", "duodenal_location": "lateral_wall"}, "duodenal_location"),
        ({"site": "colon", "rectal_level": "low"}, "rectal_level"),
        ({"site": "stomach", "size_cm": "3", "eus_features": ["ulceration"]}, "eus_features"),
    ],
)
def test_it_rejects_location_fields_of_another_site(values, field):
    errors = validate_case_data(values, today=TODAY)
    assert list(errors) == [field]


def test_location_fields_apply_only_to_their_site():
    assert {"duodenal_location", "rectal_level"} <= hidden_fields({"site": "stomach"})
    assert "gastric_location" not in hidden_fields({"site": "stomach"})
    # The contract takes a gastric location for the stomach only (issue 17 item 10).
    assert "gastric_location" in hidden_fields({"site": "egj"})
    assert "duodenal_location" not in hidden_fields({"site": "duodenum"})
    assert "rectal_level" not in hidden_fields({"site": "rectum"})
    assert {"gastric_location", "duodenal_location", "rectal_level"} <= hidden_fields({"site": "jejunum"})


@pytest.mark.parametrize(("size", "shown"), [("1.9", True), ("2", False), ("6.5", False), ("", False)])
def test_eus_features_apply_to_lesions_under_2_cm(size, shown):
    assert ("eus_features" not in hidden_fields({"site": "stomach", "size_cm": size})) is shown


def test_adjuvant_details_apply_only_when_adjuvant_was_given_after_a_resection():
    assert "adjuvant_start" not in hidden_fields({"resected": True, "adjuvant_decision": "given"})
    assert "adjuvant_start" in hidden_fields({"resected": True, "adjuvant_decision": "declined"})
    assert "adjuvant_decision" in hidden_fields({"resected": False})
    assert "adjuvant_decision" in hidden_fields({"presentation": "metastatic"})


def test_it_clears_what_a_branch_hides():
    values = {"site": "duodenum", "gastric_location": "antrum", "duodenal_location": "lateral_wall",
              "size_cm": Decimal("3"), "eus_features": ["ulceration"], "presentation": "localized",
              "metastatic_sites": "liver"}  # fmt: skip
    cleared = clear_hidden(values)
    assert cleared["gastric_location"] == ""
    assert cleared["duodenal_location"] == "lateral_wall"
    assert cleared["eus_features"] == []
    assert cleared["metastatic_sites"] == ""
    assert values["gastric_location"] == "antrum"  # the input is not modified


def test_it_rejects_dates_before_1900():
    errors = validate_case_data(
        {"date_of_birth": date(1899, 12, 31), "surgery_date": date(202, 1, 1)}, today=TODAY
    )
    assert errors["date_of_birth"] == ["Date of birth: 31 Dec 1899 is before 1900; check the year."]
    assert "Date of surgery: 01 Jan 202 is before 1900; check the year." in errors["surgery_date"]


def test_a_planned_adjuvant_start_may_be_in_the_future_but_not_before_surgery():
    assert (
        validate_case_data(
            {"adjuvant_start": date(2026, 4, 1), "surgery_date": date(2026, 2, 1)}, today=TODAY
        )
        == {}
    )
    errors = validate_case_data(
        {"adjuvant_start": date(2026, 1, 1), "surgery_date": date(2026, 2, 1)}, today=TODAY
    )
    assert errors == {"adjuvant_start": ["Adjuvant start: adjuvant therapy cannot start before the surgery."]}


@given(st.text(max_size=40))
def test_any_text_either_parses_or_gets_a_message_naming_the_field(raw):
    for parse, label in ((parse_size_cm, "Largest diameter (cm):"), (parse_mitoses, "Mitoses per 5 mm²:")):
        try:
            value = parse(raw)
        except ValidationError as exc:
            message = exc.messages[0]
            value = None
        else:
            message = ""
        assert message.startswith(label) if value is None else value >= 0


@given(st.dictionaries(st.sampled_from(["site", "size_cm", "presentation", "resected", "adjuvant_decision",
                                         "biopsy_done", "margin", "gastric_location"]),
                       st.one_of(st.text(max_size=8), st.booleans(), st.none())))  # fmt: skip
def test_the_branch_rules_accept_any_values(values):
    hidden = hidden_fields(values)
    assert all(name not in hidden or not clear_hidden(values).get(name) for name in values)
    validate_case_data(values, today=TODAY)
