"""Statements and drugs shared by the bundled rule sets (RULES.md sections 3, 4, 6, 7).

Evidence notation follows the *source* of each statement (RULES.md section 9): a statement taken from
ESMO 2022 carries an ESMO grade such as ``[I, A]`` whichever rule set prints it; a statement its source does
not grade carries ``None`` (printed "not graded in the source"). Texts never reproduce NCCN wording.

Printed sources are citable (RULES.md section 9, 2026-12-02): a publication, or "local default (after ...)"
where RULES.md fixes a default. The surgical principles come from the CSCO 2020 guideline: the CSCO rule set
cites it; the ESMO rule set prints them as a local default after it (``common_statements(surgical=...)``).
"""

from __future__ import annotations

from ..records import Recommendation
from .base import DrugSpec

ESMO = "ESMO 2022 (Casali PG et al. Ann Oncol 2022;33:20-33)"
CSCO = "CSCO Guidelines for Gastrointestinal Stromal Tumors 2020 (Chinese Society of Clinical Oncology)"
CSCO_CONSENSUS = "Chinese expert consensus on GIST, as applied by the CSCO 2020 rule set (verify locally)"
SSG_XVIII = "SSG XVIII (Joensuu H et al. JAMA 2012;307:1265-72)"
GEIS_2010 = "Martin-Broto J et al. (GEIS) Ann Oncol 2010;21:1552-7"
OSLO = "Oslo criteria (Holmebakk T et al. Br J Surg 2016;103:684-91; Nishida T et al. Ann Surg Oncol 2019)"
LOCAL_AFTER_ESMO = "local default (after ESMO 2022)"
LOCAL_AFTER_CSCO = f"local default (after the {CSCO})"

#: Rupture-avoidance checklist, printed on every surgical recommendation (RULES.md section 4).
RUPTURE_CHECKLIST: tuple[str, ...] = (
    "Handle the tumour gently.",
    "Never grasp the tumour with forceps.",
    "Cover the tumour with gauze.",
    "Protect the surrounding organs when the tumour is large or cystic.",
    "Make the incision larger than the tumour's largest diameter.",
    "Extract the specimen in a bag.",
    "Convert to open surgery in time.",
)

# Systemic therapy drugs (RULES.md section 6).
IMATINIB_400 = DrugSpec("imatinib", "400 mg once daily", 400, "[I, A]", ESMO)
SUNITINIB = DrugSpec(
    "sunitinib",
    "50 mg once daily 4 weeks on / 2 weeks off, or 37.5 mg once daily continuously",
    None,
    "[I, A]; 37.5 mg continuously: [III, C]",
    ESMO,
)
REGORAFENIB = DrugSpec(
    "regorafenib",
    "160 mg once daily on days 1-21 of each 28-day cycle (monitor liver function: severe hepatotoxicity)",
    None,
    "[I, A]",
    ESMO,
)
RIPRETINIB = DrugSpec("ripretinib", "150 mg once daily", 150, "[I, A]", ESMO)
AVAPRITINIB = DrugSpec("avapritinib", "300 mg once daily", 300, "[III, A]", ESMO)
NTRK_INHIBITOR = DrugSpec(
    "larotrectinib or entrectinib",
    "larotrectinib 100 mg twice daily, or entrectinib 600 mg once daily",
    None,
    "[III, A]",
    ESMO,
)
BRAF_INHIBITOR = DrugSpec(
    "dabrafenib + trametinib", "off-label; dose individualised by the MDT", None, "[V, B]", ESMO
)
SDH_DEFICIENT_LINE = DrugSpec(
    "sunitinib or regorafenib",
    "sunitinib 50 mg once daily 4 weeks on / 2 weeks off (or 37.5 mg continuously), or regorafenib 160 mg once "
    "daily on days 1-21 of each 28-day cycle; imatinib has little activity",
    None,
    "[III, B]",
    ESMO,
)
STANDARD_LATER_LINES: tuple[DrugSpec, ...] = (SUNITINIB, REGORAFENIB, RIPRETINIB)


def _r(rec_id: str, text: str, evidence: str | None, source: str) -> tuple[str, Recommendation]:
    return rec_id, Recommendation(rec_id, text, evidence, source)


