"""The admin can read but never delete patients, cases or any audit history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from simple_history.models import registered_models

from cases.models import Case, Patient
from tests.factories import make_user
from tests.world import make_world


@pytest.fixture
def superuser(db):
    return make_user("root", is_staff=True, is_superuser=True)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_patients_and_cases_cannot_be_deleted(superuser):
    for model in (Patient, Case):
        model_admin = admin.site._registry[model]
        assert model_admin.has_delete_permission(_request(superuser)) is False


def test_every_history_table_is_registered_read_only(superuser):
    request = _request(superuser)
    for model in registered_models.values():
        historical = model.history.model
        assert admin.site.is_registered(historical), historical
        model_admin = admin.site._registry[historical]
        assert model_admin.has_delete_permission(request) is False
        assert model_admin.has_change_permission(request) is False
        assert model_admin.has_add_permission(request) is False


def test_no_clinical_model_can_be_deleted_in_the_admin(superuser):
    """Every tracked (clinical) model registered in the admin refuses deletion, including later ones."""
    request = _request(superuser)
    for model in registered_models.values():
        if admin.site.is_registered(model):
            assert admin.site._registry[model].has_delete_permission(request) is False, model


def test_bulk_delete_is_disabled(superuser):
    assert "delete_selected" not in dict(admin.site.actions)


def test_the_delete_page_is_refused(client, superuser):
    world = make_world()
    client.force_login(superuser)
    response = client.post(f"/admin/cases/case/{world.case.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Case.objects.filter(pk=world.case.pk).exists()
    response = client.get(f"/admin/cases/historicalcase/{world.case.history.first().history_id}/delete/")
    assert response.status_code == 403


def test_the_history_list_is_readable(client, superuser):
    make_world()
    client.force_login(superuser)
    assert client.get("/admin/cases/historicalcase/").status_code == 200


def test_the_history_list_names_each_record_and_who_changed_it(client, superuser):
    """The record's name (a case's reads its patient) and the user who changed it, read with the page."""
    world = make_world()
    client.force_login(superuser)
    html = client.get("/admin/cases/historicalcase/").content.decode()
    assert f"Case {world.case.short_id} of HOPPER, Grace (MRN4242XYZ)" in html
    html = client.get("/admin/cases/historicalfollowupitem/").content.decode()
    assert "Computed tomography" in html or "due 20" in html
    assert "nurse" in html


def test_a_cases_changes_are_each_named_by_the_case_and_its_patient(
    client, superuser, django_assert_max_num_queries
):
    """django-simple-history's list of one case's changes names every row by the case, whose name reads its
    patient: the patient comes with the page's query (it was read once a row), and the name is still printed."""
    world = make_world()
    for _ in range(3):
        world.case.save()
    client.force_login(superuser)
    url = f"/admin/cases/case/{world.case.pk}/history/"
    with django_assert_max_num_queries(20) as captured:
        html = client.get(url).content.decode()
    rows = world.case.history.count()
    assert rows >= 4
    listed = html[html.index("<tbody>") : html.index("</tbody>")]
    assert listed.count(f"Case {world.case.short_id} of HOPPER, Grace (MRN4242XYZ)") == rows
    # Once for the page's title (the case itself), not once a row.
    assert len([q for q in captured.captured_queries if 'FROM "cases_patient"' in q["sql"]]) == 1


@pytest.mark.parametrize("model", ["case", "patient"])
def test_a_past_version_opens_from_the_change_history(client, superuser, model):
    """Each row of the change history links to the record as it was (django-simple-history's form view, which
    draws through the same render_history_view without a page of rows): it answered 500 after de9a756."""
    world = make_world()
    record = world.case if model == "case" else world.case.patient
    record.save()
    version = record.history.first()
    client.force_login(superuser)
    response = client.get(f"/admin/cases/{model}/{record.pk}/history/{version.history_id}/")
    assert response.status_code == 200
    assert "HOPPER" in response.content.decode().upper()
