"""Writes of the MDT workflow: meetings, agendas, decisions, signing and amending reports.

Every function is keyword-only and atomic. Permission checks are repeated here (views check first, to answer
403) so that a script or a future API cannot sign a report on behalf of someone who is not the chair.
"""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import AdjuvantDecision, CaseStatus
from cases.course.texts import mdt_flag_reason
from cases.followups.services import followups_regenerate
from cases.mdt.decisions import clean_modifications, parse_attendees
from cases.mdt.drift import assessment_differs, changes_since_signed
from cases.mdt.integrity import chain_hash, pdf_hash
from cases.mdt.reports import case_snapshot, render_report_pdf, signed_source
from cases.models import (
    SIGNABLE_DECISIONS,
    AgendaItem,
    AgendaItemStatus,
    Assessment,
    Case,
    DeferralNeed,
    MdtDecision,
    MdtMeeting,
    SignedReport,
    TreatmentDecision,
)
from cases.permissions import MANAGE_MDT, SIGN_REPORT
from cases.records.assessment import case_assess
from cases.service_helpers import (
    EditConflict,
    ServiceError,
    claim_version,
    last_editor,
    lock_row,
    record_history,
)

VIRTUAL_TITLE = "Virtual MDT"
BAD_PASSWORD_MESSAGE = "The password is not correct: nothing was signed. Re-enter your own password to sign."  # noqa: S105 - a message


def _require(user: AbstractBaseUser, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"{perm} required")


def _display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def ensure_assessment(*, case: Case, user: AbstractBaseUser | None) -> Assessment | None:
    """The case's latest assessment; WRITES one (runs the engine and stores it) when the case has none yet."""
    assessment = case.assessments.order_by("-created_at").first()
    if assessment is None:
        assessment = case_assess(case=case, user=user)
    return assessment


def _meeting_details(
    *, date: date, title: str, attendees: str, start_time: time | None, place: str, video_link: str
) -> dict:
    """A meeting's details as stored: the same for a new meeting and a changed one."""
    return {
        "date": date,
        "title": title.strip(),
        "attendees": attendees.strip(),
        "start_time": start_time,
        "place": place.strip(),
        "video_link": video_link.strip(),
    }


@transaction.atomic
def meeting_create(
    *,
    user: AbstractBaseUser,
    date: date,
    title: str,
    attendees: str = "",
    start_time: time | None = None,
    place: str = "",
    video_link: str = "",
) -> MdtMeeting:
    _require(user, MANAGE_MDT)
    details = _meeting_details(
        date=date, title=title, attendees=attendees, start_time=start_time, place=place, video_link=video_link
    )
    return MdtMeeting.objects.create(**details, created_by=user)


@transaction.atomic
def meeting_update(
    *,
    meeting: MdtMeeting,
    user: AbstractBaseUser,
    date: date,
    title: str,
    attendees: str = "",
    start_time: time | None = None,
    place: str = "",
    video_link: str = "",
    expected_version: int | None = None,
) -> MdtMeeting:
    """Change the meeting's details. `expected_version` is the meeting's version when the form was opened:
    if someone saved the meeting since, nothing is written and EditConflict says who and when."""
    _require(user, MANAGE_MDT)
    version = claim_version(MdtMeeting, meeting.pk, expected_version)
    if version is None:
        who, when = last_editor(meeting)
        raise EditConflict("meeting", who=who, when=when)
    meeting.refresh_from_db()
    details = _meeting_details(
        date=date, title=title, attendees=attendees, start_time=start_time, place=place, video_link=video_link
    )
    for name, value in details.items():
        setattr(meeting, name, value)
    record_history(meeting, user)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_virtual_today(*, user: AbstractBaseUser, attendees: str = "") -> MdtMeeting:
    """Today's ad-hoc "virtual MDT", the way to discuss and sign between scheduled meetings: the existing one
    when there is one, else a new one. A coordinator or a chair may open it."""
    if not (user.has_perm(MANAGE_MDT) or user.has_perm(SIGN_REPORT)):
        raise PermissionDenied(f"{MANAGE_MDT} or {SIGN_REPORT} required")
    today = timezone.localdate()
    meeting = MdtMeeting.objects.filter(is_virtual=True, date=today).order_by("created_at").first()
    if meeting is None:
        meeting = MdtMeeting.objects.create(
            date=today,
            title=VIRTUAL_TITLE,
            is_virtual=True,
            attendees=attendees.strip() or f"{_display_name(user)}, {_role_word(user)}",
            created_by=user,
        )
    return meeting


