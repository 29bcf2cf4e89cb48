"""No N+1 anywhere (issue 16): every page of the app costs as many queries in a large world as in a small one.

tests/test_query_counts.py holds one test per list, each growing what its page lists. This one is generic, as the
access and read-only walks are (tests/urlwalk.py): it requests every page a URL pattern names (and the admin's
index, every model's list, and the case's and the patient's admin pages), as the first of the roles who may see it,
in a small world where every list of the app has at least one row, then grows every list at once on the same records
and requests the same pages again: 1 and 30 cases on the meeting's agenda, the case on 1 and 3 agendas, 1 and 4
signed report versions, the case's follow-up visits and 33 more, 1 and 4 letters, a treatment course with 1 and 10
scans, 1 and 13 drug levels, 1 and 8 dose changes and 1 and 7 interruptions of its line, 1 and 4 recurrences, the
case and its patient edited 1 and 19 times, 1 and 9 meetings, 1 and 6 cases lost to follow-up and as many closed, 1
and 5 API tokens, and about 5 and 1,050 cases (1,000 of them loaded as a register import would load them, with their
tumours and follow-up visits). A page added later is measured without anyone writing its test.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.api.tokens import api_token_create
from cases.course import services as course_services
from cases.course.views import KINDS
from cases.followups import letters
from cases.followups import services as followup_services
from cases.mdt import services as mdt_services
from cases.models import (
    Assessment,
    Case,
    FollowUpClosure,
    FollowUpItem,
    Pathology,
    Patient,
    Presentation,
    RuleReviewJob,
)
from cases.records import rule_review
from cases.records.assessment import case_assess
from tests.course.helpers import line, scan
from tests.factories import PASSWORD, edit_case_and_patient, lose_to_follow_up, make_user
from tests.urlwalk import expand, fill, iter_routes, real_values
from tests.world import World, make_entered_case, make_patient, make_world

pytestmark = pytest.mark.django_db

#: Who requests each page: the first of these for whom it answers 200 in the small world.
VIEWERS = ("admin", "chair", "coordinator", "nurse", "surgeon")

#: The routes that answer a GET with no page: actions (POST only: 405) and redirects.
NOT_PAGES = (
    "login",  # a signed-in user is sent on (302)
    "mdt:printout_download",  # the world's printout is recorded, not made: back to its progress page (302)
    # POST only:
    "logout", "set_language", "records:reassess", "api:assess", "fhir:import", "mdt:virtual", "mdt:search",
    "mdt:agenda_add", "mdt:agenda_move", "mdt:agenda_remove", "followups:case_letter_new",
    "followups:case_contact", "followups:letter_send", "followups:case_add", "followups:case_adjuvant",
    "followups:case_interruption", "followups:case_regenerate", "followups:case_recurrent",
    "records:rule_check", "records:rule_reassess", "interop:register_import_now",
)  # fmt: skip
#: Pages not measured, and why.
LEFT: dict[str, str] = {}  # a page left out of the walk, with the reason (none now)


def _shape(sql: str) -> str:
    """A statement without its values: the same statement with other ids, dates or lists counts as the same."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b|\b(?:true|false|NULL)\b", "?", sql)
    # A list read whole or a page of it (the admin's lists) is one statement.
    sql = re.sub(r" LIMIT \?(?: OFFSET \?)?", "", sql)
    value = r"(?:\?|%s)(?:::\w+)?"  # PostgreSQL's statements cast some values ('…'::uuid)
    return re.sub(rf"\({value}(?:, {value})*\)", "(...)", sql)


def _queries(client: Client, path: str) -> tuple[int, Counter[str]]:
    """(status, statements run, by shape) of the second of two requests (the first warms the session and
    permissions)."""

    def get():
        response = client.get(path)
        if response.streaming:  # a CSV or a calendar is read as it streams
            b"".join(response.streaming_content)
        return response

    get()
    with CaptureQueriesContext(connection) as queries:
        status = get().status_code
    return status, Counter(_shape(query["sql"]) for query in queries.captured_queries)


