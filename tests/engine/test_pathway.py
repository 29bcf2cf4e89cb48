"""Pathway, biopsy, work-up, molecular testing and warnings (RULES.md sections 3, 4 and 7)."""

from datetime import date

import pytest

from guidelines import CaseFacts, assess

TODAY = date(2026, 3, 1)
RULESETS = ["esmo-2022", "csco-2020"]


def run(ruleset="esmo-2022", **kwargs):
    kwargs.setdefault("site", "stomach")
    kwargs.setdefault("size_cm", 4.0)
    return assess(CaseFacts(**kwargs), ruleset, today=TODAY)


# --- Metastatic or recurrent disease --------------------------------------------------------------------
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("presentation", ["metastatic", "recurrent"])
def test_advanced_disease_is_systemic_therapy(ruleset, presentation):
    result = run(ruleset, presentation=presentation, size_cm=8.0)
    assert result.pathway == "systemic_therapy"
    assert result.biopsy_first is True
    assert result.approach is None
    assert result.adjuvant.recommendation == "not_applicable"
    assert result.systemic_lines[0].drug == "imatinib"
    assert "systemic.surgery_role" in result.recommendation_ids()
    assert "biopsy.before_systemic" in result.recommendation_ids()


def test_advanced_disease_with_confirmed_histology_needs_no_biopsy():
    result = run(presentation="metastatic", histology_confirmed=True)
    assert (result.pathway, result.biopsy_first) == ("systemic_therapy", False)
    assert "biopsy.before_systemic" not in result.recommendation_ids()


def test_recurrent_after_resection_is_still_systemic():
    result = run(presentation="recurrent", resected=True, surgery_date=date(2024, 1, 1), mitoses_per_5mm2=12)
    assert result.pathway == "systemic_therapy"
    assert result.adjuvant.recommendation == "not_applicable"


@pytest.mark.parametrize("ruleset", RULESETS)
def test_an_operation_in_advanced_disease_says_imatinib_continues_after_resection_of_metastases(ruleset):
    # RULES.md section 6: "after complete resection of metastases imatinib continues".
    result = run(
        ruleset, presentation="metastatic", resected=True, surgery_date=date(2026, 1, 10), margin="R0"
    )
    statement = next(r for r in result.recommendations if r.id == "systemic.after_metastasectomy")
    assert "imatinib continues" in statement.text
    assert statement.source.startswith("ESMO")


def test_advanced_disease_without_an_operation_has_no_after_resection_statement():
    assert "systemic.after_metastasectomy" not in run(presentation="metastatic").recommendation_ids()


# --- Rectum ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("size", [0.8, 1.9, 3.0, 9.0])
def test_rectal_tumour_of_any_size_is_resected(ruleset, size):
    result = run(ruleset, site="rectum", size_cm=size, rectal_level="mid")
    assert result.pathway == "resection"
    assert "pathway.rectal_resection" in result.recommendation_ids()
    assert "Endorectal ultrasound" in result.workup
    assert "Pelvic MRI" in result.workup


def test_large_rectal_tumour_needing_abdominoperineal_resection_gets_neoadjuvant():
    result = run(site="rectum", size_cm=6.0, rectal_level="low", major_morbidity_expected=True)
    assert result.pathway == "neoadjuvant_then_resection"
    assert result.neoadjuvant.to_dict() == {
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "months_min": 6,
        "months_max": 12,
    }


# --- Tumours under 2 cm ---------------------------------------------------------------------------------
@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("site", ["stomach", "egj"])
@pytest.mark.parametrize(
    "features",
    [
        {"eus_features": ("irregular_border",)},
        {"eus_features": ("cystic_spaces",)},
        {"eus_features": ("echogenic_foci", "heterogeneity")},
        {"clinical_features": ("bleeding",)},
        {"clinical_features": ("ulceration",)},
    ],
)
def test_small_gastric_with_adverse_features_is_resected(ruleset, site, features):
    result = run(ruleset, site=site, size_cm=1.5, gastric_location=None, **features)
    assert result.pathway == "resection"
    assert "pathway.small_adverse_resection" in result.recommendation_ids()


@pytest.mark.parametrize("site", ["stomach", "egj"])
def test_csco_small_gastric_without_adverse_features_is_watched(site):
    result = run("csco-2020", site=site, size_cm=1.5, histology_confirmed=True)
    assert result.pathway == "surveillance"
    ids = result.recommendation_ids()
    assert "pathway.small_surveillance" in ids
    assert "pathway.small_resection_alternative" in ids
    by_id = {r.id: r for r in result.recommendations}
    assert by_id["pathway.small_surveillance"].evidence == "class I, 2A"
    assert by_id["pathway.small_resection_alternative"].evidence == "class II, 2A"


