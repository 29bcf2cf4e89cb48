"""One table, three doors (ASSESS_CONTRACT.md; issue 17 "Done when"): `manage.py gist_assess`, `POST
/api/v1/assess` and the case form give the same answer for the same facts.

Each row is a contract case. The form door posts the same facts through the wizard's steps as a surgeon would
(the values translated to the form's vocabulary: yes/no radios, rupture grade...), then reads the answer the app
stored for the case (cases.facts.build_facts → the engine). Where a row's answer is settled by RULES.md, the key
values are checked against a hand-worked expectation as well.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
DIAGNOSIS = "2025-11-20"

# (row id, contract case, hand-worked expectations: dotted path -> value)
ROWS = [
    (
        # ASSESS_CONTRACT.md's worked example: 6.5 cm gastric, 8 mitoses: modified NIH high (>5 cm, >5 mitoses),
        # AFIP high 55%, TNM IIIA; adjuvant imatinib 400 mg for 36 months (ESMO 2022, KIT exon 11).
        "contract-example",
        {"site": "stomach", "gastric_location": "greater_curvature", "size_cm": 6.5, "mitoses_per_5mm2": 8,
         "resected": True, "surgery_date": "2026-01-15", "margin": "R0", "genotype": "kit_exon_11",
         "boundary_clear": True, "r0_feasible": True, "histology_confirmed": True},
        {"risk.modified_nih": "high", "risk.afip.progression_pct": 55, "risk.tnm.stage": "IIIA",
         "adjuvant.recommendation": "recommended", "adjuvant.duration_months": 36},
    ),
    pytest.param(
        # A major rupture makes modified NIH high whatever size and count (RULES.md 2.1): 4 cm gastric, 3 mitoses.
        "major-rupture",
        {"site": "stomach", "gastric_location": "antrum", "size_cm": 4, "mitoses_per_5mm2": 3, "resected": True,
         "surgery_date": "2026-02-10", "margin": "R0", "rupture_grade": "major", "genotype": "kit_exon_11",
         "boundary_clear": True, "r0_feasible": True, "histology_confirmed": True},
        {"risk.modified_nih": "high"},
        id="major-rupture",
    ),
    (
        # A minor rupture is not rupture (Oslo): 4 cm gastric with 3 mitoses stays low (2.1-5.0 cm, ≤5).
        "minor-rupture",
        {"site": "stomach", "gastric_location": "antrum", "size_cm": 4, "mitoses_per_5mm2": 3, "resected": True,
         "surgery_date": "2026-02-10", "margin": "R0", "rupture_grade": "minor", "genotype": "kit_exon_11",
         "boundary_clear": True, "r0_feasible": True, "histology_confirmed": True},
        {"risk.modified_nih": "low"},
    ),
    (
        # Findings not recorded (null) on a resected jejunal tumour, SDHB lost, stains given.
        "not-recorded-sdhb-lost",
        {"site": "jejunum", "size_cm": 3.5, "mitoses_per_5mm2": 4, "resected": True, "surgery_date": "2026-03-01",
         "boundary_clear": None, "r0_feasible": None, "nodes_positive": None, "histology_confirmed": True,
         "cd117": "negative", "dog1": "positive", "sdhb_ihc": "lost"},
        {},
    ),
    (
        # Counted per 50 HPF with the field area; genotype detail; nodes recorded as negative.
        "per-50-hpf",
        {"site": "stomach", "gastric_location": "fundus", "size_cm": 6.5, "mitoses_per_50hpf": 12,
         "hpf_field_area_mm2": 0.24, "resected": True, "surgery_date": "2026-01-15", "margin": "R0",
         "genotype": "kit_exon_11", "genotype_detail": "kit_exon11_del_557_558", "nodes_positive": False,
         "boundary_clear": True, "r0_feasible": True, "histology_confirmed": True},
        {},
    ),
    (
        # After 8 months of neoadjuvant imatinib, with the pre-treatment size and biopsy count.
        "after-neoadjuvant",
        {"site": "stomach", "gastric_location": "antrum", "size_cm": 4.0, "mitoses_per_5mm2": 1, "resected": True,
         "surgery_date": "2026-06-01", "margin": "R0", "genotype": "kit_exon_11", "neoadjuvant_months": 8,
         "pre_treatment_size_cm": 9.0, "pre_treatment_mitoses_per_5mm2": 12,
         "boundary_clear": True, "r0_feasible": True, "histology_confirmed": True},
        {},
    ),
    (
        # Metastatic disease on its current line of therapy: systemic pathway, dated from the line's start.
        "metastatic",
        {"site": "stomach", "gastric_location": "antrum", "size_cm": 8, "presentation": "metastatic",
         "genotype": "kit_exon_11", "therapy_start_date": "2026-10-01", "histology_confirmed": True},
        {"pathway": "systemic_therapy"},
    ),
    (
        # The junction takes no gastric location (the contract refuses one); a small lesion under surveillance.
        "egj-small",
        {"site": "egj", "size_cm": 1.5, "boundary_clear": True, "r0_feasible": True,
         "eus_features": ["irregular_border"]},
        {},
    ),
]  # fmt: skip


def recorded_as_in_the_form(case: dict) -> dict:
    """The row with every yes/no finding the form asks stated: a finding the row leaves out is "not recorded"
    (null), which is what the form stores for a question nobody answered."""
    out = dict(case)
    for name in ("boundary_clear", "adherent_to_adjacent_organs", "r0_feasible", "major_morbidity_expected",
                 "histology_confirmed", "nodes_positive"):  # fmt: skip
        out.setdefault(name, None)
    if out.get("resected") and "rupture_grade" not in out:
        out.setdefault("rupture", None)
    return out


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def form_steps(case: dict) -> list[tuple[str, dict]]:
    """The contract case as the wizard's step posts (field names and vocabulary of the forms)."""
    presentation = {
        "presentation": case.get("presentation", "localized"),
        "site": case["site"],
        "size_cm": str(case["size_cm"]),
        "action": "save",
    }
    for name in ("gastric_location", "duodenal_location", "rectal_level", "growth_pattern", "cd117", "dog1"):
        if name in case:
            presentation[name] = case[name]
    if "sdhb_ihc" in case:
        presentation["sdh_ihc"] = case["sdhb_ihc"]
    for name in ("boundary_clear", "adherent_to_adjacent_organs", "r0_feasible", "major_morbidity_expected",
                 "histology_confirmed"):  # fmt: skip
        presentation[name] = _yes_no(case.get(name))
    if "eus_features" in case:
        presentation["eus_features"] = case["eus_features"]
    steps = [("presentation", presentation)]
    if case.get("resected"):
        operation = {"resected": "yes", "surgery_date": case["surgery_date"], "approach_used": "open",
                     "margin": case.get("margin", ""), "rupture_grade": case.get("rupture_grade", ""),
                     "action": "save"}  # fmt: skip
        steps.append(("operation", operation))
    if case.get("resected") or case.get("presentation") in ("metastatic", "recurrent"):
        pathology = {"genotype": case.get("genotype", "not_tested"), "action": "save",
                     "nodes_positive": _yes_no(case.get("nodes_positive"))}  # fmt: skip
        for name in ("mitoses_per_5mm2", "mitoses_per_50hpf", "hpf_field_area_mm2", "genotype_detail",
                     "neoadjuvant_months", "pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2",
                     "therapy_start_date"):  # fmt: skip
            if name in case:
                pathology[name] = str(case[name])
        steps.append(("pathology", pathology))
    return steps


