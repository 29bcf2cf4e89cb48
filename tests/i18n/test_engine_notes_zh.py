"""The engine's notes beside the risk, in Chinese: why the schemes disagree, the KIT 557/558 and 50-HPF notes, and
the systemic lines' regimens (they were printed in the engine's English on a Chinese page).

Each case below is built to make one of `guidelines.risk.explain_disagreement`'s sentences true; the categories
in it are worked out from RULES.md section 2 (the tables), not read from the engine.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CaseFactory,
    OperationFactory,
    PathologyFactory,
    PresentationFactory,
    contract_example_case,
)
from tests.i18n.test_pages_zh import _english
from tests.i18n.textcheck import visible_text

pytestmark = pytest.mark.django_db


def _panel(client, surgeon, *, site="stomach", size="4.0", mitoses="3", rupture="none", **pathology):
    """The live panel of a case with a tumour of `size` cm at `site`, answering the pathology step as typed."""
    case = CaseFactory(owner=surgeon)
    presentation = pathology.pop("presentation", {})
    PresentationFactory(case=case, site=site, size_cm=size, gastric_location="", **presentation)
    PathologyFactory(case=case, mitoses_per_5mm2=None)
    if rupture != "none":
        OperationFactory(case=case, rupture_grade=rupture)
    data = {"_step": "pathology", "mitoses_per_5mm2": mitoses, "genotype": "kit_exon_11", **pathology}
    response = client.post(reverse("records:panel", args=[case.pk]), data)
    assert response.status_code == 200
    return response.content.decode()


# (what the note says, the tumour, Chinese that must be in the note)
DISAGREEMENTS = [
    # Jejunum 7 cm, 3 mitoses: modified NIH high (non-gastric, > 5 cm), NIH 2002 intermediate (5-10 cm, < 5).
    (
        "site",
        {"site": "jejunum", "size": "7.0", "mitoses": "3"},
        ("不计破裂时改良NIH为高危，NIH 2002为中危",),
    ),
    # Stomach 4 cm, 3 mitoses, ruptured: without the rupture modified NIH is low (2-5 cm, <= 5).
    ("rupture", {"size": "4.0", "mitoses": "3", "rupture": "major"}, ("若无破裂，改良NIH为低危",)),
    # Duodenum 7 cm, 3 mitoses: AFIP's duodenal column has no data for 5-10 cm with <= 5 mitoses.
    (
        "afip data",
        {"site": "duodenum", "size": "7.0", "mitoses": "3"},
        ("AFIP表中该组数据不足（十二指肠栏，>5 cm且≤10 cm，核分裂象≤5/5 mm²），未给出类别",),
    ),
    # Stomach 1.5 cm, 6 mitoses: AFIP "none" without a percentage; modified NIH's own 6-10 band.
    (
        "afip few cases",
        {"size": "1.5", "mitoses": "6"},
        ("“无”类别所依据的病例很少", "改良NIH将6～10单独作为一档"),
    ),
    # Stomach 3 cm, 12 mitoses: AFIP and TNM cut at 5; the NIH schemes grade > 10 as high at any size.
    ("cut at 5", {"size": "3.0", "mitoses": "12"}, ("仅以5为界，因此>10的计数与6同等对待",)),
    (
        "omentum",
        {"site": "omentum", "size": "4.0", "mitoses": "3"},
        ("网膜胃肠间质瘤在各分级系统中均按胃组分级",),
    ),
    (
        "stage IV, nodes and metastases",
        {"mitoses": "3", "nodes_positive": "yes", "presentation": {"presentation": "metastatic"}},
        ("TNM为IV期，原因是区域淋巴结转移（N1）和远处转移（M1）",),
    ),
    (
        "stage IV, nodes",
        {"mitoses": "3", "nodes_positive": "yes"},
        ("TNM为IV期，原因是区域淋巴结转移（N1）；",),
    ),
]


@pytest.mark.parametrize(("what", "tumour", "chinese"), DISAGREEMENTS, ids=[d[0] for d in DISAGREEMENTS])
def test_the_panel_says_in_chinese_why_the_schemes_disagree(
    zh_surgeon_client, surgeon, what, tumour, chinese
):
    html = _panel(zh_surgeon_client, surgeon, **tumour)
    assert 'data-testid="disagreements"' in html, what
    text = visible_text(html)
    for term in chinese:
        assert term in text, term
    assert _english(html) == []


def test_the_panel_prints_the_kit_557_558_note_in_chinese(zh_surgeon_client, surgeon):
    html = _panel(zh_surgeon_client, surgeon, genotype_detail="kit_exon11_del_557_558")
    assert 'data-testid="risk-notes"' in html
    text = visible_text(html)
    assert "KIT外显子11缺失累及第557/558密码子：术后最初几年复发风险较高" in text
    assert "Martin-Broto J et al. (GEIS) Ann Oncol 2010;21:1552-7" in text  # the source as published
    assert _english(html, "Martin-Broto", "et", "al", "Ann", "Oncol") == []


def test_the_panel_prints_the_50_hpf_conversion_in_chinese(zh_surgeon_client, surgeon):
    # 10 per 50 HPF of 0.2 mm2: 10 x 5 / (50 x 0.2) = 5.0 per 5 mm2 (RULES.md section 1).
    html = _panel(zh_surgeon_client, surgeon, mitoses="", mitoses_per_50hpf="10", hpf_field_area_mm2="0.2")
    text = visible_text(html)
    assert "核分裂象计数由50 HPF换算：10 × 5 / (50 × 0.2 mm²) = 5.0/5 mm²" in text
    assert _english(html) == []


def test_the_panel_prints_the_systemic_lines_in_chinese(zh_surgeon_client, surgeon):
    html = _panel(zh_surgeon_client, surgeon, presentation={"presentation": "metastatic"})
    text = visible_text(html)
    assert "伊马替尼，400 mg，每日一次" in text  # first line, RULES.md section 6
    assert "舒尼替尼" in text  # second line
    assert _english(html) == []


def test_the_english_panel_keeps_the_engines_words(client, surgeon):
    client.force_login(surgeon)
    html = _panel(client, surgeon, site="jejunum", size="7.0", mitoses="3")
    assert (
        "NIH 2002 ignores site: a non-gastric tumour is graded as if gastric (modified NIH high without "
        in html
    )
    assert "rupture, NIH 2002 intermediate)." in html


def test_the_chinese_report_prints_the_kit_557_558_note_in_chinese():
    from cases.mdt.reports import draft_source, render_report_html
    from cases.records.assessment import case_assess

    case = contract_example_case(given_name="伟", family_name="张", mrn="ZH0000003", language="zh-hans")
    case.pathology.genotype_detail = "kit_exon11_del_557_558"
    case.pathology.save()
    with translation.override("en"):
        html = render_report_html(draft_source(case, case_assess(case=case, user=None)), for_pdf=True)
    assert "复发风险较高" in html
    assert "a higher risk of recurrence" not in html