@pytest.mark.parametrize("site", ["stomach", "egj", "esophagus", "duodenum"])
def test_esmo_small_nodule_without_tissue_diagnosis_is_watched(site):
    result = run(site=site, size_cm=1.9)
    assert result.pathway == "surveillance"
    assert "pathway.small_surveillance_no_tissue" in result.recommendation_ids()
    assert result.biopsy_first is False


@pytest.mark.parametrize("site", ["stomach", "egj", "esophagus", "duodenum"])
def test_esmo_small_nodule_with_confirmed_gist_is_resected(site):
    result = run(site=site, size_cm=1.9, histology_confirmed=True)
    assert result.pathway == "resection"
    assert "pathway.small_resection_confirmed" in result.recommendation_ids()


def test_esmo_small_confirmed_gist_with_major_morbidity_is_watched():
    result = run(site="duodenum", size_cm=1.2, histology_confirmed=True, major_morbidity_expected=True)
    assert result.pathway == "surveillance"
    assert "pathway.small_surveillance_morbidity" in result.recommendation_ids()


@pytest.mark.parametrize("site", ["esophagus", "duodenum"])
def test_csco_small_oesophageal_or_duodenal_tumour_is_resected(site):
    result = run("csco-2020", site=site, size_cm=1.5)
    assert result.pathway == "resection"
    assert "pathway.small_other_site_resection" in result.recommendation_ids()


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize(
    "site", ["jejunum", "ileum", "small_intestine", "colon", "mesentery", "omentum", "peritoneum", "other"]
)
def test_small_tumour_at_other_sites_is_resected(ruleset, site):
    result = run(ruleset, site=site, size_cm=1.0)
    assert result.pathway == "resection"
    rec = {r.id: r for r in result.recommendations}["pathway.small_other_site_resection"]
    assert rec.evidence == "class I, 2A"


@pytest.mark.parametrize("ruleset", RULESETS)
def test_exactly_2_cm_is_not_small(ruleset):
    result = run(ruleset, size_cm=2.0, gastric_location="fundus")
    assert result.pathway == "resection"
    assert "pathway.resection" in result.recommendation_ids()


def test_small_tumour_marked_not_resectable_is_flagged():
    result = run(site="jejunum", size_cm=1.5, r0_feasible=False)
    assert result.pathway == "resection"
    assert "pathway.small_tumour_not_resectable" in result.warning_ids()


def test_obstruction_of_a_watched_nodule_is_flagged():
    result = run(size_cm=1.5, clinical_features=("obstruction",))
    assert result.pathway == "surveillance"  # obstruction is not an adverse feature in RULES.md section 3
    assert "pathway.small_obstruction_perforation" in result.warning_ids()


# --- 2 cm or more; neoadjuvant ------------------------------------------------------------------------
@pytest.mark.parametrize("ruleset", RULESETS)
def test_large_resectable_tumour_is_resected_without_biopsy(ruleset):
    result = run(ruleset, size_cm=6.0, gastric_location="antrum")
    assert (result.pathway, result.biopsy_first, result.neoadjuvant) == ("resection", False, None)


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize(
    "reason",
    [{"r0_feasible": False}, {"presentation": "locally_advanced"}, {"major_morbidity_expected": True}],
)
def test_neoadjuvant_when_r0_not_feasible_or_morbidity(ruleset, reason):
    result = run(ruleset, size_cm=9.0, genotype="kit_exon_11", **reason)
    assert result.pathway == "neoadjuvant_then_resection"
    assert result.biopsy_first is True
    assert result.neoadjuvant.to_dict() == {
        "drug": "imatinib",
        "dose_mg_per_day": 400,
        "months_min": 6,
        "months_max": 12,
    }
    rec = {r.id: r for r in result.recommendations}["pathway.neoadjuvant"]
    assert rec.evidence == "[III, A]"
    assert "biopsy.core_biopsies" in result.recommendation_ids()


@pytest.mark.parametrize(("ruleset", "dose"), [("esmo-2022", 800), ("csco-2020", 600)])
def test_neoadjuvant_kit_exon_9_dose_is_the_first_line_dose(ruleset, dose):
    result = run(ruleset, size_cm=9.0, genotype="kit_exon_9", r0_feasible=False)
    assert (result.neoadjuvant.drug, result.neoadjuvant.dose_mg_per_day) == ("imatinib", dose)