def _pages(world: World) -> list[tuple[str, str]]:
    """(route name, path) of every page, filled with the world's records."""
    pages = []
    for route in iter_routes():
        if route.is_admin:
            continue
        for values in expand(route, real_values(world)):
            path = fill(route, values)
            if path is not None:
                pages.append((route.name, path))
    # The admin: its index and every model's list (the history of each tracked model among them).
    pages.append(("admin:index", reverse("admin:index")))
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        pages.append((name, reverse(name)))
    for name, record in (("cases_case", world.case), ("cases_patient", world.patient)):
        for page in ("change", "history"):
            if f"admin:{name}_{page}" not in LEFT:
                pages.append((f"admin:{name}_{page}", reverse(f"admin:{name}_{page}", args=[record.pk])))
    return pages


def _small_world() -> World:
    """The cross-cutting tests' world (a fully entered case with its schedule, on a meeting's agenda, signed) with
    one row in each list that the large world grows."""
    world = make_world(signed=True)
    surgeon, nurse, coordinator = (world.users[role] for role in ("surgeon", "nurse", "coordinator"))
    case = world.case
    therapy = line(case, surgeon, start=dt.date(2026, 2, 1))
    first_scan = scan(case, surgeon, dt.date(2026, 1, 20), ("liver", 40))
    _level(case, surgeon, dt.date(2026, 2, 2))
    _dose_change(case, surgeon, therapy, dt.date(2026, 3, 1))
    _interruption(case, surgeon, therapy, dt.date(2026, 3, 10))
    world.objects["line"] = therapy
    # The course's pages: a form of each kind, a scan's (its lesions) and a line's deletion (what goes with it).
    world.values.update(
        {"course:add.kind": list(KINDS), "course:edit.kind": "scan", "course:edit.pk": first_scan.pk,
         "course:delete.kind": "line", "course:delete.pk": therapy.pk}
    )  # fmt: skip
    item = case.followups.filter(status="pending").order_by("due_date").first()
    followup_services.item_record_contact(
        item=item, user=nurse, expected_version=item.version, outcome="no_answer"
    )
    # A visit added by hand (a schedule's visit may be replaced when the course changes): its action page.
    manual = followup_services.item_add_manual(
        case=case, user=nurse, due_date=dt.date(2027, 1, 5), modality="ct_or_mri", reason="Extra visit"
    )
    world.values["followups:item_action.item_id"] = manual.pk
    letter = letters.letter_create(case=case, user=nurse, recipient="patient", purpose="plan")
    world.values["letter_id"] = letter.pk
    _event(case, surgeon, dt.date(2026, 6, 1))
    # Changed since signed: the case and its patient edited once (every section's history read by the pages).
    edit_case_and_patient(case, 1)
    # A few other cases, one flagged for the MDT, one lost to follow-up (an escalation's last step), one whose
    # follow-up is closed, and a surgeon's draft.
    others = [make_entered_case(surgeon) for _ in range(3)]
    followup_services.case_flag_for_mdt(case=others[0], user=nurse, reason="Rising tumour marker")
    lose_to_follow_up(others[1], nurse)
    _closed(others[2], nurse)
    Case.objects.create(patient=make_patient(), owner=surgeon, diagnosis_date=dt.date(2026, 3, 1))
    api_token_create(owner=world.users["admin"], name="Registry 0")
    world.users["root"] = make_user("root", is_staff=True, is_superuser=True)
    _admin_log(world.users["root"], case, 1)
    world.objects["coordinator"] = coordinator
    _rules_changed(world, others[:1])
    return world


def _level(case, user, day: dt.date, *, trough: int = 1500) -> None:
    course_services.level_save(
        case=case, user=user,
        data={"sample_date": day, "trough_ng_ml": Decimal(trough), "hours_since_dose": Decimal(24)},
    )  # fmt: skip


def _dose_change(case, user, therapy, day: dt.date) -> None:
    course_services.dose_change_save(
        case=case, user=user,
        data={"line": therapy.pk, "change_date": day, "dose_mg_per_day": Decimal(600), "reason": "Tolerance"},
    )  # fmt: skip


