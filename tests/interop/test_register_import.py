"""Register import (cases.interop.register_import, `import_cases`, the administrators' upload page).

The error report is checked on a file with 20 kinds of bad row, each reason worked out from the case form's
rules; a real run is all or nothing, idempotent on (MRN, date of diagnosis), and leaves a history reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from cases.interop.register_import import COLUMN_NAMES, register_import, template_csv
from cases.models import Case, Patient
from tests.factories import PatientFactory, make_user

pytestmark = pytest.mark.django_db

BASE = {
    "mrn": "R0001", "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1961-03-14",
    "sex": "female", "diagnosis_date": "2025-11-20", "site": "stomach", "gastric_location": "greater_curvature",
    "size_cm": "6.5", "resected": "yes", "surgery_date": "2026-01-15", "approach_used": "open", "margin": "R0",
    "rupture": "no", "mitoses_per_5mm2": "8", "mitoses_per_50hpf": "", "hpf_field_area_mm2": "",
    "genotype": "kit_exon_11", "adjuvant_decision": "", "adjuvant_dose_mg": "",
}  # fmt: skip
HEADER = list(BASE)


def csv_bytes(rows: list[dict], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode("utf-8")


def row(n: int, **changes) -> dict:
    return {**BASE, "mrn": f"R{n:04d}", **changes}


@pytest.fixture
def admin(db):
    return make_user(role="Administrator", username="registrar")


# (changes to a valid row, [(column, reason)]): every reason as the case form (or the reader) words it.
BAD_ROWS = [
    ({"mrn": ""}, [("mrn", "Hospital number (MRN): this field is required.")]),
    ({"given_name": ""}, [("given_name", "Given name: this field is required.")]),
    ({"date_of_birth": "31/02/1960"}, [("date_of_birth", "'31/02/1960' is not a date: write 2026-01-15 or 15/01/2026")]),
    ({"date_of_birth": "1850-01-01"}, [("date_of_birth", "Date of birth: 01 Jan 1850 is before 1900; check the year.")]),
    ({"diagnosis_date": ""}, [("diagnosis_date", "required in a register: with the MRN it identifies the case")]),
    ({"diagnosis_date": "1950-01-01"},
     [("diagnosis_date", "Date of diagnosis: the diagnosis cannot be before the date of birth.")]),
    ({"site": "liver", "gastric_location": ""}, [("site", "Primary site: choose one of the options offered.")]),
    ({"size_cm": "0"}, [("size_cm", "Largest diameter (cm): the size must be greater than 0 cm.")]),
    ({"size_cm": "75"},
     [("size_cm", "Largest diameter (cm): 75 cm is above the 50 cm limit: did you mean 7.5?")]),
    ({"size_cm": "abc"}, [("size_cm", "Largest diameter (cm): enter a number of centimetres, such as 6.5.")]),
    ({"mitoses_per_5mm2": "2.5"}, [("mitoses_per_5mm2", "Mitoses per 5 mm²: enter a whole number from 0 to 1000.")]),
    ({"surgery_date": "2025-01-01"},
     [("surgery_date", "Date of surgery: the surgery cannot be before the diagnosis (20 Nov 2025).")]),
    ({"resected": "no", "surgery_date": "", "approach_used": ""},
     [("margin", "Margin: a margin applies only to a resected tumour.")]),
    ({"site": "rectum"}, [("gastric_location", "Location within the stomach: applies only to a tumour of the stomach.")]),
    ({"genotype": "kit_exon_99"}, [("genotype", "Genotype: choose one of the options offered.")]),
    ({"rupture": "maybe"}, [("rupture", "'maybe': write yes or no")]),
    ({"mrn": "EXIST1"}, [("mrn", "Hospital number (MRN): EXIST1 belongs to a patient with a different name or date "
                          "of birth; check the number.")]),
    ({"mitoses_per_5mm2": "", "mitoses_per_50hpf": "12"},
     [("hpf_field_area_mm2", "the field area is needed to convert a count per 50 HPF (ESMO 2022)")]),
    ({"adjuvant_decision": "given", "adjuvant_dose_mg": "5000"},
     [("adjuvant_dose_mg", "Adjuvant dose (mg/day): must be 800 or less.")]),
    ({"approach_used": ""}, [("approach_used", "Approach used: choose the approach of the operation.")]),
]  # fmt: skip


def test_it_reports_every_refused_row_with_row_column_and_reason_and_writes_nothing(admin):
    PatientFactory(mrn="EXIST1", given_name="Grace", family_name="Hopper", date_of_birth=dt.date(1906, 12, 9))
    rows = [row(1)] + [row(i + 2, **changes) for i, (changes, _) in enumerate(BAD_ROWS)]
    rows.append(row(1))  # the same case as the first row (row 2 of the file)
    before = Case.objects.count(), Patient.objects.count()
    report = register_import(content=csv_bytes(rows), filename="register.csv", user=admin, dry_run=False)
    expected = {
        (i + 3, column, reason)
        for i, (_changes, problems) in enumerate(BAD_ROWS)
        for column, reason in problems
    }
    expected.add((len(rows) + 1, "mrn", "the same case (MRN and date of diagnosis) as row 2"))
    assert {(p.row, p.column, p.reason) for p in report.errors} == expected
    assert len({p.row for p in report.errors}) == 21  # 20 kinds of bad row, and a duplicate
    assert (Case.objects.count(), Patient.objects.count()) == before


def test_it_imports_a_valid_file_as_draft_cases_in_one_go(admin):
    rows = [row(1), row(2, site="duodenum", gastric_location="", size_cm="3", mitoses_per_5mm2="2")]
    report = register_import(content=csv_bytes(rows), filename="register.csv", user=admin, dry_run=False)
    assert report.errors == []
    cases = Case.objects.with_sections().filter(patient__mrn__in=["R0001", "R0002"]).order_by("patient__mrn")
    assert [c.status for c in cases] == ["draft", "draft"]
    first = cases[0]
    assert str(first.presentation.size_cm) == "6.50"
    assert first.pathology.mitoses_per_5mm2 == 8
    assert first.operation.margin == "R0"
    assert first.owner == admin
    # The engine ran on the imported facts: gastric 6.5 cm, 8 mitoses -> modified NIH high.
    assert first.risk_category == "high"
    assert cases[1].risk_category == "low"  # duodenum 3 cm, 2 mitoses (Joensuu 2008: 2.1-5.0 cm, ≤5)


def test_a_dry_run_checks_every_row_and_writes_nothing(admin):
    report = register_import(content=csv_bytes([row(1), row(2)]), filename="r.csv", user=admin, dry_run=True)
    assert report.errors == []
    assert len(report.created) == 2
    assert not Case.objects.exists()


def test_importing_the_same_file_twice_creates_each_case_once(admin):
    content = csv_bytes([row(1), row(2)])
    register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    again = register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert [p.row for p in again.skipped] == [2, 3]
    assert again.errors == []
    assert Case.objects.count() == 2


def test_a_second_case_for_the_same_patient_is_a_new_case_not_a_new_patient(admin):
    content = csv_bytes([row(1), row(1, diagnosis_date="2026-02-01", surgery_date="2026-03-01")])
    register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert Patient.objects.filter(mrn="R0001").count() == 1
    assert Case.objects.filter(patient__mrn="R0001").count() == 2


def test_it_refuses_the_same_mrn_with_another_identity_within_the_file(admin):
    content = csv_bytes([row(1), row(1, diagnosis_date="2026-02-01", date_of_birth="1970-01-01")])
    report = register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert [(p.row, p.column) for p in report.errors] == [(3, "mrn")]
    assert "row 2" in report.errors[0].reason


def test_every_imported_record_has_its_history_entry(admin):
    register_import(content=csv_bytes([row(1)]), filename="register-2026.csv", user=admin, dry_run=False)
    case = Case.objects.with_sections().get(patient__mrn="R0001")
    reason = "imported from register-2026.csv by registrar"
    assert set(case.history.values_list("history_change_reason", flat=True)) == {reason}
    assert set(case.patient.history.values_list("history_change_reason", flat=True)) == {reason}
    assert case.presentation.history.first().history_change_reason == reason
    assert case.pathology.history.first().history_change_reason == reason


def test_it_reads_the_hospitals_date_format_labels_and_yes_no(admin, settings):
    settings.GISTCARE_IMPORT_DATE_FORMAT = "%d.%m.%Y"
    content = csv_bytes([row(1, date_of_birth="14.03.1961", site="Stomach", gastric_location="Greater curvature",
                             resected="Y", rupture="yes")])  # fmt: skip
    report = register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert report.errors == []
    case = Case.objects.with_sections().get()
    assert case.patient.date_of_birth == dt.date(1961, 3, 14)
    assert case.presentation.gastric_location == "greater_curvature"
    assert case.operation.rupture_grade == "major"


def test_it_converts_mitoses_per_50_hpf_with_the_field_area(admin):
    # RULES.md §1: per 5 mm² = count × 5 / (50 × area): 20 × 5 / (50 × 0.2) = 100 / 10 = 10.
    content = csv_bytes([row(1, mitoses_per_5mm2="", mitoses_per_50hpf="20", hpf_field_area_mm2="0.2")])
    report = register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert report.errors == []
    assert Case.objects.with_sections().get().pathology.mitoses_per_5mm2 == 10
    assert report.warnings[0].reason.startswith("20 per 50 HPF converts to 10 per 5 mm²")  # band >10 -> 6-10


def test_it_refuses_a_conversion_that_is_not_a_whole_count(admin):
    # 8 × 5 / (50 × 0.24) = 40 / 12 = 3.33: the form stores whole counts, so the row is refused, never rounded.
    content = csv_bytes([row(1, mitoses_per_5mm2="", mitoses_per_50hpf="8", hpf_field_area_mm2="0.24")])
    report = register_import(content=content, filename="r.csv", user=admin, dry_run=False)
    assert report.errors[0].column == "mitoses_per_50hpf"
    assert "3.33 per 5 mm²" in report.errors[0].reason


def test_it_imports_an_xlsx_file_with_spreadsheet_dates_and_numbers(admin):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    values = row(1)
    values.update(date_of_birth=dt.datetime(1961, 3, 14), size_cm=6.5, mitoses_per_5mm2=8)
    sheet.append([values[name] for name in HEADER])
    out = io.BytesIO()
    book.save(out)
    report = register_import(content=out.getvalue(), filename="register.xlsx", user=admin, dry_run=False)
    assert report.errors == []
    case = Case.objects.with_sections().get()
    assert case.patient.date_of_birth == dt.date(1961, 3, 14)
    assert case.pathology.mitoses_per_5mm2 == 8


def test_it_accepts_semicolon_separated_csv(admin):
    report = register_import(
        content=csv_bytes([row(1)], delimiter=";"), filename="r.csv", user=admin, dry_run=False
    )
    assert report.errors == []
    assert Case.objects.count() == 1


def test_the_template_has_every_documented_column_and_a_valid_example(admin):
    text = template_csv()
    assert text.splitlines()[0].split(",") == list(COLUMN_NAMES)
    report = register_import(content=text.encode(), filename="template.csv", user=admin, dry_run=True)
    assert report.errors == []


# The command ------------------------------------------------------------------------------------------------


def test_the_command_prints_the_report_and_fails_without_writing(tmp_path, admin):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([row(1), row(2, size_cm="75")]))
    out = StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_cases", str(path), "--user", "registrar", stdout=out)
    assert (
        "row 3, column size_cm: Largest diameter (cm): 75 cm is above the 50 cm limit: did you mean 7.5?"
        in out.getvalue()
    )
    assert not Case.objects.exists()


def test_the_command_dry_run_and_real_run(tmp_path, admin):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([row(1)]))
    out = StringIO()
    call_command("import_cases", str(path), "--user", "registrar", "--dry-run", stdout=out)
    assert "Dry run: 1 case(s) would be created" in out.getvalue()
    assert not Case.objects.exists()
    call_command("import_cases", str(path), "--user", "registrar", stdout=out)
    assert Case.objects.count() == 1


def test_the_command_refuses_an_unknown_column_and_a_missing_file(tmp_path, admin):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([row(1)], header=[*HEADER, "mitosis"]))
    with pytest.raises(CommandError, match="unknown column"):
        call_command("import_cases", str(path), "--user", "registrar")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cases", str(tmp_path / "none.csv"), "--user", "registrar")


# The page -----------------------------------------------------------------------------------------------------


def test_the_page_lets_an_administrator_upload_and_shows_refused_rows(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("register.csv", csv_bytes([row(1), row(2, size_cm="0")]), "text/csv")
    # No broker here: the job runs inside the POST, which sends the browser to its page with the report
    # (tests/interop/test_register_import_jobs.py: in the background).
    response = client.post(reverse("interop:register_import"), {"register": upload}, follow=True)
    assert response.redirect_chain[0][1] == 302
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "the size must be greater than 0 cm" in text
    assert not Case.objects.exists()


def test_the_page_imports_when_every_row_is_valid(client, admin):
    client.force_login(admin)
    upload = SimpleUploadedFile("register.csv", csv_bytes([row(1)]), "text/csv")
    response = client.post(
        reverse("interop:register_import"), {"register": upload, "dry_run": ""}, follow=True
    )
    assert response.status_code == 200
    assert "1 draft case created" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_page_and_template_are_for_administrators_only(client, db):
    client.force_login(make_user(role="Surgeon"))
    assert client.get(reverse("interop:register_import")).status_code == 403
    assert client.get(reverse("interop:register_template")).status_code == 403


def test_the_template_downloads_as_csv(client, admin):
    client.force_login(admin)
    response = client.get(reverse("interop:register_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("mrn,given_name,family_name")
