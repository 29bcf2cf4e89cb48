"""CSCO 2020 rule set: CSCO Guidelines for Gastrointestinal Stromal Tumors 2020 and the Chinese GIST expert consensus.

CSCO evidence reads "class I, 2A" (class of recommendation, category of evidence). Values marked "verify
locally" come from Chinese practice as summarised in RULES.md and should be checked by each hospital.
"""

from __future__ import annotations

import dataclasses

from ..records import Recommendation
from .base import AdjuvantRule, DrugSpec, Schedule, Segment, freeze
from .common import CSCO, CSCO_CONSENSUS, common_statements
from .esmo_2022 import RULESET as ESMO_2022

_FIXED_SEGMENTS = (
    Segment(3, 36, 3, "years_1_3"),
    Segment(42, 60, 6, "years_4_5"),
    Segment(72, 120, 12, "years_6_10"),
    Segment(12, 60, 12, "chest", modality="chest_xray"),
)
_FIXED_TEXT = (
    "{risk}: CT or MRI every 3 months for 3 years, every 6 months to year 5 and yearly to year 10, with a "
    "chest X-ray every year to year 5."
)

_OWN_STATEMENTS = {
    s.id: s
    for s in (
        Recommendation(
            "pathway.small_adverse_resection",
            "Gastric/EGJ tumour under 2 cm with adverse EUS or clinical features: resection, open or "
            "laparoscopic (class I); laparoscopic or endoscopic resection in an experienced centre for the "
            "lesser curvature, posterior wall and EGJ (class II, 2B).",
            "class I",
            CSCO,
        ),
        Recommendation(
            "pathway.small_surveillance",
            "Gastric/EGJ tumour under 2 cm without adverse features: endoscopic (EUS) surveillance.",
            "class I, 2A",
            CSCO,
        ),
        Recommendation(
            "pathway.small_resection_alternative",
            "Alternative: resection where endoscopic follow-up is difficult or the site suits laparoscopy.",
            "class II, 2A",
            CSCO,
        ),
        Recommendation(
            "approach.small_gastric_endoscopic_or_laparoscopic",
            "Gastric tumour under 2 cm with adverse features on the lesser curvature, posterior wall or "
            "cardia/EGJ: endoscopic or laparoscopic resection in an experienced centre.",
            "class II, 2B",
            CSCO,
        ),
        Recommendation(
            "approach.small_gastric_open_or_laparoscopic",
            "Gastric tumour under 2 cm with adverse features: open or laparoscopic resection.",
            "class I",
            CSCO,
        ),
        Recommendation(
            "approach.laparoscopic_gastric_5_10",
            "Gastric tumour larger than 5 cm and up to 10 cm on the greater curvature or antrum, or exophytic on "
            "the anterior wall: laparoscopic resection (size is not absolute when the location suits).",
            None,
            CSCO,
        ),
        Recommendation(
            "approach.open_gastric_5_10",
            "Gastric tumour larger than 5 cm and up to 10 cm at this location: open surgery (stapled closure of "
            "an endophytic tumour here would narrow the lumen).",
            None,
            CSCO,
        ),
        Recommendation(
            "systemic.kit_exon_9_dose",
            "KIT exon 9 mutation, advanced disease: first-line imatinib 600 mg/day (used in Chinese practice; "
            "verify locally).",
            None,
            CSCO_CONSENSUS,
        ),
    )
}

