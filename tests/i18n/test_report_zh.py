"""The MDT report in the patient's language: Chinese words, Chinese dates with the ISO date where scheduling
depends on it, family name first, and a CJK font embedded (subset) in the PDF so that no glyph is missing."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest
from django.utils import translation

from cases.mdt.reports import draft_source, render_report_html, render_report_pdf
from cases.records.assessment import case_assess
from tests.factories import contract_example_case
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db

CHINESE_TERMS = (
    "胃肠间质瘤",
    "改良NIH危险度分级",
    "高危",
    "核分裂象",
    "肿瘤破裂",
    "伊马替尼",
    "辅助治疗",
    "R0",
    "多学科团队",
)


def _source(language: str):
    case = contract_example_case(given_name="伟", family_name="张", mrn="ZH0000002", language=language)
    return draft_source(case, case_assess(case=case, user=None))


def _pdf_tool(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            [tool, *args, f.name, "-"] if tool == "pdftotext" else [tool, f.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_it_prints_the_report_in_the_patients_language_whatever_the_readers():
    source = _source("zh-hans")
    with translation.override("en"):
        html = render_report_html(source, for_pdf=True)
    assert '<html lang="zh-Hans">' in html
    for term in CHINESE_TERMS:
        assert term in html, term
    assert "张伟" in html  # family name first, no comma
    banner = re.search(r'data-banner="([^"]*)"', html).group(1)  # every page's header (not visible text)
    assert "出生 1961-03-14（" in banner
    assert english_runs(banner, {"ZH0000002", "ESMO"}) == [], banner
    assert "1961年3月14日" in html  # date of birth, Chinese convention
    assert "2026年4月15日（2026-04-15）" in html  # first visit: the ISO date beside it, for scheduling
    # Allowed: the institution's own name (English in the test settings) and the authors the schemes are named
    # after, as Chinese clinical writing cites them.
    runs = english_runs(html, {"ZH0000002", "Test", "Hospital", "Joensuu", "Fletcher", "Miettinen"})
    assert runs == [], f"English left: {runs}"


def test_it_prints_the_report_in_the_readers_language_when_the_patient_has_none():
    source = _source("")
    with translation.override("zh-hans"):
        assert "改良NIH危险度分级" in render_report_html(source, for_pdf=True)
    with translation.override("en"):
        html = render_report_html(source, for_pdf=True)
    assert "Modified NIH" in html
    assert "改良" not in html


def test_the_chinese_pdf_embeds_a_cjk_font_and_holds_the_chinese_text():
    pdf = render_report_pdf(_source("zh-hans"))
    fonts = _pdf_tool("pdffonts", pdf)
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line]
    assert cjk, fonts
    # Subset ("ABCDEF+Noto-Sans-CJK-SC") and embedded (the "emb" column says yes).
    assert all(re.match(r"^[A-Z]{6}\+", line) and " yes " in line for line in cjk), fonts
    text = re.sub(r"\s+", "", _pdf_tool("pdftotext", pdf, "-layout"))
    for term in ("胃肠间质瘤", "改良NIH危险度分级", "高危", "伊马替尼", "辅助治疗", "张伟"):
        assert term in text, term
    assert len(pdf) < 1_000_000  # the subset keeps a Chinese report small (issue 15: under 1 MB)


@pytest.mark.parametrize(
    ("kind", "genotype"),
    [
        ("metastatic", "kit_exon_11"),
        ("metastatic", "kit_exon_9"),
        ("metastatic", "sdh_deficient"),
        ("localized", "pdgfra_d842v"),
    ],
)
def test_other_pathways_print_without_english_left(kind, genotype):
    # Advanced disease (the lines of systemic therapy with their doses), and a genotype that changes the advice.
    from cases.models import Case
    from tests.factories import PatientFactory, make_case

    case = make_case(
        presentation=kind, genotype=genotype, surgery_date=None if kind == "metastatic" else None
    )
    if kind == "localized":
        case = make_case(genotype=genotype, size_cm="12")
    patient = PatientFactory(given_name="伟", family_name="张", mrn="ZH0000003", language="zh-hans")
    Case.objects.filter(pk=case.pk).update(patient=patient)
    case = Case.objects.with_sections().get(pk=case.pk)
    html = render_report_html(draft_source(case, case_assess(case=case, user=None)), for_pdf=True)
    runs = english_runs(html, {"ZH0000003", "Test", "Hospital", "Joensuu", "Fletcher", "Miettinen"})
    assert runs == [], f"English left: {runs}"
