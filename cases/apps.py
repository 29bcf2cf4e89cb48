from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "GIST cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases import (
            checks,  # noqa: F401  (registers the system checks)
            language,  # noqa: F401  (the user's language is copied into the session at log-in)
        )
