"""Risk tables shared by every rule set: published science, named by source (RULES.md section 2).

Size bands are indexed 0-3: ``<=2`` | ``>2-<=5`` | ``>5-<=10`` | ``>10`` cm (see ``guidelines.risk.size_band``).
Changing any value here changes the digest part of every rule set's ``version``.
"""

from __future__ import annotations

from types import MappingProxyType

#: Miettinen M, Lasota J. Gastrointestinal stromal tumors: pathology and prognosis at different sites.
#: Semin Diagn Pathol 2006;23:70-83 (AFIP, risk of progressive disease).
#: Key: (mitoses_high, size_band, column) -> (category, progression_pct or None).
#: Columns: ``gastric`` (stomach, EGJ, omentum), ``duodenum``, ``jejunum_ileum`` (the intestinal group),
#: ``rectum``. CAREFUL: NCI PDQ and reviews derived from Corless & Heinrich 2008 swap the duodenum and
#: jejunum/ileum headers and print "7" for the rectal 71%. The assignment below follows the CAP protocol
#: and NCCN (RULES.md section 2.3): the jejunum/ileum cohort (629 patients) fills the cells where the duodenal
#: cohort (144) had insufficient data.
MIETTINEN_2006_AFIP: MappingProxyType[tuple[bool, int, str], tuple[str, float | int | None]] = (
    MappingProxyType(
        {
            # mitoses <= 5 per 5 mm2
            (False, 0, "gastric"): ("none", 0),
            (False, 0, "duodenum"): ("none", 0),
            (False, 0, "jejunum_ileum"): ("none", 0),
            (False, 0, "rectum"): ("none", 0),
            (False, 1, "gastric"): ("very_low", 1.9),
            (False, 1, "duodenum"): ("low", 8.3),
            (False, 1, "jejunum_ileum"): ("low", 4.3),
            (False, 1, "rectum"): ("low", 8.5),
            (False, 2, "gastric"): ("low", 3.6),
            (False, 2, "duodenum"): ("insufficient_data", None),
            (False, 2, "jejunum_ileum"): ("moderate", 24),
            (False, 2, "rectum"): ("insufficient_data", None),
            (False, 3, "gastric"): ("moderate", 10),
            (False, 3, "duodenum"): ("high", 34),
            (False, 3, "jejunum_ileum"): ("high", 52),
            (False, 3, "rectum"): ("high", 57),
            # mitoses > 5 per 5 mm2
            (True, 0, "gastric"): ("none", None),  # "none (no %, few cases)"
            (True, 0, "duodenum"): ("insufficient_data", None),
            (True, 0, "jejunum_ileum"): ("high", None),  # "high (no %, few cases)"
            (True, 0, "rectum"): ("high", 54),
            (True, 1, "gastric"): ("moderate", 16),
            (True, 1, "duodenum"): ("high", 50),
            (True, 1, "jejunum_ileum"): ("high", 73),
            (True, 1, "rectum"): ("high", 52),
            (True, 2, "gastric"): ("high", 55),
            (True, 2, "duodenum"): ("insufficient_data", None),
            (True, 2, "jejunum_ileum"): ("high", 85),
            (True, 2, "rectum"): ("insufficient_data", None),
            (True, 3, "gastric"): ("high", 86),
            (True, 3, "duodenum"): ("high", 86),
            (True, 3, "jejunum_ileum"): ("high", 90),
            (True, 3, "rectum"): ("high", 71),
        }
    )
)

#: Site group (``guidelines.facts.site_group``) -> AFIP column.
AFIP_COLUMN_BY_SITE_GROUP: MappingProxyType[str, str] = MappingProxyType(
    {"gastric": "gastric", "duodenum": "duodenum", "intestinal": "jejunum_ileum", "rectum": "rectum"}
)

#: Joensuu H. Risk stratification of patients diagnosed with gastrointestinal stromal tumor.
#: Hum Pathol 2008;39:1411-19 (modified NIH). Key: (size_band, mitotic_band, gastric) -> category, where
#: mitotic_band is 0 (<=5), 1 (6-10), 2 (>10). Rupture gives "high" before this table is read.
#: Where rows of the published table overlap, the highest category wins (RULES.md section 2.1).
JOENSUU_2008_MODIFIED_NIH: MappingProxyType[tuple[int, int, bool], str] = MappingProxyType(
    {
        # gastric group
        (0, 0, True): "very_low",
        (1, 0, True): "low",
        (2, 0, True): "intermediate",
        (3, 0, True): "high",
        (0, 1, True): "intermediate",
        (1, 1, True): "intermediate",
        (2, 1, True): "high",
        (3, 1, True): "high",
        (0, 2, True): "high",
        (1, 2, True): "high",
        (2, 2, True): "high",
        (3, 2, True): "high",
        # non-gastric (duodenum, rectum and the intestinal group)
        (0, 0, False): "very_low",
        (1, 0, False): "low",
        (2, 0, False): "high",
        (3, 0, False): "high",
        # Joensuu 2008 Table 1: "< 2.0 cm, 6-10 mitoses, any site: intermediate" (RULES.md 2.1, corrected
        # 2026-12-02; an earlier version of this table graded it high).
        (0, 1, False): "intermediate",
        (1, 1, False): "high",
        (2, 1, False): "high",
        (3, 1, False): "high",
        (0, 2, False): "high",
        (1, 2, False): "high",
        (2, 2, False): "high",
        (3, 2, False): "high",
    }
)

#: AJCC Cancer Staging Manual 8th ed. / UICC TNM (identical GIST stage groups), for N0 M0 tumours.
#: Key: (t, mitotic_rate_high, gastric) -> stage; any N1 or M1 is stage IV.
AJCC_8_TNM_STAGE: MappingProxyType[tuple[str, bool, bool], str] = MappingProxyType(
    {
        # gastric group (stomach, EGJ, omentum)
        ("T1", False, True): "IA",
        ("T2", False, True): "IA",
        ("T3", False, True): "IB",
        ("T4", False, True): "II",
        ("T1", True, True): "II",
        ("T2", True, True): "II",
        ("T3", True, True): "IIIA",
        ("T4", True, True): "IIIB",
        # all other sites (duodenum, rectum, intestinal group)
        ("T1", False, False): "I",
        ("T2", False, False): "I",
        ("T3", False, False): "II",
        ("T4", False, False): "IIIA",
        ("T1", True, False): "IIIA",
        ("T2", True, False): "IIIB",
        ("T3", True, False): "IIIB",
        ("T4", True, False): "IIIB",
    }
)

#: Order of the TNM stage groups (for comparisons and property tests).
TNM_STAGE_ORDER: tuple[str, ...] = ("IA", "IB", "I", "II", "IIIA", "IIIB", "IV")