def _interruption(case, user, therapy, day: dt.date) -> None:
    course_services.interruption_save(
        case=case, user=user,
        data={"line": therapy.pk, "start_date": day, "resume_date": day + dt.timedelta(days=5),
              "reason": "Grade 3 neutropenia"},
    )  # fmt: skip


def _event(case, user, day: dt.date) -> None:
    course_services.event_save(
        case=case, user=user, data={"event_date": day, "found_by": "scheduled_scan", "site_liver": True}
    )


def _closed(case, nurse) -> None:
    FollowUpClosure.objects.create(case=case, reason="moved", closed_on=dt.date(2026, 11, 2), closed_by=nurse)


def _rules_changed(world: World, cases: list[Case]) -> None:
    """`cases` assessed with an older rule-set version that answered differently; the world's check of every case
    and its re-assessment run again (the same pages, with these cases on them)."""
    for case in cases:
        snapshot = case_assess(case=case, user=None)
        Assessment.objects.filter(pk=snapshot.pk).update(
            ruleset_version="2022.2+older", result={**snapshot.result, "pathway": "surveillance"}
        )
    check, reassessment = world.objects["rule_check"], world.objects["rule_reassessment"]
    RuleReviewJob.objects.filter(pk__in=[check.pk, reassessment.pk]).update(status="queued")
    rule_review.check_run(job_id=str(check.pk), worker="in-process")
    RuleReviewJob.objects.filter(pk=reassessment.pk).update(case_ids=[str(case.pk) for case in cases])
    rule_review.reassess_run(job_id=str(reassessment.pk), worker="in-process")


def _admin_log(user, case, count: int) -> None:
    """`count` of the admin's recent actions (its index lists them)."""
    kind = ContentType.objects.get_for_model(Case)
    for n in range(count):
        LogEntry.objects.create(
            user=user, content_type=kind, object_id=str(case.pk), object_repr=f"Case {n}", action_flag=CHANGE
        )


def _grow(world: World) -> None:
    """Every list of the small world, longer: the same records, more rows."""
    surgeon, nurse, coordinator = (world.users[role] for role in ("surgeon", "nurse", "coordinator"))
    chair = world.users["chair"]
    case, meeting = world.case, world.objects["meeting"]
    # 30 cases on the meeting's agenda.
    for _ in range(29):
        mdt_services.agenda_add(meeting=meeting, case=make_entered_case(surgeon), user=coordinator)
    # 8 more meetings; the case on two of them besides its first.
    for n in range(8):
        other = mdt_services.meeting_create(
            user=coordinator, date=dt.date(2026, 3, 3) + dt.timedelta(days=7 * n), title=f"GI MDT {n}"
        )
        mdt_services.agenda_add(meeting=other, case=make_entered_case(surgeon), user=coordinator)
        if n < 2:
            mdt_services.agenda_add(meeting=other, case=case, user=coordinator, confirm_double_booking=True)
    # 3 amendments of the signed report (4 versions).
    report = world.objects["report"]
    for n in range(3):
        report = mdt_services.report_amend(
            report=report, reason=f"Typing error {n + 1}", user=chair, password=PASSWORD
        )
    # 33 more follow-up visits of the case, every other one the nurse's, contacts on 5.
    for n in range(33):
        item = followup_services.item_add_manual(
            case=case, user=nurse, due_date=dt.date(2027, 1, 1) + dt.timedelta(days=30 * n),
            modality="ct_or_mri", reason=f"Visit {n + 1}", responsible_nurse=nurse if n % 2 else None,
        )  # fmt: skip
        if n < 5:
            followup_services.item_record_contact(
                item=item, user=nurse, expected_version=item.version, outcome="no_answer"
            )
    for _ in range(3):
        letters.letter_create(case=case, user=nurse, recipient="patient", purpose="plan")
    # A longer treatment course: 9 more scans and 12 drug levels.
    for n in range(9):
        scan(case, surgeon, dt.date(2026, 2, 20) + dt.timedelta(days=28 * n), ("liver", 38 - n))
    for n in range(6):
        _dose_change(case, surgeon, world.objects["line"], dt.date(2026, 4, 1) + dt.timedelta(days=30 * n))
        _interruption(case, surgeon, world.objects["line"], dt.date(2026, 4, 10) + dt.timedelta(days=30 * n))
    for n in range(12):
        _level(case, surgeon, dt.date(2026, 2, 22) + dt.timedelta(days=20 * n), trough=800 if n % 2 else 1500)
    # 18 edits of the case and its patient (the history), a dose change of the line after the amendments (its
    # changes since signed again), 3 more recurrences.
    edit_case_and_patient(case, 18)
    _dose_change(case, surgeon, world.objects["line"], dt.date(2026, 11, 20))
    for n in range(3):
        _event(case, surgeon, dt.date(2026, 7, 1) + dt.timedelta(days=30 * n))
    # 5 more cases lost to follow-up, 5 more closed, 4 more API tokens, 20 more admin actions.
    for _ in range(5):
        lose_to_follow_up(make_entered_case(surgeon), nurse)
        _closed(make_entered_case(surgeon), nurse)
    for n in range(4):
        api_token_create(owner=world.users["admin"], name=f"Registry {n + 1}")
    _admin_log(world.users["root"], case, 20)
    _rules_changed(world, [make_entered_case(surgeon) for _ in range(30)])
    _bulk_cases(surgeon, 1000)


