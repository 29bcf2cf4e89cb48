"""The case list's search (issue 16: a search read every patient's name twice, for the count and for the page).

The search finds a case by its patient's hospital number (the whole number, any case) or name (any part, or the
whole name in either order, with or without the space). What it selects is checked here against that definition
written in plain Python, on random names and searches; and that the patients' names are read once per page.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.records import search
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db
URL = reverse("records:list")


def _found(client, q: str) -> tuple[list[str], int]:
    """The hospital numbers of the first page of results, and how many results in all."""
    assert client.post(URL, {"q": q}).status_code == 302  # as the page posts it; then the list
    response = client.get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    return [case.patient.mrn for case in page.object_list], page.paginator.count


def _matches(patient, q: str) -> bool:
    """The search's definition (cases/models/patient.py `matching_q`), in plain Python: the text with its spaces
    squeezed, or as typed (without the spaces around it)."""
    family, given = patient.family_name.lower(), patient.given_name.lower()
    names = (family, given, family + given, f"{family} {given}", f"{given} {family}")
    return any(
        patient.mrn.lower() == typed or any(typed in name for name in names)
        for typed in (" ".join(q.split()).lower(), q.strip().lower())
    )


def test_it_selects_exactly_the_cases_of_its_definition(surgeon_client):
    rng = random.Random(16)
    syllables = ["an", "de", "li", "ma", "ro", "st", "张", "伟", "王", "芳", "o'", "-", " "]
    patients = []
    for n in range(40):
        family = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).strip() or "x"
        given = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).strip() or "y"
        patient = PatientFactory(mrn=f"S-{n:03d}", family_name=family.title(), given_name=given)
        CaseFactory(patient=patient)
        patients.append(patient)
    searches = ["s-007", "S-007 ", "S-00", "%", "_", "an de", "Ma", "张伟", " 伟 张 ", "li\tro", "-", "zz"]
    for patient in rng.sample(patients, 12):  # whole names in either order, and pieces across the two parts
        searches += [
            f"{patient.given_name} {patient.family_name}",
            f"{patient.family_name}{patient.given_name}".upper(),
            f"{patient.family_name[-2:]}{patient.given_name[:2]}",
            f"{patient.family_name[-1:]} {patient.given_name[:1]}",
        ]
    for q in searches:
        expected = sorted(p.mrn for p in patients if _matches(p, q))
        mrns, count = _found(surgeon_client, q)
        assert count == len(expected), q
        if count <= 25:
            assert sorted(mrns) == expected, q


def test_spaces_typed_in_haste_are_squeezed_and_a_name_saved_with_two_spaces_is_found_as_typed(
    surgeon_client,
):
    CaseFactory(patient=PatientFactory(mrn="EN-1", given_name="Ada", family_name="Lovelace"))
    CaseFactory(patient=PatientFactory(mrn="NL-1", given_name="Jan", family_name="Van  Der Berg"))
    CaseFactory(patient=PatientFactory(mrn="NL-2", given_name="Piet", family_name="van\u00a0Dijk"))
    assert _found(surgeon_client, "Ada   Lovelace") == (["EN-1"], 1)
    assert _found(surgeon_client, " lovelace\t ada ") == (["EN-1"], 1)
    assert _found(surgeon_client, "Van  Der") == (["NL-1"], 1)  # as saved, two spaces
    assert _found(surgeon_client, "van\u00a0dijk piet") == (["NL-2"], 1)  # a no-break space, as saved
    assert _found(surgeon_client, "Berg") == (["NL-1"], 1)


def _name_scans(queries) -> int:
    """The statements that test the patients' names (a LIKE over them)."""
    return sum(
        1 for query in queries if "LIKE" in query["sql"] and "given_name" in query["sql"].split("WHERE")[-1]
    )


def test_a_search_reads_the_patients_names_once(surgeon_client):
    for n in range(30):
        CaseFactory(patient=PatientFactory(mrn=f"Q-{n:03d}", family_name="Quill"))
    CaseFactory(patient=PatientFactory(mrn="O-1", family_name="Other"))
    assert _found(surgeon_client, "quill")[1] == 30
    with CaptureQueriesContext(connection) as ctx:
        response = surgeon_client.get(URL)
    assert len(response.context["page"].object_list) == 25
    assert _name_scans(ctx.captured_queries) == 1  # was 2: the page's count and the page itself
    with CaptureQueriesContext(connection) as ctx:
        response = surgeon_client.get(URL, {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert _name_scans(ctx.captured_queries) == 1


def test_a_search_that_matches_many_patients_still_finds_them_all(surgeon_client, monkeypatch):
    """Past `MATCHED_PATIENTS_LISTED` patients the cases are selected by a subquery (as before): the right cases,
    counted right, in the list's order."""
    monkeypatch.setattr(search, "MATCHED_PATIENTS_LISTED", 3)
    made = [CaseFactory(patient=PatientFactory(mrn=f"M-{n}", family_name="Many")) for n in range(5)]
    CaseFactory(patient=PatientFactory(mrn="O-1", family_name="Other"))
    mrns, count = _found(surgeon_client, "many")
    assert count == 5
    assert mrns == [case.patient.mrn for case in reversed(made)]  # the most recently updated first
    monkeypatch.setattr(search, "MATCHED_PATIENTS_LISTED", 10)
    assert _found(surgeon_client, "many") == (mrns, 5)


def test_the_search_leaves_out_archived_patients_and_cases(surgeon_client):
    from django.utils import timezone

    CaseFactory(patient=PatientFactory(mrn="GONE-1", family_name="Quill", archived_at=timezone.now()))
    CaseFactory(patient=PatientFactory(mrn="GONE-2", family_name="Quill"), archived_at=timezone.now())
    CaseFactory(patient=PatientFactory(mrn="KEPT-1", family_name="Quill"))
    assert _found(surgeon_client, "quill") == (["KEPT-1"], 1)
    assert _found(surgeon_client, "gone-1") == ([], 0)


def test_a_search_runs_as_many_queries_for_three_matches_as_for_thirty(surgeon_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert surgeon_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        CaseFactory(patient=PatientFactory(mrn=f"F-{n}", family_name="Quill"))
    assert _found(surgeon_client, "quill")[1] == 3
    few = queries()
    for n in range(3, 30):
        CaseFactory(patient=PatientFactory(mrn=f"F-{n}", family_name="Quill"))
    assert _found(surgeon_client, "quill")[1] == 30
    assert queries() == few
