"""The capability permissions, as the strings `user.has_perm` takes (declared on Case.Meta.permissions).

Views name these constants, never a literal "cases.…" string; `cases.roles` gives them to the role groups.
"""

from __future__ import annotations

VIEW_CLINICAL = "cases.view_clinical"
EDIT_CLINICAL = "cases.edit_clinical"
MANAGE_MDT = "cases.manage_mdt"
SIGN_REPORT = "cases.sign_report"
MANAGE_FOLLOWUPS = "cases.manage_followups"
