"""The register import's report as plain lines (the command prints them; the page shows the same facts)."""

from __future__ import annotations

from cases.interop.register_import import RegisterReport


def report_lines(report: RegisterReport) -> list[str]:
    lines = []
    for p in report.errors:
        lines.append(f"row {p.row}, column {p.column or '-'}: {p.reason}")
    for p in report.warnings:
        lines.append(f"warning: row {p.row}, column {p.column}: {p.reason}")
    for p in report.skipped:
        lines.append(f"skipped: row {p.row}: {p.reason}")
    new = len(report.created)
    if report.errors:
        lines.append(
            f"{len({p.row for p in report.errors})} row(s) refused out of {report.rows}: nothing was written."
        )
    elif report.dry_run:
        lines.append(
            f"Dry run: {new} case(s) would be created, {len(report.skipped)} skipped; nothing was written."
        )
    else:
        lines.append(f"{new} case(s) created as drafts, {len(report.skipped)} skipped (already on record).")
    return lines
