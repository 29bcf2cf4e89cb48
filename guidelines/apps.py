from django.apps import AppConfig


class GuidelinesConfig(AppConfig):
    """The guideline engine. Pure Python apart from this config and the ``gist_assess`` command."""

    name = "guidelines"
    verbose_name = "Guidelines engine"

    def ready(self) -> None:
        from django.conf import settings

        from .engine import set_default_ruleset

        # RULES.md: the default rule set comes from settings ("esmo-2022" out of the box).
        set_default_ruleset(getattr(settings, "GISTCARE_DEFAULT_RULESET", "esmo-2022"))
