"""cases.access: each loader checks the permission before looking the record up.

A user who may not use a view gets the same 403 for a record that exists and for an id that does not, so
nobody can probe which ids exist; a user who may gets 404 for an id that does not exist.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests.world import make_world

RANDOM = uuid.UUID("0b1f7e52-6a3c-4d55-9a0e-2f4b7c1d9e80")


@pytest.fixture
def world(db):
    return make_world()


# (url name, how to build its kwargs from an id of the object it loads, refused role, allowed role, method)
LOADERS = [
    ("records:case", lambda w, i: {"case_id": i}, "norole", "surgeon", "get"),
    ("records:step", lambda w, i: {"case_id": i, "step": "presentation"}, "nurse", "surgeon", "get"),
    ("records:panel", lambda w, i: {"case_id": i}, "coordinator", "surgeon", "get"),
    ("audit:history", lambda w, i: {"case_id": i}, "norole", "nurse", "get"),
    ("audit:case_archive", lambda w, i: {"case_id": i}, "nurse", "surgeon", "get"),
    ("audit:patient_archive", lambda w, i: {"patient_id": i}, "coordinator", "surgeon", "get"),
    ("mdt:meeting", lambda w, i: {"meeting_id": i}, "norole", "nurse", "get"),
    ("mdt:printout", lambda w, i: {"meeting_id": i}, "norole", "nurse", "get"),
    ("mdt:printout", lambda w, i: {"meeting_id": i}, "norole", "nurse", "post"),
    (
        "mdt:printout_status",
        lambda w, i: {"meeting_id": w.objects["meeting"].pk, "job_id": i},
        "norole",
        "nurse",
        "get",
    ),
    (
        "mdt:printout_download",
        lambda w, i: {"meeting_id": w.objects["meeting"].pk, "job_id": i},
        "norole",
        "nurse",
        "get",
    ),
    ("mdt:case_agenda_add", lambda w, i: {"case_id": i}, "surgeon", "coordinator", "get"),
    (
        "mdt:sign",
        lambda w, i: {"meeting_id": w.objects["meeting"].pk, "item_id": i},
        "coordinator",
        "chair",
        "post",
    ),
    ("mdt:report", lambda w, i: {"case_id": i}, "norole", "nurse", "get"),
    ("mdt:report_amend", lambda w, i: {"case_id": i}, "surgeon", "chair", "get"),
    ("followups:case", lambda w, i: {"case_id": i}, "norole", "surgeon", "get"),
    ("followups:case_add", lambda w, i: {"case_id": i}, "surgeon", "nurse", "post"),
    ("followups:case_recurrent", lambda w, i: {"case_id": i}, "nurse", "surgeon", "post"),
    ("followups:item_action", lambda w, i: {"item_id": i, "action": "done"}, "surgeon", "nurse", "get"),
]

EXISTING = {
    "case_id": lambda w: w.case.id,
    "patient_id": lambda w: w.patient.id,
    "meeting_id": lambda w: w.objects["meeting"].pk,
    "item_id": None,  # depends on the view: an agenda item or a follow-up item
    "job_id": lambda w: w.objects["printout_job"].pk,
}


def _existing_id(world, name: str, kwargs_of) -> uuid.UUID:
    probe = kwargs_of(world, RANDOM)
    (key,) = [k for k, v in probe.items() if v == RANDOM]
    if key == "item_id":
        return world.objects["agenda_item" if name.startswith("mdt:") else "followup_item"].pk
    return EXISTING[key](world)


@pytest.mark.parametrize(
    ("name", "kwargs_of", "refused", "allowed", "method"), LOADERS, ids=[r[0] for r in LOADERS]
)
def test_it_refuses_a_random_id_and_a_forbidden_id_alike(
    client, world, name, kwargs_of, refused, allowed, method
):
    client.force_login(world.user(refused))
    existing = reverse(name, kwargs=kwargs_of(world, _existing_id(world, name, kwargs_of)))
    random = reverse(name, kwargs=kwargs_of(world, RANDOM))
    assert getattr(client, method)(existing).status_code == 403
    assert getattr(client, method)(random).status_code == 403


@pytest.mark.parametrize(
    ("name", "kwargs_of", "refused", "allowed", "method"), LOADERS, ids=[r[0] for r in LOADERS]
)
def test_it_answers_404_for_a_random_id_to_a_user_who_may(
    client, world, name, kwargs_of, refused, allowed, method
):
    client.force_login(world.user(allowed))
    assert getattr(client, method)(reverse(name, kwargs=kwargs_of(world, RANDOM))).status_code == 404
