"""Every Celery task of the app, found by the Celery app's autodiscovery (gistcare/celery.py)."""

from cases.followups.tasks import (
    followups_escalate_and_remind,
    followups_export_csv,
    followups_exports_purge,
    followups_safety_net_check,
)
from cases.interop.tasks import interop_imports_purge, interop_register_import
from cases.mdt.tasks import printout_merge, printout_render_part
from cases.records.tasks import records_reassess, records_rule_check

__all__ = [
    "followups_escalate_and_remind",
    "followups_export_csv",
    "followups_exports_purge",
    "followups_safety_net_check",
    "interop_imports_purge",
    "interop_register_import",
    "printout_merge",
    "printout_render_part",
    "records_reassess",
    "records_rule_check",
]
