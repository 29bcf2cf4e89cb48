"""A Chinese nurse reads why a letter cannot be sent, or contact details cannot be saved, in Chinese (they were
plain English strings in cases/followups/letters.py, outside the catalogue)."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone, translation

from cases import roles
from cases.followups import letters as letters_svc
from cases.followups.services import FollowUpError
from tests.factories import make_user, signed_example_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        case = signed_example_case(given_name="Mary", family_name="Jones")
        return letters_svc.letter_create(
            case=case, user=make_user(role=roles.NURSE), recipient="patient", purpose="plan"
        )


def _refusal(call) -> FollowUpError:
    with translation.override("zh-hans"), pytest.raises(FollowUpError) as refusal:
        call()
    return refusal.value


@pytest.mark.parametrize(
    ("via", "email", "expected"),
    [
        ("print", "", "未记录患者的邮寄地址：请先在“联系方式”中添加。"),
        ("email", "", "未记录患者的电子邮件地址：请改为打印信件后邮寄。"),
        ("email", "mary@example.org", "患者未同意通过电子邮件接收信件：请改为打印信件后邮寄。"),  # no consent
    ],
)
def test_why_a_letter_cannot_go_reads_in_chinese(letter, via, email, expected):
    patient = letter.case.patient
    patient.address_line1 = patient.postcode = ""
    patient.email, patient.email_consent = email, False
    patient.save()
    nurse = make_user(role=roles.NURSE)
    refusal = _refusal(lambda: letters_svc.letter_send(letter=letter, user=nurse, via=via))
    assert refusal.message == expected
    assert refusal.field == "via"


def test_a_letter_already_sent_reads_in_chinese(letter):
    nurse = make_user(role=roles.NURSE)
    patient = letter.case.patient
    patient.address_line1, patient.town, patient.postcode = "12 Mill Lane", "Leeds", "LS1 4AB"
    patient.save()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0)), tick=False):
        letters_svc.letter_send(letter=letter, user=nurse, via="print")
    refusal = _refusal(lambda: letters_svc.letter_send(letter=letter, user=nurse, via="print"))
    assert refusal.message == "此信件已于2026年3月2日发送。"


@pytest.mark.parametrize(
    ("values", "field", "expected"),
    [
        ({"preferred_contact": "sms", "phone": ""}, "phone", "首选联系方式为“短信”时需要电话号码。"),
        ({"preferred_contact": "email", "email": ""}, "email", "首选联系方式为电子邮件时需要电子邮件地址。"),
        (
            {"preferred_contact": "letter", "address_line1": "", "postcode": ""},
            "address_line1",
            "首选联系方式为信件时需要邮寄地址（第一行和邮政编码）。",
        ),
        (
            {"preferred_contact": "phone", "phone": "0113", "email_consent": True},
            "email",
            "通过电子邮件发送信件需要电子邮件地址。",
        ),
    ],
)
def test_why_contact_details_cannot_be_saved_reads_in_chinese(values, field, expected):
    with translation.override("zh-hans"):
        problems = letters_svc.contact_problems(values)
    assert problems[field] == expected
