"""Letters: generated from the structured data (cases/followups/letter_content.py), stored unchanged, reviewed and sent by a nurse
or the MDT coordinator by the channel the patient agreed to; patient contact details checked against the
preference they state."""

from __future__ import annotations

import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases.choices import PreferredContact
from cases.followups.letter_content import (
    LetterNotPossible,
    letter_data,
    letter_language,
    render_letter_html,
    render_letter_pdf,
)
from cases.followups.services import FollowUpError, message_day
from cases.models import (
    Case,
    EscalationOutcome,
    EscalationStep,
    Letter,
    LetterPurpose,
    LetterRecipient,
    LetterSentVia,
    Patient,
)
from cases.service_helpers import record_history

logger = logging.getLogger(__name__)


def _require_letter_writer(user) -> None:
    if not (user.has_perm("cases.manage_followups") or user.has_perm("cases.manage_mdt")):
        raise PermissionError("Letters are reviewed and sent by the follow-up nurses or the MDT coordinator.")


@transaction.atomic
def letter_create(
    *, case: Case, user, recipient: str, purpose: str, step: EscalationStep | None = None
) -> Letter:
    """Generate the letter now and store its PDF and SHA-256; it is never edited afterwards."""
    _require_letter_writer(user)
    if recipient not in LetterRecipient.values:
        raise FollowUpError(gettext("Choose to whom the letter goes."), field="recipient")
    if purpose not in LetterPurpose.values:
        raise FollowUpError(gettext("Choose what the letter is about."), field="purpose")
    if purpose == LetterPurpose.MISSED_VISIT and step is None:
        raise FollowUpError(gettext("A missed-visit letter belongs to an escalation step."))
    try:
        data = letter_data(case, today=timezone.localdate(), step=step)
    except LetterNotPossible as exc:
        raise FollowUpError(str(exc)) from exc
    pdf = render_letter_pdf(
        render_letter_html(data, recipient=recipient, purpose=purpose),
        language=letter_language(data, recipient),
    )
    letter = Letter(
        case=case,
        recipient=recipient,
        purpose=purpose,
        step=step,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=user,
    )
    record_history(letter, user, f"Letter generated: {letter}")
    letter.save()
    return letter


def _patient_channel_problem(patient: Patient, via: str) -> str | None:
    if via == LetterSentVia.EMAIL:
        if not patient.email:
            return gettext("The patient has no email address recorded: print and post the letter instead.")
        if not patient.email_consent:
            return gettext(
                "The patient has not agreed to receive letters by email: print and post the letter instead."
            )
    elif not patient.postal_address:
        return gettext("The patient has no postal address recorded: add it under Contact details first.")
    return None


@transaction.atomic
def letter_send(*, letter: Letter, user, via: str) -> Letter:
    """Record the sending (and email it where the patient agreed). The stored PDF is what goes out."""
    _require_letter_writer(user)
    letter = Letter.objects.select_for_update().select_related("case__patient").get(pk=letter.pk)
    if letter.sent_at is not None:
        raise FollowUpError(
            gettext("This letter was already sent on %(date)s.")
            % {"date": message_day(timezone.localdate(letter.sent_at))}
        )
    if via not in LetterSentVia.values:
        raise FollowUpError(gettext("Choose how the letter is sent."), field="via")
    patient = letter.case.patient
    if letter.recipient == LetterRecipient.PATIENT:
        problem = _patient_channel_problem(patient, via)
        if problem:
            raise FollowUpError(problem, field="via")
        sent_to = patient.email if via == LetterSentVia.EMAIL else ", ".join(patient.postal_address)
    else:
        if via == LetterSentVia.EMAIL:
            raise FollowUpError(
                gettext("GP letters are printed and posted (no GP email address is recorded)."), field="via"
            )
        if not patient.gp_practice_address:
            raise FollowUpError(
                gettext("No GP practice address is recorded: add it under Contact details first."),
                field="via",
            )
        sent_to = f"{patient.gp_name or 'GP'}, {patient.gp_practice_address}; copy to the MDT coordinator"
    if via == LetterSentVia.EMAIL:
        # The subject and body carry no identifier; the letter itself is the attachment.
        # In the language the patient reads, as the letter itself (issue 15).
        with translation.override(patient.language or translation.get_language() or settings.LANGUAGE_CODE):
            message = EmailMessage(
                subject=gettext("A letter from your GIST follow-up team"),
                body=gettext("Please find attached a letter from your hospital's GIST follow-up team."),
                to=[patient.email],
            )
        message.attach("letter.pdf", bytes(letter.pdf), "application/pdf")
    else:
        message = None
    letter.sent_at, letter.sent_by, letter.sent_via, letter.sent_to = timezone.now(), user, via, sent_to[:300]
    record_history(letter, user, f"Letter sent ({LetterSentVia(via).label.lower()})")
    letter.save(update_fields=["sent_at", "sent_by", "sent_via", "sent_to"])
    if letter.step_id and not letter.step.outcome:
        step = letter.step
        step.outcome, step.recorded_on, step.recorded_by = (
            EscalationOutcome.LETTER_SENT,
            timezone.localdate(),
            user,
        )
        step.outcome_notes = f"Letter {letter.sha256[:12]} sent ({LetterSentVia(via).label.lower()})"
        record_history(step, user, "Letter sent")
        step.save()
    if message is not None:
        # Sent last, inside the transaction that records it: a mail server that refuses it undoes the record
        # (sent after the commit, a refused email left the letter "sent by email", its escalation step done, and
        # the nurse a server error page). Should the commit fail after the email went, it is sent twice at worst.
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Letter %s: the email to the patient was refused", letter.pk, exc_info=True)
            raise FollowUpError(
                gettext(
                    "The email could not be sent: the mail server did not take it. Nothing was recorded: send it "
                    "again later, or print the letter and post it."
                ),
                field="via",
            ) from exc
    return letter


CONTACT_FIELDS = (
    "phone",
    "email",
    "email_consent",
    "preferred_contact",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "gp_name",
    "gp_practice_address",
)


def contact_problems(values: dict) -> dict[str, str]:
    """The contact preference must be usable: a text message needs a phone number, an email an address…"""
    problems = {}
    preference = values.get("preferred_contact")
    if (
        preference in (PreferredContact.SMS, PreferredContact.PHONE)
        and not (values.get("phone") or "").strip()
    ):
        problems["phone"] = gettext("A %(preference)s preference needs a phone number.") % {
            "preference": PreferredContact(preference).label.lower()
        }
    if preference == PreferredContact.EMAIL and not (values.get("email") or "").strip():
        problems["email"] = gettext("An email preference needs an email address.")
    if preference == PreferredContact.LETTER and not (
        (values.get("address_line1") or "").strip() and (values.get("postcode") or "").strip()
    ):
        problems["address_line1"] = gettext(
            "A letter preference needs a postal address (first line and postcode)."
        )
    if values.get("email_consent") and not (values.get("email") or "").strip():
        problems["email"] = gettext("Letters by email need an email address.")
    return problems


@transaction.atomic
def patient_contact_update(*, patient: Patient, user, values: dict) -> Patient:
    problems = contact_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise FollowUpError(message, field=field)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    for name in CONTACT_FIELDS:
        value = values.get(name)
        setattr(
            patient,
            name,
            value.strip() if isinstance(value, str) else bool(value) if name == "email_consent" else value,
        )
    record_history(patient, user, "Contact details updated (follow-up)")
    patient.save()
    return patient
