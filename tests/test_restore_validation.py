"""Restore refuses any file that is not a backup of this app, before touching the database (issue 11,
finding 4): an empty SQLite file used to "restore" into an empty database and exit 0."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.backup import BackupError, check_backup_file
from cases.models import Patient
from tests.world import make_patient

ROOT = Path(__file__).resolve().parent.parent


def _sqlite(path: Path, *statements: str) -> Path:
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()
    return path


def test_it_refuses_an_empty_sqlite_file(tmp_path):
    empty = _sqlite(tmp_path / "empty.sqlite3")
    with pytest.raises(BackupError, match="not a GISTCare backup: it has no django_migrations table"):
        check_backup_file(empty, vendor="sqlite")


def test_it_refuses_another_django_apps_database(tmp_path):
    other = _sqlite(
        tmp_path / "other.sqlite3",
        "CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('blog', '0001_initial', '2026-01-01')",
    )
    with pytest.raises(BackupError, match="no GISTCare migrations"):
        check_backup_file(other, vendor="sqlite")


def test_it_refuses_a_backup_from_a_newer_version(tmp_path):
    newer = _sqlite(
        tmp_path / "newer.sqlite3",
        "CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('cases', '0001_initial', '2026-01-01')",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('cases', '9999_future', '2026-01-01')",
        "CREATE TABLE cases_patient (id integer)",
        "CREATE TABLE cases_case (id integer)",
        "CREATE TABLE auth_user (id integer)",
    )
    with pytest.raises(BackupError, match="cases.9999_future"):
        check_backup_file(newer, vendor="sqlite")


def test_it_refuses_a_file_that_is_not_a_pg_dump(tmp_path):
    if not __import__("shutil").which("pg_restore"):
        pytest.skip("pg_restore is not installed")
    junk = tmp_path / "junk.pgdump"
    junk.write_bytes(b"")
    with pytest.raises(BackupError, match="not a GISTCare backup"):
        check_backup_file(junk, vendor="postgresql")


@pytest.mark.django_db
def test_the_database_is_untouched_after_a_refusal(tmp_path):
    from django.db import connection

    make_patient(mrn="KEEP-1")
    empty = _sqlite(tmp_path / "empty.sqlite3") if connection.vendor == "sqlite" else tmp_path / "e.pgdump"
    empty.touch()
    with pytest.raises(CommandError, match="not a GISTCare backup"):
        call_command("restore", str(empty), "--yes")
    assert list(Patient.objects.values_list("mrn", flat=True)) == ["KEEP-1"]


def test_the_command_exits_non_zero_with_a_message_and_no_traceback(tmp_path):
    empty = _sqlite(tmp_path / "empty.sqlite3")
    target = tmp_path / "live.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DATABASE_URL": f"sqlite:///{target}", "DEBUG": "0", "SECRET_KEY": "x" * 50}
    proc = subprocess.run(
        [sys.executable, "manage.py", "restore", str(empty), "--yes"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "not a GISTCare backup" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not target.exists() or target.stat().st_size == 0
