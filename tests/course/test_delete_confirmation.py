"""Deleting a course record asks first (a page naming what goes, no JavaScript needed) and is recorded in history."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cases.course import services as svc
from cases.models import DoseChange, FollowUpItem, ImagingAssessment, TherapyLine
from tests.course.helpers import line, scan
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(diagnosis_date=date(2025, 12, 1))


def delete_url(case, kind, obj):
    return reverse("course:delete", kwargs={"case_id": case.pk, "kind": kind, "pk": obj.pk})


def test_the_course_page_links_to_a_confirmation_not_a_one_click_delete(surgeon_client, surgeon, case):
    saved = line(case, surgeon)
    html = surgeon_client.get(reverse("course:page", kwargs={"case_id": case.pk})).content.decode()
    assert f'href="{delete_url(case, "line", saved)}"' in html
    assert f'action="{delete_url(case, "line", saved)}"' not in html


def test_the_confirmation_names_the_record_and_what_goes_with_it(surgeon_client, surgeon, case):
    saved = line(case, surgeon, start=date(2026, 2, 1))
    svc.dose_change_save(
        case=case,
        user=surgeon,
        data={
            "line": saved.pk,
            "change_date": date(2026, 6, 10),
            "dose_mg_per_day": Decimal(800),
            "reason": "PD",
        },
    )
    response = surgeon_client.get(delete_url(case, "line", saved))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete this therapy line?" in html
    assert "Imatinib 400 mg/day from 2026-02-01" in html
    assert "800 mg/day from 2026-06-10" in html  # its dose change goes with it
    assert "pending worklist items it made are cancelled" in html
    assert 'name="confirm" value="yes"' in html
    assert TherapyLine.objects.filter(pk=saved.pk).exists()


def test_a_post_without_the_confirmation_deletes_nothing(surgeon_client, surgeon, case):
    saved = scan(case, surgeon, date(2026, 2, 1), ("liver", 50))
    response = surgeon_client.post(delete_url(case, "scan", saved), {"version": "1"})
    assert response.status_code == 200
    assert "Delete this scan?" in response.content.decode()
    assert ImagingAssessment.objects.filter(pk=saved.pk).exists()


def test_the_confirmed_delete_is_recorded_with_who_and_why(surgeon_client, surgeon, case):
    saved = line(case, surgeon, start=date(2026, 2, 1))
    change = svc.dose_change_save(
        case=case,
        user=surgeon,
        data={
            "line": saved.pk,
            "change_date": date(2026, 6, 10),
            "dose_mg_per_day": Decimal(800),
            "reason": "PD",
        },
    )
    response = surgeon_client.post(delete_url(case, "line", saved), {"version": "1", "confirm": "yes"})
    assert response.status_code == 302
    assert not TherapyLine.objects.exists()
    gone = TherapyLine.history.get(id=saved.pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (surgeon, "Therapy line deleted")
    child = DoseChange.history.get(id=change.pk, history_type="-")
    assert (child.history_user, child.history_change_reason) == (surgeon, "Therapy line deleted (with it)")
    assert set(FollowUpItem.objects.values_list("status", flat=True)) == {"cancelled"}


def test_only_an_editor_sees_the_confirmation(client, nurse, outsider, surgeon, case):
    saved = line(case, surgeon)
    for user in (nurse, outsider):
        other = Client()
        other.force_login(user)
        assert other.get(delete_url(case, "line", saved)).status_code == 403
        assert (
            other.post(delete_url(case, "line", saved), {"version": "1", "confirm": "yes"}).status_code == 403
        )
    assert TherapyLine.objects.filter(pk=saved.pk).exists()
