"""The plain facts of a GIST case that the engine reasons about, and their allowed values.

Allowed values follow ``clinical/RULES.md`` section 1 and ``clinical/ASSESS_CONTRACT.md``. The engine never
touches the database: the app builds a :class:`CaseFacts` from its models, the JSON contract builds one from a
request (``guidelines.contract.parse_case``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SITES: tuple[str, ...] = (
    "esophagus",
    "egj",
    "stomach",
    "duodenum",
    "jejunum",
    "ileum",
    "small_intestine",
    "colon",
    "rectum",
    "mesentery",
    "omentum",
    "peritoneum",
    "other",
)

# Site groups used by every scheme (RULES.md section 1).
GASTRIC_GROUP: frozenset[str] = frozenset({"stomach", "egj", "omentum"})
INTESTINAL_GROUP: frozenset[str] = frozenset(
    {"jejunum", "ileum", "small_intestine", "esophagus", "colon", "mesentery", "peritoneum", "other"}
)
SMALL_BOWEL: frozenset[str] = frozenset({"jejunum", "ileum", "small_intestine"})

#: Site group names returned by :func:`site_group`.
SITE_GROUPS: tuple[str, ...] = ("gastric", "duodenum", "rectum", "intestinal")

PRESENTATIONS: tuple[str, ...] = ("localized", "locally_advanced", "metastatic", "recurrent")
ADVANCED_PRESENTATIONS: frozenset[str] = frozenset({"metastatic", "recurrent"})

GASTRIC_LOCATIONS: tuple[str, ...] = (
    "cardia",
    "fundus",
    "greater_curvature",
    "lesser_curvature",
    "anterior_wall",
    "posterior_wall",
    "antrum",
    "pylorus",
)
DUODENAL_LOCATIONS: tuple[str, ...] = ("lateral_wall", "medial_wall", "other")
RECTAL_LEVELS: tuple[str, ...] = ("low", "mid", "high")
GROWTH_PATTERNS: tuple[str, ...] = ("endophytic", "exophytic", "dumbbell", "intramural")
EUS_FEATURES: tuple[str, ...] = (
    "irregular_border",
    "cystic_spaces",
    "ulceration",
    "echogenic_foci",
    "heterogeneity",
)
CLINICAL_FEATURES: tuple[str, ...] = ("bleeding", "ulceration", "obstruction", "perforation")
#: Clinical features that count as "adverse" for a tumour < 2 cm (RULES.md section 3).
ADVERSE_CLINICAL_FEATURES: frozenset[str] = frozenset({"bleeding", "ulceration"})
MARGINS: tuple[str, ...] = ("R0", "R1", "R2")
GENOTYPES: tuple[str, ...] = (
    "kit_exon_11",
    "kit_exon_9",
    "kit_other",
    "pdgfra_d842v",
    "pdgfra_other",
    "sdh_deficient",
    "nf1",
    "braf",
    "ntrk",
    "wild_type_unspecified",
    "not_tested",
)
STAIN_RESULTS: tuple[str, ...] = ("positive", "negative", "not_done")
SDHB_IHC_RESULTS: tuple[str, ...] = ("retained", "lost", "not_done")
#: Oslo criteria (Hølmebakk T et al. Br J Surg 2016; Nishida T et al. Ann Surg Oncol 2019; RULES.md section 1):
#: only ``major`` is rupture.
RUPTURE_GRADES: tuple[str, ...] = ("none", "major", "minor")
#: Structured genotype detail (ASSESS_CONTRACT.md, additions of 2026-12-02; RULES.md section 1).
GENOTYPE_DETAILS: tuple[str, ...] = (
    "kit_exon11_del_557_558",
    "kit_exon11_other",
    "pdgfra_exon18_other",
    "pdgfra_exon12_14",
    "kit_exon13_17",
)
#: The genotype each detail belongs to (a detail given with another genotype is a contradiction).
GENOTYPE_OF_DETAIL: dict[str, str] = {
    "kit_exon11_del_557_558": "kit_exon_11",
    "kit_exon11_other": "kit_exon_11",
    "pdgfra_exon18_other": "pdgfra_other",
    "pdgfra_exon12_14": "pdgfra_other",
    "kit_exon13_17": "kit_other",
}
#: What the engine assumes for a yes/no finding that is not recorded (ASSESS_CONTRACT.md "Input": defaults).
BOOLEAN_DEFAULTS: dict[str, bool] = {
    "boundary_clear": True,
    "adherent_to_adjacent_organs": False,
    "histology_confirmed": False,
    "r0_feasible": True,
    "major_morbidity_expected": False,
    "resected": False,
    "rupture": False,
    "nodes_positive": False,
}
ADJUVANT_DECISIONS: tuple[str, ...] = ("given", "declined")

# Output enumerations (ASSESS_CONTRACT.md, "Output").
PATHWAYS: tuple[str, ...] = ("surveillance", "resection", "neoadjuvant_then_resection", "systemic_therapy")
APPROACHES: tuple[str, ...] = (
    "laparoscopic",
    "open",
    "open_or_laparoscopic",
    "endoscopic_or_laparoscopic",
    "local_excision",
)
RISK_CATEGORIES: tuple[str, ...] = ("very_low", "low", "intermediate", "high")
AFIP_CATEGORIES: tuple[str, ...] = ("none", "very_low", "low", "moderate", "high", "insufficient_data")
ADJUVANT_RECOMMENDATIONS: tuple[str, ...] = (
    "recommended",
    "consider",
    "not_recommended",
    "not_applicable",
    "undetermined",
)
MODALITIES: tuple[str, ...] = ("ct_or_mri", "mri", "eus", "chest_xray")


def site_group(site: str) -> str:
    """Return ``gastric``, ``duodenum``, ``rectum`` or ``intestinal`` for a site (RULES.md section 1).

    Omentum belongs to the gastric group (TNM stages omental GIST with gastric; AFIP implementations use
    the gastric column); everything that is not gastric, duodenal or rectal is in the intestinal group.
    """
    if site in GASTRIC_GROUP:
        return "gastric"
    if site == "duodenum":
        return "duodenum"
    if site == "rectum":
        return "rectum"
    return "intestinal"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the engine needs about one tumour, in plain values.

    ``size_cm`` and ``mitoses_per_5mm2`` may be ``None`` on a partial case (the live panel); the risk is
    then ``None``. ``recurrence_date`` and the fields after it are app-only facts: the JSON contract does not accept
    them (it rejects unknown fields), except ``ruleset`` which the contract carries per case.

    No validation happens here, on purpose: the engine is called hundreds of thousands of times by the
    benchmark and by batch re-assessment, and the two doors that build facts from untrusted input (the
    JSON contract and the app's forms) validate before they construct one.
    """

    site: str
    size_cm: float | None
    presentation: str = "localized"
    gastric_location: str | None = None
    duodenal_location: str | None = None
    rectal_level: str | None = None
    growth_pattern: str | None = None
    # Yes/no findings: ``None`` means "not recorded"; the engine then applies the contract's default and says
    # so in the warning ``input.assumed_default`` when the answer depended on it.
    boundary_clear: bool | None = True
    adherent_to_adjacent_organs: bool | None = False
    eus_features: tuple[str, ...] = ()
    clinical_features: tuple[str, ...] = ()
    histology_confirmed: bool | None = False
    r0_feasible: bool | None = True
    major_morbidity_expected: bool | None = False
    resected: bool | None = False
    surgery_date: date | None = None
    margin: str | None = None
    #: Major rupture (Oslo criteria). ``rupture_grade`` below, when given, says the same in three values.
    rupture: bool | None = False
    #: Per 5 mm2; a count converted from 50 HPF may be fractional (see ``mitoses_per_50hpf``).
    mitoses_per_5mm2: float | None = None
    nodes_positive: bool | None = False
    genotype: str = "not_tested"
    neoadjuvant_months: int = 0
    reference_date: date | None = None
    # Additions of 2026-12-02 (ASSESS_CONTRACT.md): the contract's names and meanings.
    cd117: str | None = None
    dog1: str | None = None
    #: SDHB immunohistochemistry: ``lost`` makes the tumour SDH-deficient whatever ``genotype`` says.
    sdhb_ihc: str | None = None
    #: ``none`` | ``major`` | ``minor`` (Oslo); only major is treated as rupture.
    rupture_grade: str | None = None
    genotype_detail: str | None = None
    #: Mitoses counted per 50 high-power fields, with the area of one field (mm2): converted to per 5 mm2.
    mitoses_per_50hpf: int | None = None
    hpf_field_area_mm2: float | None = None
    #: Before neoadjuvant therapy: size on imaging and the biopsy mitotic count per 5 mm2.
    pre_treatment_size_cm: float | None = None
    pre_treatment_mitoses_per_5mm2: int | None = None
    #: Start of the current line of systemic therapy: the schedule's reference date on the systemic pathway.
    therapy_start_date: date | None = None
    # App-only facts (not accepted by the JSON contract).
    #: Date of recurrence or metastasis (informational; the systemic schedule counts from therapy_start_date).
    recurrence_date: date | None = None
    #: The MDT's recorded decision on adjuvant imatinib: ``None`` (not yet decided), ``"given"``, ``"declined"``.
    #: RULES.md section 8: once recorded, the surveillance schedule is recomputed from it.
    adjuvant_decision: str | None = None
    #: Months of adjuvant imatinib after surgery actually given or planned by the MDT (the same meaning as the
    #: engine's adjuvant ``duration_months``: neoadjuvant months are not included).
    adjuvant_months: int | None = None
    #: Rule set id chosen for this case (the contract's per-case ``ruleset``); ``None``: the caller's choice
    #: or the default. An explicit ``ruleset`` argument to ``assess`` wins over this field.
    ruleset: str | None = None
