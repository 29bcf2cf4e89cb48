"""ESMO 2022 rule set: Casali PG et al. (ESMO-EURACAN-GENTURIS) Ann Oncol 2022;33:20-33.

Where ESMO gives a range, the local default chosen in RULES.md is marked "local default".
"""

from __future__ import annotations

from ..records import Recommendation
from .base import AdjuvantRule, DrugSpec, RuleSet, Schedule, Segment, freeze
from .common import (
    AVAPRITINIB,
    BRAF_INHIBITOR,
    ESMO,
    IMATINIB_400,
    LOCAL_AFTER_CSCO,
    LOCAL_AFTER_ESMO,
    NTRK_INHIBITOR,
    SDH_DEFICIENT_LINE,
    SSG_XVIII,
    STANDARD_LATER_LINES,
    common_statements,
)

_OWN_STATEMENTS = {
    s.id: s
    for s in (
        Recommendation(
            "pathway.small_adverse_resection",
            "Tumour under 2 cm with adverse EUS or clinical features: resection (endoscopic resection is "
            "acceptable when complete and without rupture).",
            None,
            ESMO,
        ),
        Recommendation(
            "pathway.small_resection_confirmed",
            "Small nodule (under 2 cm) with a biopsy-confirmed GIST: resection (endoscopic resection is "
            "acceptable when complete and without rupture).",
            None,
            ESMO,
        ),
        Recommendation(
            "pathway.small_surveillance_morbidity",
            "Small nodule (under 2 cm) with a confirmed GIST, but resection would cause major morbidity: "
            "surveillance (EUS at 3 months, then longer intervals if there is no growth).",
            None,
            ESMO,
        ),
        Recommendation(
            "pathway.small_surveillance_no_tissue",
            "Small nodule (under 2 cm) without a tissue diagnosis and without adverse features: surveillance "
            "(EUS at 3 months, then longer intervals if there is no growth).",
            None,
            ESMO,
        ),
        Recommendation(
            "approach.small_gastric_endoscopic_or_laparoscopic",
            "Gastric/EGJ tumour under 2 cm with adverse features: endoscopic or laparoscopic resection "
            "(endoscopic resection when complete and without rupture).",
            None,
            ESMO,
        ),
        Recommendation(
            "approach.open_gastric_5_10",
            "Gastric tumour larger than 5 cm and up to 10 cm: open surgery (larger tumours are not routinely "
            "resected laparoscopically).",
            None,
            LOCAL_AFTER_ESMO,
        ),
        Recommendation(
            "adjuvant.kit_exon_9_dose",
            "KIT exon 9 mutation: adjuvant imatinib {dose} mg/day (the rule set's dose). ESMO 2022 notes that "
            "there is no prospective evidence for 800 mg in the adjuvant setting and 400 mg/day is the standard "
            "alternative: the MDT decision records which dose is given.",
            "[II, B]",
            ESMO,
        ),
        Recommendation(
            "systemic.kit_exon_9_dose",
            "KIT exon 9 mutation, advanced disease: first-line imatinib 800 mg/day.",
            "[III, B]",
            ESMO,
        ),
    )
}

