"""cases/reporting.py: what the report PDF says, page by page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from cases.mdt.reports import draft_source, render_report_html, render_report_pdf
from cases.models import Presentation
from cases.records.assessment import case_assess
from guidelines import get_ruleset
from tests.factories import CaseFactory, contract_example_case, pdf_pages_text, signed_report

pytestmark = pytest.mark.django_db


def _draft_pdf(case, user=None) -> bytes:
    assessment = case_assess(case=case, user=user)
    return render_report_pdf(draft_source(case, assessment))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pdf_holds_the_key_values_of_the_contract_example():
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    text = _flat(" ".join(pdf_pages_text(_draft_pdf(case))))
    assert "Test Hospital" in text
    assert "Ada Lovelace" in text
    assert "MRN424242" in text
    assert "1961-03-14" in text
    assert "Female" in text
    assert "Stomach, Greater curvature" in text
    assert "6.5 cm" in text
    assert "Resected 2026-01-15" in text
    assert "R0" in text
    assert "KIT exon 11" in text
    assert "Positive / Positive" in text
    # Risk table: modified NIH, NIH 2002, AFIP with %, TNM side by side.
    assert re.search(r"High High High \(55%\) IIIA", text)
    assert "Imatinib 400 mg/day for 36 months" in text
    assert "2026-04-15" in text
    assert "2039-01-15" in text
    assert re.search(r"\b31 2039-01-15", text)  # 31 visits, the last one numbered 31
    assert "esmo-2022" in text
    assert f"version {get_ruleset('esmo-2022').version}" in text
    assert "[I, A]" in text  # evidence grades printed with the recommendations


def test_every_page_of_a_draft_says_draft_and_has_the_footer():
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    pages = pdf_pages_text(_draft_pdf(case))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "DRAFT" in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Ada Lovelace · MRN MRN424242" in text


def test_a_signed_pdf_has_no_draft_mark_and_shows_the_decision(coordinator, chair):
    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    report = signed_report(
        coordinator=coordinator, chair=chair, case=case, decision="modify", reason="Adjuvant declined"
    )
    pages = pdf_pages_text(bytes(report.pdf))
    for number, text in enumerate(pages, start=1):
        assert "DRAFT" not in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Ada Lovelace · MRN MRN424242" in text
    text = _flat(" ".join(pages))
    assert "Modify the recommendation" in text
    assert "Adjuvant declined" in text
    assert "Signed by Charles Chairman" in text
    assert "version 1" in text


def test_a_long_schedule_repeats_its_table_header():
    # No bundled rule set has a schedule this long; the layout must still hold when a local one does.
    case = contract_example_case()
    source = draft_source(case, case_assess(case=case, user=None))
    visits = source.result["surveillance"]
    source.result = {**source.result, "surveillance": visits * 3}
    pages = pdf_pages_text(render_report_pdf(source))
    schedule_pages = [text for text in pages if re.search(r"\d{4}-\d{2}-\d{2} \(±\d+ d\)", text)]
    assert len(schedule_pages) >= 2
    for text in schedule_pages:
        assert "# Due (window) Modality Phase" in _flat(text)
    assert re.search(r"\b93 2039-01-15", _flat(" ".join(pages)))


def test_surgery_planned_prints_approach_and_rupture_checklist():
    case = CaseFactory(diagnosis_date=date(2026, 1, 10))
    Presentation.objects.create(case=case, site="stomach", gastric_location="antrum", size_cm=Decimal("4"))
    text = _flat(" ".join(pdf_pages_text(_draft_pdf(case))))
    assert "Surgical approach Laparoscopic" in text
    assert "Avoid tumour rupture" in text
    assert "Never grasp the tumour with forceps." in text
    assert "lymphadenectomy" in text
    assert "Not computed" in text  # no mitotic count: no risk table


def test_the_html_report_has_the_same_content():
    case = contract_example_case(mrn="MRN777")
    assessment = case_assess(case=case, user=None)
    html = render_report_html(draft_source(case, assessment), for_pdf=False, extra={"pdf_url": "/x.pdf"})
    assert "MRN777" in html
    assert "High (55%)" in html
    assert "2039-01-15" in html
    assert 'class="draft-banner"' in html
    assert "css/report.css" in html


def test_the_report_prints_the_pre_treatment_risk_and_the_risk_notes():
    # Issue 17.12/17.14: after 8 months of neoadjuvant imatinib a 3 cm tumour with 1 mitosis (low) was 12 cm with
    # 4 mitoses before treatment (gastric > 10 cm: high); a KIT exon 11 557/558 deletion is noted beside the risk.
    from guidelines import CaseFacts, assess

    case = contract_example_case(given_name="Ada", family_name="Lovelace", mrn="MRN424242")
    assessment = case_assess(case=case, user=None)
    facts = CaseFacts(
        site="stomach", size_cm=3.0, mitoses_per_5mm2=1, resected=True, surgery_date=date(2026, 1, 15),
        neoadjuvant_months=8, pre_treatment_size_cm=12.0, pre_treatment_mitoses_per_5mm2=4,
        genotype="kit_exon_11", genotype_detail="kit_exon11_del_557_558",
    )  # fmt: skip
    assessment.result = assess(facts, "esmo-2022", today=date(2026, 1, 15)).to_dict()
    html = _flat(render_report_html(draft_source(case, assessment), for_pdf=False))
    assert "Before neoadjuvant imatinib: High" in html
    assert "follow the pre-treatment risk" in html
    assert "codons 557/558" in html


def test_the_report_says_when_the_risk_is_not_assessable_after_neoadjuvant_imatinib():
    from guidelines import CaseFacts, assess

    case = contract_example_case()
    assessment = case_assess(case=case, user=None)
    facts = CaseFacts(
        site="stomach", size_cm=3.0, mitoses_per_5mm2=1, resected=True, surgery_date=date(2026, 1, 15),
        neoadjuvant_months=8,
    )  # fmt: skip
    assessment.result = assess(facts, "esmo-2022", today=date(2026, 1, 15)).to_dict()
    html = _flat(render_report_html(draft_source(case, assessment), for_pdf=False))
    assert "Not assessable after neoadjuvant imatinib" in html


def test_the_report_lists_the_eus_and_clinical_features():
    """A small tumour with EUS features (and a bleeding one): the report answered 500 (the features' words, lazy
    translations, were joined as text; found by a reviewer's walk)."""
    case = CaseFactory(diagnosis_date=date(2026, 1, 10))
    Presentation.objects.create(
        case=case,
        site="stomach",
        gastric_location="antrum",
        size_cm=Decimal("1.5"),
        eus_features=["irregular_border", "ulceration"],
        clinical_features=["bleeding"],
    )
    html = render_report_html(draft_source(case, case_assess(case=case, user=None)), for_pdf=False)
    assert "Irregular border, Ulceration" in html
    assert "Bleeding" in html
