"""A hospital's existing GIST register (CSV or .xlsx, one row per case) into draft cases (docs/import.md).

Each row is read into the wizard's field names, checked by the wizard's own step forms (cases.interop.case_rows:
the same parsing, normalisation and cross-field rules as the case form), and every refusal is reported with its
row number, column and reason. A real run writes nothing unless every row is valid, all in one transaction; it
is idempotent on (MRN, date of diagnosis): a case already on record is skipped, never duplicated. Every record
written gets the history reason "imported from <file> by <user>".
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from cases.interop.case_rows import import_reason, validate_case_values, with_known_contact, write_cases
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation, TreatmentDecision
from cases.records.forms import STEP_FORMS
from gistcare import planner_statistics

MAX_ROWS = 20_000
MAX_BYTES = 20_000_000
ON_RECORD = "already on record (same MRN and date of diagnosis)"
#: A background import's progress is told every this many rows checked (about 0.5 s of work).
PROGRESS_EVERY = 100

# The documented columns, in the template's order: (name, required, what it holds). The names are the case
# form's field names, so a refusal from the form names the column directly.
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("mrn", True, gettext_noop("hospital number (MRN)")),
    ("given_name", True, gettext_noop("given name")),
    ("family_name", True, gettext_noop("family name")),
    ("date_of_birth", True, gettext_noop("date of birth")),
    ("sex", False, gettext_noop("female, male, other or unknown")),
    ("phone", False, gettext_noop("phone number for follow-up")),
    ("email", False, gettext_noop("email address for follow-up")),
    ("diagnosis_date", True, gettext_noop("date of diagnosis (with the MRN, identifies the case)")),
    ("ruleset", False, gettext_noop("esmo-2022 or csco-2020 (default: the installation's)")),
    (
        "presentation",
        False,
        gettext_noop("localized, locally_advanced, metastatic or recurrent (default localized)"),
    ),
    (
        "site",
        True,
        gettext_noop(
            "primary site: stomach, egj, duodenum, jejunum, ileum, small_intestine, colon, rectum, ..."
        ),
    ),
    ("gastric_location", False, gettext_noop("stomach/EGJ only: cardia, fundus, greater_curvature, ...")),
    ("duodenal_location", False, gettext_noop("duodenum only: lateral_wall, medial_wall, other")),
    ("rectal_level", False, gettext_noop("rectum only: low, mid, high")),
    ("size_cm", True, gettext_noop("largest diameter in cm (0 < size ≤ 50)")),
    ("growth_pattern", False, gettext_noop("endophytic, exophytic, dumbbell, intramural")),
    ("histology_confirmed", False, gettext_noop("yes/no: histology confirms GIST")),
    ("cd117", False, gettext_noop("positive or negative")),
    ("dog1", False, gettext_noop("positive or negative")),
    ("sdh_ihc", False, gettext_noop("retained or lost")),
    ("resected", False, gettext_noop("yes/no (default no)")),
    ("surgery_date", False, gettext_noop("date of surgery (resected only)")),
    (
        "approach_used",
        False,
        gettext_noop("laparoscopic, open, endoscopic, local_excision, laparoscopic_converted"),
    ),
    ("margin", False, gettext_noop("R0, R1 or R2")),
    ("rupture", False, gettext_noop("yes/no: tumour rupture")),
    ("mitoses_per_5mm2", False, gettext_noop("whole number of mitoses per 5 mm²")),
    (
        "mitoses_per_50hpf",
        False,
        gettext_noop("mitoses per 50 HPF (instead of per 5 mm²; needs hpf_field_area_mm2)"),
    ),
    ("hpf_field_area_mm2", False, gettext_noop("area of one high-power field in mm² (e.g. 0.2)")),
    ("nodes_positive", False, gettext_noop("yes/no: regional lymph node metastasis (N1)")),
    ("genotype", False, gettext_noop("kit_exon_11, kit_exon_9, kit_other, pdgfra_d842v, ..., not_tested")),
    ("exon_detail", False, gettext_noop("mutation detail, free text")),
    ("neoadjuvant_months", False, gettext_noop("months of neoadjuvant imatinib given")),
    ("adjuvant_decision", False, gettext_noop("given or declined")),
    ("adjuvant_start", False, gettext_noop("date adjuvant imatinib started")),
    ("adjuvant_dose_mg", False, gettext_noop("adjuvant dose in mg/day")),
    ("adjuvant_planned_months", False, gettext_noop("planned adjuvant duration in months")),
)
COLUMN_NAMES = tuple(name for name, _req, _what in COLUMNS)
REQUIRED = tuple(name for name, req, _what in COLUMNS if req)
DATE_COLUMNS = frozenset({"date_of_birth", "diagnosis_date", "surgery_date", "adjuvant_start"})
BOOLEAN_COLUMNS = frozenset({"histology_confirmed", "resected", "rupture", "nodes_positive"})
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})
EXAMPLE_ROW = {
    "mrn": "H0012345", "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1961-03-14",
    "sex": "female", "diagnosis_date": "2025-11-20", "site": "stomach", "gastric_location": "greater_curvature",
    "size_cm": "6.5", "histology_confirmed": "yes", "cd117": "positive", "resected": "yes",
    "surgery_date": "2026-01-15", "approach_used": "open", "margin": "R0", "rupture": "no",
    "mitoses_per_5mm2": "8", "genotype": "kit_exon_11",
}  # fmt: skip


_TOKEN = re.compile(r"[A-Za-z0-9_.²-]+")


def column_rows() -> list[tuple[str, bool, SafeString]]:
    """The columns as the upload page lists them: name, required, and what goes in it in the reader's language,
    the literal values a cell may hold (the CSV's codes: female, stomach, R0, yes...) set as code."""
    # Exact spelling: "MRN" in a description is the word, `mrn` the column. A column's codes are its own values, the
    # other columns' names and the sites (a location applies to one): 'given' is adjuvant_decision's value and a
    # word in "given name", 'phone' a column and a word in "phone number".
    choices = {name: set(values.values()) for name, values in _choice_maps().items()}
    shared = {"yes", "no", "esmo-2022", "csco-2020", *choices.get("site", ())}
    rows = []
    for name, required, what in COLUMNS:
        codes = shared | choices.get(name, set()) | (set(COLUMN_NAMES) - {name})
        text = gettext(what)
        out, last = [], 0
        for match in _TOKEN.finditer(text):
            token = match.group(0).rstrip(".")
            if token in codes:
                out += [escape(text[last : match.start()]), f"<code>{escape(token)}</code>"]
                last = match.start() + len(token)
        out.append(escape(text[last:]))
        rows.append((name, required, mark_safe("".join(out))))  # noqa: S308  (every piece escaped above)
    return rows


def _choice_maps() -> dict[str, dict[str, str]]:
    """For each choice column: its stored values and labels (case-insensitive) -> the stored value."""
    maps: dict[str, dict[str, str]] = {}
    for form_class in STEP_FORMS.values():
        for name, form_field in form_class.base_fields.items():
            choices = getattr(form_field, "choices", None)
            if name in COLUMN_NAMES and choices:
                maps[name] = {}
                for value, label in choices:
                    if value:
                        maps[name][str(value).casefold()] = str(value)
                        maps[name][str(label).casefold()] = str(value)
    return maps


@dataclass
class Problem:
    row: int
    column: str
    reason: str


@dataclass
class RegisterReport:
    source: str
    dry_run: bool
    rows: int = 0
    created: list[tuple[int, Case | None]] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors and any(case is not None for _row, case in self.created)


class FileRefused(Exception):
    """The file itself cannot be read (format, header); nothing row by row can be said."""


# Reading ------------------------------------------------------------------------------------------------------


def _header(raw: Iterable[object]) -> list[str]:
    names = [str(h or "").strip().casefold().replace(" ", "_").replace("-", "_") for h in raw]
    unknown = [n for n in names if n and n not in COLUMN_NAMES]
    if unknown:
        raise FileRefused(f"unknown column(s): {', '.join(unknown)} (docs/import.md lists the columns)")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise FileRefused(f"missing required column(s): {', '.join(missing)}")
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise FileRefused(f"column(s) given twice: {', '.join(duplicates)}")
    return names


def read_rows(content: bytes, filename: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(spreadsheet row number, {column: cell}) for every non-empty row of a .csv or .xlsx file."""
    if len(content) > MAX_BYTES:
        raise FileRefused(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif lower.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise FileRefused("give a .csv or .xlsx file")
    try:
        header = _header(next(rows))
    except StopIteration:
        raise FileRefused("the file is empty") from None
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise FileRefused(f"more than {MAX_ROWS} rows: split the file")
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        if any(str(v).strip() for v in values.values() if v is not None):
            yield number, values


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("the CSV file is not UTF-8 text (save it as 'CSV UTF-8')") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ';' where the decimal mark is a comma
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise FileRefused(f"the CSV file cannot be read at line {reader.line_num}: {exc}") from None


# What openpyxl raises, opening a workbook or reading its sheet, for a file that is not a readable workbook: not a
# zip, a part missing, a sheet's XML broken (xml.etree's and lxml's ParseError are SyntaxErrors), no worksheet.
UNREADABLE_XLSX = (
    SyntaxError,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
)


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, *UNREADABLE_XLSX):
        raise FileRefused("the .xlsx file cannot be read (is it an Excel workbook?)") from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    except UNREADABLE_XLSX:
        raise FileRefused("the .xlsx file cannot be read (is it an Excel workbook?)") from None
    finally:
        workbook.close()


# One row ------------------------------------------------------------------------------------------------------


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(Decimal(str(cell)))
    return str(cell).strip()


def parse_date(cell: object) -> date:
    """A date cell: a spreadsheet date, ISO (2026-01-15) or the hospital's format (GISTCARE_IMPORT_DATE_FORMAT)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, settings.GISTCARE_IMPORT_DATE_FORMAT).date()
    except ValueError:
        example = date(2026, 1, 15).strftime(settings.GISTCARE_IMPORT_DATE_FORMAT)
        raise ValueError(f"{text!r} is not a date: write 2026-01-15 or {example}") from None


def _mitoses_from_hpf(values: dict, problem) -> None:
    raw_hpf = _text(values.pop("mitoses_per_50hpf", ""))
    raw_area = _text(values.pop("hpf_field_area_mm2", ""))
    if not raw_hpf:
        if raw_area:
            problem("hpf_field_area_mm2", "a field area applies only to a count per 50 HPF")
        return
    if _text(values.get("mitoses_per_5mm2", "")):
        problem("mitoses_per_50hpf", "give the count per 5 mm² or per 50 HPF, not both")
        return
    if not raw_area:
        problem("hpf_field_area_mm2", "the field area is needed to convert a count per 50 HPF (ESMO 2022)")
        return
    try:
        count, area = Decimal(raw_hpf), Decimal(raw_area.replace(",", "."))
    except InvalidOperation:
        problem("mitoses_per_50hpf", "enter the count and the field area as numbers")
        return
    if (
        not (count.is_finite() and area.is_finite())
        or count < 0
        or count != count.to_integral_value()
        or area <= 0
    ):
        problem("mitoses_per_50hpf", "enter a whole count and a field area greater than 0")
        return
    # RULES.md §1: count per 5 mm² = count × 5 / (50 × field area in mm²).
    per_5mm2 = count * 5 / (50 * area)
    if per_5mm2 != per_5mm2.to_integral_value():
        problem(
            "mitoses_per_50hpf",
            f"{count} per 50 HPF at {area} mm² is {per_5mm2.quantize(Decimal('0.01'))} per 5 mm², not a whole "
            "count; the case form stores whole counts per 5 mm²: enter the count per 5 mm² from the report",
        )
        return
    values["mitoses_per_5mm2"] = str(int(per_5mm2))
    values["_hpf_note"] = (count, int(per_5mm2))


def _band(count: Decimal | int) -> int:
    return 0 if count <= 5 else (1 if count <= 10 else 2)  # the modified NIH mitotic bands (≤5, 6-10, >10)


def row_values(
    cells: dict[str, object], choices: dict[str, dict[str, str]]
) -> tuple[dict, list[tuple[str, str]]]:
    """The row as the case form's submitted values, and the (column, reason) problems found while reading it."""
    problems: list[tuple[str, str]] = []
    values: dict[str, object] = {}
    for name, cell in cells.items():
        if name in DATE_COLUMNS:
            if _text(cell):
                try:
                    values[name] = parse_date(cell).isoformat()
                except ValueError as exc:
                    problems.append((name, str(exc)))
        elif name in BOOLEAN_COLUMNS:
            word = _text(cell).casefold()
            if word in TRUE_WORDS:
                answer = "yes"
            elif word in FALSE_WORDS:
                # A blank cell is "not recorded" (issue 10 finding 6); "resected" defaults to no below.
                answer = "no" if word else ""
            else:
                problems.append((name, f"{_text(cell)!r}: write yes or no"))
                continue
            if name == "rupture":
                # The case form records rupture as an Oslo grade: yes is a major rupture (RULES.md section 1).
                values["rupture_grade"] = {"yes": "major", "no": "none"}.get(answer, "")
            else:
                values[name] = answer
        elif name in choices and _text(cell):
            values[name] = choices[name].get(_text(cell).casefold(), _text(cell))
        else:
            values[name] = cell if name in ("mitoses_per_50hpf", "hpf_field_area_mm2") else _text(cell)
    _mitoses_from_hpf(values, lambda column, reason: problems.append((column, reason)))
    if not values.get("diagnosis_date") and not any(c == "diagnosis_date" for c, _r in problems):
        problems.append(("diagnosis_date", "required in a register: with the MRN it identifies the case"))
    return values, problems


def _column_of(field_name: str) -> str:
    return "" if field_name == "__all__" else field_name


# The file -----------------------------------------------------------------------------------------------------


def register_import(
    *,
    content: bytes,
    filename: str,
    user,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    on_written: Callable[[RegisterReport], None] | None = None,
) -> RegisterReport:
    """Check every row, and (not dry_run, every row valid) write the new cases in one transaction.

    `progress(checked, rows)` is told every PROGRESS_EVERY rows checked, and once all are (the background job's
    progress bar, cases/interop/import_jobs.py); `on_written(report)`, a real run's, inside the transaction that
    writes the cases.
    """
    report = RegisterReport(source=filename, dry_run=dry_run)
    rows = list(read_rows(content, filename))
    report.rows = len(rows)
    progress = progress or (lambda _checked, _rows: None)
    progress(0, report.rows)
    choices = _choice_maps()
    mrns = {str(cells.get("mrn") or "").strip().casefold() for _n, cells in rows}
    known = {p.mrn.casefold(): p for p in Patient.objects.annotate(m=Lower("mrn")).filter(m__in=mrns)}
    on_record = _on_record(mrns)
    seen_cases: dict[tuple[str, str], int] = {}
    seen_people: dict[str, tuple[int, tuple]] = {}
    to_write = []
    identifies: dict[int, tuple[str, date]] = {}  # a row to write: (MRN casefolded, date of diagnosis)
    today = timezone.localdate()
    for checked, (number, cells) in enumerate(rows):
        if checked and checked % PROGRESS_EVERY == 0:
            progress(checked, report.rows)
        values, problems = row_values(cells, choices)
        for column, reason in problems:
            report.errors.append(Problem(number, column, reason))
        if problems:
            continue
        hpf = values.pop("_hpf_note", None)
        if hpf and _band(hpf[0]) != _band(hpf[1]):
            report.warnings.append(
                Problem(
                    number,
                    "mitoses_per_50hpf",
                    f"{hpf[0]} per 50 HPF converts to {hpf[1]} per 5 mm²: "
                    "the conversion crosses a mitotic band boundary (5 or 10); check the count",
                )  # fmt: skip
            )
        mrn = str(values.get("mrn", "")).strip().casefold()
        key = (mrn, str(values.get("diagnosis_date")))
        if (mrn, date.fromisoformat(key[1])) in on_record:
            report.skipped.append(Problem(number, "", ON_RECORD))
            continue
        if key in seen_cases:
            report.errors.append(
                Problem(number, "mrn", f"the same case (MRN and date of diagnosis) as row {seen_cases[key]}")
            )
            continue
        seen_cases[key] = number
        identity = (
            str(values.get("given_name", "")).strip().casefold(),
            str(values.get("family_name", "")).strip().casefold(),
            values.get("date_of_birth"),
        )
        if mrn in seen_people and seen_people[mrn][1] != identity:
            report.errors.append(Problem(
                number, "mrn", f"Hospital number (MRN): also in row {seen_people[mrn][0]} with a different name or "
                "date of birth; check the number"))  # fmt: skip
            continue
        seen_people.setdefault(mrn, (number, identity))
        validated = validate_case_values(with_known_contact(values, known.get(mrn)), today=today)
        for name, messages in validated.errors.items():
            for message in messages:
                report.errors.append(Problem(number, _column_of(name), message))
        if validated.ok:
            to_write.append((number, validated))
            identifies[number] = (mrn, date.fromisoformat(key[1]))
    progress(report.rows, report.rows)
    if report.errors or dry_run:
        report.created = [(number, None) for number, _v in to_write]
        return report
    with transaction.atomic():
        # One import writes at a time, and looks again, under the lock, for the cases another import (the page's,
        # the command's) has written since this one read the record: they are skipped, never written twice.
        _one_import_at_a_time()
        now_on_record = _on_record(mrns)
        for number, validated in list(to_write):
            if identifies[number] in now_on_record:
                to_write.remove((number, validated))
                report.skipped.append(Problem(number, "", ON_RECORD))
        cases = write_cases(
            validated=[v for _n, v in to_write], user=user, reason=import_reason(filename, user)
        )
        report.created = [(number, case) for (number, _v), case in zip(to_write, cases, strict=True)]
        if on_written is not None:
            on_written(report)  # in the same transaction: a background job's report commits with its cases
    if len(cases) >= BULK_ROWS:
        # A bulk load: the planner's statistics of the tables it filled (issue 16).
        planner_statistics.refresh(tables=_written_tables())
    return report


# The key of PostgreSQL's advisory lock that lets one import write at a time ("GISTimpt").
IMPORT_LOCK_KEY = 0x4749_5354_696D_7074


def _one_import_at_a_time() -> None:
    """Hold, until the transaction ends, the lock that serialises the imports' writes. PostgreSQL: an advisory
    transaction lock. SQLite serialises every write transaction itself, and refuses one whose reads another
    writer has overtaken ("database is locked"): the import fails, writing nothing, and is asked for again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _on_record(mrns: set[str]) -> set[tuple[str, date]]:
    """(MRN casefolded, date of diagnosis) of the cases on record for these MRNs (casefolded)."""
    return {
        (mrn.casefold(), diagnosed)
        for mrn, diagnosed in Case.objects.annotate(m=Lower("patient__mrn"))
        .filter(m__in=mrns)
        .values_list("patient__mrn", "diagnosis_date")
    }


# From this many new cases an import refreshes the planner's statistics (gistcare/planner_statistics.py).
BULK_ROWS = 100


def _written_tables() -> list[str]:
    models = (Patient, Case, Presentation, Diagnostics, Operation, Pathology, TreatmentDecision)
    return [model._meta.db_table for model in models]


def template_csv() -> str:
    """The downloadable template: the header and one example row (docs/import.md)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    writer.writerow([EXAMPLE_ROW.get(name, "") for name in COLUMN_NAMES])
    return out.getvalue()
