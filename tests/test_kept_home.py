"""Home's lists and counts, kept in the shared cache until a write to the tables they read (issue 16;
cases/kept.py `HOME`): the coming meetings, the cases flagged, awaiting sign-off too long, changed since signed and
lost to follow-up, and a surgeon's drafts. What is kept are ids, dates and counts; the patients' names are read
from the database on every visit, by the cases' ids (one query).

Transactional tests: each write commits as in the app, and renews what it should when it commits."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.followups import services as followup_services
from cases.followups.escalation import case_close_followup
from cases.mdt.services import agenda_add, meeting_create
from cases.models import Assessment, Case, EscalationStep, Patient
from cases.records.assessment import case_assess
from tests.factories import make_case, make_user, signed_report

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("kept_results")]
#: Tables only home's lists read (the cases, by their ids, are read on every visit).
LISTED = ('"cases_assessment"', '"cases_signedreport"', '"cases_escalationstep"', '"cases_mdtmeeting"')


def _home(client) -> tuple[str, list[str]]:
    """Home's HTML and its queries that read a table of the lists."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in LISTED)
    ]


def _assessed_days_ago(case, days: int) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        case_assess(case=case, user=None)


def _lost(case, nurse) -> None:
    item = followup_services.item_add_manual(
        case=case, user=nurse, due_date=date(2026, 9, 1), modality="ct_or_mri", reason="planned"
    )
    EscalationStep.objects.create(item=item, step="lost", opened_on=date(2026, 11, 1), opened_by=nurse)


@pytest.fixture
def coordinator_home(client):
    """A coordinator's home with one case on each list: a coming meeting with one case, a case flagged, one
    awaiting sign-off for 20 days, one changed since signed, one lost to follow-up."""
    coordinator = make_user("coordinator", role=roles.COORDINATOR)
    nurse = make_user("nurse", role=roles.NURSE)
    world = {
        "coordinator": coordinator,
        "nurse": nurse,
        "meeting": meeting_create(
            user=coordinator, date=timezone.localdate() + timedelta(days=7), title="Next"
        ),
        "flagged": make_case(patient__family_name="Flagged"),
        "unsigned": make_case(patient__family_name="Unsigned"),
        "changed": make_case(patient__family_name="Changed"),
        "lost": make_case(patient__family_name="Lost"),
    }
    agenda_add(meeting=world["meeting"], case=make_case(), user=coordinator)
    Case.objects.filter(pk=world["flagged"].pk).update(needs_mdt_review=True)
    _assessed_days_ago(world["unsigned"], 20)
    Case.objects.filter(pk=world["changed"].pk).update(changed_since_signed=True)
    _lost(world["lost"], nurse)
    client.force_login(coordinator)
    return world


def _unsigned_list(html: str) -> str:
    return (
        html.split('id="unsigned-heading"')[1].split("</section>")[0]
        if 'id="unsigned-heading"' in html
        else ""
    )


def test_the_second_visit_reads_the_lists_from_the_cache(client, coordinator_home):
    html, read = _home(client)
    assert read, "the first visit reads the lists"
    html_again, read_again = _home(client)
    assert read_again == []
    unsigned = coordinator_home["unsigned"]
    for text in (
        "Next",
        "· 1 case",
        "1 case flagged for re-discussion",
        "1 lost to follow-up: close with a reason",
        f"{unsigned.patient}</a>",  # "UNSIGNED, Given (MRN)"
        f"case {unsigned.short_id} · assessed",
        f"{coordinator_home['changed'].patient.full_name} · case {coordinator_home['changed'].short_id}",
    ):
        assert text in html
        assert text in html_again