def common_statements(*, surgical: str) -> dict[str, Recommendation]:
    """Statements with the same text and evidence in every bundled rule set; ``surgical`` is the source printed
    for the surgical principles (RULES.md section 4, from the CSCO 2020 guideline). ``{placeholders}`` are
    filled in by the engine."""
    return dict(
        [
            # Pathway (RULES.md section 3)
            _r(
                "pathway.systemic_therapy",
                "Metastatic or recurrent GIST: systemic therapy, continued indefinitely (interruption leads to "
                "rapid progression).",
                None,
                ESMO,
            ),
            _r(
                "pathway.rectal_resection",
                "Rectal GIST of any size: resection (biopsy or excision) after endorectal ultrasound and pelvic MRI; "
                "surveillance is not appropriate.",
                None,
                ESMO,
            ),
            _r(
                "pathway.small_other_site_resection",
                "Tumour under 2 cm at a site where surveillance is not an option: resection.",
                "class I, 2A",
                CSCO,
            ),
            _r(
                "pathway.resection",
                "Tumour of 2 cm or more: resection (biopsy first when neoadjuvant therapy is considered or the "
                "diagnosis is uncertain).",
                None,
                ESMO,
            ),
            _r(
                "pathway.neoadjuvant",
                "{reason}: neoadjuvant {drug} {dose} mg/day, usually for {months_min}-{months_max} months to maximal "
                "response, then resection; check the response early (2-3 months) and then every 3 months.",
                "[III, A]",
                ESMO,
            ),
            _r(
                "pathway.resected",
                "Tumour resected: adjuvant therapy and surveillance follow the pathology of the specimen.",
                None,
                ESMO,
            ),
            _r(
                "neoadjuvant.genotype_first",
                "Determine the genotype on the biopsy before starting neoadjuvant therapy: PDGFRA D842V needs "
                "avapritinib, and SDH-deficient, NF1, BRAF and NTRK GIST get no neoadjuvant imatinib.",
                None,
                ESMO,
            ),
            _r(
                "biopsy.core_biopsies",
                "Take multiple core biopsies (EUS-guided or percutaneous) before neoadjuvant therapy or "
                "multivisceral surgery.",
                None,
                ESMO,
            ),
            _r(
                "biopsy.before_systemic",
                "Confirm the histology by biopsy before starting systemic therapy.",
                None,
                ESMO,
            ),
            # Advanced disease (RULES.md section 6)
            _r(
                "systemic.surgery_role",
                "Surgery in advanced disease is palliative (bleeding, obstruction, perforation), or cytoreductive for "
                "limited disease responding to imatinib, best between 6 months and 2 years after starting it; "
                "multifocal progression does poorly; the TKI resumes after surgery.",
                None,
                surgical,
            ),
            _r(
                "systemic.after_metastasectomy",
                "Operation on record in advanced disease: after complete resection of metastases imatinib continues "
                "(it is not stopped because the disease is no longer visible).",
                None,
                ESMO,
            ),
            _r(
                "systemic.response_assessment",
                "Assess response with the Choi criteria (partial response: at least 10% decrease in size or 15% "
                "decrease in CT attenuation) as well as RECIST 1.1 (partial response: at least 30% decrease; "
                "progression: at least 20% increase); a new nodule inside a mass signals progression.",
                None,
                ESMO,
            ),
            _r(
                "systemic.line",
                "Line {line}: {drug}, {dose}.",
                None,
                ESMO,
            ),
            _r(
                "systemic.later_lines_individualised",
                "The rules give no further line after the genotype-specific first line: later lines are "
                "individualised by the MDT.",
                None,
                ESMO,
            ),
            _r(
                "systemic.no_genotype_specific_line",
                "The rules give no genotype-specific first line for NF1-associated GIST: the standard sequence is "
                "shown and the choice is individualised by the MDT.",
                None,
                ESMO,
            ),
            # Surgical approach (RULES.md section 4)
            _r(
                "approach.open_unclear_boundary",
                "Unclear tumour boundary: open surgery (the boundary can be felt, avoiding over- and "
                "under-resection).",
                None,
                surgical,
            ),
            _r(
                "approach.open_adhesion",
                "Serious adhesion to surrounding organs: open surgery.",
                None,
                surgical,
            ),
            _r("approach.open_over_10cm", "Tumour larger than 10 cm: open surgery.", None, surgical),
            _r(
                "approach.open_cardia_pylorus",
                "Tumour at the cardia/EGJ or the pylorus: open surgery (a hand-sewn closure under direct vision "
                "avoids cardia or pyloric stenosis).",
                None,
                surgical,
            ),
            _r(
                "approach.laparoscopic_gastric",
                "Gastric tumour of 5 cm or less: laparoscopic (wedge) resection.",
                None,
                surgical,
            ),
            _r(
                "approach.gastric_location_needed",
                "Record the location within the stomach: the approach depends on it (cardia and pylorus need open "
                "surgery). Until then the approach is individualised by the MDT.",
                None,
                surgical,
            ),
            _r(
                "approach.laparoscopic_small_bowel",
                "Jejunal or ileal tumour of 5 cm or less: laparoscopic resection.",
                None,
                surgical,
            ),
            _r(
                "approach.open_small_bowel",
                "Jejunal or ileal tumour larger than 5 cm: open resection (laparoscopic localisation first is fine).",
                None,
                surgical,
            ),
            _r(
                "approach.duodenal_local_excision",
                "Duodenal tumour on the lateral wall, under 2 cm or exophytic: open local excision and suture, "
                "avoiding pancreaticoduodenectomy.",
                None,
                surgical,
            ),
            _r(
                "approach.open_duodenum",
                "Duodenal tumour that is not a lateral-wall tumour under 2 cm or exophytic: open surgery.",
                None,
                surgical,
            ),
            _r(
                "approach.laparoscopic_colorectal",
                "Colon or mid/high rectum: laparoscopic resection, without lymph node clearance.",
                None,
                surgical,
            ),
            _r(
                "approach.rectal_local_excision",
                "Low rectal tumour: local excision, after neoadjuvant imatinib when that makes sphincter "
                "preservation possible.",
                None,
                surgical,
            ),
            _r(
                "approach.rectal_level_needed",
                "Record the level of the rectal tumour (low, mid or high): the approach depends on it. Until then "
                "the approach is individualised by the MDT.",
                None,
                surgical,
            ),
            _r(
                "approach.individualised",
                "No default approach for a tumour at this site: individualised by the MDT.",
                None,
                surgical,
            ),
            # Surgical principles (RULES.md section 4)
            _r(
                "surgery.principles",
                "R0 resection with an intact pseudocapsule; a margin of 1 cm, even 5 mm from the tumour base, "
                'suffices; no extended or "regular" resection; preserve organ function.',
                None,
                surgical,
            ),
            _r(
                "surgery.lymph_nodes",
                "No routine lymphadenectomy: clear obviously enlarged nodes, with frozen section.",
                None,
                surgical,
            ),
            _r(
                "surgery.lymph_nodes_sdh",
                "SDH-deficient GIST: resect lymph nodes with confirmed metastases; no routine lymphadenectomy "
                "otherwise.",
                None,
                surgical,
            ),
            _r(
                "surgery.rupture_checklist",
                "Avoid tumour rupture: " + " ".join(RUPTURE_CHECKLIST),
                None,
                surgical,
            ),
            # Adjuvant details (RULES.md section 5)
            _r(
                "adjuvant.genotype_no_benefit",
                "{genotype}: adjuvant imatinib is not recommended whatever the risk (no benefit).",
                "[IV, D]",
                ESMO,
            ),
            _r(
                "adjuvant.wild_type_consider",
                "KIT/PDGFRA wild-type without further work-up: adjuvant imatinib is downgraded from recommended to "
                "consider until SDH, NF1, BRAF and NTRK have been tested.",
                None,
                ESMO,
            ),
            _r(
                "adjuvant.neoadjuvant_counted",
                "Neoadjuvant imatinib counts towards the total: {total} months planned, {neoadjuvant} already given, "
                "{remaining} months after surgery.",
                None,
                ESMO,
            ),
            _r(
                "adjuvant.r1_margin",
                "A microscopic margin (R1) does not by itself change the adjuvant decision.",
                None,
                ESMO,
            ),
            _r(
                "adjuvant.decision_recorded",
                "Recorded adjuvant decision: imatinib {decision}; the surveillance schedule counts {months} "
                "months of adjuvant therapy.",
                None,
                ESMO,
            ),
            # Diagnostics the report always states (RULES.md section 7)
            _r(
                "pathology.immunohistochemistry",
                "Pathology: CD117 (KIT) and/or DOG1 immunohistochemistry (about 5% of GISTs are CD117-negative); fix "
                "in 4% buffered formalin, never Bouin (it prevents molecular analysis).",
                None,
                ESMO,
            ),
            _r(
                "molecular.required",
                "Mutation analysis (KIT, PDGFRA) is required; when wild-type, work up SDH (immunohistochemistry), "
                "NF1, BRAF and NTRK.",
                None,
                ESMO,
            ),
            _r(
                "molecular.not_required",
                "Mutation analysis is not required for a non-rectal GIST under 2 cm that will not need medical "
                "treatment.",
                None,
                ESMO,
            ),
            _r(
                "mdt.specialist_centre",
                "Manage within a multidisciplinary team at a specialist centre.",
                None,
                ESMO,
            ),
            # Surveillance after rupture with adjuvant therapy (RULES.md section 8, corrected 2026-12-02)
            _r(
                "surveillance.rupture_with_adjuvant",
                "Tumour rupture with {a} months of adjuvant imatinib (12 or more): imaging follows the "
                "intermediate/high-risk schedule counted from the end of imatinib, so it stays 3-monthly for two "
                "years after imatinib stops, when recurrence is most likely (the fixed rupture schedule would make "
                "it less frequent exactly then).",
                None,
                LOCAL_AFTER_ESMO,
            ),
            # Risk after neoadjuvant imatinib (RULES.md section 1)
            _r(
                "adjuvant.pre_treatment_risk",
                "After neoadjuvant imatinib the specimen's mitotic count is unreliable: the adjuvant advice "
                "follows the pre-treatment risk (modified NIH {category}: {size} cm on imaging, {mitoses} "
                "mitoses per 5 mm2 on the biopsy).",
                None,
                ESMO,
            ),
        ]
    )