def _role_word(user: AbstractBaseUser) -> str:
    names = {g.name.lower() for g in user.groups.all()}  # type: ignore[attr-defined]
    for word in ("surgeon", "oncologist", "pathologist", "radiologist", "coordinator", "nurse"):
        if any(word in name for name in names):
            return word
    return "other"


def signer_role(user: AbstractBaseUser) -> str:
    """How the signed report names the signer's role: the chair's capacity and their role group."""
    groups = ", ".join(sorted(g.name for g in user.groups.all()))  # type: ignore[attr-defined]
    return f"MDT chair ({groups})" if groups else "MDT chair"


def other_upcoming_bookings(*, case: Case, meeting: MdtMeeting) -> list[AgendaItem]:
    """The case's places on other meetings that have not happened yet and are not signed."""
    return list(
        AgendaItem.objects.filter(case=case, meeting__date__gte=timezone.localdate())
        .exclude(meeting=meeting)
        .exclude(status=AgendaItemStatus.SIGNED)
        .select_related("meeting")
    )


ALREADY_BOOKED = "already_booked"


@transaction.atomic
def agenda_add(
    *, meeting: MdtMeeting, case: Case, user: AbstractBaseUser, confirm_double_booking: bool = False
) -> AgendaItem:
    """Put `case` at the end of the meeting's agenda.

    A case already on another upcoming meeting is refused (code "already_booked") unless the coordinator
    confirms: booking it twice is sometimes right (a deferred discussion), never by accident.
    """
    _require(user, MANAGE_MDT)
    # Lock the meeting so two coordinators adding at once get distinct order numbers.
    MdtMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ServiceError(_("This case is already on the agenda of this meeting."), field="case")
    if case.archived_at is not None:
        raise ServiceError(_("This case is archived and cannot be discussed."), field="case")
    others = other_upcoming_bookings(case=case, meeting=meeting)
    if others and not confirm_double_booking:
        names = ", ".join(str(item.meeting) for item in others)
        message = _("Case %(id)s is already on the agenda of %(meetings)s. Confirm to book it here too.") % {
            "id": case.short_id,
            "meetings": names,
        }
        raise ServiceError(message, field="case", code=ALREADY_BOOKED)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(meeting=meeting, case=case, order=last + 1, added_by=user)
    # The chair reads the risk and pathway on the agenda: make sure the case has been assessed once.
    ensure_assessment(case=case, user=user)
    return item


@transaction.atomic
def agenda_remove(*, item: AgendaItem, user: AbstractBaseUser) -> None:
    _require(user, MANAGE_MDT)
    if item.status == AgendaItemStatus.SIGNED or item.reports.exists():
        raise ServiceError(_("A signed case stays on the agenda: its report belongs to this meeting."))
    if item.decision:
        raise ServiceError(
            _("A case with a recorded decision stays on the agenda: the decision belongs to it.")
        )
    item.delete()


