"""GISTCare guideline engine: pure Python clinical rules for gastrointestinal stromal tumours.

Public API::

    from guidelines import CaseFacts, assess, get_ruleset
    result = assess(CaseFacts(site="stomach", size_cm=6.5, mitoses_per_5mm2=8, resected=True, ...), "esmo-2022")
    result.to_dict()  # the JSON contract's output object

The clinical specification is ``clinical/RULES.md``; the JSON contract is ``clinical/ASSESS_CONTRACT.md``.
No Django imports here: only ``apps.py`` and the ``gist_assess`` management command use Django.
"""

from .contract import ContractError, parse_case, parse_payload, result_to_json
from .engine import (
    DEFAULT_RULESET_ID,
    GENOTYPE_LABELS,
    WARNINGS,
    RuleSetError,
    assess,
    get_default_ruleset,
    resolve_ruleset,
    set_default_ruleset,
)
from .facts import CaseFacts, site_group
from .records import GuidelineWarning, Recommendation
from .results import Adjuvant, Assessment, Neoadjuvant, SystemicLine
from .risk import AfipRisk, Risk, TnmStage, assess_risk, explain_disagreement
from .rulesets import (
    CSCO_2020,
    ESMO_2022,
    RULESETS,
    RuleSet,
    UnknownRuleset,
    get_ruleset,
    register_ruleset,
    unregister_ruleset,
)
from .rulesets.common import RUPTURE_CHECKLIST
from .schedule import PHASE_LABELS, Visit, add_months, build_schedule

__all__ = [
    "CSCO_2020",
    "DEFAULT_RULESET_ID",
    "ESMO_2022",
    "GENOTYPE_LABELS",
    "PHASE_LABELS",
    "RULESETS",
    "RUPTURE_CHECKLIST",
    "WARNINGS",
    "Adjuvant",
    "AfipRisk",
    "Assessment",
    "CaseFacts",
    "ContractError",
    "GuidelineWarning",
    "Neoadjuvant",
    "Recommendation",
    "Risk",
    "RuleSet",
    "RuleSetError",
    "SystemicLine",
    "TnmStage",
    "UnknownRuleset",
    "Visit",
    "add_months",
    "assess",
    "assess_risk",
    "build_schedule",
    "explain_disagreement",
    "get_default_ruleset",
    "get_ruleset",
    "parse_case",
    "parse_payload",
    "register_ruleset",
    "resolve_ruleset",
    "result_to_json",
    "set_default_ruleset",
    "site_group",
    "unregister_ruleset",
]
