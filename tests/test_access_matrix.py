"""Every role against every view: allowed, refused (403/401) or sent to the login page.

One row per (view, method). To cover a new view add a row: its url name, a function building its kwargs from the
test world, the method, optional POST data, and the expected outcome for each role. `test_every_view_has_a_row`
fails (naming the view) when a url name has no row, so new views cannot slip past this table.

Outcomes: OK (2xx, a 400 for the empty form data the rows post, or a redirect that is not to the login page), LOGIN (redirect to the login page),
403, 401 (the JSON API), 405.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.urlwalk import iter_routes
from tests.world import ROLES, World, make_world

OK, LOGIN = "ok", "login"


def everyone(outcome, *, anon=LOGIN, **overrides) -> dict:
    table = dict.fromkeys(ROLES, outcome)
    table["anon"] = anon
    table.update(overrides)
    return table


def clinical(outcome_allowed=OK) -> dict:
    """view_clinical: every role except the user without one."""
    return everyone(outcome_allowed, norole=403)


def only(*roles: str) -> dict:
    table = dict.fromkeys(ROLES, 403)
    table["anon"] = LOGIN
    for role in roles:
        table[role] = OK
    return table


EDITORS = ("surgeon", "chair", "admin")  # cases.edit_clinical (the chair in these tests is a surgeon)
NURSES = ("nurse", "admin")  # cases.manage_followups
COORDINATORS = ("coordinator", "admin")  # cases.manage_mdt
SIGNERS = ("chair", "admin")  # cases.sign_report
NO_ARGS: Callable[[World], dict] = lambda w: {}  # noqa: E731
CASE: Callable[[World], dict] = lambda w: {"case_id": w.case.id}  # noqa: E731
CASE_ID = CASE
PK: Callable[[World], dict] = lambda w: {"case_id": w.case.id}  # noqa: E731
MEETING: Callable[[World], dict] = lambda w: {"meeting_id": w.objects["meeting"].pk}  # noqa: E731
AGENDA_ITEM: Callable[[World], dict] = lambda w: {  # noqa: E731
    "meeting_id": w.objects["meeting"].pk,
    "item_id": w.objects["agenda_item"].pk,
}


PRINTOUT_JOB: Callable[[World], dict] = lambda w: {  # noqa: E731
    "meeting_id": w.objects["meeting"].pk,
    "job_id": w.objects["printout_job"].pk,
}


def STEP(step: str) -> Callable[[World], dict]:  # reads like the other kwargs factories
    return lambda w: {"case_id": w.case.id, "step": step}


def ITEM(action: str) -> Callable[[World], dict]:  # reads like the other kwargs factories
    return lambda w: {"item_id": w.objects["followup_item"].pk, "action": action}


PATIENT: Callable[[World], dict] = lambda w: {"patient_id": w.patient.id}  # noqa: E731
EXPORT: Callable[[World], dict] = lambda w: {"export_id": w.objects["export"].pk}  # noqa: E731
REGISTER_CHECK: Callable[[World], dict] = lambda w: {"import_id": w.objects["register_check"].pk}  # noqa: E731
RULE_CHECK: Callable[[World], dict] = lambda w: {"job_id": w.objects["rule_check"].pk}  # noqa: E731


def LETTER(w: World) -> dict:  # reads like the other kwargs factories
    from cases.models import Letter

    letter = Letter.objects.create(
        case=w.case, recipient="patient", purpose="plan", pdf=b"%PDF-", sha256="0" * 64
    )
    return {"letter_id": letter.pk}


def COURSE_RECORD(kind: str) -> Callable[[World], dict]:  # reads like the other kwargs factories
    """A therapy line or a scan of the world's case (made afresh for each request)."""

    def kwargs(w: World) -> dict:
        import datetime as dt

        from cases.models import ImagingAssessment, TherapyLine

        if kind == "line":
            obj = TherapyLine.objects.create(
                case=w.case,
                setting="advanced_1",
                drug="imatinib",
                dose_mg_per_day=400,
                start_date=dt.date(2026, 2, 1),
            )
        else:
            obj = ImagingAssessment.objects.create(case=w.case, scan_date=dt.date(2026, 2, 1), modality="ct")
        return {"case_id": w.case.id, "kind": kind, "pk": obj.pk}

    return kwargs


