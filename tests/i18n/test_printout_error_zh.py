"""A failed meeting printout says why in the reader's language (its message was stored, and printed, in English)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.mdt import printout
from cases.models import UserProfile
from tests.factories import contract_example_case, meeting_with_case

pytestmark = pytest.mark.django_db


def test_a_failed_printout_reads_in_chinese(client, coordinator, nurse, monkeypatch):
    meeting, _ = meeting_with_case(coordinator=coordinator, case=contract_example_case())

    def broken(source):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(printout, "render_report_pdf", broken)
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    html = client.post(reverse("mdt:printout", args=[meeting.id]), follow=True).content.decode()
    assert "无法生成打印稿" in html
    assert "could not be made" not in html
