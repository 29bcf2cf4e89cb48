"""Four chairs sign the same report at once, on the SQLite file database named by DATABASE_URL.

Run by tests/mdt/test_concurrent_signing.py in its own process (the test database is in memory and shared by
threads through one cache, which is not how the served app uses SQLite). Prints the outcomes as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from cases import roles
    from cases.mdt.services import decision_record, report_sign
    from tests.factories import (
        PASSWORD,
        CoordinatorFactory,
        contract_example_case,
        make_user,
        meeting_with_case,
    )

    call_command("migrate", verbosity=0)
    coordinator = CoordinatorFactory(username="race-coordinator")
    chair = make_user(role=roles.SURGEON, chair=True, username="race-chair")
    case = contract_example_case()
    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision="accept")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def sign() -> None:
        try:
            barrier.wait()
            report_sign(item=item, user=chair, password=PASSWORD)
            outcomes.append("signed")
        except Exception as exc:  # every outcome is reported
            outcomes.append(f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    sys.stdout.write(json.dumps({"outcomes": outcomes, "reports": case.signed_reports.count()}) + "\n")


if __name__ == "__main__":
    main()
