"""CSV output that a spreadsheet cannot run (issue 11, finding 13): the one writer for every CSV the app makes.

A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is read by Excel, LibreOffice and Google Sheets
as a formula (OWASP, "CSV Injection"), so a patient name such as `-2+3+cmd|' /C calc'!A0` typed into a form
would run on the nurse's computer when she opens the export. Each such cell gets a leading apostrophe, which
spreadsheets treat as "this is text". No exception is made for phone numbers: `+44 20 7946 0000` is itself
read as a formula (the space is Excel's intersection operator) and shows as an error without the apostrophe.

Every CSV download starts with a UTF-8 byte-order mark (`with_bom`): without it Excel reads the file in the PC's
legacy code page and a Chinese name (张伟) turns into mojibake (issue 15). Readers that know UTF-8 skip it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """One CSV line per row, every cell made safe; stream it with StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def with_bom(lines: Iterable[str]) -> Iterator[str]:
    """`lines` after the byte-order mark that tells Excel the CSV is UTF-8 (streamed like `lines`)."""
    yield BOM
    yield from lines
