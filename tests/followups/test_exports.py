"""Exports: the worklist's CSV (/followups/export/, written in the background), the iCalendar feed and its token
page, the printable list."""

import csv
import hashlib
import io
import re
from datetime import date

import icalendar
import pytest
import time_machine

from cases import roles
from cases.followups.services import calendar_token_create, item_add_manual
from cases.models import CalendarFeedToken
from tests.exports import csv_text, exported_csv
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield


@pytest.fixture
def items():
    anna = make_user(role=roles.NURSE, username="anna")
    stomach = make_case(surgery_date=None)
    rectum = make_case(site="rectum", surgery_date=None)
    return {
        "overdue": item_add_manual(
            case=stomach,
            user=None,
            due_date=date(2026, 5, 1),
            modality="ct_or_mri",
            reason="t",
            responsible_nurse=anna,
        ),
        "due": item_add_manual(case=rectum, user=None, due_date=date(2026, 6, 2), modality="mri", reason="t"),
        "later": item_add_manual(
            case=stomach,
            user=None,
            due_date=date(2026, 12, 1),
            modality="ct_or_mri",
            reason="t",
            responsible_nurse=make_user(role=roles.NURSE),
        ),
        "anna": anna,
        "stomach": stomach,
    }


def _csv(response):
    return list(csv.DictReader(io.StringIO(csv_text(response))))  # without the BOM, which is for Excel


def test_csv_exports_the_filtered_list(client, items):
    client.force_login(make_user(role=roles.NURSE))
    response = exported_csv(client, {"tab": "all"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="followups-all-2026-06-01.csv"'
    rows = _csv(response)
    assert [r["due_date"] for r in rows] == ["2026-05-01", "2026-06-02", "2026-12-01"]
    first = rows[0]
    patient = items["stomach"].patient
    assert (first["mrn"], first["family_name"], first["phone"]) == (
        patient.mrn,
        patient.family_name,
        "'" + patient.phone,  # "+44 20 ..." is a formula to Excel: escaped (cases/csv_safe.py)
    )
    assert first["state"] == "overdue"
    assert first["case"] == items["stomach"].short_id

    rows = _csv(exported_csv(client, {"tab": "all", "site": "rectum"}))
    assert [r["modality"] for r in rows] == ["MRI"]
    rows = _csv(exported_csv(client, {"tab": "overdue"}))
    assert [r["due_date"] for r in rows] == ["2026-05-01"]


def test_csv_neutralises_spreadsheet_formulas(client, items):
    patient = items["stomach"].patient
    patient.family_name = "=HYPERLINK(1)"
    patient.save()
    client.force_login(make_user(role=roles.NURSE))
    rows = _csv(exported_csv(client, {"tab": "overdue"}))
    assert rows[0]["family_name"] == "'=HYPERLINK(1)"
    # A phone number is escaped too: Excel reads "+44 20 ..." as a formula (see cases/csv_safe.py).
    assert rows[0]["phone"].startswith("'+44")


def test_csv_needs_a_role(client, items):
    assert client.post("/followups/export/").status_code == 302
    from tests.factories import make_user

    client.force_login(make_user(role=None))
    assert client.post("/followups/export/").status_code == 403


def test_the_feed_parses_and_holds_the_nurses_and_unassigned_items(client, items):
    token = calendar_token_create(user=items["anna"])
    response = client.get(f"/followups/calendar/{token.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{items['overdue'].pk}@gistcare", f"{items['due'].pk}@gistcare"}
    event = events[f"{items['overdue'].pk}@gistcare"]
    assert event.decoded("dtstart") == date(2026, 5, 1)
    summary = str(event["summary"])
    assert items["stomach"].short_id in summary
    assert items["stomach"].patient.mrn not in response.content.decode()
    assert items["stomach"].patient.family_name not in response.content.decode()


def test_each_event_links_to_its_cases_page_on_the_host_asked(client, items, settings):
    """The link is built once a feed with a stand-in id, swapped for each case's: only in the path (a reviewer's find:
    a host that held the stand-in was rewritten too)."""
    host = "00000000-0000-0000-0000-000000000000.example.org"
    settings.ALLOWED_HOSTS = [host]
    token = calendar_token_create(user=items["anna"])
    response = client.get(f"/followups/calendar/{token.token}.ics", HTTP_HOST=host)
    cal = icalendar.Calendar.from_ical(response.content)
    links = {str(e["uid"]): str(e["description"]).splitlines()[-1] for e in cal.walk("VEVENT")}
    assert links == {
        f"{items['overdue'].pk}@gistcare": f"http://{host}/followups/case/{items['stomach'].pk}/",
        f"{items['due'].pk}@gistcare": f"http://{host}/followups/case/{items['due'].case_id}/",
    }


def test_revoked_or_unknown_tokens_are_404(client, items):
    token = calendar_token_create(user=items["anna"])
    replacement = calendar_token_create(user=items["anna"])  # replacing revokes the first
    assert client.get(f"/followups/calendar/{token.token}.ics").status_code == 404
    assert client.get(f"/followups/calendar/{replacement.token}.ics").status_code == 200
    assert client.get("/followups/calendar/not-a-token.ics").status_code == 404
    items["anna"].is_active = False
    items["anna"].save()
    assert client.get(f"/followups/calendar/{replacement.token}.ics").status_code == 404


def test_the_token_page_creates_and_revokes(client, items):
    client.force_login(items["anna"])
    body = client.post("/followups/calendar/", {"action": "create"}).content.decode()
    record = CalendarFeedToken.objects.get(user=items["anna"], revoked_at__isnull=True)
    raw = re.search(r"/followups/calendar/([A-Za-z0-9_-]{40,})\.ics", body).group(1)
    # Only the hash is stored, and the address is shown once.
    assert record.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(CalendarFeedToken.objects.filter(pk=record.pk).values().get())
    assert client.get(f"/followups/calendar/{raw}.ics").status_code == 200
    assert raw not in client.get("/followups/calendar/").content.decode()
    client.post("/followups/calendar/", {"action": "revoke"})
    assert not CalendarFeedToken.objects.filter(revoked_at__isnull=True).exists()
    assert client.get(f"/followups/calendar/{raw}.ics").status_code == 404
    client.force_login(make_user(role=roles.SURGEON))
    assert client.get("/followups/calendar/").status_code == 403


def test_the_printable_list_carries_the_rows_and_print_css(client, items):
    client.force_login(make_user(role=roles.SURGEON))
    body = client.get("/followups/print/", {"tab": "all"}).content.decode()
    assert items["stomach"].patient.mrn in body
    assert "Follow-up list: All" in body
    assert "css/followups.css" in body