def test_the_cases_are_read_by_their_ids_in_one_query(client, coordinator_home):
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    cases = [q["sql"] for q in queries.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(cases) == 1
    assert '"cases_patient"' in cases[0]  # with their patients, read afresh


def test_what_is_kept_holds_no_patient_and_no_user(client, coordinator_home):
    import pickle

    _home(client)
    kept = [key for key in cache._cache if ":kept:v2:home:" in key]
    assert len(kept) >= 5
    stored = b"".join(pickle.dumps(cache.get(key.split(":", 2)[2])) for key in kept)
    for case in Case.objects.select_related("patient", "owner"):
        for identifier in (case.patient.mrn, case.patient.family_name, case.patient.given_name):
            assert identifier.encode() not in stored
        assert case.owner.password.encode() not in stored


def test_without_the_setting_every_visit_reads_them(client, coordinator_home):
    with override_settings(GISTCARE_QUERY_CACHE_SECONDS=0):
        _home(client)
        assert _home(client)[1]


def test_a_signed_report_leaves_the_awaiting_list_at_once(client, coordinator_home):
    unsigned = coordinator_home["unsigned"]
    assert "UNSIGNED" in _unsigned_list(_home(client)[0])
    chair = make_user("chair", role=roles.COORDINATOR, chair=True)
    signed_report(coordinator=coordinator_home["coordinator"], chair=chair, case=unsigned)
    assert "UNSIGNED" not in _unsigned_list(_home(client)[0])


def test_a_case_flagged_counts_at_once(client, coordinator_home):
    _home(client)
    Case.objects.filter(pk=coordinator_home["changed"].pk).update(needs_mdt_review=True)
    assert "2 cases flagged for re-discussion" in _home(client)[0]


def test_a_meeting_planned_shows_at_once(client, coordinator_home):
    _home(client)
    meeting_create(
        user=coordinator_home["coordinator"], date=timezone.localdate() + timedelta(days=1), title="Soon"
    )
    assert "Soon" in _home(client)[0]


def test_a_patient_renamed_shows_at_once(client, coordinator_home):
    _home(client)
    Patient.objects.filter(pk=coordinator_home["unsigned"].patient_id).update(family_name="Renamed")
    assert "RENAMED" in _unsigned_list(_home(client)[0])


def test_a_follow_up_closed_leaves_the_lost_count_at_once(client, coordinator_home):
    assert "1 lost to follow-up" in _home(client)[0]
    case_close_followup(case=coordinator_home["lost"], user=coordinator_home["coordinator"], reason="lost")
    assert "lost to follow-up" not in _home(client)[0]


def test_a_change_after_signing_shows_at_once(client, coordinator_home):
    html = _home(client)[0]
    flagged = coordinator_home["flagged"]
    assert f"{flagged.patient.full_name} · case" not in html
    Case.objects.filter(pk=flagged.pk).update(changed_since_signed=True)
    assert f"{flagged.patient.full_name} · case {flagged.short_id}" in _home(client)[0]


def test_the_next_day_a_case_joins_the_awaiting_list(client, coordinator_home):
    """Sign-off is awaited too long from the 14th day after the first assessment (GISTCARE_SIGNOFF_ALERT_DAYS):
    the lists are kept per day."""
    later = make_case(patient__family_name="Later")
    Assessment.objects.filter(case=later).delete()
    _assessed_days_ago(later, 12)
    assert "LATER" not in _unsigned_list(_home(client)[0])
    for days, listed in ((1, False), (2, True)):
        with time_machine.travel(timezone.now() + timedelta(days=days)):
            client.force_login(coordinator_home["coordinator"])  # the session's idle timeout is shorter
            assert ("LATER" in _unsigned_list(_home(client)[0])) is listed


def test_a_surgeons_draft_assessed_leaves_the_drafts_at_once(client):
    surgeon = make_user("surgeon", role=roles.SURGEON)
    draft = make_case(owner=surgeon, status="draft", patient__family_name="Drafty")
    client.force_login(surgeon)
    html = _home(client)[0]
    assert "My draft cases (1)" in html
    assert "DRAFTY" in html
    assert "My draft cases (1)" in _home(client)[0]
    case_assess(case=draft, user=surgeon)
    html = _home(client)[0]
    assert "My draft cases (0)" in html
    assert "DRAFTY" not in html


def test_each_surgeon_sees_their_own_drafts(client):
    one, two = make_user("one", role=roles.SURGEON), make_user("two", role=roles.SURGEON)
    make_case(owner=one, status="draft", patient__family_name="Ones")
    client.force_login(one)
    assert "ONES" in _home(client)[0]
    client.force_login(two)
    html = _home(client)[0]
    assert "ONES" not in html
    assert "My draft cases (0)" in html


def test_the_production_path_keeps_them_in_redis(client, coordinator_home, redis_cache):
    """The same through the shared cache of production: what is kept goes through Redis and comes back the same,
    and a signature renews it."""
    server, prefix = redis_cache
    html, read = _home(client)
    assert read
    assert server.keys(f"{prefix}:*kept:v2:home:changed-since-signed")
    html_again, read_again = _home(client)
    assert read_again == []
    assert html_again.count("UNSIGNED") == html.count("UNSIGNED") == 1
    chair = make_user("chair", role=roles.COORDINATOR, chair=True)
    signed_report(coordinator=coordinator_home["coordinator"], chair=chair, case=coordinator_home["unsigned"])
    html, read = _home(client)
    assert read  # renewed by the signature's writes
    assert "UNSIGNED" not in _unsigned_list(html)
    assert _home(client)[1] == []


def test_a_write_to_a_table_of_several_groups_renews_each():
    """The cases' table is read by the follow-up counts and by home: a write renews both groups' tokens."""
    from cases import kept

    kept.kept({"a": (kept.FOLLOWUPS, "t-a", lambda: 1), "b": (kept.HOME, "t-b", lambda: 2)})
    before = cache.get(kept.FOLLOWUPS.key), cache.get(kept.HOME.key)
    assert None not in before
    make_case()
    after = cache.get(kept.FOLLOWUPS.key), cache.get(kept.HOME.key)
    assert after[0] != before[0]
    assert after[1] != before[1]


# One write to one table of `kept.HOME`, and what home shows next (each fails with that table left out of HOME).


def test_a_patient_archived_leaves_the_lists_at_once(client, coordinator_home):
    """cases_patient: archiving a patient writes the patient alone; their cases leave every list."""
    from cases.audit.archive import patient_archive

    assert "UNSIGNED" in _unsigned_list(_home(client)[0])
    patient_archive(patient=coordinator_home["unsigned"].patient, user=coordinator_home["coordinator"])
    assert "UNSIGNED" not in _unsigned_list(_home(client)[0])


def test_an_assessment_alone_puts_a_case_on_the_awaiting_list(client, coordinator_home):
    """cases_assessment: an assessment recorded 20 days ago (rows of that table only)."""
    waiting = make_case(patient__family_name="Waiting")
    assert "WAITING" not in _unsigned_list(_home(client)[0])
    Assessment.objects.create(case=waiting, ruleset="test", ruleset_version="1", facts={}, result={})
    Assessment.objects.filter(case=waiting).update(created_at=timezone.now() - timedelta(days=20))
    assert "WAITING" in _unsigned_list(_home(client)[0])


def test_a_signed_report_row_alone_takes_a_case_off_the_awaiting_list(client, coordinator_home):
    """cases_signedreport: a signed report moved to the unsigned case (a write to that table alone)."""
    from cases.models import SignedReport

    signed = make_case(patient__family_name="Signed")
    chair = make_user("chair", role=roles.COORDINATOR, chair=True)
    signed_report(coordinator=coordinator_home["coordinator"], chair=chair, case=signed)
    assert "UNSIGNED" in _unsigned_list(_home(client)[0])
    SignedReport.objects.filter(case=signed).update(case=coordinator_home["unsigned"])
    assert "UNSIGNED" not in _unsigned_list(_home(client)[0])


def test_a_lost_visit_cancelled_leaves_the_lost_count_at_once(client, coordinator_home):
    """cases_followupitem: the visit at the ladder's last step is no longer pending."""
    from cases.models import FollowUpItem

    assert "1 lost to follow-up" in _home(client)[0]
    FollowUpItem.objects.filter(case=coordinator_home["lost"]).update(status="cancelled")
    assert "lost to follow-up" not in _home(client)[0]


def test_a_new_lost_step_counts_at_once(client, coordinator_home):
    """cases_escalationstep: the nightly ladder opens the last step of another visit."""
    from cases.models import FollowUpItem

    assert "1 lost to follow-up" in _home(client)[0]
    other = make_case()
    item = followup_services.item_add_manual(
        case=other,
        user=coordinator_home["nurse"],
        due_date=date(2026, 9, 1),
        modality="ct_or_mri",
        reason="x",
    )
    assert FollowUpItem.objects.filter(pk=item.pk).exists()
    _home(client)
    EscalationStep.objects.create(item=item, step="lost", opened_on=date(2026, 11, 1))
    assert "2 lost to follow-up" in _home(client)[0]


def test_a_closure_alone_leaves_the_lost_count_at_once(client, coordinator_home):
    """cases_followupclosure: a closure recorded (that table alone)."""
    from cases.models import FollowUpClosure

    assert "1 lost to follow-up" in _home(client)[0]
    FollowUpClosure.objects.create(case=coordinator_home["lost"], reason="lost", closed_on=date(2026, 11, 2))
    assert "lost to follow-up" not in _home(client)[0]


def test_a_case_moved_to_another_meeting_counts_at_once(client, coordinator_home):
    """cases_agendaitem: the meetings' numbers of cases (an agenda item moved, that table alone)."""
    from cases.models import AgendaItem

    later = meeting_create(
        user=coordinator_home["coordinator"], date=timezone.localdate() + timedelta(days=14), title="Later"
    )

    def cases_of(html: str, title: str) -> str:
        return re.search(rf"· {title}</a>\s*<span[^>]*>· (\d+ cases?)</span>", html).group(1)

    html = _home(client)[0]
    assert (cases_of(html, "Next"), cases_of(html, "Later")) == ("1 case", "0 cases")
    AgendaItem.objects.filter(meeting=coordinator_home["meeting"]).update(meeting=later)
    html = _home(client)[0]
    assert (cases_of(html, "Next"), cases_of(html, "Later")) == ("0 cases", "1 case")
