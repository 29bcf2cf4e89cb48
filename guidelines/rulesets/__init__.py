"""Registry of rule sets: the bundled ESMO 2022 and CSCO 2020 sets plus any local set a hospital registers."""

from __future__ import annotations

from types import MappingProxyType

from .base import AdjuvantRule, DrugSpec, RuleSet, Schedule, Segment
from .csco_2020 import RULESET as CSCO_2020
from .esmo_2022 import RULESET as ESMO_2022


class UnknownRuleset(LookupError):
    """Raised for a rule set id that is not registered."""

    def __init__(self, ruleset_id: object) -> None:
        self.ruleset_id = ruleset_id
        super().__init__(f"unknown rule set {ruleset_id!r} (registered: {', '.join(sorted(_REGISTRY))})")

    def __str__(self) -> str:
        return str(self.args[0])


_REGISTRY: dict[str, RuleSet] = {ESMO_2022.id: ESMO_2022, CSCO_2020.id: CSCO_2020}

#: Read-only live view of the registered rule sets by id.
RULESETS: MappingProxyType[str, RuleSet] = MappingProxyType(_REGISTRY)


def get_ruleset(ruleset_id: str) -> RuleSet:
    """The registered rule set with this id; :class:`UnknownRuleset` otherwise."""
    try:
        return _REGISTRY[ruleset_id]
    except (KeyError, TypeError):
        raise UnknownRuleset(ruleset_id) from None


def register_ruleset(ruleset: RuleSet, *, replace: bool = False) -> RuleSet:
    """Register a (local) rule set, e.g. ``dataclasses.replace(ESMO_2022, id="local-x", version="local-1")``.

    The rule set is first exercised on a battery of cases covering every branch of the engine, so that a
    local set missing a statement or holding inconsistent data fails here, not in front of a patient.
    Re-registering an existing id needs ``replace=True``.
    """
    if not isinstance(ruleset, RuleSet):
        raise TypeError("register_ruleset needs a RuleSet")
    if ruleset.id in _REGISTRY and not replace and _REGISTRY[ruleset.id] is not ruleset:
        raise ValueError(f"rule set {ruleset.id!r} is already registered (pass replace=True)")
    from ..engine import smoke_check  # the engine imports this package

    smoke_check(ruleset)
    _REGISTRY[ruleset.id] = ruleset
    return ruleset


def unregister_ruleset(ruleset_id: str) -> None:
    """Remove a local rule set (the bundled ones cannot be removed)."""
    if ruleset_id in (ESMO_2022.id, CSCO_2020.id):
        raise ValueError("the bundled rule sets cannot be unregistered")
    _REGISTRY.pop(ruleset_id, None)


__all__ = [
    "CSCO_2020",
    "ESMO_2022",
    "RULESETS",
    "AdjuvantRule",
    "DrugSpec",
    "RuleSet",
    "Schedule",
    "Segment",
    "UnknownRuleset",
    "get_ruleset",
    "register_ruleset",
    "unregister_ruleset",
]
