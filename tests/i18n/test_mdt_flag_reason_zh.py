"""The MDT's own reason for flagging a case ("Deferred at …", "Not discussed at …") is stored in English, whoever
records the decision, and read in each reader's language (it was built from the chair's language, and printed in
English to a Chinese reader)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from cases.mdt.services import agenda_add, decision_record, meeting_virtual_today
from cases.models import Case, UserProfile
from cases.templatetags.flags import flag_reason
from tests.factories import contract_example_case, meeting_with_case

pytestmark = pytest.mark.django_db


def _deferred(chair, coordinator, *, language: str, **decision) -> Case:
    case = contract_example_case()
    _meeting, item = meeting_with_case(coordinator=coordinator, case=case)
    with translation.override(language):
        decision_record(item=item, user=chair, **decision)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_deferral_is_stored_in_english_whoever_records_it(chair, coordinator, language):
    case = _deferred(
        chair, coordinator, language=language, decision="defer", deferral_need="imaging", text="MRI liver"
    )
    assert case.mdt_review_reason == "Deferred at GIST MDT (03 Feb 2026): further imaging (MRI liver)"


def test_a_deferral_reads_in_chinese(chair, coordinator):
    case = _deferred(
        chair, coordinator, language="en", decision="defer", deferral_need="genotype", text="KIT; PDGFRA"
    )
    stored = "Deferred at GIST MDT (03 Feb 2026): genotype (mutation analysis) (KIT; PDGFRA)"
    assert case.mdt_review_reason == stored
    with translation.override("en"):
        assert flag_reason(stored) == stored
    with translation.override("zh-hans"):
        assert (
            flag_reason(stored) == "GIST MDT (2026年2月3日)暂缓决定：基因分型（基因突变检测）（KIT; PDGFRA）"
        )


def test_not_discussed_reads_in_chinese(chair, coordinator):
    case = _deferred(chair, coordinator, language="zh-hans", decision="not_discussed")
    assert case.mdt_review_reason == "Not discussed at GIST MDT (03 Feb 2026)"
    with translation.override("zh-hans"):
        assert flag_reason(case.mdt_review_reason) == "GIST MDT (2026年2月3日)未讨论"


def test_a_virtual_meeting_reads_in_chinese(chair, coordinator):
    case = contract_example_case()
    with time_machine.travel(date(2026, 2, 5), tick=False):
        meeting = meeting_virtual_today(user=coordinator)
        item = agenda_add(meeting=meeting, case=case, user=coordinator)
        with translation.override("zh-hans"):
            decision_record(item=item, user=chair, decision="defer", deferral_need="biopsy")
    case.refresh_from_db()
    assert case.mdt_review_reason == "Deferred at virtual MDT 05 Feb 2026: biopsy"
    with translation.override("zh-hans"):
        assert flag_reason(case.mdt_review_reason) == "线上多学科团队会议 2026年2月5日暂缓决定：活检"


def test_the_case_page_prints_it_in_chinese(client, chair, coordinator, surgeon):
    case = _deferred(
        chair, coordinator, language="en", decision="defer", deferral_need="imaging", text="MRI liver"
    )
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    html = client.get(reverse("records:case", args=[case.id])).content.decode()
    assert "GIST MDT (2026年2月3日)暂缓决定：进一步影像检查（MRI liver）" in html
    assert "Deferred at" not in html
