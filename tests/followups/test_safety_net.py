"""The safety net (issue 12): every case with a signed report has a pending visit, a closure or a flag."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import roles
from cases.followups import escalation as esc
from cases.followups import services as svc
from cases.followups.safety import cases_without_safety_net
from cases.models import Case
from tests.factories import make_case, make_user, signed_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 11, 2), tick=False):
        yield


@pytest.fixture
def signed_case():
    """Low risk, resected 01 Oct 2026, signed: 10 visits (every 6 months, months 6-60)."""
    case = make_case(size_cm="4", mitoses=3, surgery_date=date(2026, 10, 1))
    signed_report(
        coordinator=make_user(role=roles.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    return Case.objects.get(pk=case.pk)


def _close_every_visit(case):
    for item in case.followups.all():
        svc.item_cancel(
            item=item,
            user=make_user(role=roles.NURSE),
            expected_version=item.version,
            reason="Scans done elsewhere",
        )


def test_a_signed_case_with_a_pending_visit_is_safe(signed_case):
    assert signed_case.followups.filter(status="pending").count() == 10
    assert list(cases_without_safety_net()) == []


def test_a_signed_case_with_no_pending_visit_no_closure_and_no_flag_is_listed(signed_case):
    _close_every_visit(signed_case)
    assert list(cases_without_safety_net()) == [signed_case]


def test_a_closure_or_a_flag_takes_it_off_the_list(signed_case):
    _close_every_visit(signed_case)
    svc.case_flag_for_mdt(case=signed_case, user=None, reason="CT at another hospital: suspected recurrence")
    assert list(cases_without_safety_net()) == []
    Case.objects.filter(pk=signed_case.pk).update(needs_mdt_review=False)
    esc.case_close_followup(
        case=signed_case, user=make_user(role=roles.COORDINATOR), reason="moved", note="Leeds"
    )
    assert list(cases_without_safety_net()) == []


def test_an_unsigned_or_archived_case_is_not_listed():
    make_case(size_cm="4", mitoses=3, surgery_date=date(2026, 10, 1))  # never signed
    assert list(cases_without_safety_net()) == []


def test_the_page_lists_the_cases_for_clinical_readers_only(client, signed_case):
    _close_every_visit(signed_case)
    client.force_login(make_user(role=roles.NURSE))
    body = client.get("/followups/safety-net/").content.decode()
    assert signed_case.short_id in body
    assert "1 case" in body
    client.force_login(make_user(role=None))
    assert client.get("/followups/safety-net/").status_code == 403


def test_the_command_lists_the_cases_and_fails_when_there_are_any(signed_case):
    out = StringIO()
    call_command("followup_safety_net", stdout=out)
    assert "No case without a pending visit, a closure or a flag." in out.getvalue()
    _close_every_visit(signed_case)
    out = StringIO()
    with pytest.raises(CommandError, match="1 case"):
        call_command("followup_safety_net", stdout=out)
    assert signed_case.short_id in out.getvalue()
    assert signed_case.patient.mrn not in out.getvalue()  # command output goes to logs: no identifiers


def test_the_demo_data_leaves_nobody_without_a_safety_net():
    # After the demo's past meeting (17 Nov 2026): its reports can only be signed on or after that day.
    with time_machine.travel(date(2026, 12, 2), tick=False):
        call_command("seed_demo", "--password", "demo-pass-123", stdout=StringIO())
        assert Case.objects.filter(status="finalised").exists()
        assert [c.short_id for c in cases_without_safety_net()] == []


def test_a_result_waiting_for_review_is_no_safety_net(signed_case):
    """A scan entered in the treatment course waits for review: it plans nothing, so it keeps no patient in view."""
    from decimal import Decimal

    from cases.course import services as course_svc

    _close_every_visit(signed_case)
    course_svc.level_save(
        case=signed_case,
        user=make_user(role=roles.SURGEON),
        data={
            "sample_date": date(2026, 10, 20),
            "trough_ng_ml": Decimal(1500),
            "hours_since_dose": Decimal(24),
        },
    )
    assert signed_case.followups.filter(status="pending", source="review").count() == 1
    assert list(cases_without_safety_net()) == [signed_case]
