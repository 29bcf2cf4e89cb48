"""Issue 10 finding 6: yes/no findings are yes / no / not recorded, with no default; nothing unentered is stored.

Also the data migration that makes them nullable (stored values kept) and turns rupture into a grade.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.models import Case
from cases.records.facts import build_facts
from cases.records.forms import OperationForm, PathologyForm, PresentationForm
from tests.factories import CaseFactory, PathologyFactory, PresentationFactory

TODAY = date(2026, 3, 1)
FINDINGS = ("boundary_clear", "adherent_to_adjacent_organs", "r0_feasible", "major_morbidity_expected",
            "histology_confirmed")  # fmt: skip
MINIMAL = {"presentation": "localized", "site": "stomach", "size_cm": "6.5"}


def step_url(case, step):
    return reverse("records:step", args=[case.pk, step])


def checked_values(html: str, name: str) -> list[str]:
    """The values of the checked inputs named `name` in a rendered page."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            found.append(value.group(1) if value else "on")
    return found


def test_it_offers_yes_no_and_not_recorded_for_each_finding():
    form = PresentationForm()
    for name in FINDINGS:
        values = [value for value, _label in form.fields[name].widget.choices]
        assert values == ["yes", "no", "unknown"], name


@pytest.mark.django_db
def test_it_ticks_neither_yes_nor_no_on_a_new_presentation(surgeon_client):
    html = surgeon_client.get(step_url(CaseFactory(), "presentation")).content.decode()
    for name in FINDINGS:
        assert checked_values(html, name) in ([], ["unknown"]), name


@pytest.mark.django_db
def test_it_stores_not_recorded_for_findings_nobody_entered(surgeon_client):
    case = CaseFactory()
    response = surgeon_client.post(step_url(case, "presentation"), {**MINIMAL, "action": "save"})
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    for name in ("boundary_clear", "adherent_to_adjacent_organs", "r0_feasible", "major_morbidity_expected"):
        assert getattr(case.presentation, name) is None, name
    assert case.diagnostics.histology_confirmed is None


@pytest.mark.django_db
def test_it_stores_yes_and_no_as_entered(surgeon_client):
    case = CaseFactory()
    surgeon_client.post(step_url(case, "presentation"),
                        {**MINIMAL, "boundary_clear": "no", "r0_feasible": "yes", "histology_confirmed": "yes",
                         "adherent_to_adjacent_organs": "unknown", "action": "save"})  # fmt: skip
    case = Case.objects.get(pk=case.pk)
    assert case.presentation.boundary_clear is False
    assert case.presentation.r0_feasible is True
    assert case.presentation.adherent_to_adjacent_organs is None
    assert case.diagnostics.histology_confirmed is True


@pytest.mark.django_db
def test_the_saved_not_recorded_shows_as_not_recorded(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case, boundary_clear=None, r0_feasible=False)
    html = surgeon_client.get(step_url(case, "presentation")).content.decode()
    assert checked_values(html, "boundary_clear") == ["unknown"]
    assert checked_values(html, "r0_feasible") == ["no"]


@pytest.mark.django_db
def test_the_engine_facts_carry_none_for_not_recorded():
    case = CaseFactory()
    PresentationFactory(case=case, boundary_clear=None, adherent_to_adjacent_organs=True, r0_feasible=None)
    PathologyFactory(case=case, nodes_positive=None)
    facts = build_facts(Case.objects.get(pk=case.pk))
    assert facts.boundary_clear is None
    assert facts.adherent_to_adjacent_organs is True
    assert facts.r0_feasible is None
    assert facts.major_morbidity_expected is None
    assert facts.histology_confirmed is None  # no diagnostics entered at all
    assert facts.nodes_positive is None


def test_nodes_positive_is_tri_state_too():
    form = PathologyForm({"genotype": "not_tested"}, context={"resected": True})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nodes_positive"] is None
    form = PathologyForm({"genotype": "not_tested", "nodes_positive": "no"}, context={"resected": True})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nodes_positive"] is False


@pytest.mark.django_db
def test_the_tumour_was_resected_is_not_pre_ticked(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    html = surgeon_client.get(step_url(case, "operation")).content.decode()
    assert checked_values(html, "resected") == []


def test_resected_must_be_answered():
    form = OperationForm({}, today=TODAY)
    assert not form.is_valid()
    assert form.errors["resected"] == ["The tumour was resected: choose yes or no."]


# --- the data migration ----------------------------------------------------------------------------------------

BEFORE = ("cases", "0010_mdt_attestation_staleness")
AFTER = ("cases", "0011_records_tristate_rupture_grade_genotype_detail")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_stored_finding_and_grades_rupture():
    try:
        _check_the_migration()
    finally:  # whatever happened, later tests get the whole schema back
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    user = old.get_model("auth", "User").objects.create(username="m")
    patient = old.get_model("cases", "Patient").objects.create(
        mrn="M1", given_name="A", family_name="B", date_of_birth=date(1960, 1, 1)
    )
    ids = []
    for rupture, flag in ((True, True), (False, False)):
        case = old.get_model("cases", "Case").objects.create(patient=patient, owner=user, ruleset="esmo-2022")
        ids.append((case.pk, rupture, flag))
        old.get_model("cases", "Presentation").objects.create(
            case=case, site="stomach", size_cm=Decimal("3"), boundary_clear=flag, r0_feasible=flag,
            adherent_to_adjacent_organs=not flag, major_morbidity_expected=not flag,
        )  # fmt: skip
        old.get_model("cases", "Diagnostics").objects.create(case=case, histology_confirmed=flag)
        old.get_model("cases", "Operation").objects.create(
            case=case, surgery_date=date(2026, 1, 1), approach_used="open", rupture=rupture
        )
        old.get_model("cases", "Pathology").objects.create(
            case=case, nodes_positive=flag, exon_detail="p.W557_K558del"
        )

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    for pk, rupture, flag in ids:
        presentation = new.get_model("cases", "Presentation").objects.get(case_id=pk)
        assert (presentation.boundary_clear, presentation.r0_feasible) == (flag, flag)
        assert presentation.adherent_to_adjacent_organs is (not flag)
        assert presentation.major_morbidity_expected is (not flag)
        assert new.get_model("cases", "Diagnostics").objects.get(case_id=pk).histology_confirmed is flag
        assert new.get_model("cases", "Operation").objects.get(case_id=pk).rupture_grade == (
            "major" if rupture else "none"
        )
        pathology = new.get_model("cases", "Pathology").objects.get(case_id=pk)
        assert pathology.nodes_positive is flag
        assert pathology.exon_detail == "p.W557_K558del"  # the free text stays, as a note
        assert pathology.genotype_detail == ""


def test_no_hides_the_branch_like_false_does():
    from cases.records.forms import initial_from_data

    assert "surgery_date" not in OperationForm({"resected": "no"}, today=TODAY).fields
    assert "surgery_date" in OperationForm({"resected": "yes"}, today=TODAY).fields
    assert (
        "surgery_date"
        not in OperationForm(initial=initial_from_data(OperationForm, {"resected": "no"})).fields
    )
