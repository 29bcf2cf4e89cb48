"""The register import page lists its columns with the literal values a cell may hold set as code."""

from cases.interop.register_import import column_rows


def test_the_literal_values_are_code_and_the_words_are_not():
    rows = {name: str(what) for name, _required, what in column_rows()}
    assert rows["mrn"] == "hospital number (MRN)"
    assert rows["sex"] == "<code>female</code>, <code>male</code>, <code>other</code> or <code>unknown</code>"
    assert rows["margin"] == "<code>R0</code>, <code>R1</code> or <code>R2</code>"
    assert "needs <code>hpf_field_area_mm2</code>" in rows["mitoses_per_50hpf"]


def test_the_words_around_the_codes_are_escaped():
    rows = {name: str(what) for name, _required, what in column_rows()}
    assert rows["size_cm"] == "largest diameter in cm (0 &lt; size ≤ 50)"


def test_a_word_is_code_only_where_it_is_a_value_of_that_column_or_names_another():
    """'given' is a value of adjuvant_decision, 'phone' and 'rupture' are column names: in 'given name', 'phone
    number' and 'tumour rupture' they are words (they were set as code)."""
    rows = {name: str(what) for name, _required, what in column_rows()}
    assert rows["given_name"] == "given name"
    assert rows["phone"] == "phone number for follow-up"
    assert rows["email"] == "email address for follow-up"
    assert rows["rupture"] == "<code>yes</code>/<code>no</code>: tumour rupture"
    assert rows["neoadjuvant_months"] == "months of neoadjuvant imatinib given"
    assert rows["adjuvant_decision"] == "<code>given</code> or <code>declined</code>"
    # A location names the site it applies to, and a date the column it depends on: code.
    assert rows["gastric_location"].startswith("<code>stomach</code>/EGJ only: <code>cardia</code>, ")
    assert (
        rows["rectal_level"]
        == "<code>rectum</code> only: <code>low</code>, <code>mid</code>, <code>high</code>"
    )
    assert rows["surgery_date"] == "date of surgery (<code>resected</code> only)"
