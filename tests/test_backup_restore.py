"""`manage.py backup` then `manage.py restore` into an empty database: every record comes back.

Counts every table of the cases app (cases, assessments, reports, follow-ups, their histories — whatever
exists), so records added by later features are covered without editing this test.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.models import Assessment, Case
from tests.world import make_entered_case, make_world

ROOT = Path(__file__).resolve().parent.parent

COUNT_SCRIPT = """
import json
from django.apps import apps
from cases.models import Case
counts = {m._meta.label: m._base_manager.count() for m in apps.get_app_config("cases").get_models()}
print(json.dumps({"counts": counts, "cases": sorted(str(pk) for pk in Case.objects.values_list("pk", flat=True))}))
"""


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ) | {"DATABASE_URL": database_url, "DEBUG": "0"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def _snapshot() -> dict:
    counts = {m._meta.label: m._base_manager.count() for m in apps.get_app_config("cases").get_models()}
    return {"counts": counts, "cases": sorted(str(pk) for pk in Case.objects.values_list("pk", flat=True))}


def _fill_database():
    world = make_world(signed=True)  # with a signed MDT report once the MDT feature is merged
    for _ in range(3):
        make_entered_case(world.users["surgeon"])
    Assessment.objects.create(case=world.case, ruleset="esmo-2022", ruleset_version="t", facts={}, result={})
    return world


def _backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path), stdout=out)
    path = Path(out.getvalue().strip())
    assert path.parent == tmp_path
    assert path.name.startswith("gistcare-")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return path


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database(tmp_path):
    _fill_database()
    before = _snapshot()
    assert len(before["cases"]) == 4
    backup = _backup(tmp_path)

    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        drop = None
    else:
        if not shutil.which("pg_restore"):
            pytest.skip("pg_restore is not installed (apt-get install postgresql-client)")
        params = connection.settings_dict
        # Named after the test database, so that a run killed before the drop leaves what CI's cleanup finds.
        name = f"{params['NAME'][:40]}_restore_{uuid.uuid4().hex[:8]}"
        host, port, user = params["HOST"] or "127.0.0.1", params["PORT"] or 5432, params["USER"] or "postgres"
        psql = ["psql", "-h", host, "-p", str(port), "-U", user, "-d", "postgres", "-qc"]
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, timeout=60)
        url = f"postgres://{user}@{host}:{port}/{name}"

        def drop():
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], check=False, timeout=60)

    try:
        restored = _manage(url, "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stderr
        counted = _manage(url, "shell", "-c", COUNT_SCRIPT)
        assert counted.returncode == 0, counted.stderr
        after = json.loads(counted.stdout.strip().splitlines()[-1])
    finally:
        if drop:
            drop()
    assert after == before


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.sqlite3"))


def test_restore_refuses_a_missing_or_corrupt_file(tmp_path, db):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), "--yes")
    if connection.vendor == "sqlite":
        junk = tmp_path / "junk.sqlite3"
        junk.write_bytes(b"not a database at all" * 100)
        with pytest.raises(CommandError, match="not"):
            call_command("restore", str(junk), "--yes")
