"""Admin: records can be read and corrected here, never deleted; audit history is read-only.

Patients and cases are archived (from the app), not deleted; every historical record of every tracked model is
registered read-only so that an administrator can inspect the trail but not rewrite or remove it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from cases.api.tokens import api_token_revoke
from cases.models import ApiToken, Case, Patient

# No bulk "delete selected" anywhere in this admin.
admin.site.disable_action("delete_selected")


class NoDeleteAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(NoDeleteAdmin):
    list_display = ["family_name", "given_name", "date_of_birth", "archived_at"]
    list_filter = ["archived_at"]
    search_fields = ["mrn", "family_name", "given_name"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Case)
class CaseAdmin(NoDeleteAdmin):
    list_display = ["short_id", "status", "risk_category", "pathway", "owner", "archived_at"]
    list_filter = ["status", "risk_category", "archived_at"]
    readonly_fields = ["risk_category", "pathway", "created_at", "updated_at"]
    raw_id_fields = ["patient"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "owner", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["owner", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "owner", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tokens are created with `manage.py create_api_token`, which shows the secret once.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token)


class HistoryReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail as an administrator sees it: listed and readable, never edited or deleted."""

    list_display = ["history_date", "history_type", "history_user", "__str__"]
    list_filter = ["history_type"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def register_history_models(site: admin.AdminSite = admin.site) -> None:
    """Register every history table read-only (called again after later apps add tracked models)."""
    for model in list(registered_models.values()):
        historical = model.history.model
        if not site.is_registered(historical):
            site.register(historical, HistoryReadOnlyAdmin)


register_history_models()
