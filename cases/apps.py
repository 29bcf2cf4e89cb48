from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "GIST cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from cases import (
            checks,  # noqa: F401  (registers the system checks)
            kept,
            language,  # noqa: F401  (the user's language is copied into the session at log-in)
        )
        from gistcare.auth_backends import connect_signals
        from gistcare.planner_statistics import after_migrate

        # A change to who holds which permission voids the cached permission sets (issue 16).
        connect_signals()

        # Results kept in the shared cache are renewed by every write to the tables they read (issue 16).
        connection_created.connect(kept.install, dispatch_uid="gistcare.kept")
        for db in connections.all(initialized_only=True):
            kept.install(db)
        post_migrate.connect(kept.renew_after_migrate, dispatch_uid="gistcare.kept.migrate")

        # Fresh planner statistics once the migrations have run (issue 16).
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="gistcare.planner_statistics")
