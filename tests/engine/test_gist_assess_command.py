"""``manage.py gist_assess`` end to end, in a subprocess, as a user runs it (ASSESS_CONTRACT.md, "Command")."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = {
    "site": "stomach",
    "gastric_location": "greater_curvature",
    "size_cm": 6.5,
    "mitoses_per_5mm2": 8,
    "resected": True,
    "surgery_date": "2026-01-15",
    "margin": "R0",
    "genotype": "kit_exon_11",
}

pytestmark = pytest.mark.skipif(not (ROOT / "manage.py").exists(), reason="Django skeleton not present")


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", "gist_assess", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_assesses_one_case_from_a_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(EXAMPLE))
    proc = run(str(path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ruleset"] == "esmo-2022"
    assert data["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    assert data["risk"]["tnm"]["stage"] == "IIIA"
    assert data["adjuvant"] == {
        "recommendation": "recommended",
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "duration_months": 36,
    }
    assert len(data["surveillance"]) == 31
    assert data["surveillance"][0]["due"] == "2026-04-15"
    assert data["surveillance"][-1]["due"] == "2039-01-15"
    assert proc.stdout.startswith('{\n  "ruleset"')  # indent 2


def test_it_keeps_list_order_from_stdin():
    cases = [EXAMPLE, {"site": "rectum", "size_cm": 1.0}, {**EXAMPLE, "ruleset": "csco-2020"}]
    proc = run("-", stdin=json.dumps(cases))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, list)
    assert [d["ruleset"] for d in data] == ["esmo-2022", "esmo-2022", "csco-2020"]
    assert [d["pathway"] for d in data] == ["resection", "resection", "resection"]
    assert len(data[2]["surveillance"]) == 26


def test_it_reads_stdin_by_default():
    proc = run(stdin=json.dumps(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pathway"] == "resection"


def test_it_answers_an_empty_list_with_an_empty_list():
    proc = run("-", stdin="[]")
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])


BAD = [
    ({**EXAMPLE, "mitosis": 3}, 0, "mitosis"),
    ({**EXAMPLE, "size_cm": "6.5"}, 0, "size_cm"),
    ({**EXAMPLE, "size_cm": 70}, 0, "size_cm"),
    ({**EXAMPLE, "mitoses_per_5mm2": 8.5}, 0, "mitoses_per_5mm2"),
    ({**EXAMPLE, "surgery_date": "2026-02-30"}, 0, "surgery_date"),
    ({k: v for k, v in EXAMPLE.items() if k != "site"}, 0, "site"),
    ({**EXAMPLE, "genotype": "kit"}, 0, "genotype"),
    ([EXAMPLE, EXAMPLE, EXAMPLE, {**EXAMPLE, "rupture": "no"}], 3, "rupture"),
]


@pytest.mark.parametrize(("payload", "index", "field"), BAD)
def test_it_rejects_bad_input(payload, index, field):
    proc = run("-", stdin=json.dumps(payload))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f'case {index}: field "{field}"' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_it_rejects_a_non_object_item():
    proc = run("-", stdin=json.dumps([EXAMPLE, "x"]))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "case 1: must be a JSON object" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("text", ["{", "", '{"site": "stomach", "size_cm": NaN}'])
def test_it_rejects_invalid_json(text):
    proc = run("-", stdin=text)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_it_rejects_a_missing_file(tmp_path):
    proc = run(str(tmp_path / "missing.json"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "cannot read" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_it_validates_every_case_before_printing():
    proc = run("-", stdin=json.dumps([EXAMPLE, {"site": "stomach"}]))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert 'case 1: field "size_cm": is required' in proc.stderr


def test_it_uses_the_default_ruleset_from_settings():
    import os

    env = {**os.environ, "GISTCARE_DEFAULT_RULESET": "csco-2020"}
    proc = subprocess.run(
        [sys.executable, "manage.py", "gist_assess", "-"],
        cwd=ROOT,
        input=json.dumps(EXAMPLE),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ruleset"] == "csco-2020"


def _run_debug(stdin):
    import os

    return subprocess.run(
        [sys.executable, "manage.py", "gist_assess", "-"],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DEBUG": "1"},
        check=False,
    )


@pytest.mark.parametrize(
    ("payload", "index", "field"),
    [
        ([EXAMPLE, {**EXAMPLE, "surgery_date": "9999-01-01"}], 1, "surgery_date"),
        (
            {"site": "stomach", "size_cm": 3, "presentation": "metastatic", "reference_date": "9999-12-01"},
            0,
            "reference_date",
        ),
    ],
)
def test_far_future_dates_exit_2_without_traceback(payload, index, field):
    proc = _run_debug(json.dumps(payload))
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    assert f'case {index}: field "{field}"' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_deeply_nested_json_exits_2_without_traceback():
    proc = _run_debug("[" * 100_000)
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr[-300:]
    assert "invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr
