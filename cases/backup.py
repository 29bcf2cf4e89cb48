"""Database backup and restore: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup is one file in `backups/` named by the time it was taken (never by anything about a patient):
`gistcare-20260302-090000.sqlite3` (a complete SQLite database) or `gistcare-20260302-090000.pgdump`
(pg_dump's custom format). Restoring replaces the whole content of the configured database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    pass


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def backup_name(vendor: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return f"gistcare-{stamp}.{'sqlite3' if vendor == 'sqlite' else 'pgdump'}"


def _pg_env(params: dict) -> tuple[list[str], dict[str, str]]:
    args = ["-h", params.get("HOST") or "127.0.0.1", "-p", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["-U", params["USER"]]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]  # via the environment, never on the command line
    return args, env


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} not found: install the PostgreSQL client (apt-get install postgresql-client)"
        )
    return path


def backup_database(directory: Path, *, alias: str = "default") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    target = directory / backup_name(connection.vendor)
    if target.exists():
        raise BackupError(f"{target} already exists")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the app keeps serving.
            connection.connection.backup(dest)
        finally:
            dest.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        cmd = [_require("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(target)]
        cmd.append(connection.settings_dict["NAME"])
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if proc.returncode != 0:
            target.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for the {connection.vendor} database")
    os.chmod(target, 0o600)  # the file holds patient data
    return target


# Tables every backup of this app holds (besides django_migrations).
REQUIRED_TABLES = ("auth_user", "cases_patient", "cases_case")


def _sqlite_contents(source: Path) -> tuple[set[str], list[tuple[str, str]]]:
    try:
        con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            migrations = []
            if "django_migrations" in tables:
                migrations = list(con.execute("SELECT app, name FROM django_migrations"))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite backup: {exc}") from None
    return tables, migrations


def _pgdump_contents(source: Path) -> tuple[set[str], list[tuple[str, str]]]:
    # Both reads work on the file alone (no --dbname): nothing touches the database.
    listing = subprocess.run(  # noqa: S603
        [_require("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"{source} is not a GISTCare backup: pg_restore cannot read it")
    tables = set()
    for line in listing.stdout.splitlines():
        parts = line.split()
        if " TABLE DATA " not in line and " TABLE " in line and len(parts) >= 6:
            tables.add(parts[5])
    data = subprocess.run(  # noqa: S603
        [_require("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    migrations, copying = [], False
    for line in data.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying:
            fields = line.split("\t")
            if len(fields) >= 3:
                migrations.append((fields[1], fields[2]))
    return tables, migrations


def check_backup_file(source: Path, *, vendor: str) -> None:
    """Refuse, before the database is touched, any file that is not a backup of this app (issue 11, finding 4):
    it must hold django_migrations with this app's migrations, none unknown to this version, and the core tables.
    """
    from django.db.migrations.loader import MigrationLoader

    if vendor == "sqlite":
        tables, migrations = _sqlite_contents(source)
    elif vendor == "postgresql":
        tables, migrations = _pgdump_contents(source)
    else:
        raise BackupError(f"no restore method for the {vendor} database")
    if "django_migrations" not in tables:
        raise BackupError(f"{source} is not a GISTCare backup: it has no django_migrations table")
    if not any(app == "cases" for app, _name in migrations):
        raise BackupError(f"{source} is not a GISTCare backup: it has no GISTCare migrations")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in set(migrations) - known)
    if unknown:
        raise BackupError(
            f"{source} was made by another or newer version of GISTCare: unknown migrations {', '.join(unknown)}"
        )
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise BackupError(f"{source} is not a complete GISTCare backup: no table {', '.join(missing)}")


def restore_database(source: Path, *, alias: str = "default") -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    connection = connections[alias]
    check_backup_file(source, vendor=connection.vendor)
    if connection.vendor == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not an intact SQLite database")
            connection.ensure_connection()
            src.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from None
        finally:
            src.close()
    elif connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(connection.settings_dict)
        cmd = [_require("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        cmd += ["--dbname", connection.settings_dict["NAME"], str(source)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if proc.returncode != 0:
            raise BackupError(f"pg_restore failed: {proc.stderr.strip()}")
    else:
        raise BackupError(f"no restore method for the {connection.vendor} database")


def default_directory() -> Path:
    return Path(settings.BACKUP_DIR)
