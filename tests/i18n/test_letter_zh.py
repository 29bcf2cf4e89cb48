"""The patient letter in the patient's language (issue 15): a patient who reads Simplified Chinese gets the whole
letter in Chinese, whoever prints it; the GP letter stays in the language of the person who prints it.

The case is the contract's worked example (gastric 6.5 cm, 8 mitoses, surgery 15 Jan 2026): high risk, adjuvant
imatinib 400 mg/day for 36 months; visits every 3 months from 15 Apr 2026. Signed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags

from cases import roles
from cases.followups import letters as letters_svc
from cases.followups.letter_content import letter_data, render_letter_html
from cases.models import Case, EscalationStep, Patient
from tests.factories import contract_example_case, make_user, pdf_pages_text, signed_report
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


@pytest.fixture
def case():
    case = contract_example_case(given_name="伟", family_name="张", gp_name="Dr Alan Price")
    Patient.objects.filter(pk=case.patient_id).update(language="zh-hans", phone="")
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    return Case.objects.get(pk=case.pk)


def _body(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html.split('<main class="body">', 1)[1])).strip()


def _letter(case, recipient="patient", purpose="plan"):
    return render_letter_html(letter_data(case, today=date(2026, 3, 1)), recipient=recipient, purpose=purpose)


def test_the_patient_letter_is_in_chinese_even_when_an_english_reader_prints_it(case):
    with translation.override("en"):
        html = _letter(case)
    assert '<html lang="zh-Hans">' in html
    text = _body(html)
    assert "尊敬的张伟：" in text  # family name first, no comma
    assert "胃肠间质瘤" in text  # GIST
    assert "复发的可能性为高" in text  # the chance that it comes back: high
    assert "伊马替尼" in text
    assert "每天 400 毫克" in text
    assert "共服用 36 个月" in text
    # The next visits, every 3 months from 15 Apr 2026, written as Chinese dates.
    for day in ("2026年4月15日", "2026年7月15日", "2026年10月15日", "2027年1月15日"):
        assert day in text
    # The hospital's name is the name it configured (GISTCARE_INSTITUTION), in whatever script it chose.
    runs = english_runs(html, {case.patient.mrn, *settings.GISTCARE_INSTITUTION.split()})
    assert runs == [], f"English left: {runs}"


def test_the_missed_visit_letter_is_in_chinese_too(case):
    item = case.followups.order_by("due_date").first()  # 15 Apr 2026
    step = EscalationStep.objects.create(item=item, step="patient_letter", opened_on=date(2026, 5, 1))
    with translation.override("en"):
        html = render_letter_html(
            letter_data(case, today=date(2026, 5, 1), step=step), recipient="patient", purpose="missed_visit"
        )
    text = _body(html)
    assert "您错过了一次复查" in text
    assert "2026年4月15日" in text
    runs = english_runs(html, {case.patient.mrn, *settings.GISTCARE_INSTITUTION.split()})
    assert runs == [], f"English left: {runs}"


def test_the_gp_letter_stays_in_the_language_of_whoever_prints_it(case):
    with translation.override("en"):
        html = _letter(case, recipient="gp")
    assert '<html lang="en-GB">' in html
    assert "Generated from the signed MDT report; not edited by hand." in html
    assert "尊敬的" not in html


def test_the_stored_pdf_holds_the_chinese_text(case):
    letter = letters_svc.letter_create(
        case=case, user=make_user(role=roles.NURSE), recipient="patient", purpose="plan"
    )
    text = " ".join(pdf_pages_text(bytes(letter.pdf)))
    assert "伊马替尼" in text
    assert "2026年4月15日" in text
    assert "第 1 页，共" in text  # the page numbers at the foot, in the letter's language


def test_chinese_sentences_run_on_without_the_english_spaces(case):
    text = _body(_letter(case))
    assert "长在胃壁或肠壁上。根据肿瘤的大小" in text
    assert "团队同意指南推荐的方案。您已于2026年1月15日做了手术" in text
    assert "您将服用一种叫伊马替尼的药物。这是一种口服药片" in text


def test_the_email_that_carries_the_letter_is_in_the_patients_language(
    case, django_capture_on_commit_callbacks
):
    from django.core import mail

    Patient.objects.filter(pk=case.patient_id).update(email="zhang.wei@example.org", email_consent=True)
    case = Case.objects.get(pk=case.pk)
    user = make_user(role=roles.NURSE)
    letter = letters_svc.letter_create(case=case, user=user, recipient="patient", purpose="plan")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        letters_svc.letter_send(letter=letter, user=user, via="email")
    (message,) = mail.outbox
    assert message.subject == "胃肠间质瘤随访团队给您的一封信"
    assert message.body == "附件是医院胃肠间质瘤随访团队给您的一封信。"