def _bulk_cases(owner, count: int) -> None:
    """`count` cases with a patient, a tumour, a mitotic count and two follow-up visits each, in bulk."""
    rng = random.Random(16)
    sites = ("stomach", "duodenum", "jejunum", "rectum", "colon", "ileum")
    patients = Patient.objects.bulk_create(
        Patient(mrn=f"BULK{n:06d}", given_name=f"Given{n}", family_name=f"Family{n % 97}",
                date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(20000)))
        for n in range(count)
    )  # fmt: skip
    cases = Case.objects.bulk_create(
        Case(patient=patient, owner=owner, diagnosis_date=dt.date(2025, 1, 1) + dt.timedelta(days=n % 400),
             status=rng.choice(["draft", "assessed", "discussed"]),
             risk_category=rng.choice(["very_low", "low", "intermediate", "high", ""]),
             needs_mdt_review=n % 50 == 0)
        for n, patient in enumerate(patients)
    )  # fmt: skip
    Presentation.objects.bulk_create(
        Presentation(case=case, site=rng.choice(sites), size_cm=Decimal(rng.randrange(5, 200)) / 10)
        for case in cases
    )
    Pathology.objects.bulk_create(
        Pathology(case=case, mitoses_per_5mm2=rng.randrange(0, 20)) for case in cases
    )
    visits = []
    for n, case in enumerate(cases):
        for visit in range(2):
            due = dt.date(2026, 6, 1) + dt.timedelta(days=n % 300 + 200 * visit)
            visits.append(
                FollowUpItem(case=case, due_date=due, window_days=14, window_start=due - dt.timedelta(days=14),
                             window_end=due + dt.timedelta(days=14), modality="ct_or_mri", reason="Surveillance")
            )  # fmt: skip
    FollowUpItem.objects.bulk_create(visits)


def test_every_page_costs_the_same_queries_in_a_small_and_a_large_world():
    world = _small_world()
    clients = {}
    for role in (*VIEWERS, "root"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    measured: dict[str, tuple[str, str, Counter[str]]] = {}
    refused: list[str] = []
    for name, path in _pages(world):
        viewers = ("root",) if name.startswith("admin:") else VIEWERS
        for role in viewers:
            status, count = _queries(clients[role], path)
            if status == 200:
                measured[path] = (name, role, count)
                break
        else:
            refused.append(name)
    # Every page that shows something was measured: what answered no viewer is named in NOT_PAGES.
    assert sorted(refused) == sorted(NOT_PAGES)
    _grow(world)
    grown = {}
    for path, (name, role, before) in measured.items():
        status, after = _queries(clients[role], path)
        assert status == 200, (name, path, status)
        # Statement by statement, not the total: one list's query left out can hide another's run once more.
        more = {shape: (before[shape], count) for shape, count in after.items() if count > before[shape]}
        if more:
            grown[name] = (role, more)
    assert not grown, (
        f"pages whose statements grew with the rows (role, {{statement: (small, large)}}): {grown}"
    )
