"""Roles are Django groups holding capability permissions (declared on Case.Meta.permissions).

The MDT chair is not a group: `cases.sign_report` is granted to individual users (usually a surgeon or an
oncologist) on top of their role.
"""

from __future__ import annotations

SURGEON = "Surgeon"
COORDINATOR = "MDT coordinator"
NURSE = "Nurse"
ADMINISTRATOR = "Administrator"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    SURGEON: ("view_clinical", "edit_clinical"),
    COORDINATOR: ("view_clinical", "manage_mdt"),
    NURSE: ("view_clinical", "manage_followups"),
    ADMINISTRATOR: ("view_clinical", "edit_clinical", "manage_mdt", "sign_report", "manage_followups"),
}
CHAIR_PERMISSION = "sign_report"


def ensure_roles(group_model: type, permission_model: type) -> None:
    """Create the role groups and give each exactly its capabilities (idempotent).

    Takes the models as arguments so a data migration can pass its historical models.
    """
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        perms = list(permission_model.objects.filter(content_type__app_label="cases", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"permissions missing for role {name}: {sorted(missing)}")
        group.permissions.set(perms)
