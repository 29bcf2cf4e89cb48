"""Writes of the MDT workflow: meetings, agendas, decisions, signing and amending reports.

Every function is keyword-only and atomic. Permission checks are repeated here (views check first, to answer
403) so that a script or a future API cannot sign a report on behalf of someone who is not the chair.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.choices import CaseStatus
from cases.followups.services import followups_regenerate
from cases.mdt.reports import case_snapshot, render_report_pdf, signed_source
from cases.models import (
    AgendaItem,
    AgendaItemStatus,
    Assessment,
    Case,
    MdtDecision,
    MdtMeeting,
    SignedReport,
)
from cases.permissions import MANAGE_MDT, SIGN_REPORT
from cases.records.assessment import case_assess


def _require(user: AbstractBaseUser, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"{perm} required")


def _display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def latest_assessment(*, case: Case, user: AbstractBaseUser | None) -> Assessment | None:
    """The case's latest assessment, running the engine first when the case has none yet."""
    assessment = case.assessments.order_by("-created_at").first()
    if assessment is None:
        assessment = case_assess(case=case, user=user)
    return assessment


@transaction.atomic
def meeting_create(*, user: AbstractBaseUser, date: date, title: str, attendees: str = "") -> MdtMeeting:
    _require(user, MANAGE_MDT)
    return MdtMeeting.objects.create(
        date=date, title=title.strip(), attendees=attendees.strip(), created_by=user
    )


@transaction.atomic
def meeting_update(
    *, meeting: MdtMeeting, user: AbstractBaseUser, date: date, title: str, attendees: str = ""
) -> MdtMeeting:
    _require(user, MANAGE_MDT)
    meeting.date = date
    meeting.title = title.strip()
    meeting.attendees = attendees.strip()
    meeting.save()
    return meeting


@transaction.atomic
def agenda_add(*, meeting: MdtMeeting, case: Case, user: AbstractBaseUser) -> AgendaItem:
    """Put `case` at the end of the meeting's agenda."""
    _require(user, MANAGE_MDT)
    # Lock the meeting so two coordinators adding at once get distinct order numbers.
    MdtMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError({"case": "This case is already on the agenda of this meeting."})
    if case.archived_at is not None:
        raise ValidationError({"case": "This case is archived and cannot be discussed."})
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(meeting=meeting, case=case, order=last + 1, added_by=user)
    # The chair reads the risk and pathway on the agenda: make sure the case has been assessed once.
    latest_assessment(case=case, user=user)
    return item


@transaction.atomic
def agenda_remove(*, item: AgendaItem, user: AbstractBaseUser) -> None:
    _require(user, MANAGE_MDT)
    if item.status == AgendaItemStatus.SIGNED or item.reports.exists():
        raise ValidationError("A signed case stays on the agenda: its report belongs to this meeting.")
    item.delete()


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    user: AbstractBaseUser,
    decision: str,
    reason: str = "",
    text: str = "",
) -> AgendaItem:
    """Record the MDT's decision on one agenda item: accept the recommendation, or modify it with a reason."""
    _require(user, SIGN_REPORT)
    if item.status == AgendaItemStatus.SIGNED:
        raise ValidationError("This report is already signed; amend it instead.")
    if decision not in MdtDecision.values:
        raise ValidationError({"decision": "Choose accept or modify."})
    reason, text = reason.strip(), text.strip()
    if decision == MdtDecision.MODIFY and not reason:
        raise ValidationError({"reason": "Give the reason for modifying the recommendation."})
    if decision == MdtDecision.ACCEPT:
        reason, text = "", ""
    item.decision = decision
    item.modification_reason = reason
    item.modification_text = text
    item.status = AgendaItemStatus.DECIDED
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save()
    case = item.case
    if case.status in (CaseStatus.DRAFT, CaseStatus.ASSESSED):
        case.status = CaseStatus.DISCUSSED
        case.save(update_fields=["status", "updated_at"])
    return item


