"""The signer's role on a signed report: stored in English at signing, shown in the reader's language."""

from __future__ import annotations

from django.utils import translation

from cases.mdt.reports import signer_role_text


def test_the_stored_role_reads_in_chinese_and_stays_english_in_english():
    with translation.override("zh-hans"):
        assert signer_role_text("MDT chair (Surgeon)") == "多学科团队（MDT）会议主席（外科医生）"
        assert signer_role_text("MDT chair (MDT coordinator, Surgeon)") == (
            "多学科团队（MDT）会议主席（多学科团队（MDT）协调员、外科医生）"
        )
        assert signer_role_text("MDT chair") == "多学科团队（MDT）会议主席"
        assert signer_role_text("Consultant") == "Consultant"  # another shape: as stored
    with translation.override("en-gb"):
        assert signer_role_text("MDT chair (Surgeon)") == "MDT chair (Surgeon)"