ASSESS_BODY = {"site": "stomach", "size_cm": 6.5, "mitoses_per_5mm2": 8}


@dataclass
class Row:
    name: str
    kwargs: Callable[[World], dict]
    method: str
    expect: dict
    data: Callable[[World], dict] | None = None
    json_body: object = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method}-{self.name}"


MATRIX: list[Row] = [
    # Accounts
    Row("login", NO_ARGS, "GET", everyone(OK, anon=OK)),
    Row("healthz", NO_ARGS, "GET", everyone(OK, anon=OK)),
    Row("logout", NO_ARGS, "POST", everyone(LOGIN)),  # logs out, then shows the login page
    Row("password_change", NO_ARGS, "GET", everyone(OK)),
    Row("password_change_done", NO_ARGS, "GET", everyone(OK)),
    Row("password_reset", NO_ARGS, "GET", everyone(OK, anon=OK)),
    Row("password_reset_done", NO_ARGS, "GET", everyone(OK, anon=OK)),
    Row("password_reset_complete", NO_ARGS, "GET", everyone(OK, anon=OK)),
    Row(
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "bad-token"},
        "GET",
        everyone(OK, anon=OK),
    ),
    # Home
    Row("home", NO_ARGS, "GET", everyone(OK)),
    # Audit and archive
    Row("audit:history", CASE, "GET", clinical()),
    Row("audit:case_archive", CASE, "GET", only(*EDITORS)),
    Row("audit:case_archive", CASE, "POST", only(*EDITORS)),
    Row("audit:case_unarchive", CASE, "GET", only(*EDITORS)),
    Row("audit:case_unarchive", CASE, "POST", only(*EDITORS)),
    Row("audit:patient_archive", PATIENT, "GET", only(*EDITORS)),
    Row("audit:patient_archive", PATIENT, "POST", only(*EDITORS)),
    Row("audit:patient_unarchive", PATIENT, "GET", only(*EDITORS)),
    Row("audit:patient_unarchive", PATIENT, "POST", only(*EDITORS)),
    # JSON API (session callers; token callers are tested in test_api_assess.py)
    Row("api:assess", NO_ARGS, "POST", everyone(OK, anon=401, norole=403), json_body=ASSESS_BODY),
    Row("api:assess", NO_ARGS, "GET", everyone(405, anon=405)),
    Row("api:openapi", NO_ARGS, "GET", everyone(OK, anon=401, norole=403)),
    Row("fhir:case_bundle", CASE, "GET", everyone(OK, anon=401, norole=403)),
    Row("fhir:import", NO_ARGS, "POST", {**only(*EDITORS), "anon": 401}, json_body={}),
    Row("fhir:import", NO_ARGS, "GET", everyone(405, anon=405)),
    # FHIR and register import pages (branch fhir)
    Row("interop:fhir_import", NO_ARGS, "GET", only(*EDITORS)),
    Row("interop:fhir_import", NO_ARGS, "POST", only(*EDITORS)),
    Row("interop:register_import", NO_ARGS, "GET", only("admin")),
    Row("interop:register_import", NO_ARGS, "POST", only("admin")),
    Row("interop:register_template", NO_ARGS, "GET", only("admin")),
    # An import is its requester's alone (the administrator's in the world).
    Row("interop:register_import_status", REGISTER_CHECK, "GET", only("admin")),
    Row("interop:register_import_now", REGISTER_CHECK, "POST", only("admin")),
    Row("interop:register_import_now", REGISTER_CHECK, "GET", everyone(405)),
    # Cases and the current rules: a check changes nothing (every clinical reader); re-assessing edits cases.
    Row("records:rule_review", NO_ARGS, "GET", clinical()),
    Row("records:rule_check", NO_ARGS, "POST", clinical()),
    Row("records:rule_check", NO_ARGS, "GET", everyone(405)),
    Row("records:rule_review_job", RULE_CHECK, "GET", clinical()),
    Row("records:rule_reassess", RULE_CHECK, "POST", only(*EDITORS)),
    Row("records:rule_reassess", RULE_CHECK, "GET", everyone(405)),
    # Follow-ups (cases.manage_followups acts; everyone with a role reads)
    Row("followups:list", NO_ARGS, "GET", clinical()),
    Row("followups:export", NO_ARGS, "GET", clinical()),
    Row("followups:export", NO_ARGS, "POST", clinical()),
    # An export is its requester's alone (the nurse's in the world): anyone else is told it does not exist.
    Row("followups:export_status", EXPORT, "GET", everyone(404, norole=403, nurse=OK)),
    Row("followups:export_download", EXPORT, "GET", everyone(404, norole=403, nurse=OK)),
    Row("followups:print", NO_ARGS, "GET", clinical()),
    Row("followups:flagged", NO_ARGS, "GET", clinical()),
    Row("followups:calendar", NO_ARGS, "GET", only(*NURSES)),
    Row("followups:calendar", NO_ARGS, "POST", only(*NURSES)),
    # The feed authenticates by its token alone (calendar apps cannot log in): a valid one works for anybody.
    Row("followups:feed", lambda w: {"token": w.objects["feed"].token}, "GET", everyone(OK, anon=OK)),
    Row("followups:feed", lambda w: {"token": "not-a-token"}, "GET", everyone(404, anon=404)),
    Row("followups:item_action", ITEM("row"), "GET", clinical()),
    Row("followups:item_action", ITEM("done"), "GET", only(*NURSES)),
    Row("followups:item_action", ITEM("done"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("contact"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("reschedule"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("cancel"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("edit"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("escalate"), "GET", only(*NURSES)),
    Row("followups:item_action", ITEM("escalate"), "POST", only(*NURSES)),
    Row("followups:item_action", ITEM("outcome"), "POST", only(*NURSES)),
    # A result to review: a nurse or a clinician marks it reviewed.
    Row("followups:item_action", ITEM("reviewed"), "GET", only(*NURSES, *EDITORS)),
    Row("followups:item_action", ITEM("reviewed"), "POST", only(*NURSES, *EDITORS)),
    Row("followups:safety_net", NO_ARGS, "GET", clinical()),
    Row("followups:lost", NO_ARGS, "GET", clinical()),
    Row("followups:case_close", CASE_ID, "GET", only(*COORDINATORS)),
    Row("followups:case_close", CASE_ID, "POST", only(*COORDINATORS)),
    Row("followups:case_letter_new", CASE_ID, "POST", only(*NURSES, *COORDINATORS)),
    Row("followups:case_contact", CASE_ID, "POST", only(*NURSES)),
    Row("followups:letter_pdf", LETTER, "GET", clinical()),
    Row("followups:letter_send", LETTER, "POST", only(*NURSES, *COORDINATORS)),
    Row("followups:case", CASE_ID, "GET", clinical()),
    Row("followups:case_add", CASE_ID, "POST", only(*NURSES)),
    Row("followups:case_adjuvant", CASE_ID, "POST", only(*NURSES)),
    Row("followups:case_interruption", CASE_ID, "POST", only(*NURSES)),
    Row("followups:case_regenerate", CASE_ID, "POST", only(*NURSES)),
    Row("followups:case_recurrent", CASE_ID, "POST", only(*EDITORS, "coordinator")),
    # Case records and the wizard (branch wizard)
    Row("records:list", NO_ARGS, "GET", clinical()),
    Row("records:list", NO_ARGS, "POST", clinical()),
    Row("records:new", NO_ARGS, "GET", only(*EDITORS)),
    Row("records:new", NO_ARGS, "POST", only(*EDITORS)),
    Row("records:case", PK, "GET", clinical()),
    Row("records:reassess", PK, "POST", only(*EDITORS)),
    Row("records:step", STEP("presentation"), "GET", only(*EDITORS)),
    Row("records:step", STEP("presentation"), "POST", only(*EDITORS)),
    Row("records:step", STEP("review"), "GET", only(*EDITORS)),
    Row("records:panel", PK, "GET", only(*EDITORS)),
    # MDT meetings and reports (branch mdt): coordinators manage, the chair decides and signs
    Row("mdt:list", NO_ARGS, "GET", clinical()),
    Row("mdt:list", NO_ARGS, "POST", only(*COORDINATORS)),
    Row("mdt:meeting", MEETING, "GET", clinical()),
    Row("mdt:meeting", MEETING, "POST", only(*COORDINATORS)),
    Row("mdt:agenda_add", MEETING, "POST", only(*COORDINATORS)),
    Row("mdt:agenda_remove", AGENDA_ITEM, "POST", only(*COORDINATORS)),
    Row("mdt:decision", AGENDA_ITEM, "GET", only(*SIGNERS)),
    Row("mdt:decision", AGENDA_ITEM, "POST", only(*SIGNERS)),
    Row("mdt:sign", AGENDA_ITEM, "GET", only(*SIGNERS)),
    Row("mdt:sign", AGENDA_ITEM, "POST", only(*SIGNERS)),
    Row("mdt:search", MEETING, "POST", only(*COORDINATORS)),
    Row("mdt:agenda_move", AGENDA_ITEM, "POST", only(*COORDINATORS)),
    Row("mdt:virtual", NO_ARGS, "POST", only(*COORDINATORS, *SIGNERS)),
    Row("mdt:printout", MEETING, "GET", clinical()),
    Row("mdt:printout", MEETING, "POST", clinical()),
    Row("mdt:printout_status", PRINTOUT_JOB, "GET", clinical()),
    Row("mdt:printout_download", PRINTOUT_JOB, "GET", clinical()),
    Row("mdt:case_agenda_add", CASE, "GET", only(*COORDINATORS)),
    Row("mdt:case_agenda_add", CASE, "POST", only(*COORDINATORS)),
    Row("mdt:report", CASE, "GET", clinical()),
    Row("mdt:report_pdf", CASE, "GET", clinical()),
    Row("mdt:report_amend", CASE, "GET", only(*SIGNERS)),
    Row("mdt:report_amend", CASE, "POST", only(*SIGNERS)),
    # Treatment course (branch course, issue 13): everyone with a role reads, editors write
    Row("course:page", CASE, "GET", clinical()),
    Row("course:timeline", CASE, "GET", clinical()),
    Row("course:add", lambda w: {"case_id": w.case.id, "kind": "scan"}, "GET", only(*EDITORS)),
    Row("course:add", lambda w: {"case_id": w.case.id, "kind": "line"}, "POST", only(*EDITORS)),
    Row("course:edit", COURSE_RECORD("scan"), "GET", only(*EDITORS)),
    Row("course:edit", COURSE_RECORD("line"), "POST", only(*EDITORS)),
    Row("course:delete", COURSE_RECORD("line"), "GET", only(*EDITORS)),  # the confirmation page
    Row("course:delete", COURSE_RECORD("line"), "POST", only(*EDITORS)),
    # The language switcher is everyone's, even before logging in (it redirects back).
    Row("set_language", NO_ARGS, "POST", everyone(OK, anon=OK)),
    Row("set_language", NO_ARGS, "GET", everyone(405, anon=405)),
    # Admin site: the app's roles are not Django staff, so everyone lands on the admin's login page.
    Row("admin:index", NO_ARGS, "GET", everyone(LOGIN)),
]

# The admin's own pages are outside the matrix on purpose (the walk in test_anonymous_walk.py covers them).


def _outcome(response) -> object:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in (resolve_url(settings.LOGIN_URL), reverse("admin:login")):
            return LOGIN
        return OK
    if 200 <= status < 300:
        return OK
    if status == 400:
        # The view let the user in and refused the (deliberately empty) form data: allowed.
        return OK
    return status


@pytest.fixture
def world(db) -> World:
    return make_world()


CASES = [(row, role) for row in MATRIX for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES, ids=[f"{r.id}-{role}" for r, role in CASES])
def test_role_against_view(client, world, row: Row, role: str):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, kwargs=row.kwargs(world))
    if row.json_body is not None:
        response = client.generic(row.method, url, json.dumps(row.json_body), content_type="application/json")
    elif row.method == "POST":
        response = client.post(url, row.data(world) if row.data else {})
    else:
        response = client.generic(row.method, url)
    expected = row.expect[role]
    assert response.status_code < 500, f"{row.method} {url} as {role}: {response.status_code}"
    assert _outcome(response) == expected, (
        f"{row.method} {row.name} as {role}: got {response.status_code} "
        f"{response.get('Location', '')}, expected {expected}"
    )


def test_every_view_has_a_row():
    covered = {row.name for row in MATRIX}
    missing = sorted(
        route.name for route in iter_routes() if not route.is_admin and route.name not in covered
    )
    assert not missing, f"add rows to tests/test_access_matrix.py for: {', '.join(missing)}"


def test_every_row_names_every_role():
    for row in MATRIX:
        assert set(row.expect) == set(ROLES), row.id