# CSCO shares the ESMO-derived pieces not listed here (drugs of later lines, neoadjuvant months, genotype
# exclusions); every field is restated explicitly so the rule set reads on its own.
RULESET = dataclasses.replace(
    ESMO_2022,
    id="csco-2020",
    # 2020.5 (2026-12-02): systemic.after_metastasectomy (RULES.md section 6). 2020.4: schedules gained
    # text_no_adjuvant (unset here).
    version="2020.5",
    title="CSCO 2020",
    citation="CSCO Guidelines for Gastrointestinal Stromal Tumor 2020; Chinese GIST expert consensus.",
    small_nodule_sites=frozenset({"stomach", "egj"}),
    small_confirmed_policy="surveillance",  # class I, 2A
    small_gastric_adverse_default="open_or_laparoscopic",  # class I
    small_gastric_endoscopic_locations=frozenset(
        {"lesser_curvature", "posterior_wall", "cardia"}
    ),  # class II, 2B
    gastric_5_10_laparoscopic_locations=frozenset({"greater_curvature", "antrum"}),  # CSCO 2020
    gastric_5_10_exophytic_laparoscopic_locations=frozenset({"anterior_wall"}),  # CSCO 2020
    neoadjuvant_months_min=6,
    neoadjuvant_months_max=12,
    imatinib_insensitive_genotypes=frozenset({"sdh_deficient", "nf1", "braf", "ntrk"}),
    adjuvant_rupture=AdjuvantRule(
        "adjuvant.rupture",
        "recommended",
        36,
        "Tumour rupture: adjuvant imatinib recommended for {months} months; consider longer.",
        None,
        CSCO,
    ),
    adjuvant_high=AdjuvantRule(
        "adjuvant.high_risk",
        "recommended",
        36,
        "High risk (modified NIH): adjuvant imatinib recommended for {months} months.",
        None,
        CSCO,
    ),
    adjuvant_intermediate_gastric=AdjuvantRule(
        "adjuvant.intermediate_risk",
        "recommended",
        12,  # Chinese consensus: gastric intermediate risk 1 year (verify locally)
        "Intermediate risk (modified NIH), gastric group: adjuvant imatinib recommended for {months} months.",
        None,
        CSCO_CONSENSUS,
    ),
    adjuvant_intermediate_other=AdjuvantRule(
        "adjuvant.intermediate_risk",
        "recommended",
        36,  # Chinese consensus: non-gastric intermediate risk 3 years (verify locally)
        "Intermediate risk (modified NIH), non-gastric site: adjuvant imatinib recommended for {months} months.",
        None,
        CSCO_CONSENSUS,
    ),
    adjuvant_low=AdjuvantRule(
        "adjuvant.low_risk",
        "not_recommended",
        None,
        "Low or very low risk (modified NIH): adjuvant therapy is not recommended.",
        None,
        CSCO,
    ),
    adjuvant_unassessable_after_neoadjuvant=ESMO_2022.adjuvant_unassessable_after_neoadjuvant,  # RULES.md 1
    rupture_adjuvant_months_for_risk_schedule=12,  # RULES.md section 8 (CSCO: rupture is already int/high)
    adjuvant_drug="imatinib",
    adjuvant_dose_mg_per_day=400,
    adjuvant_dose_by_genotype=freeze({}),  # 400 mg/day for every genotype under CSCO
    adjuvant_no_benefit_genotypes=frozenset({"pdgfra_d842v", "sdh_deficient", "nf1", "braf", "ntrk"}),
    adjuvant_downgrade_genotypes=frozenset({"wild_type_unspecified"}),
    first_line=freeze(
        {
            **ESMO_2022.first_line,
            # 600 mg/day: used in Chinese practice (verify locally)
            "kit_exon_9": DrugSpec("imatinib", "600 mg once daily", 600, None, CSCO_CONSENSUS),
        }
    ),
    schedules=freeze(
        {
            "very_low": Schedule(
                "very_low",
                (Segment(6, 60, 6, "low_risk"),),
                "Very low risk: followed as low risk (local default): imaging every 6 months to 5 years.",
                None,
                CSCO,
            ),
            "low": Schedule(
                "low",
                (Segment(6, 60, 6, "low_risk"),),
                "Low risk: imaging every 6 months to 5 years.",
                None,
                CSCO,
            ),
            "intermediate": Schedule(
                "intermediate", _FIXED_SEGMENTS, _FIXED_TEXT.format(risk="Intermediate risk"), None, CSCO
            ),
            "high": Schedule("high", _FIXED_SEGMENTS, _FIXED_TEXT.format(risk="High risk"), None, CSCO),
            "rupture": Schedule(
                "rupture",
                _FIXED_SEGMENTS,
                _FIXED_TEXT.format(risk="Tumour rupture (as high risk)"),
                None,
                CSCO,
            ),
            "small_nodule": Schedule(
                "small_nodule",
                (
                    Segment(6, 24, 6, "nodule_surveillance", modality="eus"),
                    Segment(36, 60, 12, "nodule_surveillance", modality="eus"),
                ),
                "Small nodule under surveillance: EUS every 6 months for 2 years, then yearly to 5 years.",
                None,
                CSCO,
            ),
            "systemic": ESMO_2022.schedules["systemic"],
        }
    ),
    # ESMO's statements stay available so that a local rule set derived from this one may switch a policy.
    statements=freeze({**ESMO_2022.statements, **common_statements(surgical=CSCO), **_OWN_STATEMENTS}),
)
