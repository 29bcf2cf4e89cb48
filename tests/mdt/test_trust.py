"""Issue 10 (MDT part): what the MDT signs is what the case says, and nobody can be misled by it.

One test (at least) per finding of the issue: 1 signing before the meeting / one click, 2 a silently stale
signed report, 3 the engine's plan printed over the MDT's modification, 4 a surgeon's plan printed as an MDT
decision, 5 amend without a diff or the right meeting, 10 a name in the agenda search URL, 11 the agenda's
double bookings, unmarked drafts and Remove after a decision. Expected values are worked out by hand from
RULES.md (cited where used).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from cases.mdt.drift import changes_since_signed
from cases.mdt.services import (
    agenda_add,
    agenda_move,
    agenda_remove,
    decision_record,
    meeting_create,
    meeting_virtual_today,
    report_amend,
    report_sign,
)
from cases.models import AgendaItem, AgendaItemStatus, Case, SignedReport
from cases.records.step_fields import PATHOLOGY_FIELDS, TREATMENT_FIELDS
from tests.factories import (
    PASSWORD,
    CaseFactory,
    PatientFactory,
    contract_example_case,
    make_case,
    meeting_with_case,
    pdf_pages_text,
    signed_report,
)

pytestmark = pytest.mark.django_db

QUORATE = "Dr A, surgeon (chair)\nDr B, oncologist\nDr C, pathologist\nDr D, radiologist"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _save_pathology(case: Case, user, **changes) -> Case:
    """Save the pathology step through the wizard as `user` (who is recorded in the history), with `changes`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    data = {k: "" if v is None else v for k, v in _pathology_step(case, **changes).items()}
    data = {k: v for k, v in data.items() if v is not False}  # an unticked box is not posted
    response = client.post(reverse("records:step", args=[case.pk, "pathology"]), {**data, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.with_sections().get(pk=case.pk)


def _pathology_step(case: Case, **changes) -> dict:
    """The pathology step's full data as saved now, with `changes` (the step saves every field it shows)."""
    case = Case.objects.with_sections().get(pk=case.pk)
    data = {name: getattr(case.pathology, name) for name in PATHOLOGY_FIELDS}
    data |= {name: getattr(case.treatment, name) for name in TREATMENT_FIELDS}
    return {**data, **changes}


def _twelve_mitoses_case() -> Case:
    """The issue's case: gastric 6.5 cm, 12 mitoses (AFIP high 55%, TNM IIIA), resected 2026-01-15."""
    case = contract_example_case(given_name="Ada", family_name="O'Neill", mrn="MRN555001")
    case.pathology.mitoses_per_5mm2 = 12
    case.pathology.save()
    return Case.objects.with_sections().get(pk=case.pk)


# Finding 1: signing is an attestation --------------------------------------------------------------------


def test_it_refuses_to_sign_before_the_meeting_date(coordinator, chair):
    case = contract_example_case()
    future = timezone.localdate() + timedelta(days=14)
    meeting, item = meeting_with_case(coordinator=coordinator, case=case, when=future)
    decision_record(item=item, user=chair, decision="accept")
    with pytest.raises(ValidationError, match="on or after that day"):
        report_sign(item=item, user=chair, password=PASSWORD)
    assert not SignedReport.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECIDED

    # Between meetings: today's virtual MDT.
    virtual = meeting_virtual_today(user=coordinator)
    assert (virtual.date, virtual.is_virtual, virtual.label) == (
        timezone.localdate(),
        True,
        f"virtual MDT {timezone.localdate():%d %b %Y}",
    )
    assert meeting_virtual_today(user=chair) == virtual  # one per day
    now_item = agenda_add(meeting=virtual, case=case, user=coordinator, confirm_double_booking=True)
    decision_record(item=now_item, user=chair, decision="accept")
    report = report_sign(item=now_item, user=chair, password=PASSWORD)
    assert report.meeting == virtual


def test_a_wrong_password_signs_nothing(coordinator, chair):
    case = contract_example_case()
    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision="accept")
    for wrong in ("", "pw-for-tests-2", PASSWORD.upper()):
        with pytest.raises(ValidationError) as exc:
            report_sign(item=item, user=chair, password=wrong)
        assert exc.value.message_dict["password"] == [
            "The password is not correct: nothing was signed. Re-enter your own password to sign."
        ]
    assert not SignedReport.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISCUSSED
    # Provisional items from the assessment may exist (issue 12.5); nothing definitive was generated.
    assert not case.followups.filter(provisional=False).exists()


def test_the_sign_page_states_the_meaning_and_asks_for_the_password(client, coordinator, chair):
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    meeting, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision="accept")
    client.force_login(chair)
    url = reverse("mdt:sign", args=[meeting.id, item.id])
    html = _flat(client.get(url).content.decode())
    assert "I confirm this is the MDT's decision for Ada Lovelace, MRN MRN424242." in html.replace(
        "&#x27;", "'"
    )
    assert 'type="password"' in html
    assert "Quorum not met" not in html  # the factory's meeting has all four disciplines

    response = client.post(url, {"password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct: nothing was signed" in response.content.decode()
    assert not SignedReport.objects.exists()

    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert SignedReport.objects.get(case=case).signed_by == chair


def test_the_sign_page_shows_a_quorum_that_is_not_met(client, coordinator, chair, settings):
    meeting = meeting_create(
        user=coordinator, date=date(2026, 2, 3), title="GIST MDT", attendees="Dr A, surgeon\nDr B, oncologist"
    )
    item = agenda_add(meeting=meeting, case=contract_example_case(), user=coordinator)
    decision_record(item=item, user=chair, decision="accept")
    client.force_login(chair)
    url = reverse("mdt:sign", args=[meeting.id, item.id])
    html = client.get(url).content.decode()
    assert "Quorum not met" in html
    assert "no pathologist, radiologist recorded as present" in html
    # The rule is a setting: a quorum of surgeon and oncologist is met.
    settings.GISTCARE_MDT_QUORUM = ["surgeon", "oncologist"]
    assert "Quorum not met" not in client.get(url).content.decode()


def test_the_signed_pdf_prints_signer_role_meeting_attendance_and_time(coordinator, chair):
    report = signed_report(coordinator=coordinator, chair=chair, case=contract_example_case())
    text = _flat(" ".join(pdf_pages_text(bytes(report.pdf))))
    signed_at = timezone.localtime(report.signed_at)
    assert (
        f"Signed by Charles Chairman, MDT chair (Surgeon), on {signed_at:%Y-%m-%d} at {signed_at:%H:%M}"
        in text
    )
    assert "at GIST MDT (03 Feb 2026)" in text
    for part in ("Surgeon: Dr A", "Oncologist: Dr B", "Pathologist: Dr C", "Radiologist: Dr D"):
        assert part in text
    assert report.attendees[0] == {"name": "Dr A", "discipline": "surgeon"}


def test_the_case_page_shows_the_sha256_of_the_signed_pdf(client, coordinator, chair, nurse):
    case = contract_example_case()
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    client.force_login(nurse)
    pdf = client.get(reverse("mdt:report_pdf", args=[case.id])).content
    html = client.get(reverse("records:case", args=[case.id])).content.decode()
    assert hashlib.sha256(pdf).hexdigest() in html
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_deferred_case_stays_on_the_list_for_the_next_meeting(client, coordinator, chair):
    case = contract_example_case()
    meeting, item = meeting_with_case(coordinator=coordinator, case=case)
    with pytest.raises(ValidationError) as exc:
        decision_record(item=item, user=chair, decision="defer")
    assert "deferral_need" in exc.value.message_dict
    decision_record(item=item, user=chair, decision="defer", deferral_need="imaging", text="MRI liver")
    case.refresh_from_db()
    assert case.needs_mdt_review
    assert case.mdt_review_reason == "Deferred at GIST MDT (03 Feb 2026): further imaging (MRI liver)"
    with pytest.raises(ValidationError, match="not a decision to sign"):
        report_sign(item=item, user=chair, password=PASSWORD)

    following = meeting_create(user=coordinator, date=timezone.localdate() + timedelta(days=7), title="Next")
    client.force_login(coordinator)
    html = client.get(reverse("mdt:meeting", args=[following.id])).content.decode()
    assert "Flagged for re-discussion" in html
    assert "Deferred at GIST MDT (03 Feb 2026): further imaging (MRI liver)" in html


def test_not_discussed_also_stays_on_the_list(coordinator, chair):
    case = contract_example_case()
    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision="not_discussed")
    case.refresh_from_db()
    assert (case.needs_mdt_review, case.mdt_review_reason, case.status) == (
        True,
        "Not discussed at GIST MDT (03 Feb 2026)",
        CaseStatus.ASSESSED,
    )


# Finding 2: a signed report never goes silently stale --------------------------------------------------


def test_an_edit_after_signing_marks_the_case_and_says_what_changed(client, coordinator, chair, surgeon):
    case = _twelve_mitoses_case()
    report = signed_report(coordinator=coordinator, chair=chair, case=case)
    assert report.result["risk"]["afip"] == {"category": "high", "progression_pct": 55}
    client.force_login(surgeon)
    pdf_url = reverse("mdt:report_pdf", args=[case.id])
    before = client.get(pdf_url).content

    case = _save_pathology(case, surgeon, mitoses_per_5mm2=4)
    assert case.changed_since_signed
    assert case.status == CaseStatus.FINALISED
    latest = case.assessments.order_by("-created_at").first()
    assert latest.result["risk"]["afip"] == {"category": "low", "progression_pct": 3.6}  # RULES.md 2.3
    assert latest.result["risk"]["tnm"]["stage"] == "IB"  # RULES.md 2.4: gastric T3 N0 M0 low
    changes = changes_since_signed(case)
    assert [(c.section, c.field, c.old, c.new, c.who) for c in changes] == [
        ("Pathology", "Mitoses per 5 mm²", "12", "4", "Sam Cutter")
    ]
    # The signed PDF is the stored one, byte for byte.
    assert client.get(pdf_url).content == before
    assert hashlib.sha256(before).hexdigest() == report.pdf_sha256

    for name, args in (("records:case", [case.id]), ("mdt:report", [case.id])):
        html = client.get(reverse(name, args=args)).content.decode()
        assert "Changed since signed" in html, name
        assert "Mitoses per 5 mm²: 12 &rarr; 4" in html or "Mitoses per 5 mm²: 12 → 4" in html, name
        assert reverse("mdt:case_agenda_add", args=[case.id]) in html, name
    assert 'data-testid="changed-since-signed"' in client.get(reverse("records:list")).content.decode()
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-changed-since-signed"' in home
    assert case.short_id in home


def test_successive_edits_after_signing_are_each_listed_against_the_one_before(coordinator, chair, surgeon):
    """Each change is read against the record's previous version (the one before it, not the signed one), the
    previous versions of all the changes read together (issue 16: one query per change before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = _twelve_mitoses_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    for mitoses in (4, 6, 9):
        case = _save_pathology(case, surgeon, mitoses_per_5mm2=mitoses)
    with CaptureQueriesContext(connection) as three_edits:
        changes = changes_since_signed(case)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("Mitoses per 5 mm²", "12", "4"),
        ("Mitoses per 5 mm²", "4", "6"),
        ("Mitoses per 5 mm²", "6", "9"),
    ]
    for mitoses in (3, 5, 7, 8):
        case = _save_pathology(case, surgeon, mitoses_per_5mm2=mitoses)
    with CaptureQueriesContext(connection) as seven_edits:
        changes = changes_since_signed(case)
    assert [(c.old, c.new) for c in changes][-2:] == [("5", "7"), ("7", "8")]
    assert len(seven_edits) == len(three_edits)


def test_of_two_versions_saved_at_the_same_instant_the_one_written_last_is_the_previous(
    coordinator, chair, surgeon
):
    """simple_history's prev_record leaves a tie on history_date to the database; the list takes the version written
    last (the highest history_id), whichever database runs it."""
    from cases.models import Pathology

    case = _twelve_mitoses_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    for mitoses in (4, 6):
        case = _save_pathology(case, surgeon, mitoses_per_5mm2=mitoses)
    first, second = Pathology.history.filter(case_id=case.pk).order_by("-history_id")[:2][::-1]
    Pathology.history.filter(history_id=second.history_id).update(history_date=first.history_date)
    case = _save_pathology(case, surgeon, mitoses_per_5mm2=9)
    assert [(c.old, c.new) for c in changes_since_signed(case)][-1] == ("6", "9")


def test_saving_a_step_unchanged_does_not_mark_the_case(coordinator, chair, surgeon):
    case = _twelve_mitoses_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    case = _save_pathology(case, surgeon)
    assert not case.changed_since_signed
    assert changes_since_signed(case) == []


def test_an_amendment_clears_the_mark(coordinator, chair, surgeon):
    case = _twelve_mitoses_case()
    first = signed_report(coordinator=coordinator, chair=chair, case=case)
    case = _save_pathology(case, surgeon, mitoses_per_5mm2=4)
    assert case.changed_since_signed
    report_amend(report=first, reason="Mitotic count corrected", user=chair, password=PASSWORD)
    case.refresh_from_db()
    assert not case.changed_since_signed
    assert changes_since_signed(case) == []


# Finding 3: the decision wins --------------------------------------------------------------------------


def test_a_modified_first_line_dose_replaces_the_engines(coordinator, chair):
    # Metastatic KIT exon 9 under ESMO: imatinib 800 mg/day first line (RULES.md section 6).
    case = make_case(
        presentation="metastatic", surgery_date=None, genotype="kit_exon_9", histology_confirmed=True
    )
    from cases.models import Pathology

    Pathology.objects.create(case=case, genotype="kit_exon_9")
    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(
        item=item,
        user=chair,
        decision="modify",
        reason="Poor tolerance expected at 800 mg",
        modifications={"first_line_dose": "400 mg once daily"},
    )
    report = report_sign(item=item, user=chair, password=PASSWORD)
    assert report.result["systemic_lines"][0]["dose"] == "800 mg daily"
    assert report.modifications == {"first_line_dose": "400 mg once daily"}
    text = _flat(" ".join(pdf_pages_text(bytes(report.pdf))))
    assert "400 mg once daily" in text
    assert "Guideline suggestion, not adopted: 800 mg daily" in text
    assert "Reason: Poor tolerance expected at 800 mg" in text


def test_adjuvant_declined_by_the_mdt_sets_the_schedule_to_no_adjuvant(coordinator, chair):
    # Contract example: high risk, adjuvant recommended 36 months. Declined: A = 0 (RULES.md section 8), so
    # months 3..24 every 3 (8 visits), 30..60 every 6 (6), 72..120 every 12 (5): 19 visits from 2026-04-15
    # to 2036-01-15 (surgery 2026-01-15).
    case = contract_example_case()
    report = signed_report(
        coordinator=coordinator, chair=chair, case=case, decision="modify", reason="Patient declines imatinib"
    )
    assert report.result["adjuvant"]["recommendation"] == "recommended"
    visits = report.result["surveillance"]
    assert (len(visits), visits[0]["due"], visits[-1]["due"]) == (19, "2026-04-15", "2036-01-15")
    dues = list(case.followups.order_by("due_date").values_list("due_date", flat=True))
    assert (len(dues), dues[0], dues[-1]) == (19, date(2026, 4, 15), date(2036, 1, 15))
    text = _flat(" ".join(pdf_pages_text(bytes(report.pdf))))
    assert "MDT decision: adjuvant imatinib declined" in text
    assert (
        "Guideline suggestion, not adopted: Patient declines imatinib: Recommended: Imatinib 400 mg/day for 36 months"
        in text
    )


def test_a_dose_without_adjuvant_given_is_refused(coordinator, chair):
    _, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    with pytest.raises(ValidationError) as exc:
        decision_record(
            item=item, user=chair, decision="modify", reason="x", modifications={"adjuvant_dose_mg": "400"}
        )
    assert "adjuvant_dose_mg" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        decision_record(item=item, user=chair, decision="modify", reason="Because")
    assert "Say what the MDT changes" in str(exc.value)


# Finding 4: nothing the surgeon enters is printed as an MDT decision ----------------------------------


def test_a_surgeons_adjuvant_plan_is_not_printed_as_an_mdt_decision(client, surgeon):
    case = contract_example_case()
    case.treatment.adjuvant_decision = "given"
    case.treatment.save()
    client.force_login(surgeon)
    html = _flat(client.get(reverse("mdt:report", args=[case.id])).content.decode())
    assert "MDT decision recorded" not in html
    assert "MDT decision:" not in html
    assert "Adjuvant imatinib given: planned by the surgeon, not yet an MDT decision" in html
    pdf = _flat(" ".join(pdf_pages_text(client.get(reverse("mdt:report_pdf", args=[case.id])).content)))
    assert "MDT decision recorded" not in pdf
    assert "planned by the surgeon" in pdf


# Finding 5: amend from the case page, with a diff, at a named meeting ---------------------------------


def test_amend_shows_a_field_by_field_diff_and_names_the_virtual_meeting(client, coordinator, chair, surgeon):
    case = _twelve_mitoses_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    case = _save_pathology(case, surgeon, mitoses_per_5mm2=4)
    client.force_login(chair)
    amend_url = reverse("mdt:report_amend", args=[case.id])
    assert amend_url in client.get(reverse("records:case", args=[case.id])).content.decode()
    html = _flat(client.get(amend_url).content.decode())
    assert re.search(r"Mitoses per 5 mm².*?</th><td>12</td><td>4</td>", html)
    assert re.search(r"AFIP progression risk.*?</th><td>High \(55%\)</td><td>Low \(3.6%\)</td>", html)
    assert re.search(r"TNM stage.*?</th><td>IIIA [^<]*</td><td>IB [^<]*</td>", html)
    assert re.search(r"<th scope=\"row\">Patient</th><td>Ada O&#x27;Neill</td>", html)  # unchanged row

    response = client.post(
        amend_url, {"reason": "Mitotic count corrected", "decision": "accept", "password": PASSWORD}
    )
    assert response.status_code == 302
    amended = SignedReport.objects.get(case=case, version=2)
    assert amended.meeting.is_virtual
    text = _flat(" ".join(pdf_pages_text(bytes(amended.pdf))))
    assert f"at virtual MDT {timezone.localdate():%d %b %Y}" in text
    assert "GIST MDT (03 Feb 2026)" not in text


# Finding 10: no identifier in a URL ---------------------------------------------------------------------


def test_the_agenda_search_is_posted_and_a_query_string_is_ignored(client, coordinator):
    meeting = meeting_create(user=coordinator, date=date(2026, 3, 2), title="GIST MDT")
    CaseFactory(patient=PatientFactory(family_name="O'Neill", mrn="MRN9001"))
    client.force_login(coordinator)
    page = client.get(reverse("mdt:meeting", args=[meeting.id]), {"q": "O'Neill"}).content.decode()
    assert "MRN9001" not in page
    assert re.search(r'<form method="post" action="[^"]*/search/" role="search"', page)
    found = client.post(reverse("mdt:search", args=[meeting.id]), {"q": "O'Neill"}).content.decode()
    assert "MRN9001" in found


# Finding 11: the agenda ---------------------------------------------------------------------------------


def test_booking_a_case_on_two_upcoming_meetings_needs_a_confirmation(client, coordinator):
    case = contract_example_case()
    soon = timezone.localdate() + timedelta(days=7)
    first = meeting_create(user=coordinator, date=soon, title="First")
    second = meeting_create(user=coordinator, date=soon + timedelta(days=7), title="Second")
    agenda_add(meeting=first, case=case, user=coordinator)
    with pytest.raises(ValidationError, match="already on the agenda of First"):
        agenda_add(meeting=second, case=case, user=coordinator)
    assert not second.items.exists()

    client.force_login(coordinator)
    url = reverse("mdt:agenda_add", args=[second.id])
    response = client.post(url, {"case": str(case.id)})
    assert response.status_code == 409
    assert "Book it here too" in response.content.decode()
    assert not second.items.exists()
    response = client.post(url, {"case": str(case.id), "confirm_double_booking": "1"})
    assert response.status_code == 302
    assert second.items.filter(case=case).exists()


def test_drafts_are_labelled_and_decided_items_cannot_be_removed(client, coordinator, chair):
    meeting = meeting_create(user=coordinator, date=date(2026, 2, 3), title="GIST MDT", attendees=QUORATE)
    draft = agenda_add(meeting=meeting, case=CaseFactory(), user=coordinator)
    decided = agenda_add(meeting=meeting, case=contract_example_case(), user=coordinator)
    decision_record(item=decided, user=chair, decision="accept")
    client.force_login(coordinator)
    html = client.get(reverse("mdt:meeting", args=[meeting.id])).content.decode()
    assert html.count('data-testid="draft-label"') == 1
    assert reverse("mdt:agenda_remove", args=[meeting.id, draft.id]) in html
    assert reverse("mdt:agenda_remove", args=[meeting.id, decided.id]) not in html
    with pytest.raises(ValidationError, match="recorded decision stays on the agenda"):
        agenda_remove(item=decided, user=coordinator)
    assert AgendaItem.objects.filter(pk=decided.pk).exists()


def test_the_agenda_order_can_be_changed(client, coordinator):
    meeting = meeting_create(user=coordinator, date=date(2026, 3, 2), title="GIST MDT")
    a, b, c = (agenda_add(meeting=meeting, case=CaseFactory(), user=coordinator) for _ in range(3))
    agenda_move(item=c, user=coordinator, offset=-1)
    assert list(meeting.items.order_by("order").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    client.force_login(coordinator)
    response = client.post(reverse("mdt:agenda_move", args=[meeting.id, a.id]), {"direction": "down"})
    assert response.status_code == 302
    assert list(meeting.items.order_by("order").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    assert list(meeting.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
