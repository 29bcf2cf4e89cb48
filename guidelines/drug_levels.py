"""Imatinib trough plasma level: rule data named by its source, and a pure check (issue 13).

- **Low:** a trough below 1,100 ng/mL went with a shorter time to progression in advanced GIST on imatinib
  400 mg/day (Demetri GD et al. J Clin Oncol 2009;27:3141-7, "Imatinib plasma levels are correlated with
  clinical benefit in patients with unresectable/metastatic gastrointestinal stromal tumors"): the app flags it
  and advises checking adherence and drug interactions.
- **High:** the issue asks to note high levels (myelosuppression risk) but neither it nor RULES.md gives a
  threshold, so none is invented: `high_ng_ml` is None and the text says high levels are individualised by the
  MDT. A hospital that adopts a threshold sets it here with its source (`high_source`).

The engine never reads the ORM or settings: the caller passes the level.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMETRI_2009 = "Demetri GD et al. J Clin Oncol 2009;27:3141-7"


@dataclass(frozen=True, slots=True)
class TroughRule:
    drug: str
    low_ng_ml: float
    low_source: str
    low_advice: str
    high_ng_ml: float | None = None
    high_source: str = ""


IMATINIB_TROUGH = TroughRule(
    drug="imatinib",
    low_ng_ml=1100.0,
    low_source=DEMETRI_2009,
    low_advice="Check adherence and drug interactions.",
    high_ng_ml=None,
    high_source="",
)

HIGH_UNSET_NOTE = (
    "High levels (myelosuppression risk): no threshold in the rule set; individualised by the MDT."
)


@dataclass(frozen=True, slots=True)
class TroughResult:
    flag: str  # "low" | "high" | "ok"
    text: str
    advice: str
    source: str
    high_note: str


def trough_level(level_ng_ml: float, *, rule: TroughRule = IMATINIB_TROUGH) -> TroughResult:
    """What a trough level of `level_ng_ml` means under `rule`."""
    high_note = (
        f"High levels (myelosuppression risk): above {rule.high_ng_ml:,.0f} ng/mL ({rule.high_source})."
        if rule.high_ng_ml is not None
        else HIGH_UNSET_NOTE
    )
    if level_ng_ml < rule.low_ng_ml:
        return TroughResult(
            flag="low",
            text=f"{level_ng_ml:,.0f} ng/mL is below {rule.low_ng_ml:,.0f} ng/mL: associated with a shorter "
            "time to progression.",
            advice=rule.low_advice,
            source=rule.low_source,
            high_note=high_note,
        )
    if rule.high_ng_ml is not None and level_ng_ml > rule.high_ng_ml:
        return TroughResult(
            flag="high",
            text=f"{level_ng_ml:,.0f} ng/mL is above {rule.high_ng_ml:,.0f} ng/mL: myelosuppression risk.",
            advice="Check the blood count; the MDT decides on the dose.",
            source=rule.high_source,
            high_note=high_note,
        )
    return TroughResult(
        flag="ok",
        text=f"{level_ng_ml:,.0f} ng/mL is not below {rule.low_ng_ml:,.0f} ng/mL.",
        advice="",
        source=rule.low_source,
        high_note=high_note,
    )