@transaction.atomic
def agenda_move(*, item: AgendaItem, user: AbstractBaseUser, offset: int) -> AgendaItem:
    """Move an item up (offset -1) or down (+1) the agenda; the agenda is renumbered 1..n."""
    _require(user, MANAGE_MDT)
    MdtMeeting.objects.select_for_update().filter(pk=item.meeting_id).first()
    items = list(AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("order", "added_at"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    for number, other in enumerate(items, start=1):
        if other.order != number:
            other.order = number
            other.save(update_fields=["order"])
    return next(other for other in items if other.pk == item.pk)


def _checked_decision(
    decision: str, reason: str, text: str, modifications: dict | None, deferral_need: str, *, reason_key: str
) -> tuple[str, str, dict, str]:
    """The decision's parts validated together (reason, text, modifications, deferral need)."""
    if decision not in MdtDecision.values:
        raise ServiceError(_("Choose accept, modify, defer or not discussed."), field="decision")
    reason, text = reason.strip(), text.strip()
    cleaned, errors = clean_modifications(modifications or {})
    if errors:
        raise ServiceError.for_fields(errors)
    if decision == MdtDecision.MODIFY:
        if not reason:
            raise ServiceError(_("Give the reason for modifying the recommendation."), field=reason_key)
        if not cleaned and not text:
            raise ServiceError(
                _("Say what the MDT changes: choose the modified fields, or describe it."), field="decision"
            )
        return reason, text, cleaned, ""
    if decision == MdtDecision.DEFER:
        if deferral_need not in DeferralNeed.values:
            raise ServiceError(_("Say what is needed before the MDT can decide."), field="deferral_need")
        if deferral_need == DeferralNeed.OTHER and not text:
            raise ServiceError(_("Describe what is needed."), field="text")
        return reason, text, {}, deferral_need
    if decision == MdtDecision.NOT_DISCUSSED:
        return reason, text, {}, ""
    return "", "", {}, ""


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    user: AbstractBaseUser,
    decision: str,
    reason: str = "",
    text: str = "",
    modifications: dict | None = None,
    deferral_need: str = "",
    expected_version: int | None = None,
) -> AgendaItem:
    """Record the MDT's decision on one agenda item.

    `expected_version` is the item's version when the form was opened: if someone recorded a decision since,
    nothing is written and EditConflict says who and when.

    accept: the recommendation as printed. modify: what changes (structured `modifications`, or `text`) and
    why (`reason`). defer: what is needed (`deferral_need`, with `text`); the case is flagged so that it
    stays on the coordinator's list for the next meeting. not discussed: the same flag.
    """
    _require(user, SIGN_REPORT)
    reason, text, modifications, deferral_need = _checked_decision(
        decision, reason, text, modifications, deferral_need, reason_key="reason"
    )
    version = claim_version(AgendaItem, item.pk, expected_version)
    if version is None:
        who, when = last_editor(item)
        raise EditConflict("decision", who=who, when=when)
    item.refresh_from_db()
    if item.status == AgendaItemStatus.SIGNED:
        raise ServiceError(_("This report is already signed; amend it instead."))
    item.decision = decision
    item.modification_reason = reason
    item.modification_text = text
    item.modifications = modifications
    item.deferral_need = deferral_need
    item.status = AgendaItemStatus.DECIDED
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save()
    case = Case.objects.select_for_update().get(pk=item.case_id)
    fields = ["updated_at"]
    if decision in SIGNABLE_DECISIONS and case.status in (CaseStatus.DRAFT, CaseStatus.ASSESSED):
        case.status = CaseStatus.DISCUSSED
        fields.append("status")
    if decision in (MdtDecision.DEFER, MdtDecision.NOT_DISCUSSED):
        case.needs_mdt_review = True
        # In English whoever records it, read in each reader's language (cases/course/texts.py: flag_reason).
        case.mdt_review_reason = mdt_flag_reason(
            deferred=decision == MdtDecision.DEFER, meeting=item.meeting, need=deferral_need, note=text
        )
        fields += ["needs_mdt_review", "mdt_review_reason"]
    case.save(update_fields=fields)
    item.case = case
    return item


def _check_attestation(*, user: AbstractBaseUser, password: str, meeting: MdtMeeting) -> None:
    """A signature is an attestation: the signer's own password, at a meeting that has taken place."""
    if not password or not user.check_password(password):
        raise ServiceError(BAD_PASSWORD_MESSAGE, field="password")
    today = timezone.localdate()
    if meeting.date > today:
        raise ServiceError(
            f"This meeting is on {meeting.date:%d %b %Y}: its decisions can be signed on or after that day. "
            "To sign today, discuss the case at a virtual MDT for today."
        )


def _apply_adjuvant_decision(*, case: Case, modifications: dict, user: AbstractBaseUser) -> None:
    """The MDT's adjuvant decision becomes the case's record, so that the engine counts it in the schedule
    (RULES.md section 8: "once the MDT records the actual decision, given or declined, the app recomputes the
    schedule from it") and the follow-up list follows the decision."""
    if "adjuvant" not in modifications:
        return
    treatment, _created = TreatmentDecision.objects.get_or_create(case=case)
    treatment.adjuvant_decision = modifications["adjuvant"]
    if modifications["adjuvant"] == AdjuvantDecision.GIVEN:
        treatment.adjuvant_planned_months = modifications.get(
            "adjuvant_months", treatment.adjuvant_planned_months
        )
        treatment.adjuvant_dose_mg = modifications.get("adjuvant_dose_mg", treatment.adjuvant_dose_mg)
    else:
        treatment.adjuvant_planned_months = None
        treatment.adjuvant_dose_mg = None
    treatment._history_user = user  # type: ignore[attr-defined]
    treatment._change_reason = "MDT decision"  # type: ignore[attr-defined]
    treatment.save()
    case._state.fields_cache.pop("treatment", None)
    case_assess(case=case, user=user)


def _freeze(
    *,
    case: Case,
    user: AbstractBaseUser,
    item: AgendaItem | None,
    meeting: MdtMeeting,
    decision: str,
    reason: str,
    text: str,
    modifications: dict,
    amends: SignedReport | None = None,
    amendment_reason: str = "",
) -> SignedReport:
    # Lock the case row: two chairs signing at once must not both get the same version number.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    _apply_adjuvant_decision(case=case, modifications=modifications, user=user)
    assessment = ensure_assessment(case=case, user=user)
    if assessment is None:
        raise ServiceError(
            "The case cannot be assessed yet (no primary site recorded), so there is nothing to sign."
        )
    last = SignedReport.objects.filter(case=case).aggregate(last=Max("version"))["last"] or 0
    report = SignedReport(
        case=case,
        agenda_item=item,
        meeting=meeting,
        version=last + 1,
        facts=assessment.facts,
        result=assessment.result,
        snapshot=case_snapshot(case),
        ruleset=assessment.ruleset,
        ruleset_version=assessment.ruleset_version,
        decision=decision,
        decision_reason=reason,
        decision_text=text,
        modifications=modifications,
        signed_by=user,
        signed_by_name=_display_name(user),
        signer_role=signer_role(user),
        attendees=[{"name": a.name, "discipline": a.discipline} for a in parse_attendees(meeting.attendees)],
        signed_at=timezone.now(),
        amends=amends,
        amendment_reason=amendment_reason,
    )
    pdf = render_report_pdf(signed_source(report))
    report.pdf = pdf
    report.pdf_sha256 = pdf_hash(pdf)
    previous = (
        SignedReport.objects.filter(case=case, version=last).values_list("chain_sha256", flat=True).first()
    )
    report.chain_sha256 = chain_hash(
        previous=previous or "", case_id=case.pk, version=report.version, pdf_sha256=report.pdf_sha256
    )
    report.save()
    Case.objects.filter(pk=case.pk).update(changed_since_signed=False)
    return report


def _signed_meanwhile(case_id: object, refusal: str) -> str:
    """The refusal, with who signed the latest version and when: the loser of two concurrent signatures
    learns what happened instead of getting an error page."""
    latest = SignedReport.objects.filter(case=case_id).order_by("-version").first()
    if latest is None:
        return refusal
    when = timezone.localtime(latest.signed_at)
    return f"{refusal} Version {latest.version} was signed by {latest.signed_by_name} at {when:%H:%M on %d %b %Y}."


@transaction.atomic
def report_sign(*, item: AgendaItem, user: AbstractBaseUser, password: str) -> SignedReport:
    """Sign the report of one agenda item: the chair's attestation (their password, on or after the meeting's
    date) freezes the report with its PDF and finalises the case."""
    _require(user, SIGN_REPORT)
    lock_row(Case, item.case_id)  # two chairs signing at once: the second waits, then is told (finding 2)
    item = AgendaItem.objects.select_for_update().select_related("case", "meeting").get(pk=item.pk)
    if item.status == AgendaItemStatus.SIGNED:
        raise ServiceError(
            _signed_meanwhile(item.case_id, "This report is already signed; amend it instead.")
        )
    if not item.decision:
        raise ServiceError(_("Record the MDT decision before signing."), field="decision")
    if item.decision not in SIGNABLE_DECISIONS:
        raise ServiceError(
            f"“{item.get_decision_display()}” is not a decision to sign: the case goes to a later meeting.",
            field="decision",
        )
    _check_attestation(user=user, password=password, meeting=item.meeting)
    case = item.case
    report = _freeze(
        case=case,
        user=user,
        item=item,
        meeting=item.meeting,
        decision=item.decision,
        reason=item.modification_reason,
        text=item.modification_text,
        modifications=item.modifications or {},
    )
    item.status = AgendaItemStatus.SIGNED
    item.save(update_fields=["status"])
    case.refresh_from_db()
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
    password: str,
    meeting: MdtMeeting | None = None,
    decision: str | None = None,
    decision_reason: str | None = None,
    decision_text: str | None = None,
    modifications: dict | None = None,
) -> SignedReport:
    """A new signed version replacing `report`, from the case's latest assessment, with its reason.

    Signed at `meeting` (default: today's virtual MDT, created when needed), with the same attestation as a
    first signature. The decision is carried over unless a new one is given. Earlier versions are kept
    unchanged.
    """
    _require(user, SIGN_REPORT)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give the reason for the amendment."), field="reason")
    lock_row(Case, report.case_id)  # two amendments at once: the second waits, then is told (finding 2)
    latest = SignedReport.objects.filter(case=report.case_id).order_by("-version").first()
    if latest is None or latest.pk != report.pk:
        raise ServiceError(
            _signed_meanwhile(report.case_id, "Only the latest version of a report can be amended.")
        )
    new_decision = decision or report.decision
    if new_decision not in SIGNABLE_DECISIONS:
        raise ServiceError(_("An amended report accepts or modifies the recommendation."), field="decision")
    new_reason, new_text, new_modifications, _need = _checked_decision(
        new_decision,
        report.decision_reason if decision_reason is None else decision_reason,
        report.decision_text if decision_text is None else decision_text,
        report.modifications if modifications is None else modifications,
        "",
        reason_key="decision_reason",
    )
    if not password or not user.check_password(password):
        raise ServiceError(BAD_PASSWORD_MESSAGE, field="password")
    meeting = meeting or meeting_virtual_today(user=user)
    _check_attestation(user=user, password=password, meeting=meeting)
    amended = _freeze(
        case=report.case,
        user=user,
        item=report.agenda_item,
        meeting=meeting,
        decision=new_decision,
        reason=new_reason,
        text=new_text,
        modifications=new_modifications,
        amends=report,
        amendment_reason=reason,
    )
    # An amendment may move the schedule (e.g. a corrected mitotic count): the follow-up items follow it.
    followups_regenerate(
        case=report.case, user=user, reason=f"MDT report amended (version {amended.version})"
    )
    return amended


def case_note_clinical_change(*, case: Case) -> bool:
    """Called by the services that write a case's clinical records, inside their transaction: a case with a
    signed report whose records (or assessment) changed since is marked "changed since signed"."""
    if not case.signed_reports.exists():
        return False
    stale = bool(changes_since_signed(case)) or assessment_differs(case)
    if stale != case.changed_since_signed:
        Case.objects.filter(pk=case.pk).update(changed_since_signed=stale)
        case.changed_since_signed = stale
    return stale
