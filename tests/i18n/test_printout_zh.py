"""The meeting printout is a document of the installation (one file for every attendee, kept until its inputs
change): its cover and running page numbers print in the site's language (LANGUAGE_CODE), whoever asks for it,
and each draft report in its patient's language, else the site's (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.utils import translation

from cases import roles
from cases.mdt import printout
from cases.mdt.tasks import printout_dispatch
from cases.models import PrintoutJob
from tests.factories import contract_example_case, make_user, meeting_with_case, pdf_pages_text

pytestmark = pytest.mark.django_db


def _printed(language_code: str, reader: str) -> list[str]:
    coordinator = make_user(role=roles.COORDINATOR)
    meeting, _item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    with override_settings(LANGUAGE_CODE=language_code), translation.override(reader):
        job, _ = printout.printout_request(meeting=meeting, user=coordinator)
        printout_dispatch(job)  # eager without a broker: rendered here
    job = PrintoutJob.objects.get(pk=job.pk)
    assert job.status == "ready", job.error
    return [re.sub(r"\s+", " ", page) for page in pdf_pages_text(bytes(job.pdf))]


def test_a_chinese_installation_prints_a_chinese_printout_for_an_english_reader():
    cover, report, *_ = _printed("zh-hans", "en")
    assert "议程" in cover  # Agenda
    assert "参会人员" in cover  # Attendees
    assert "打印页 1 / " in cover  # the running page number
    assert "页码 1 / 1" in cover  # the cover's own page number, as on the reports
    assert "改良NIH危险度分级" in report  # the draft report, in the site's language


def test_an_english_installation_prints_english_for_a_chinese_reader():
    cover, report, *_ = _printed("en", "zh-hans")
    assert "Agenda" in cover
    assert "printout page 1 of " in cover
    assert "Page 1 of 1" in cover
    assert "Modified NIH" in report
