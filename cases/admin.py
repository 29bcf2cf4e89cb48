"""Admin: records can be read and corrected here, never deleted; audit history is read-only.

Patients and cases are archived (from the app), not deleted; every historical record of every tracked model is
registered read-only so that an administrator can inspect the trail but not rewrite or remove it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from cases.api.tokens import api_token_revoke
from cases.models import AgendaItem, ApiToken, Case, Patient
from cases.text_safety import clean_identifier, clean_name
from gistcare import auth_backends

# No bulk "delete selected" anywhere in this admin.
admin.site.disable_action("delete_selected")


class NoDeleteAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def render_history_view(self, request: HttpRequest, template: str, context: dict, **kwargs: Any):
        """django-simple-history's list of a record's changes names each row by `history_object`, built anew for
        every row, whose name may read a related row (a case's patient): one query a row. Each row's is built
        here once, with the related rows its history query already joined (`history_object` is a plain
        descriptor: the row's own attribute takes its place)."""
        # The same method draws a past version's form (history_form_view), which has no page of rows.
        page = context.get("page_obj")
        for record in page.object_list if page is not None else ():
            record.history_object = named_history_object(record)
        return super().render_history_view(request, template, context, **kwargs)


class PatientAdminForm(forms.ModelForm):
    """The app's own rules for identifiers and names (cases/text_safety.py): the admin is no back door."""

    class Meta:
        model = Patient
        fields = "__all__"  # noqa: DJ007  (the admin shows every field; this form only adds cleaning)

    def clean_mrn(self) -> str:
        return clean_identifier(self.cleaned_data["mrn"], label="Hospital number (MRN)")

    def clean_given_name(self) -> str:
        return clean_name(self.cleaned_data["given_name"], label="Given name")

    def clean_family_name(self) -> str:
        return clean_name(self.cleaned_data["family_name"], label="Family name")


@admin.register(Patient)
class PatientAdmin(NoDeleteAdmin):
    form = PatientAdminForm
    list_display = ["family_name", "given_name", "date_of_birth", "archived_at"]
    list_filter = ["archived_at"]
    search_fields = ["mrn", "family_name", "given_name"]
    readonly_fields = ["created_at", "updated_at"]


ROLE_CHANGE_REFUSED = _(
    "Roles and permissions cannot be changed while the shared cache (CACHE_URL) is unreachable: the permissions "
    "it holds could not be renewed. Try again once it is back. To shut someone out at once, untick “Active”."
)


class RoleChangeGuard:
    """A form that changes who holds which permission asks the shared cache first (gistcare/auth_backends.py):
    while it is unreachable such a change would be refused at the save, so the form says so on the field and
    keeps what was entered. Other fields can still be changed."""

    role_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.role_fields if name in self.changed_data]
        if changed and not auth_backends.permission_cache_reachable():
            for name in changed:
                self.add_error(name, ROLE_CHANGE_REFUSED)
        return cleaned


class GuardedUserChangeForm(RoleChangeGuard, UserChangeForm):
    role_fields = ("groups", "user_permissions")


class GuardedGroupForm(RoleChangeGuard, forms.ModelForm):
    role_fields = ("permissions",)

    class Meta:
        model = Group
        fields = "__all__"  # noqa: DJ007  (as Django's GroupAdmin; this form only adds the check)


# Users and groups are deactivated ("Active" unticked), never deleted: deleting a user set the author of every
# history row they wrote to nobody ("system"), and a group's members would silently lose their role.
class NoDeleteUserAdmin(UserAdmin):
    form = GuardedUserChangeForm

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class NoDeleteGroupAdmin(GroupAdmin):
    form = GuardedGroupForm

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


User = get_user_model()
for model, model_admin in ((User, NoDeleteUserAdmin), (Group, NoDeleteGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


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


#: The related rows a tracked model's own name reads (its __str__): read with the history list's page.
NAMED_BY = {Case: ("patient",), ApiToken: ("owner",), AgendaItem: ("meeting",)}


def named_history_object(record: Any) -> Any:
    """The record as it was (`history_object`, a new instance of the tracked model), with the related rows its name
    reads (NAMED_BY) taken from the history row, which the list's query joined: no query to name it."""
    instance = record.history_object
    for name in NAMED_BY.get(type(instance), ()):
        related = record._meta.get_field(name).get_cached_value(record, default=None)
        if related is not None:
            instance._meta.get_field(name).set_cached_value(instance, related)
    return instance


class HistoryReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail as an administrator sees it: listed and readable, never edited or deleted.

    The list reads who made each change and what the record's name needs with the page, not once a row (issue 16:
    a page of 100 changes cost 100 queries more; a nullable foreign key such as the user is not followed by the
    admin's own select_related())."""

    list_display = ["history_date", "history_type", "history_user", "record"]
    list_filter = ["history_type"]
    date_hierarchy = "history_date"

    def get_list_select_related(self, request: HttpRequest) -> tuple[str, ...]:
        return ("history_user", *NAMED_BY.get(self.model.instance_type, ()))

    @admin.display(description=_("record"))
    def record(self, obj: Any) -> str:
        """The record as it was, named as the app names it: from the history row alone (`history_object`; the
        row's `instance` reads the fields the history leaves out, a signed report's PDF, once a row)."""
        return str(named_history_object(obj))

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
