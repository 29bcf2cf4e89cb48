"""CSV formula injection (issue 11, finding 13): every CSV the app writes escapes every cell that a
spreadsheet would read as a formula: a leading `=`, `+`, `-`, `@`, tab or carriage return (OWASP's list)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine

from cases import roles
from cases.csv_safe import csv_lines, spreadsheet_safe
from cases.followups.services import item_add_manual
from tests.exports import csv_text, exported_csv
from tests.factories import make_case, make_user

DANGEROUS = [
    "=1+1",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "+44 20 7946",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_prefixes_every_formula_trigger_with_a_quote(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"), [("Lovelace", "Lovelace"), ("", ""), (None, ""), (12, "12"), ("a=b", "a=b")]
)
def test_it_leaves_other_cells_alone(value, expected):
    assert spreadsheet_safe(value) == expected


def test_it_escapes_every_cell_of_every_line():
    text = "".join(csv_lines([["-1", "ok"], ["x", "@x"]]))
    assert list(csv.reader(io.StringIO(text))) == [["'-1", "ok"], ["x", "'@x"]]


@pytest.mark.django_db
def test_it_escapes_the_followup_export(client):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        case = make_case(surgery_date=None)
        item_add_manual(case=case, user=None, due_date=date(2026, 5, 1), modality="ct_or_mri", reason="t")
        patient = case.patient
        patient.family_name, patient.given_name, patient.phone = "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "+44 1"
        patient.save()
        client.force_login(make_user(role=roles.NURSE))
        response = exported_csv(client, {"tab": "all"})
    rows = list(csv.DictReader(io.StringIO(csv_text(response))))
    assert (rows[0]["family_name"], rows[0]["given_name"], rows[0]["phone"]) == (
        "'-2+3+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'+44 1",
    )
