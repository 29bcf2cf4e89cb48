"""Users and groups are deactivated, never deleted (issue 11, finding 5): deleting a user rewrote the audit
trail's author to "system"."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.models import Patient
from tests.factories import make_user
from tests.world import make_patient


@pytest.fixture
def superuser(db):
    return make_user("root", is_staff=True, is_superuser=True)


def test_the_admin_cannot_delete_a_user(client, superuser):
    victim = make_user("leaver")
    client.force_login(superuser)
    assert client.get(f"/admin/auth/user/{victim.pk}/delete/").status_code == 403
    assert client.post(f"/admin/auth/user/{victim.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert get_user_model().objects.filter(pk=victim.pk).exists()
    # Deactivating is the way: the change form offers "Active".
    assert 'name="is_active"' in client.get(f"/admin/auth/user/{victim.pk}/change/").content.decode()


def test_the_admin_cannot_delete_a_group(client, superuser):
    group = Group.objects.get(name="Nurse")
    client.force_login(superuser)
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_deactivated_author_keeps_their_name_in_the_history(client, superuser):
    author = make_user("leaver")
    patient = make_patient()
    record = patient.history.latest()
    record.history_user = author
    record.save()
    client.force_login(superuser)
    client.post(
        f"/admin/auth/user/{author.pk}/change/",
        {"username": "leaver", "is_active": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"},
    )
    author.refresh_from_db()
    assert author.is_active is False
    assert Patient.history.get(pk=record.pk).history_user == author
