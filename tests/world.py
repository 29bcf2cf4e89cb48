"""A small world for the cross-cutting tests: one user per role and a fully entered case, built with the
helpers of tests/factories.py (one password, one way to make a user)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group, Permission

from cases import roles
from cases.followups import services as followup_services
from cases.mdt import services as mdt_services
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation, TreatmentDecision
from cases.records.steps import ALL_STEPS
from tests.factories import PASSWORD, make_user

ROLES = ("surgeon", "coordinator", "nurse", "chair", "admin", "norole", "anon")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    patient: Patient | None = None
    case: Case | None = None
    objects: dict = field(default_factory=dict)  # anything else a row needs (meeting, report, follow-up…)
    # Path parameter values for the URL walks: by parameter name, or "<url name>.<parameter>" for one route.
    values: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users.get(role)


def make_patient(mrn: str | None = None, **extra) -> Patient:
    return Patient.objects.create(
        mrn=mrn or f"MRN{uuid.uuid4().hex[:8].upper()}",
        given_name=extra.pop("given_name", "Ada"),
        family_name=extra.pop("family_name", "Lovelace"),
        date_of_birth=extra.pop("date_of_birth", dt.date(1960, 5, 17)),
        **extra,
    )


def make_entered_case(owner, patient: Patient | None = None, *, full: bool = True) -> Case:
    case = Case.objects.create(
        patient=patient or make_patient(), owner=owner, diagnosis_date=dt.date(2026, 1, 5)
    )
    if full:
        Presentation.objects.create(
            case=case, site="stomach", gastric_location="greater_curvature", size_cm=Decimal("6.5")
        )
        Diagnostics.objects.create(case=case, biopsy_done=True, histology_confirmed=True, cd117="positive")
        Operation.objects.create(
            case=case, surgery_date=dt.date(2026, 1, 15), approach_used="open", margin="R0"
        )
        Pathology.objects.create(case=case, mitoses_per_5mm2=8, genotype="kit_exon_11")
        TreatmentDecision.objects.create(case=case)
    return case


def make_world(*, signed: bool = False) -> World:
    # Transactional tests flush the database, taking the role groups of migration 0002 with them.
    roles.ensure_roles(Group, Permission)
    world = World()
    world.users["surgeon"] = make_user("surgeon", role=roles.SURGEON)
    world.users["coordinator"] = make_user("coordinator", role=roles.COORDINATOR)
    world.users["nurse"] = make_user("nurse", role=roles.NURSE)
    world.users["chair"] = make_user("chair", role=roles.SURGEON, perms=(roles.CHAIR_PERMISSION,))
    world.users["admin"] = make_user("admin", role=roles.ADMINISTRATOR)
    world.users["norole"] = make_user("norole")
    world.users["anon"] = None
    world.patient = make_patient(mrn="MRN4242XYZ", given_name="Grace", family_name="Hopper")
    world.case = make_entered_case(world.users["surgeon"], world.patient)
    world.values.update(case_id=world.case.id, patient_id=world.patient.id)
    _add_followups(world)
    _add_mdt(world, signed=signed)
    world.values["records:step.step"] = list(ALL_STEPS)
    return world


def _add_mdt(world: World, *, signed: bool) -> None:
    """A meeting with the case on its agenda; with `signed`, the chair's decision and signed report (a PDF
    render: only for the tests that need one)."""
    svc = mdt_services
    meeting = svc.meeting_create(user=world.users["coordinator"], date=dt.date(2026, 2, 3), title="GI MDT")
    item = svc.agenda_add(meeting=meeting, case=world.case, user=world.users["coordinator"])
    world.objects.update(meeting=meeting, agenda_item=item)
    world.values["meeting_id"] = meeting.pk
    for name in ("mdt:agenda_remove", "mdt:decision", "mdt:sign"):
        world.values[f"{name}.item_id"] = item.pk
    # A printout job, recorded but not run (no PDF render): its status page and download have an id to load.
    from cases.mdt.printout import printout_request

    job, _ = printout_request(meeting=meeting, user=world.users["coordinator"])
    world.objects["printout_job"] = job
    world.values["job_id"] = job.pk
    if signed:
        svc.decision_record(item=item, user=world.users["chair"], decision="accept")
        item.refresh_from_db()
        world.objects["report"] = svc.report_sign(item=item, user=world.users["chair"], password=PASSWORD)


def _add_followups(world: World) -> None:
    """Follow-up items from the case's real schedule, and the nurse's calendar feed token."""
    svc = followup_services
    svc.followups_regenerate(case=world.case, user=world.users["nurse"], reason="test world")
    item = world.case.followups.order_by("due_date").first()
    feed = svc.calendar_token_create(user=world.users["nurse"])
    world.objects.update(followup_item=item, feed=feed)
    world.values.update(
        {
            "followups:item_action.item_id": item.pk,
            "followups:item_action.action": "done",
            "followups:feed.token": feed.token,
            "item_id": item.pk,
        }
    )
    # The nurse's CSV export of the worklist, written (its status page and download have an id to load).
    from cases.followups import export_jobs

    export = export_jobs.export_request(user=world.users["nurse"], tab="all", query="", language="en")
    export_jobs.export_run(job_id=str(export.pk), worker="in-process")
    world.objects["export"] = export
    world.values["export_id"] = export.pk
    # The surgeon's check of every case against the current rules, finished (its page and its re-assess form).
    from cases.records import rule_review

    check = rule_review.check_request(user=world.users["surgeon"])
    rule_review.check_run(job_id=str(check.pk), worker="in-process")
    reassessment = rule_review.reassess_request(user=world.users["surgeon"], check=check, case_ids=[])
    rule_review.reassess_run(job_id=str(reassessment.pk), worker="in-process")
    world.objects.update(rule_check=check, rule_reassessment=reassessment)
    world.values["records:rule_review_job.job_id"] = [check.pk, reassessment.pk]
    # The administrator's check of a register (the template's example row), passed: its page and "Import now".
    from cases.interop import import_jobs
    from cases.interop.register_import import template_csv

    register_check = import_jobs.import_request(
        user=world.users["admin"], content=template_csv().encode(), filename="register.csv", dry_run=True,
        language="en",
    )  # fmt: skip
    import_jobs.import_run(job_id=str(register_check.pk), worker="in-process")
    world.objects["register_check"] = register_check
    world.values["import_id"] = register_check.pk
