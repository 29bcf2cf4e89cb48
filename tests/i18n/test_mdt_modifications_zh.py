"""What the MDT changed, beside the guideline suggestion it did not adopt, in Chinese on the sign page: the engine's
suggestion was printed in its English ("imatinib", "800 mg daily", "Recommended: imatinib 400 mg/day for 36
months"; found by a reviewer's walk)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases.mdt.decisions import modification_rows
from cases.mdt.services import decision_record
from cases.models import Pathology, UserProfile
from tests.factories import contract_example_case, make_case, meeting_with_case
from tests.i18n.test_pages_zh import _english

pytestmark = pytest.mark.django_db


def _metastatic_kit_exon_9():
    # Metastatic KIT exon 9 under ESMO 2022: imatinib 800 mg/day first line (RULES.md section 6).
    case = make_case(
        presentation="metastatic", surgery_date=None, genotype="kit_exon_9", histology_confirmed=True
    )
    Pathology.objects.create(case=case, genotype="kit_exon_9")
    return case


def test_the_sign_page_shows_the_suggestion_not_adopted_in_chinese(client, coordinator, chair):
    _, item = meeting_with_case(coordinator=coordinator, case=_metastatic_kit_exon_9())
    decision_record(
        item=item,
        user=chair,
        decision="modify",
        reason="耐受性差",
        modifications={"first_line_drug": "伊马替尼", "first_line_dose": "400 mg，每日一次"},
    )
    UserProfile.objects.create(user=chair, language="zh-hans")
    client.force_login(chair)
    html = client.get(reverse("mdt:sign", args=[item.meeting_id, item.pk])).content.decode()
    table = html[html.index("<tbody>", html.index("指南建议（未采纳）")) :]
    table = table[: table.index("</tbody>")]
    assert "<del>伊马替尼</del>" in table
    assert "<del>每日800 mg</del>" in table
    assert _english(table) == []


def test_the_adjuvant_suggestion_not_adopted_reads_in_chinese():
    result = {"adjuvant": {"recommendation": "recommended", "drug": "imatinib", "dose_mg_per_day": 400,
                           "duration_months": 36}}  # fmt: skip
    with translation.override("zh-hans"):
        (row,) = modification_rows({"adjuvant": "declined"}, result)
    assert row["engine"] == "推荐：伊马替尼 400 mg/日，疗程 36 个月"
    with translation.override("en"):
        (row,) = modification_rows({"adjuvant": "declined"}, result)
    assert row["engine"] == "Recommended: Imatinib 400 mg/day for 36 months"


def test_a_suggestion_the_engine_did_not_make_reads_none_in_chinese():
    case = contract_example_case()
    with translation.override("zh-hans"):
        (row,) = modification_rows({"first_line_drug": "sunitinib"}, {"systemic_lines": []})
    assert row["engine"] == "无"
    assert case  # the world exists; the row is read from the result alone
