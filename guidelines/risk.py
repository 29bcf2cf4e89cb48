"""Risk of recurrence after resection of a GIST: four schemes side by side (RULES.md section 2).

Modified NIH (Joensuu 2008) is the primary scheme: adjuvant therapy and surveillance key off it. NIH 2002
(Fletcher), AFIP (Miettinen 2006) and TNM (AJCC 8th) are shown beside it; :func:`explain_disagreement`
says in plain sentences why they differ for a given case.

Not implemented, on purpose (RULES.md section 2.5): the MSKCC nomogram (Gold 2009) and the Joensuu 2012
contour maps have no verified public point table or coefficients; they are not approximated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import GASTRIC_GROUP, CaseFacts, site_group
from .inputs import Inputs
from .rulesets.risk_tables import (
    AFIP_COLUMN_BY_SITE_GROUP,
    AJCC_8_TNM_STAGE,
    JOENSUU_2008_MODIFIED_NIH,
    MIETTINEN_2006_AFIP,
)

_T_BY_BAND = ("T1", "T2", "T3", "T4")
SIZE_BAND_TEXT = (
    "2 cm or less",
    "more than 2 cm and up to 5 cm",
    "more than 5 cm and up to 10 cm",
    "more than 10 cm",
)
AFIP_COLUMN_TEXT = {
    "gastric": "gastric",
    "duodenum": "duodenal",
    "jejunum_ileum": "jejunum/ileum",
    "rectum": "rectal",
}


@dataclass(frozen=True, slots=True)
class AfipRisk:
    """AFIP risk of progressive disease: a category and the published percentage (``None`` when not given)."""

    category: str
    progression_pct: float | int | None

    def to_dict(self) -> dict[str, object]:
        return {"category": self.category, "progression_pct": self.progression_pct}


@dataclass(frozen=True, slots=True)
class TnmStage:
    """AJCC 8th / UICC TNM stage of a GIST."""

    t: str
    n: str
    m: str
    mitotic_rate: str
    stage: str

    def to_dict(self) -> dict[str, object]:
        return {"t": self.t, "n": self.n, "m": self.m, "mitotic_rate": self.mitotic_rate, "stage": self.stage}


@dataclass(frozen=True, slots=True)
class Risk:
    """The four schemes for one tumour; ``notes``: clinical notes printed beside them (e.g. a KIT exon 11
    557/558 deletion, a converted mitotic count); ``pre_treatment``: the schemes on the size and biopsy count
    before neoadjuvant therapy, when they were recorded."""

    modified_nih: str
    nih_2002: str
    afip: AfipRisk
    tnm: TnmStage
    notes: tuple[str, ...] = ()
    pre_treatment: Risk | None = field(default=None)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "modified_nih": self.modified_nih,
            "nih_2002": self.nih_2002,
            "afip": self.afip.to_dict(),
            "tnm": self.tnm.to_dict(),
            "notes": list(self.notes),
        }
        if self.pre_treatment is not None:
            pre = self.pre_treatment.to_dict()
            pre.pop("notes")
            data["pre_treatment"] = pre
        return data


def size_band(size_cm: float) -> int:
    """Size band 0-3: ``<=2.0`` | ``>2.0-<=5.0`` | ``>5.0-<=10.0`` | ``>10.0`` cm (every scheme uses these cuts)."""
    if size_cm <= 2.0:
        return 0
    if size_cm <= 5.0:
        return 1
    if size_cm <= 10.0:
        return 2
    return 3


def mitotic_band(mitoses: float) -> int:
    """Modified-NIH mitotic band: 0 (<=5), 1 (6-10), 2 (>10) per 5 mm2."""
    if mitoses <= 5:
        return 0
    if mitoses <= 10:
        return 1
    return 2


def modified_nih(size_cm: float, mitoses: float, site: str, rupture: bool) -> str:
    """Modified NIH consensus criteria (Joensuu H. Hum Pathol 2008;39:1411-19).

    Size bands <=2.0 | 2.1-5.0 | 5.1-10.0 | >10.0 cm; mitoses <=5 | 6-10 | >10 per 5 mm2 (ESMO 2022: the
    5 mm2 area is equivalent to the older 50 HPF). Gastric group = stomach, EGJ, omentum; every other site
    is non-gastric. Tumour rupture is high risk whatever the size and count. Where rows overlap, the highest
    category wins (a gastric 3 cm tumour with 12 mitoses is high).
    """
    if rupture:
        return "high"
    return JOENSUU_2008_MODIFIED_NIH[(size_band(size_cm), mitotic_band(mitoses), site in GASTRIC_GROUP)]


def nih_2002(size_cm: float, mitoses: float) -> str:
    """NIH consensus criteria (Fletcher CDM et al. Hum Pathol 2002;33:459-65).

    Very low <2 cm & <5; low 2-5 cm & <5; intermediate <5 cm & 6-10 or 5-10 cm & <5; high >5 cm & >5, or
    >10 cm, or >10 mitoses. Site and rupture are not used.

    Project convention (RULES.md section 2.2): the original is ambiguous at exactly 2, 5 and 10 cm and at
    5 mitoses, so this implementation uses the modified-NIH bands (<=2.0 | 2.1-5.0 | 5.1-10.0 | >10.0 cm;
    <=5 | 6-10 | >10 mitoses) with every site treated as gastric and rupture ignored. Hence exactly 2.0 cm
    with 5 mitoses is "very low", 5.0 cm with 5 is "low", 10.0 cm with 5 is "intermediate".
    """
    return JOENSUU_2008_MODIFIED_NIH[(size_band(size_cm), mitotic_band(mitoses), True)]


def afip(size_cm: float, mitoses: float, site: str) -> AfipRisk:
    """AFIP risk of progressive disease (Miettinen M, Lasota J. Semin Diagn Pathol 2006;23:70-83).

    Size bands <=2 | >2-<=5 | >5-<=10 | >10 cm; mitoses <=5 vs >5 per 5 mm2. Columns: gastric group
    (stomach, EGJ, omentum), duodenum, jejunum/ileum (used for the whole intestinal group), rectum.
    "Insufficient data" is a category of its own with no percentage. Column assignment as in the CAP
    protocol (the NCI PDQ copy swaps duodenum and jejunum/ileum): see ``rulesets.risk_tables``.
    """
    category, pct = MIETTINEN_2006_AFIP[
        (mitoses > 5, size_band(size_cm), AFIP_COLUMN_BY_SITE_GROUP[site_group(site)])
    ]
    return AfipRisk(category, pct)


def tnm(size_cm: float, mitoses: float, site: str, nodes_positive: bool, metastatic: bool) -> TnmStage:
    """TNM stage of GIST (AJCC Cancer Staging Manual 8th ed.; UICC TNM 8th ed., identical stage groups).

    T1 <=2 cm, T2 >2-<=5, T3 >5-<=10, T4 >10; N1 when regional nodes are positive (unassessed nodes count as
    N0); M1 when the presentation is metastatic. Mitotic rate low <=5, high >5 per 5 mm2. Gastric group
    (stomach, EGJ, omentum): IA T1-2 low; IB T3 low; II T1-2 high or T4 low; IIIA T3 high; IIIB T4 high.
    Other sites: I T1-2 low; II T3 low; IIIA T1 high or T4 low; IIIB T2-4 high. Any N1 or M1: IV.
    """
    t = _T_BY_BAND[size_band(size_cm)]
    high = mitoses > 5
    n = "N1" if nodes_positive else "N0"
    m = "M1" if metastatic else "M0"
    stage = "IV" if nodes_positive or metastatic else AJCC_8_TNM_STAGE[(t, high, site in GASTRIC_GROUP)]
    return TnmStage(t, n, m, "high" if high else "low", stage)


def risk_of(
    size_cm: float, mitoses: float, site: str, *, rupture: bool, nodes_positive: bool, metastatic: bool
) -> Risk:
    """All four schemes for one tumour (a count converted from 50 HPF may be fractional)."""
    return Risk(
        modified_nih=modified_nih(size_cm, mitoses, site, rupture),
        nih_2002=nih_2002(size_cm, mitoses),
        afip=afip(size_cm, mitoses, site),
        tnm=tnm(size_cm, mitoses, site, nodes_positive, metastatic),
    )


def assess_risk(facts: CaseFacts, inputs: Inputs | None = None) -> Risk | None:
    """All four schemes, or ``None`` when the size or the mitotic count is unknown.

    ``inputs`` (the engine's resolved reading of ``facts``) records which unrecorded findings were assumed;
    without it the facts are read on their own.
    """
    inputs = inputs or Inputs(facts)
    size = facts.size_cm
    mitoses = inputs.mitoses
    if size is None or mitoses is None:
        return None
    return risk_of(
        size,
        mitoses,
        facts.site,
        rupture=inputs.flag("rupture"),
        nodes_positive=inputs.flag("nodes_positive"),
        metastatic=facts.presentation == "metastatic",
    )


def _label(category: str) -> str:
    return category.replace("_", " ")


#: explain_disagreement's sentences, by what each explains; the {placeholders} are filled for the case. Named here so
#: that a reader's language can translate them by their template (cases/engine_texts.py), as the rule texts are.
DISAGREEMENT_TEXTS: dict[str, str] = {
    "site_ignored": (
        "NIH 2002 ignores site: a non-gastric tumour is graded as if gastric "
        "(modified NIH {modified_nih} without rupture, NIH 2002 {nih_2002})."
    ),
    "rupture_ignored": (
        "Tumour rupture makes modified NIH high whatever the size and count; NIH 2002, AFIP and TNM "
        "ignore rupture (without it modified NIH would be {modified_nih})."
    ),
    "afip_insufficient_data": (
        "AFIP has insufficient data for this cell ({column} column, {size_band}, "
        "{mitoses_band} mitoses per 5 mm2): it gives no category."
    ),
    "afip_no_percentage": (
        "The AFIP {afip} category for a tumour of 2 cm or less with more than 5 "
        "mitoses rests on few cases and has no published percentage."
    ),
    "mitoses_above_10": (
        "AFIP and TNM cut mitoses at 5 only, so a count above 10 is treated like 6; modified NIH and "
        "NIH 2002 grade more than 10 mitoses as high at any size."
    ),
    "mitoses_6_to_10": (
        "AFIP and TNM cut mitoses at 5 only, while modified NIH uses 6-10 as a band of its own "
        "(intermediate for a gastric tumour up to 5 cm)."
    ),
    "omentum": "Omental GIST is graded with the gastric group in every scheme (TNM and AFIP practice).",
    "tnm_stage_iv": (
        "TNM is stage IV because of {reasons}; the recurrence-risk schemes do not use nodes or metastases."
    ),
}
#: The values explain_disagreement puts into its sentences besides the categories (written "very low").
MITOSES_BAND_TEXT = ("5 or fewer", "more than 5")
TNM_IV_REASON_TEXT = {"N1": "positive regional nodes (N1)", "M1": "metastases (M1)"}


def explain_disagreement(facts: CaseFacts, risk: Risk | None) -> list[str]:
    """Plain sentences explaining why the schemes differ for this case; only sentences true for it.

    Used by the live panel next to the side-by-side risk table. Empty when the risk is unknown or when no
    structural difference between the schemes matters for this tumour.
    """
    inputs = Inputs(facts)
    if risk is None or facts.size_cm is None or inputs.mitoses is None:
        return []
    size = facts.size_cm
    mitoses = inputs.mitoses
    ruptured = bool(inputs.rupture)
    gastric = facts.site in GASTRIC_GROUP
    group = site_group(facts.site)
    texts = DISAGREEMENT_TEXTS
    notes: list[str] = []

    unruptured_nih = modified_nih(size, mitoses, facts.site, False)
    if not gastric and unruptured_nih != risk.nih_2002:
        notes.append(
            texts["site_ignored"].format(modified_nih=_label(unruptured_nih), nih_2002=_label(risk.nih_2002))
        )
    if ruptured and unruptured_nih != "high":
        notes.append(texts["rupture_ignored"].format(modified_nih=_label(unruptured_nih)))
    if risk.afip.category == "insufficient_data":
        notes.append(
            texts["afip_insufficient_data"].format(
                column=AFIP_COLUMN_TEXT[AFIP_COLUMN_BY_SITE_GROUP[group]],
                size_band=SIZE_BAND_TEXT[size_band(size)],
                mitoses_band=MITOSES_BAND_TEXT[mitoses > 5],
            )
        )
    elif risk.afip.progression_pct is None and risk.afip.category in ("none", "high"):
        notes.append(texts["afip_no_percentage"].format(afip=_label(risk.afip.category)))
    if mitoses > 10 and gastric and size <= 5.0:
        notes.append(texts["mitoses_above_10"])
    elif 5 < mitoses <= 10 and gastric and size <= 5.0 and risk.afip.category in ("none", "moderate"):
        notes.append(texts["mitoses_6_to_10"])
    if facts.site == "omentum":
        notes.append(texts["omentum"])
    if risk.tnm.stage == "IV":
        reasons = [
            TNM_IV_REASON_TEXT[code] for code in (risk.tnm.n, risk.tnm.m) if code in TNM_IV_REASON_TEXT
        ]
        notes.append(texts["tnm_stage_iv"].format(reasons=" and ".join(reasons)))
    return notes
