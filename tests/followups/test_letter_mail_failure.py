"""A letter emailed while the mail server refuses it: the nurse is told, and nothing says it was sent.

The email went out when the transaction that recorded the letter as sent had committed: with the mail server down
the letter stood as "sent by email" (and its escalation step as "letter sent"), the nurse got a server error page,
and the patient no letter. Transactional: the commit happens as in the app."""

import smtplib
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from cases import roles
from cases.followups import letters as letters_svc
from cases.followups.services import FollowUpError
from cases.models import EscalationStep, FollowUpItem, Letter
from tests.factories import make_user, signed_example_case

pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(BaseEmailBackend):
    """A mail server that drops the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnreachableBackend(BaseEmailBackend):
    """No mail server listening."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def letter():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        case = signed_example_case(given_name="Mary", family_name="Jones")
        patient = case.patient
        patient.email, patient.email_consent = "mary@example.org", True
        patient.save()
        item = FollowUpItem.objects.filter(case=case).order_by("due_date").first()
        step = EscalationStep.objects.create(item=item, step="patient_letter", opened_on=date(2026, 5, 1))
        return letters_svc.letter_create(
            case=case,
            user=make_user(role=roles.NURSE),
            recipient="patient",
            purpose="missed_visit",
            step=step,
        )


@pytest.mark.parametrize("backend", ["RefusingBackend", "UnreachableBackend"])
def test_a_refused_email_is_not_recorded_as_sent_and_the_nurse_is_told(client, letter, backend):
    client.force_login(make_user(role=roles.NURSE))
    with override_settings(EMAIL_BACKEND=f"{__name__}.{backend}"):
        response = client.post(
            reverse("followups:letter_send", args=[letter.pk]), {"via": "email"}, follow=True
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The email could not be sent" in html
    assert "Letter recorded as sent" not in html
    letter = Letter.objects.get(pk=letter.pk)
    assert (letter.sent_at, letter.sent_via, letter.sent_to) == (None, "", "")
    assert letter.step.outcome == ""  # the escalation ladder still waits for this letter


def test_a_delivered_email_is_recorded_as_sent(client, letter):
    client.force_login(make_user(role=roles.NURSE))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        response = client.post(
            reverse("followups:letter_send", args=[letter.pk]), {"via": "email"}, follow=True
        )
    assert "Letter recorded as sent" in response.content.decode()
    assert len(mail.outbox) == 1
    letter = Letter.objects.get(pk=letter.pk)
    assert (letter.sent_via, letter.sent_to) == ("email", "mary@example.org")
    assert letter.step.outcome == "letter_sent"


def test_the_refusal_reads_in_the_nurses_language(letter):
    nurse = make_user(role=roles.NURSE)
    with (
        override_settings(EMAIL_BACKEND=f"{__name__}.UnreachableBackend"),
        translation.override("zh-hans"),
        pytest.raises(FollowUpError, match="邮件未能发出") as refusal,
    ):
        letters_svc.letter_send(letter=letter, user=nurse, via="email")
    assert refusal.value.field == "via"
    assert Letter.objects.get(pk=letter.pk).sent_at is None


def test_a_mail_server_that_never_answers_is_reported_after_the_timeout(client, letter):
    """A server that takes the connection and says nothing (a hung relay): the nurse is told after EMAIL_TIMEOUT
    seconds, and nothing is recorded."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        client.force_login(make_user(role=roles.NURSE))
        smtp = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(EMAIL_BACKEND=smtp, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=1):
            started = time.monotonic()
            response = client.post(
                reverse("followups:letter_send", args=[letter.pk]), {"via": "email"}, follow=True
            )
            waited = time.monotonic() - started
    assert "The email could not be sent" in response.content.decode()
    assert waited < 10
    assert Letter.objects.get(pk=letter.pk).sent_at is None
