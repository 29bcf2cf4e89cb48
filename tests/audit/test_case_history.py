"""The History tab: who changed which field of the case and its records, when, before and after."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.audit.history import audited_models, case_audit_trail
from cases.models import Case, Pathology, Presentation
from tests.factories import edit_case_and_patient
from tests.world import make_world


@pytest.fixture
def world(db):
    return make_world()


def _edit_as(user, obj, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()


def test_it_lists_field_changes_with_readable_labels_and_the_author(client, world):
    surgeon, admin = world.users["surgeon"], world.users["admin"]
    _edit_as(surgeon, world.case.pathology, mitoses_per_5mm2=12, genotype="pdgfra_d842v")
    _edit_as(admin, world.case.presentation, site="duodenum", gastric_location="")
    client.force_login(world.users["nurse"])
    response = client.get(reverse("audit:history", args=[world.case.id]))
    assert response.status_code == 200
    body = re.sub(r"\s+", " ", response.content.decode())
    assert "Mitoses per 5 mm²</th><td>8</td><td>12</td>" in body
    assert "Genotype</th><td>KIT exon 11</td><td>PDGFRA D842V</td>" in body
    assert "Primary site</th><td>Stomach</td><td>Duodenum</td>" in body
    assert "Location within the stomach</th><td>Greater curvature</td><td>—</td>" in body
    assert "Surgeon Tester" in body
    assert "Admin Tester" in body


def test_events_are_newest_first_and_name_section_action_and_author(world):
    surgeon = world.users["surgeon"]
    _edit_as(surgeon, world.case.operation, margin="R1")
    events = case_audit_trail(world.case)
    newest = events[0]
    assert (newest.section, newest.action, newest.who) == ("Operation", "changed", "Surgeon Tester")
    assert [(c.label, c.before, c.after) for c in newest.changes] == [
        ("Margin", "R0 (microscopically clear)", "R1 (microscopic residual)")
    ]
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    sections = {e.section for e in events if e.action == "created"}
    assert {"Patient", "Case", "Presentation", "Diagnostics", "Operation", "Pathology"} <= sections


def test_a_save_without_changes_adds_no_event(world):
    before = len(case_audit_trail(world.case))
    world.case.pathology.save()
    assert len(case_audit_trail(world.case)) == before


def test_patient_changes_appear_on_the_case(world):
    _edit_as(world.users["admin"], world.patient, phone="01234 567890")
    newest = case_audit_trail(world.case)[0]
    assert newest.section == "Patient"
    assert newest.changes == [type(newest.changes[0])("Phone", "—", "01234 567890")]


def test_other_cases_do_not_leak_into_the_trail(world):
    other = Case.objects.create(patient=world.patient, owner=world.users["surgeon"])
    Presentation.objects.create(case=other, site="rectum", size_cm=2)
    Pathology.objects.create(case=other, mitoses_per_5mm2=99)
    labels = [c.after for e in case_audit_trail(world.case) for c in e.changes]
    assert "99" not in labels
    assert "Rectum" not in labels


def test_every_tracked_model_attached_to_a_case_is_audited():
    names = {model.__name__ for model, _ in audited_models()}
    assert {"Case", "Presentation", "Diagnostics", "Operation", "Pathology", "TreatmentDecision"} <= names


def test_archiving_is_in_the_history(client, world):
    client.force_login(world.users["surgeon"])
    client.post(reverse("audit:case_archive", args=[world.case.id]))
    newest = case_audit_trail(world.case)[0]
    assert newest.section == "Case"
    assert newest.changes[0].label == "Archived at"
    assert newest.who == "Surgeon Tester"


def test_people_without_a_role_are_refused(client, world):
    client.force_login(world.users["norole"])
    assert client.get(reverse("audit:history", args=[world.case.id])).status_code == 403


def test_follow_up_work_appears_in_the_case_history(world):
    from datetime import date

    from cases.followups import services as svc

    item = world.objects["followup_item"]
    nurse = world.users["nurse"]
    svc.item_record_contact(
        item=item, user=nurse, expected_version=item.version, outcome="reached", notes="ok"
    )
    item.refresh_from_db()
    svc.item_mark_done(
        item=item, user=nurse, expected_version=item.version, completed_date=date(2026, 1, 20), result="ned"
    )
    events = case_audit_trail(world.case)
    sections = {e.section for e in events}
    assert {"Follow up item", "Contact attempt"} <= sections
    done = next(e for e in events if e.section == "Follow up item" and e.action == "changed")
    assert done.who == "Nurse Tester"
    assert ("Status", "Pending", "Done") in {(c.label, c.before, c.after) for c in done.changes}
    assert ("Result", "—", "No evidence of disease") in {(c.label, c.before, c.after) for c in done.changes}


# --- A long history in pages (issue 16: a case with 273 changes drew them all, 215 ms, 215x the bare view) ---


def _phones_on_page(body: str) -> list[str]:
    """The patient's telephone numbers as the page prints them after the change (each edit of the patient gives it a new one)."""
    return re.findall(r"Phone</th><td>[^<]*</td><td>\+44 20 7946 (\d{4})</td>", re.sub(r"\s+", " ", body))


def test_a_long_history_is_shown_fifty_changes_a_page_newest_first(client, world):
    edit_case_and_patient(world.case, 60)  # 120 changes, besides the case's creation
    total = len(case_audit_trail(world.case))
    client.force_login(world.users["nurse"])
    url = reverse("audit:history", args=[world.case.id])
    first = client.get(url)
    body = first.content.decode()
    assert first.status_code == 200
    # The newest 50 changes: 25 saves of the patient (0059 back to 0035), each beside a save of the case.
    assert _phones_on_page(body) == [f"{n:04d}" for n in range(59, 34, -1)]
    assert body.count('<li class="card mb-3">') == 50
    pages = -(-total // 50)
    assert f"Page 1 of {pages}" in body
    # The pages are offered above the changes and below them, each named for a screen reader.
    assert 'aria-label="Pages of the history"' in body
    assert 'aria-label="Pages of the history, after the changes"' in body
    assert body.count(f"Page 1 of {pages}") == 2
    assert f"Changes 1 to 50, of {total}, newest first" in body
    assert 'href="?page=2"' in body
    assert "?page=0" not in body
    second = client.get(url, {"page": "2"}).content.decode()
    assert _phones_on_page(second) == [f"{n:04d}" for n in range(34, 9, -1)]
    assert 'href="?page=1"' in second
    assert 'href="?page=3"' in second
    assert f"Changes 51 to 100, of {total}, newest first" in second
    # The oldest page ends with the case's creation.
    last = client.get(url, {"page": str(pages)}).content.decode()
    assert last.count('<li class="card mb-3">') == total - 50 * (pages - 1)
    assert "Patient</strong> <span>created" in re.sub(r"\s+", " ", last)


def test_a_page_number_that_is_not_one_is_answered_with_a_page_not_an_error(client, world):
    edit_case_and_patient(world.case, 30)
    total = len(case_audit_trail(world.case))
    pages = -(-total // 50)
    client.force_login(world.users["nurse"])
    url = reverse("audit:history", args=[world.case.id])
    for value, shown in (("abc", 1), ("", 1), ("0", pages), ("-3", pages), ("999", pages)):
        response = client.get(url, {"page": value})
        assert response.status_code == 200, value
        assert f"Page {shown} of {pages}" in response.content.decode(), value


def test_a_short_history_has_no_pages(client, world):
    client.force_login(world.users["nurse"])
    body = client.get(reverse("audit:history", args=[world.case.id])).content.decode()
    assert "Page 1 of" not in body
    assert "?page=" not in body
