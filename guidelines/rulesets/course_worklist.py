"""When the treatment course puts work on the nurses' list (issue 13, "Nurses"): rule data, named by source.

Three kinds of item come from the course (cases/course/services.py writes them):

- **Scan due after a dose change or a new line.** RULES.md gives no interval after a dose change. It gives
  "every 3 months from the start of the current line" for patients on systemic therapy (section 8, row
  "systemic therapy") and, for neoadjuvant imatinib, "response checked early (2-3 months) and every 3 months"
  (section 3). The default below is therefore 3 months: a **local default (after RULES.md sections 3 and 8)**,
  not a rule of the sources; the interval is individualised by the MDT, and the item can be rescheduled.
- **Imatinib trough level due.** RULES.md is silent on when to check a level. The issue ties levels to
  progression ("drug levels checked when a tumour grows") and the 1,100 ng/mL threshold to imatinib
  (guidelines/drug_levels.py, Demetri 2009). So a level is asked for (a) when a scan computes progression on an
  imatinib line and (b) when the dose of an imatinib line changes. How soon is **not given by any source**:
  the delays below are local defaults (0 days: at the next contact after progression; 28 days after a dose
  change, so that the trough is taken on the new dose), individualised by the MDT.
- **Results to review.** Every scan or drug level entered in the course waits on the list until a nurse or a
  clinician marks it reviewed (no interval: it is due the day it is entered).

A hospital changes these numbers here (or a local rule set derived from this module), with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

# Printed as the items' source (RULES.md section 9: a default this app fixes is "local default (after <source>)").
LOCAL_DEFAULT_SCAN = (
    "Local default (after ESMO 2022, Casali PG et al. Ann Oncol 2022;33:20-33: on imatinib, response checked "
    "every 3 months): 3 months after a new line or a dose change"
)
LOCAL_DEFAULT_LEVEL = (
    "Local default (no interval in the sources; threshold 1,100 ng/mL: Demetri GD et al. J Clin Oncol "
    "2009;27:3141-7): at the next contact after progression on imatinib, 28 days after a dose change"
)


@dataclass(frozen=True, slots=True)
class CourseWorklistRules:
    scan_after_change_months: int
    scan_source: str
    level_drugs: frozenset[str]
    level_after_progression_days: int
    level_after_dose_change_days: int
    level_source: str
    # The tolerance window of the items (RULES.md section 8: "default ±14 days").
    window_days: int = 14


COURSE_WORKLIST = CourseWorklistRules(
    scan_after_change_months=3,
    scan_source=LOCAL_DEFAULT_SCAN,
    level_drugs=frozenset({"imatinib"}),
    level_after_progression_days=0,
    level_after_dose_change_days=28,
    level_source=LOCAL_DEFAULT_LEVEL,
)