def through_the_command(case: dict) -> dict:
    out, old = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(json.dumps(case))
    try:
        call_command("gist_assess", "-", stdout=out)
    finally:
        sys.stdin = old
    return json.loads(out.getvalue())


def through_the_api(client, case: dict) -> dict:
    response = client.post("/api/v1/assess", json.dumps(case), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def through_the_form(client, case: dict) -> dict:
    record = CaseFactory(diagnosis_date=date.fromisoformat(DIAGNOSIS), ruleset="esmo-2022")
    for step, data in form_steps(case):
        response = client.post(reverse("records:step", args=[record.pk, step]), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    return Case.objects.get(pk=record.pk).assessments.order_by("-created_at").first().result


def dig(result: dict, path: str) -> object:
    value: object = result
    for key in path.split("."):
        value = value[key]  # type: ignore[index]
    return value


@pytest.mark.parametrize(
    ("row", "case", "expected"), ROWS, ids=lambda value: value if isinstance(value, str) else ""
)
def test_it_gives_the_same_answer_through_every_door(surgeon_client, row, case, expected):
    # The wizard dates a localised tumour that is not resected from the diagnosis: the other doors are told the
    # same. Advanced disease counts from the start of the current line of therapy (therapy_start_date).
    advanced = case.get("presentation") in ("metastatic", "recurrent")
    case = recorded_as_in_the_form(case)
    contract_case = case if advanced else {"reference_date": DIAGNOSIS, **case}
    with time_machine.travel(NOW):  # ticking: each step's assessment is stored after the one before
        command = through_the_command(contract_case)
        api = through_the_api(surgeon_client, contract_case)
        form = through_the_form(surgeon_client, case)
    assert api == command
    assert form == command
    for path, value in expected.items():
        assert dig(command, path) == value, path