RULESET = RuleSet(
    id="esmo-2022",
    # 2022.5 (2026-12-02): systemic.after_metastasectomy (RULES.md section 6). 2022.4: the high and intermediate
    # schedules say A = 0 plainly.
    version="2022.5",
    title="ESMO 2022",
    citation="Casali PG et al. (ESMO-EURACAN-GENTURIS). Ann Oncol 2022;33:20-33.",
    # RULES.md section 3: under ESMO also oesophagus and duodenum small nodules may be watched.
    small_nodule_sites=frozenset({"stomach", "egj", "esophagus", "duodenum"}),
    small_confirmed_policy="resection_unless_morbidity",
    # RULES.md section 4, rule 4: ESMO -> endoscopic_or_laparoscopic for every gastric location.
    small_gastric_adverse_default="endoscopic_or_laparoscopic",
    small_gastric_endoscopic_locations=frozenset(),
    # 5-10 cm gastric: open (RULES.md section 4: > 5 cm not routinely laparoscopic; local default).
    gastric_5_10_laparoscopic_locations=frozenset(),
    gastric_5_10_exophytic_laparoscopic_locations=frozenset(),
    # Neoadjuvant imatinib "usually 6-12 months to maximal response" (ESMO 2022 [III, A]).
    neoadjuvant_months_min=6,
    neoadjuvant_months_max=12,
    imatinib_insensitive_genotypes=frozenset({"sdh_deficient", "nf1", "braf", "ntrk"}),
    adjuvant_rupture=AdjuvantRule(
        "adjuvant.rupture",
        "recommended",
        36,  # ESMO 2022 [IV, A]
        "Tumour rupture: adjuvant imatinib recommended for {months} months; longer or lifelong treatment may "
        "be considered.",
        "[IV, A]",
        ESMO,
    ),
    adjuvant_high=AdjuvantRule(
        "adjuvant.high_risk",
        "recommended",
        36,  # SSG XVIII: 3 years better than 1 year
        "High risk (modified NIH): adjuvant imatinib recommended for {months} months.",
        "[I, A]",
        f"{ESMO}; {SSG_XVIII}",
    ),
    adjuvant_intermediate_gastric=AdjuvantRule(
        "adjuvant.intermediate_risk",
        "consider",
        36,
        "Intermediate risk (modified NIH): consider adjuvant imatinib in a shared decision; {months} months "
        "if given.",
        None,
        ESMO,
    ),
    adjuvant_intermediate_other=AdjuvantRule(
        "adjuvant.intermediate_risk",
        "consider",
        36,
        "Intermediate risk (modified NIH): consider adjuvant imatinib in a shared decision; {months} months "
        "if given.",
        None,
        ESMO,
    ),
    adjuvant_low=AdjuvantRule(
        "adjuvant.low_risk",
        "not_recommended",
        None,
        "Low or very low risk (modified NIH): adjuvant therapy is not recommended.",
        None,
        ESMO,
    ),
    adjuvant_unassessable_after_neoadjuvant=AdjuvantRule(
        "adjuvant.after_neoadjuvant_unassessable",
        "recommended",
        36,  # RULES.md section 1: local default after ESMO 2022's total of 36 months
        "Risk not assessable after neoadjuvant imatinib (no pre-treatment size and biopsy mitotic count "
        "recorded): adjuvant imatinib to complete {months} months in total.",
        None,
        LOCAL_AFTER_ESMO,
    ),
    # RULES.md section 8 (corrected 2026-12-02): a ruptured tumour with at least this many months of adjuvant
    # imatinib follows the intermediate/high schedule counted with A; with fewer, the fixed rupture schedule.
    rupture_adjuvant_months_for_risk_schedule=12,
    adjuvant_drug="imatinib",
    adjuvant_dose_mg_per_day=400,  # SSG XVIII; ESMO 2022
    adjuvant_dose_by_genotype=freeze({"kit_exon_9": 800}),  # [II, B] (RULES.md section 5, with ESMO's caveat)
    adjuvant_no_benefit_genotypes=frozenset(
        {"pdgfra_d842v", "sdh_deficient", "nf1", "braf", "ntrk"}
    ),  # [IV, D]
    adjuvant_downgrade_genotypes=frozenset({"wild_type_unspecified"}),
    first_line=freeze(
        {
            "default": IMATINIB_400,  # [I, A]
            "kit_exon_9": DrugSpec("imatinib", "800 mg daily", 800, "[III, B]", ESMO),
            "pdgfra_d842v": AVAPRITINIB,
            "ntrk": NTRK_INHIBITOR,
            "braf": BRAF_INHIBITOR,
            "sdh_deficient": SDH_DEFICIENT_LINE,
        }
    ),
    later_lines=STANDARD_LATER_LINES,
    standard_sequence_genotypes=frozenset(
        {
            "kit_exon_11",
            "kit_exon_9",
            "kit_other",
            "pdgfra_other",
            "nf1",
            "wild_type_unspecified",
            "not_tested",
        }
    ),
    schedules=freeze(
        {
            "very_low": Schedule(
                "very_low",
                (),
                "Very low risk after resection: probably no routine follow-up (the risk is not zero).",
                None,
                ESMO,
            ),
            "low": Schedule(
                "low",
                (Segment(6, 60, 6, "low_risk"),),  # ESMO range 6-12 months: local default 6
                "Low risk: imaging every 6 months to 5 years (ESMO range 6-12 months; local default 6).",
                None,
                ESMO,
            ),
            "intermediate": Schedule(
                "intermediate",
                (
                    Segment(3, 0, 3, "adjuvant", anchor="until_adjuvant"),  # ESMO range 3-6: local default 3
                    Segment(3, 24, 3, "post_adjuvant_early", anchor="after_adjuvant"),
                    Segment(30, 60, 6, "post_adjuvant_mid", anchor="after_adjuvant"),
                    Segment(72, 120, 12, "post_adjuvant_late", anchor="after_adjuvant"),
                ),
                "Intermediate risk follows the high-risk schedule (local default; ESMO gives none): imaging every "
                "3 months during the {a} months of adjuvant therapy, then every 3 months for 2 years after it "
                "stops, every 6 months to 5 years and yearly to 10 years after it stops.",
                None,
                ESMO,
                text_no_adjuvant="Intermediate risk, no adjuvant therapy, follows the high-risk schedule (local "
                "default; ESMO gives none): imaging every 3 months for 2 years after surgery, every 6 months to "
                "5 years and yearly to 10 years.",
            ),
            "high": Schedule(
                "high",
                (
                    Segment(3, 0, 3, "adjuvant", anchor="until_adjuvant"),  # ESMO range 3-6: local default 3
                    Segment(3, 24, 3, "post_adjuvant_early", anchor="after_adjuvant"),
                    Segment(30, 60, 6, "post_adjuvant_mid", anchor="after_adjuvant"),
                    Segment(72, 120, 12, "post_adjuvant_late", anchor="after_adjuvant"),
                ),
                "High risk: imaging every 3 months during the {a} months of adjuvant therapy (ESMO range 3-6 "
                "months; local default 3), then every 3 months for 2 years after it stops, every 6 months to "
                "5 years and yearly to 10 years after it stops.",
                None,
                ESMO,
                text_no_adjuvant="High risk, no adjuvant therapy: imaging every 3 months for 2 years after "
                "surgery (ESMO range 3-6 months; local default 3), every 6 months to 5 years and yearly to 10 "
                "years.",
            ),
            "rupture": Schedule(
                "rupture",
                (
                    Segment(3, 36, 3, "years_1_3"),
                    Segment(42, 60, 6, "years_4_5"),
                    Segment(72, 120, 12, "years_6_10"),
                ),
                "Tumour rupture without 12 months of adjuvant imatinib: imaging every 3 months for 3 years, "
                "every 6 months to year 5, then yearly to year 10.",
                None,
                LOCAL_AFTER_ESMO,
            ),
            "small_nodule": Schedule(
                "small_nodule",
                (
                    Segment(3, 3, 3, "nodule_surveillance", modality="eus"),
                    Segment(12, 60, 12, "nodule_surveillance", modality="eus"),
                ),
                "Small nodule under surveillance: EUS at 3 months, then yearly to 5 years if there is no growth.",
                None,
                ESMO,
            ),
            "systemic": Schedule(
                "systemic",
                (Segment(3, 24, 3, "on_treatment", anchor="rolling"),),
                "Systemic therapy: imaging every 3 months from the start of the current line of therapy, renewed "
                "while treatment goes on (the schedule always holds the next 2 years of visits).",
                None,
                ESMO,
            ),
        }
    ),
    # Tolerance windows (RULES.md section 8, local default): +/-14 days; +/-30 days for visits >= 12 months apart.
    window_days=14,
    window_days_long=30,
    long_gap_months=12,
    statements=freeze({**common_statements(surgical=LOCAL_AFTER_CSCO), **_OWN_STATEMENTS}),
)
