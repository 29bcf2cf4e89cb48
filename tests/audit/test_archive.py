"""Archive instead of delete: services, confirmation views, and what disappears from lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.audit.archive import case_archive, case_unarchive, patient_archive, patient_unarchive
from cases.models import Case, Patient
from tests.world import make_world


@pytest.fixture
def world(db):
    return make_world()


def test_case_archive_and_unarchive_keep_the_record(world):
    case_archive(case=world.case, user=world.users["surgeon"])
    world.case.refresh_from_db()
    assert world.case.archived_at is not None
    assert world.case not in Case.objects.active()
    assert Case.objects.filter(pk=world.case.pk).exists()
    case_unarchive(case=world.case, user=world.users["surgeon"])
    world.case.refresh_from_db()
    assert world.case.archived_at is None
    assert world.case in Case.objects.active()


def test_archiving_twice_keeps_the_first_date(world):
    case_archive(case=world.case, user=world.users["surgeon"])
    first = Case.objects.get(pk=world.case.pk).archived_at
    case_archive(case=world.case, user=world.users["surgeon"])
    assert Case.objects.get(pk=world.case.pk).archived_at == first


def test_archiving_a_patient_hides_their_cases(world):
    patient_archive(patient=world.patient, user=world.users["admin"])
    assert world.patient not in Patient.objects.active()
    assert world.case not in Case.objects.active()
    patient_unarchive(patient=world.patient, user=world.users["admin"])
    assert world.case in Case.objects.active()


def test_the_archive_page_asks_for_confirmation_before_archiving(client, world):
    client.force_login(world.users["surgeon"])
    url = reverse("audit:case_archive", args=[world.case.id])
    response = client.get(url)
    assert response.status_code == 200
    assert "Archive this case?" in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).archived_at is None  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case.pk).archived_at is not None


def test_the_patient_archive_page_archives_on_post(client, world):
    client.force_login(world.users["admin"])
    url = reverse("audit:patient_archive", args=[world.patient.id])
    assert "Archive this patient?" in client.get(url).content.decode()
    client.post(url)
    assert Patient.objects.get(pk=world.patient.pk).archived_at is not None
    client.post(reverse("audit:patient_unarchive", args=[world.patient.id]))
    assert Patient.objects.get(pk=world.patient.pk).archived_at is None


@pytest.mark.parametrize("role", ["nurse", "coordinator", "norole"])
def test_people_who_cannot_edit_cannot_archive(client, world, role):
    client.force_login(world.users[role])
    assert client.post(reverse("audit:case_archive", args=[world.case.id])).status_code == 403
    assert client.post(reverse("audit:patient_archive", args=[world.patient.id])).status_code == 403
    assert Case.objects.get(pk=world.case.pk).archived_at is None
    assert Patient.objects.get(pk=world.patient.pk).archived_at is None


def test_no_page_offers_a_delete(client, world):
    from tests.urlwalk import walk_pages

    client.force_login(world.users["admin"])
    for _route, path, response in walk_pages(client, world):
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            text = response.content.decode().lower()
            assert ">delete" not in text, path


def test_lists_hide_archived_cases(client, world):
    """The case list and the follow-up worklist drop an archived case (and an archived patient's cases)."""
    from django.urls import NoReverseMatch

    client.force_login(world.users["admin"])
    lists = []
    for name in ("records:list", "followups:list"):
        try:
            lists.append(reverse(name))
        except NoReverseMatch:
            continue
    assert lists
    marker = world.case.short_id
    for url in lists:
        assert marker in client.get(url, {"tab": "all"}).content.decode(), url
    case_archive(case=world.case, user=world.users["surgeon"])
    for url in lists:
        assert marker not in client.get(url, {"tab": "all"}).content.decode(), url
    case_unarchive(case=world.case, user=world.users["surgeon"])
    patient_archive(patient=world.patient, user=world.users["admin"])
    for url in lists:
        assert marker not in client.get(url, {"tab": "all"}).content.decode(), url
