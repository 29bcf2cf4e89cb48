"""cases.service_helpers: one refusal type for every service, shown on its field; who and why in history."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from cases.audit.archive import case_archive
from cases.followups import services as followups
from cases.mdt.forms import AddToAgendaForm
from cases.mdt.services import agenda_add, decision_record
from cases.service_helpers import ServiceError, add_service_errors, record_history
from tests.factories import CaseFactory, contract_example_case, meeting_with_case


def test_it_refuses_with_one_error_type_naming_the_field_in_every_feature(coordinator, chair, nurse):
    meeting, item = meeting_with_case(coordinator=coordinator, case=contract_example_case())
    with pytest.raises(ServiceError) as mdt_refusal:
        agenda_add(meeting=meeting, case=item.case, user=coordinator)
    assert mdt_refusal.value.field == "case"
    assert mdt_refusal.value.message == "This case is already on the agenda of this meeting."
    with pytest.raises(ServiceError) as decision_refusal:
        decision_record(item=item, user=chair, decision="modify", reason=" ")
    assert decision_refusal.value.field == "reason"
    fu_item = followups.item_add_manual(
        case=item.case, user=nurse, due_date=dt.date(2030, 1, 1), modality="clinic", reason="Check-up"
    )
    with pytest.raises(ServiceError) as followup_refusal:
        followups.item_mark_done(
            item=fu_item,
            user=nurse,
            expected_version=fu_item.version,
            completed_date=dt.date(2999, 1, 1),
            result="ned",
        )
    assert followup_refusal.value.field == "completed_date"


def test_it_shows_a_refusal_on_the_field_it_names_else_above_the_form(coordinator):
    form = AddToAgendaForm(data={})
    form.is_valid()
    add_service_errors(form, ServiceError("Already on this agenda.", field="meeting"))
    assert "Already on this agenda." in form.errors["meeting"]

    class Plain(forms.Form):
        note = forms.CharField(required=False)

    plain = Plain(data={})
    plain.is_valid()
    add_service_errors(plain, ServiceError("Nothing to sign.", field="no_such_field"))
    add_service_errors(plain, ServiceError("Signed already."))
    assert plain.non_field_errors() == ["Nothing to sign.", "Signed already."]


def test_it_records_who_and_why_in_the_history(surgeon):
    case = CaseFactory()
    case_archive(case=case, user=surgeon)
    assert case.history.latest().history_user == surgeon
    record_history(case, surgeon, "x" * 150)
    case.save()
    latest = case.history.latest()
    assert latest.history_user == surgeon
    assert latest.history_change_reason == "x" * 100