@pytest.mark.parametrize("ruleset", RULESETS)
def test_neoadjuvant_pdgfra_d842v_is_avapritinib(ruleset):
    result = run(ruleset, size_cm=9.0, genotype="pdgfra_d842v", r0_feasible=False)
    assert result.pathway == "neoadjuvant_then_resection"
    assert (result.neoadjuvant.drug, result.neoadjuvant.dose_mg_per_day) == ("avapritinib", 300)


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("genotype", ["sdh_deficient", "nf1", "braf", "ntrk"])
def test_no_neoadjuvant_for_imatinib_insensitive_genotypes(ruleset, genotype):
    result = run(ruleset, size_cm=9.0, genotype=genotype, r0_feasible=False)
    assert result.pathway == "resection"
    assert result.neoadjuvant is None
    assert result.biopsy_first is False
    assert "neoadjuvant.genotype_insensitive" in result.warning_ids()


def test_neoadjuvant_with_genotype_not_tested_asks_for_genotype_first():
    result = run(size_cm=9.0, r0_feasible=False)
    assert result.pathway == "neoadjuvant_then_resection"
    assert "neoadjuvant.genotype_first" in result.recommendation_ids()
    assert "genotype.not_tested" in result.warning_ids()


# --- Already resected ------------------------------------------------------------------------------------
def test_resected_tumour_pathway_and_no_planned_surgery():
    result = run(size_cm=6.0, resected=True, surgery_date=date(2026, 1, 15), mitoses_per_5mm2=3)
    assert (result.pathway, result.biopsy_first, result.approach, result.checklist) == (
        "resection",
        False,
        None,
        (),
    )
    assert "surgery.rupture_checklist" not in result.recommendation_ids()


def test_resected_after_neoadjuvant():
    result = run(
        size_cm=6.0, resected=True, surgery_date=date(2026, 1, 15), mitoses_per_5mm2=3, neoadjuvant_months=8
    )
    assert (result.pathway, result.biopsy_first, result.neoadjuvant) == (
        "neoadjuvant_then_resection",
        False,
        None,
    )


def test_size_unknown_gives_no_pathway():
    result = run(size_cm=None)
    assert result.pathway is None
    assert "pathway.size_unknown" in result.warning_ids()


# --- Molecular testing and warnings (RULES.md section 7) --------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "required"),
    [
        ({"site": "stomach", "size_cm": 1.5}, False),  # watched small gastric nodule
        ({"site": "jejunum", "size_cm": 1.5}, False),  # small, resection, no count yet
        ({"site": "rectum", "size_cm": 1.5, "rectal_level": "low"}, True),  # rectal: always
        ({"site": "stomach", "size_cm": 2.0}, True),
        (
            {
                "site": "jejunum",
                "size_cm": 1.5,
                "resected": True,
                "surgery_date": date(2026, 1, 1),
                "mitoses_per_5mm2": 2,
            },
            False,
        ),
        (
            {
                "site": "jejunum",
                "size_cm": 1.5,
                "resected": True,
                "surgery_date": date(2026, 1, 1),
                "mitoses_per_5mm2": 8,
            },
            True,
        ),
        ({"site": "jejunum", "size_cm": 1.5, "resected": True, "surgery_date": date(2026, 1, 1)}, True),
        ({"site": "stomach", "size_cm": 1.5, "presentation": "metastatic"}, True),
        (
            {
                "site": "stomach",
                "size_cm": 1.5,
                "rupture": True,
                "resected": True,
                "surgery_date": date(2026, 1, 1),
            },
            True,
        ),
    ],
)
def test_molecular_testing_required(kwargs, required):
    result = assess(CaseFacts(**kwargs), "esmo-2022", today=TODAY)
    assert result.molecular_testing_required is required
    assert ("genotype.not_tested" in result.warning_ids()) is required
    assert ("molecular.required" if required else "molecular.not_required") in result.recommendation_ids()


def test_no_not_tested_warning_when_genotype_known():
    assert "genotype.not_tested" not in run(genotype="kit_exon_11").warning_ids()


def test_wild_type_workup_warning():
    result = run(genotype="wild_type_unspecified")
    assert "genotype.wild_type_workup" in result.warning_ids()
    assert "genotype.not_tested" not in result.warning_ids()


@pytest.mark.parametrize(
    ("cd117", "dog1", "warned"),
    [
        ("negative", "negative", True),
        ("negative", "positive", False),
        ("positive", "negative", False),
        (None, None, False),
    ],
)
def test_cd117_dog1_negative_warning(cd117, dog1, warned):
    result = run(cd117=cd117, dog1=dog1)
    assert ("histology.cd117_dog1_negative" in result.warning_ids()) is warned


def test_diagnostics_always_stated():
    ids = run().recommendation_ids()
    assert "pathology.immunohistochemistry" in ids
    assert "mdt.specialist_centre" in ids
