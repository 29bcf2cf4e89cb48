"""The engine's recommendation and warning texts, translated by id at the presentation layer (cases/engine_texts.py)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from cases import engine_texts
from cases.engine_texts import rule_text
from guidelines import PHASE_LABELS
from guidelines.inputs import FINDING_LABELS


def test_it_fills_the_translated_template_with_the_engines_values():
    item = {
        "id": "adjuvant.high_risk",
        "text": "High risk (modified NIH): adjuvant imatinib recommended for 36 months.",
    }
    with translation.override("zh-hans"):
        assert rule_text(item) == "高危（改良NIH危险度分级）：推荐伊马替尼辅助治疗 36 个月。"
    with translation.override("en"):
        assert rule_text(item) == item["text"]


def test_it_translates_the_assumed_findings_inside_a_warning():
    item = {
        "id": "input.assumed_default",
        "text": "Not recorded, so the rules assumed: tumour rupture: no; regional lymph node metastasis: no. "
        "Record these findings to confirm the answer.",
    }
    with translation.override("zh-hans"):
        assert rule_text(item) == (
            "以下项目未记录，规则按默认值处理：肿瘤破裂：否；区域淋巴结转移：否。请录入这些结果以确认评估结论。"
        )


def test_a_text_not_translated_yet_prints_in_the_engines_english():
    # A rule text changed in guidelines/ after its translation: it no longer matches the translated template.
    item = {
        "id": "systemic.surgery_role",
        "text": "Surgery in advanced disease: a wording not translated yet.",
    }
    with translation.override("zh-hans"):
        assert rule_text(item) == item["text"]
    unknown = {"id": "no.such_rule", "text": "A rule added later."}
    with translation.override("zh-hans"):
        assert rule_text(unknown) == unknown["text"]


def test_every_translated_engine_text_is_still_the_engines_wording():
    # A rule text changed in guidelines/ must not keep a stale translation: it falls back to English, and this
    # test names the msgid to update.
    engine = {text for texts in engine_texts._templates().values() for text in texts}
    phrases = (
        set(FINDING_LABELS.values()) | set(PHASE_LABELS.values()) | {"yes", "no", "not graded in the source"}
    )
    stale = [text for text in engine_texts.TRANSLATED if text not in engine and text not in phrases]
    assert stale == []


def test_the_after_metastasectomy_statement_reads_in_chinese():
    from guidelines import CaseFacts, assess

    facts = CaseFacts(site="stomach", size_cm=8.0, presentation="metastatic", resected=True, margin="R0")
    result = assess(facts, "csco-2020").to_dict()
    item = next(r for r in result["recommendations"] if r["id"] == "systemic.after_metastasectomy")
    with translation.override("zh-hans"):
        assert (
            rule_text(item)
            == "晚期疾病已记录手术：转移灶完整切除后继续伊马替尼治疗（不因病灶不再可见而停药）。"
        )


def test_every_engine_text_is_translated():
    engine = {text for texts in engine_texts._templates().values() for text in texts}
    assert sorted(engine - set(engine_texts.TRANSLATED)) == []


def _drug_specs():
    """Every drug the rule sets name (guidelines.rulesets.base.DrugSpec), wherever it sits in their data."""
    import dataclasses
    from collections.abc import Mapping

    from guidelines import RULESETS
    from guidelines.rulesets.base import DrugSpec

    found = []

    def walk(value):
        if isinstance(value, DrugSpec):
            found.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, tuple | list | frozenset):
            for item in value:
                walk(item)

    for ruleset in RULESETS.values():
        for f in dataclasses.fields(ruleset):
            walk(getattr(ruleset, f.name))
    return found


def test_every_translated_parameter_is_a_value_the_engine_prints():
    from pathlib import Path

    from guidelines import GENOTYPE_LABELS

    specs = {text for spec in _drug_specs() for text in (spec.drug, spec.dose_text, spec.evidence or "")}
    engine_source = (Path(engine_texts.__file__).parents[1] / "guidelines" / "engine.py").read_text()
    printed = specs | set(GENOTYPE_LABELS.values())
    # A reason for neoadjuvant therapy is printed with its first letter capitalised.
    unknown = [
        p
        for p in engine_texts.PARAMETERS
        if p not in printed
        and f'"{p}"' not in engine_source
        and f'"{p[0].lower()}{p[1:]}"' not in engine_source
    ]
    assert unknown == []


def test_a_systemic_line_reads_in_chinese_with_its_dose():
    item = {
        "id": "systemic.line_2",
        "text": "Line 2: sunitinib, 50 mg once daily 4 weeks on / 2 weeks off, or 37.5 mg once daily continuously.",
    }
    with translation.override("zh-hans"):
        assert (
            rule_text(item)
            == "第2线：舒尼替尼，50 mg，每日一次，用药4周停药2周；或37.5 mg，每日一次，持续用药。"
        )


def test_every_progression_proposal_is_in_the_catalogue():
    from guidelines.progression import STANDARD_LINES, on_progression

    texts = set()
    drugs = ["", "avapritinib", *(drug for drug, _, _ in STANDARD_LINES)]
    for current in drugs:
        for dose in (None, 400, 800):
            for genotype in ("kit_exon_11", "pdgfra_d842v"):
                for used in ([], [d for d, _, _ in STANDARD_LINES]):
                    proposals = on_progression(
                        current_drug=current, current_dose_mg=dose, genotype=genotype, drugs_used=used
                    )
                    texts.update(p.text for p in proposals)
    assert sorted(texts - set(engine_texts.PROGRESSION)) == []
    with translation.override("zh-hans"):
        assert [t for t in engine_texts.PROGRESSION if translation.gettext(t) == t] == []


def test_every_note_beside_the_risk_is_translated_and_still_the_engines_wording():
    """The notes (why the schemes disagree, KIT 557/558, 50 HPF) are matched by their templates: a wording changed
    in guidelines/ must be changed here too, or the note falls back to English."""
    from guidelines.engine import RISK_NOTE_TEXTS
    from guidelines.risk import DISAGREEMENT_TEXTS

    engine = {*DISAGREEMENT_TEXTS.values(), *RISK_NOTE_TEXTS.values()}
    assert sorted(engine ^ set(engine_texts.NOTES)) == []
    with translation.override("zh-hans"):
        untranslated = [text for text in engine if gettext(text) == text]
    assert untranslated == []


def test_every_value_the_notes_are_filled_with_is_translated():
    from guidelines.risk import AFIP_COLUMN_TEXT, MITOSES_BAND_TEXT, SIZE_BAND_TEXT, TNM_IV_REASON_TEXT

    reasons = TNM_IV_REASON_TEXT
    values = {
        *AFIP_COLUMN_TEXT.values(),
        *SIZE_BAND_TEXT,
        *MITOSES_BAND_TEXT,
        *reasons.values(),
        f"{reasons['N1']} and {reasons['M1']}",
    }
    assert sorted(values ^ set(engine_texts.NOTE_PARAMETERS)) == []
    with translation.override("zh-hans"):
        assert [value for value in values if gettext(value) == value] == []


def test_a_note_not_translated_yet_prints_in_the_engines_english():
    with translation.override("zh-hans"):
        assert (
            engine_texts.note_text("A note added to the engine later.") == "A note added to the engine later."
        )
    with translation.override("en"):
        text = "Omental GIST is graded with the gastric group in every scheme (TNM and AFIP practice)."
        assert engine_texts.note_text(text) == text


def test_every_drug_and_dose_the_rule_sets_print_reads_in_chinese():
    """The doses "800 mg daily" (KIT exon 9) and "600 mg once daily" were printed in English on Chinese pages."""
    printed = {text for spec in _drug_specs() for text in (spec.drug, spec.dose_text)}
    with translation.override("zh-hans"):
        english = [text for text in printed if text and engine_texts.engine_phrase(text) == text]
    assert sorted(english) == []


def test_a_local_default_names_its_source_in_chinese():
    """Sources are printed as published, except the app's own words around them: "local default (after ESMO
    2022)" was English on the Chinese case page and report."""
    from guidelines.rulesets.common import CSCO, ESMO, LOCAL_AFTER_CSCO, LOCAL_AFTER_ESMO

    with translation.override("zh-hans"):
        assert engine_texts.source_text(LOCAL_AFTER_ESMO) == "本地默认值（参照ESMO 2022）"
        assert engine_texts.source_text(LOCAL_AFTER_CSCO) == f"本地默认值（参照{CSCO}）"
        assert engine_texts.source_text(ESMO) == ESMO  # a publication stays as published
    with translation.override("en"):
        assert engine_texts.source_text(LOCAL_AFTER_ESMO) == LOCAL_AFTER_ESMO
        assert engine_texts.source_text(LOCAL_AFTER_CSCO) == LOCAL_AFTER_CSCO


def test_the_case_page_prints_a_local_default_in_chinese(client, surgeon):
    from django.urls import reverse

    from cases.models import UserProfile
    from cases.records.assessment import case_assess
    from tests.factories import CaseFactory, DiagnosticsFactory, PresentationFactory

    # Gastric, 7 cm, not yet resected: open surgery, a local default after ESMO 2022 (approach.open_gastric_5_10).
    case = CaseFactory(owner=surgeon)
    PresentationFactory(case=case, size_cm="7.0")
    DiagnosticsFactory(case=case)
    case_assess(case=case, user=surgeon)
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    html = client.get(reverse("records:case", args=[case.pk])).content.decode()
    assert "本地默认值（参照" in html
    assert "local default" not in html