def _freeze(
    *,
    case: Case,
    user: AbstractBaseUser,
    item: AgendaItem | None,
    decision: str,
    reason: str,
    text: str,
    amends: SignedReport | None = None,
    amendment_reason: str = "",
) -> SignedReport:
    assessment = latest_assessment(case=case, user=user)
    if assessment is None:
        raise ValidationError(
            "The case cannot be assessed yet (no primary site recorded), so there is nothing to sign."
        )
    # Lock the case row: two chairs signing at once must not both get the same version number.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    last = SignedReport.objects.filter(case=case).aggregate(last=Max("version"))["last"] or 0
    report = SignedReport(
        case=case,
        agenda_item=item,
        version=last + 1,
        facts=assessment.facts,
        result=assessment.result,
        snapshot=case_snapshot(case),
        ruleset=assessment.ruleset,
        ruleset_version=assessment.ruleset_version,
        decision=decision,
        decision_reason=reason,
        decision_text=text,
        signed_by=user,
        signed_by_name=_display_name(user),
        signed_at=timezone.now(),
        amends=amends,
        amendment_reason=amendment_reason,
    )
    pdf = render_report_pdf(signed_source(report))
    report.pdf = pdf
    report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    report.save()
    return report


@transaction.atomic
def report_sign(*, item: AgendaItem, user: AbstractBaseUser) -> SignedReport:
    """Sign the report of one agenda item: freeze it with its PDF, and finalise the case."""
    _require(user, SIGN_REPORT)
    item = AgendaItem.objects.select_for_update().select_related("case", "meeting").get(pk=item.pk)
    if item.status == AgendaItemStatus.SIGNED:
        raise ValidationError("This report is already signed; amend it instead.")
    if not item.decision:
        raise ValidationError({"decision": "Record the MDT decision before signing."})
    case = item.case
    report = _freeze(
        case=case,
        user=user,
        item=item,
        decision=item.decision,
        reason=item.modification_reason,
        text=item.modification_text,
    )
    item.status = AgendaItemStatus.SIGNED
    item.save(update_fields=["status"])
    case.status = CaseStatus.FINALISED
    case.needs_mdt_review = False
    case.mdt_review_reason = ""
    case.save(update_fields=["status", "needs_mdt_review", "mdt_review_reason", "updated_at"])
    # The nurses' follow-up items come from the schedule the MDT has just signed.
    followups_regenerate(case=case, user=user, reason=f"MDT report signed (version {report.version})")
    return report


@transaction.atomic
def report_amend(
    *,
    report: SignedReport,
    reason: str,
    user: AbstractBaseUser,
    decision: str | None = None,
    decision_reason: str | None = None,
    decision_text: str | None = None,
) -> SignedReport:
    """A new signed version replacing `report`, from the case's latest assessment, with its reason.

    The decision is carried over unless a new one is given. Earlier versions are kept unchanged.
    """
    _require(user, SIGN_REPORT)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the amendment."})
    latest = SignedReport.objects.filter(case=report.case_id).order_by("-version").first()
    if latest is None or latest.pk != report.pk:
        raise ValidationError("Only the latest version of a report can be amended.")
    new_decision = decision or report.decision
    if new_decision not in MdtDecision.values:
        raise ValidationError({"decision": "Choose accept or modify."})
    new_reason = (report.decision_reason if decision_reason is None else decision_reason).strip()
    new_text = (report.decision_text if decision_text is None else decision_text).strip()
    if new_decision == MdtDecision.MODIFY and not new_reason:
        raise ValidationError({"decision_reason": "Give the reason for modifying the recommendation."})
    if new_decision == MdtDecision.ACCEPT:
        new_reason, new_text = "", ""
    amended = _freeze(
        case=report.case,
        user=user,
        item=report.agenda_item,
        decision=new_decision,
        reason=new_reason,
        text=new_text,
        amends=report,
        amendment_reason=reason,
    )
    # An amendment may move the schedule (e.g. a corrected mitotic count): the follow-up items follow it.
    followups_regenerate(
        case=report.case, user=user, reason=f"MDT report amended (version {amended.version})"
    )
    return amended
