"""django-axes handler with a per-address limit next to the per-user one (issue 11, finding 9).

AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"]: axes counts failures for the user name
from this address and for the address alone, but compares both with one AXES_FAILURE_LIMIT. A hospital's
workstations often share one address (NAT), so the address gets its own, higher limit
(GISTCARE_LOGIN_ADDRESS_FAILURE_LIMIT); and a successful log-in clears only that user's failures, so a sprayer
who owns one account cannot wipe the address's count by logging into it.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PerUserAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        per_user, per_address = self.get_user_attempts(request, credentials)
        failures = _failures(per_user)
        if _failures(per_address) >= settings.GISTCARE_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(
                failures, settings.AXES_FAILURE_LIMIT
            )  # the address is locked: so is every name from it
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        per_user, _per_address = self.filter_user_attempts(request, credentials)
        count, _ = per_user.delete()
        return count
