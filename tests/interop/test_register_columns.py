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
