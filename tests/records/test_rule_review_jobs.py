"""Every case checked against the current rules, and the ticked cases re-assessed, in the background (issue 16:
re-assessment of many cases runs as a Celery task; issue 17.1: after the corrected modified-NIH cell).

Worked by hand from Joensuu 2008 (RULES.md 2.1, corrected 2026-12-02): a jejunal tumour of 1.5 cm with 8 mitoses
per 5 mm2 (≤2.0 cm, 6-10 mitoses, any site) is intermediate risk; the rule data before the correction graded it
high. ESMO (RULES.md, adjuvant table): high risk, adjuvant imatinib recommended for 36 months; intermediate,
consider it (shared decision), 36 months if given. A gastric tumour of 6.5 cm with 8 mitoses (>5 cm and >5
mitoses) is high risk under both versions.
"""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases import roles
from cases.models import Assessment, RuleReviewJob
from cases.records import rule_review, services
from cases.records.assessment import case_assess
from guidelines import ESMO_2022
from tests.catalogue import broken_translations
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

OLD_VERSION = "2022.2+2ee34fd7a9a0"


def _stored_under_old_rules(case, *, wrong_cell: bool) -> Assessment:
    """The case's assessment as the rule data before 2026-12-02 stored it."""
    snapshot = case_assess(case=case, user=None)
    result = dict(snapshot.result)
    if wrong_cell:
        result["risk"] = {**result["risk"], "modified_nih": "high"}
        result["adjuvant"] = {**result["adjuvant"], "recommendation": "recommended"}
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION, result=result)
    type(case).objects.filter(pk=case.pk).update(risk_category=result["risk"]["modified_nih"])
    return snapshot


@pytest.fixture
def world():
    jejunum = make_case(site="jejunum", size_cm="1.5", mitoses=8)
    _stored_under_old_rules(jejunum, wrong_cell=True)
    stomach = make_case(site="stomach", size_cm="6.5", mitoses=8)
    _stored_under_old_rules(stomach, wrong_cell=False)
    current = make_case(site="stomach", size_cm="3", mitoses=2)
    case_assess(case=current, user=None)
    return {"jejunum": jejunum, "stomach": stomach, "current": current}


def _check(client) -> RuleReviewJob:
    response = client.post(reverse("records:rule_check"))
    assert response.status_code == 302
    job = RuleReviewJob.objects.get(kind="check")
    assert response["Location"] == reverse("records:rule_review_job", kwargs={"job_id": job.pk})
    return job


def test_a_check_lists_the_case_the_current_rules_answer_differently_with_both_answers(client, world):
    client.force_login(make_user(role=roles.NURSE))  # a check changes nothing: any clinical reader may ask
    job = _check(client)
    job.refresh_from_db()
    assert job.status == "ready"
    assert job.worker == "in-process"
    assert (job.done, job.total) == (3, 3)
    assert job.result["changed"] == [
        {
            "case": str(world["jejunum"].pk),
            "ruleset": "esmo-2022",
            "stored_version": OLD_VERSION,
            "current_version": ESMO_2022.version,
            "changes": [
                ["risk", "high", "intermediate"],
                ["adjuvant", ["recommended", 36], ["consider", 36]],
            ],
        }
    ]
    assert job.result["unchanged"] == [str(world["stomach"].pk)]
    # The version of each rule set the check answered with: a re-assessment refuses a newer one.
    assert job.result["versions"]["esmo-2022"] == ESMO_2022.version

    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "The current rules answer 1 case differently." in page
    assert (
        "1 more case was assessed with a superseded version; the current rules give it the same risk, pathway, "
        "adjuvant advice and schedule." in page
    )
    assert world["jejunum"].short_id in page
    assert (
        "<strong>Modified NIH risk:</strong> <del>High</del> → "
        '<ins class="text-decoration-none fw-semibold">Intermediate</ins>' in page
    )
    assert (
        "<strong>Adjuvant imatinib:</strong> <del>Recommended, 36 months</del> → "
        '<ins class="text-decoration-none fw-semibold">Consider (shared decision), 36 months</ins>' in page
    )
    assert f"ESMO 2022<br>{OLD_VERSION} → {ESMO_2022.version}" in page
    assert world["current"].short_id not in page
    assert world["stomach"].short_id not in page
    # A nurse may not re-assess: no boxes to tick.
    assert 'name="cases"' not in page
    assert "Only a user who may edit cases can re-assess them." in page


def test_a_check_changes_nothing(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    _check(client)
    assert Assessment.objects.count() == 3
    world["jejunum"].refresh_from_db()
    assert world["jejunum"].risk_category == "high"
    assert world["jejunum"].assessments.get().ruleset_version == OLD_VERSION


def test_the_ticked_cases_are_reassessed_and_the_rest_left_as_they_were(client, world):
    surgeon = make_user(role=roles.SURGEON, username="mr_lee")
    client.force_login(surgeon)
    check = _check(client)
    response = client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(world["jejunum"].pk)]}
    )
    assert response.status_code == 302
    job = RuleReviewJob.objects.get(kind="reassess")
    assert response["Location"] == reverse("records:rule_review_job", kwargs={"job_id": job.pk})
    assert job.status == "ready"
    assert job.check_job_id == check.pk
    assert job.result == {"reassessed": [str(world["jejunum"].pk)], "skipped": []}

    jejunum = world["jejunum"]
    jejunum.refresh_from_db()
    assert jejunum.risk_category == "intermediate"
    latest = jejunum.assessments.order_by("-created_at").first()
    assert latest.ruleset_version == ESMO_2022.version
    assert latest.created_by == surgeon
    assert latest.result["adjuvant"]["recommendation"] == "consider"
    assert jejunum.assessments.count() == 2  # the old snapshot is kept
    change = jejunum.history.order_by("-history_date").first()
    assert change.history_user == surgeon
    assert change.history_change_reason == "Re-assessed with the current rules"
    # Not ticked: left as it was.
    assert world["stomach"].assessments.get().ruleset_version == OLD_VERSION

    page = client.get(response["Location"]).content.decode()
    assert "1 case re-assessed with the current rules" in page
    assert jejunum.short_id in page
    # The check's page now marks it re-assessed, with no box to tick again.
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": check.pk})).content.decode()
    assert f'value="{jejunum.pk}"' not in page
    assert "Re-assessed</span>" in page


def test_the_cases_answered_the_same_are_reassessed_with_one_tick(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"unchanged": "on"})
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.result == {"reassessed": [str(world["stomach"].pk)], "skipped": []}
    assert world["stomach"].assessments.order_by("-created_at").first().ruleset_version == ESMO_2022.version
    world["stomach"].refresh_from_db()
    assert world["stomach"].risk_category == "high"  # the same answer, now with the current version
    assert world["jejunum"].assessments.get().ruleset_version == OLD_VERSION


def test_nothing_ticked_is_refused_with_a_message_naming_the_field(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    response = client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick at least one case to re-assess." in page
    assert 'aria-describedby="cases-error"' in page
    assert not RuleReviewJob.objects.filter(kind="reassess").exists()


def test_a_case_the_check_did_not_list_cannot_be_slipped_in(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    for value in (str(world["current"].pk), "not-a-case"):
        response = client.post(
            reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [value]}
        )
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
    assert not RuleReviewJob.objects.filter(kind="reassess").exists()
    assert world["current"].assessments.count() == 1


def test_a_case_reassessed_or_archived_since_the_check_is_left_alone(client, world):
    surgeon = make_user(role=roles.SURGEON)
    client.force_login(surgeon)
    check = _check(client)
    case_assess(case=world["jejunum"], user=surgeon)  # from its page, meanwhile
    type(world["stomach"]).objects.filter(pk=world["stomach"].pk).update(archived_at="2026-12-01T00:00:00Z")
    client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}),
        {"cases": [str(world["jejunum"].pk)], "unchanged": "on"},
    )
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.result == {
        "reassessed": [],
        "skipped": [[str(world["jejunum"].pk), "current"], [str(world["stomach"].pk), "archived"]],
    }
    assert world["jejunum"].assessments.count() == 2
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "already re-assessed with the current rules" in page
    assert "archived or deleted since the check" in page


@pytest.mark.parametrize("role", [roles.NURSE, roles.COORDINATOR])
def test_only_a_user_who_may_edit_cases_may_reassess(client, world, role):
    client.force_login(make_user(role=roles.SURGEON, username="asker"))
    check = _check(client)
    client.force_login(make_user(role=role))
    response = client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(world["jejunum"].pk)]}
    )
    assert response.status_code == 403
    assert world["jejunum"].assessments.count() == 1


def test_a_user_without_a_role_may_not_check(client, world):
    client.force_login(make_user(role=None))
    assert client.post(reverse("records:rule_check")).status_code == 403
    assert client.get(reverse("records:rule_review")).status_code == 403
    assert not RuleReviewJob.objects.exists()


def test_the_page_says_so_when_the_workers_cannot_be_reached(client, world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(make_user(role=roles.SURGEON))
    with mock.patch(
        "cases.records.tasks.records_rule_check.apply_async", side_effect=OperationalError("down")
    ):
        job = _check(client)
    job.refresh_from_db()
    assert job.status == "failed"
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "the background workers cannot be reached" in page


def test_a_check_that_fails_is_marked_failed_with_a_message(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    with mock.patch.object(rule_review, "rule_changes", side_effect=RuntimeError("boom")):
        job = _check(client)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == rule_review.RUN_FAILED
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "The work stopped with an error" in page


def test_a_running_check_shows_its_progress_and_polls(client, world):
    user = make_user(role=roles.SURGEON)
    client.force_login(user)
    job = RuleReviewJob.objects.create(kind="check", requested_by=user, status="running", done=1, total=3)
    url = reverse("records:rule_review_job", kwargs={"job_id": job.pk})
    page = client.get(url).content.decode()
    assert "Working: 1 of 3 cases." in page
    assert f'hx-get="{url}"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="review-status"')
    assert "<html" not in fragment


def test_the_index_links_the_latest_check(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    page = client.get(reverse("records:rule_review")).content.decode()
    assert "No case has been checked against the current rules yet." in page
    assert f"<strong>ESMO 2022</strong> version {ESMO_2022.version}" in page
    job = _check(client)
    page = client.get(reverse("records:rule_review")).content.decode()
    assert reverse("records:rule_review_job", kwargs={"job_id": job.pk}) in page


def test_the_case_list_and_a_superseded_assessment_link_the_check(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    url = reverse("records:rule_review")
    assert f'href="{url}"' in client.get(reverse("records:list")).content.decode()
    page = client.get(reverse("records:case", kwargs={"case_id": world["jejunum"].pk})).content.decode()
    superseded = page.split('data-testid="superseded"', 1)[1].split("</div>", 1)[0]
    assert f'href="{url}"' in superseded


def test_a_signed_case_reassessed_from_the_check_is_marked_changed_since_signed(client):
    from tests.records.test_reassess import _signed_under_old_rules

    case = _signed_under_old_rules()
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    check.refresh_from_db()
    assert [row["case"] for row in check.result["changed"]] == [str(case.pk)]
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(case.pk)]})
    case.refresh_from_db()
    assert case.risk_category == "intermediate"
    assert case.changed_since_signed


def test_a_case_whose_surveillance_schedule_the_current_rules_change_is_listed(client):
    """A rule change may move only the schedule (RULES.md 2026-12-02: the rupture schedule was corrected). The
    contract's worked example (stomach 6.5 cm, 8 mitoses, resected 2026-01-15, adjuvant 36 months; RULES.md:
    intermediate/high schedule with A = 36): every 3 months 3-36 (12 visits), every 3 months 39-60 (8), every 6
    months 66-96 (6), every 12 months 108-156 (5): 31 visits, 2026-04-15 to 2039-01-15. Stored as if an older
    version had stopped at month 144 (30 visits, the last 2038-01-15)."""
    from tests.factories import contract_example_case

    case = contract_example_case()
    snapshot = case_assess(case=case, user=None)
    visits = snapshot.result["surveillance"]
    assert (len(visits), visits[0]["due"], visits[-1]["due"]) == (31, "2026-04-15", "2039-01-15")
    Assessment.objects.filter(pk=snapshot.pk).update(
        ruleset_version=OLD_VERSION, result={**snapshot.result, "surveillance": visits[:30]}
    )
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    job.refresh_from_db()
    assert [row["case"] for row in job.result["changed"]] == [str(case.pk)]
    assert [what for what, _before, _after in job.result["changed"][0]["changes"]] == ["surveillance"]
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert (
        "<strong>Surveillance schedule:</strong> <del>30 visits, 2026-04-15 to 2038-01-15</del> → "
        '<ins class="text-decoration-none fw-semibold">31 visits, 2026-04-15 to 2039-01-15; '
        "the first to differ is due 2039-01-15</ins>" in page
    )


def test_a_schedule_counted_from_today_is_compared_on_the_day_it_was_made(client):
    """On systemic therapy the schedule always holds the next two years of visits, counted from the day of the
    assessment (ASSESS_CONTRACT.md, `therapy_start_date`). Checked months later with unchanged rules, the case is
    answered the same: it is compared on the snapshot's own day, not on the day of the check."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from cases.records.assessment import facts_to_json
    from guidelines import CaseFacts, assess

    case = make_case(site="stomach", size_cm="6", mitoses=8, surgery_date=None)
    facts = CaseFacts(
        site="stomach",
        size_cm=6.0,
        presentation="metastatic",
        therapy_start_date=dt.date(2025, 1, 1),
        reference_date=dt.date(2025, 1, 1),
    )
    made_on = dt.date(2026, 3, 1)
    result = assess(facts, ESMO_2022, today=made_on).to_dict()
    assert result["pathway"] == "systemic_therapy"
    assert (
        assess(facts, ESMO_2022, today=dt.date(2026, 12, 7)).to_dict()["surveillance"]
        != result["surveillance"]
    )
    with time_machine.travel(
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        Assessment.objects.create(
            case=case,
            ruleset="esmo-2022",
            ruleset_version=OLD_VERSION,
            facts=facts_to_json(facts),
            result=result,
        )
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    job.refresh_from_db()
    assert (job.result["changed"], job.result["unchanged"]) == ([], [str(case.pk)])


# A reviewer's findings.


def test_a_signed_case_reassessed_to_the_same_answer_is_not_marked_changed_since_signed(client):
    """Only the rule-set version changes: the signed report still says what the case's assessment says."""
    from cases.models import SignedReport
    from tests.factories import contract_example_case, signed_report

    case = contract_example_case()
    report = signed_report(
        coordinator=make_user(role=roles.COORDINATOR),
        chair=make_user(role=roles.SURGEON, chair=True),
        case=case,
    )
    SignedReport.objects.filter(pk=report.pk).update(result={**report.result, "ruleset_version": OLD_VERSION})
    snapshot = case.assessments.latest("created_at")
    Assessment.objects.filter(pk=snapshot.pk).update(
        ruleset_version=OLD_VERSION, result={**snapshot.result, "ruleset_version": OLD_VERSION}
    )
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"unchanged": "on"})
    assert RuleReviewJob.objects.get(kind="reassess").result["reassessed"] == [str(case.pk)]
    case.refresh_from_db()
    assert not case.changed_since_signed


def test_a_case_whose_records_changed_since_the_check_is_left_alone(client, world):
    """The check answered the stored facts; the records say otherwise now (a liver recurrence entered on the
    treatment course, which stores no assessment): its answer is not the one the MDT ticked."""
    import datetime as dt

    from cases.course import services as course_services

    surgeon = make_user(role=roles.SURGEON)
    client.force_login(surgeon)
    check = _check(client)
    course_services.event_save(
        case=world["jejunum"],
        user=surgeon,
        data={"event_date": dt.date(2026, 6, 1), "found_by": "scheduled_scan", "site_liver": True},
    )
    latest_before = world["jejunum"].assessments.latest("created_at").pk
    client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(world["jejunum"].pk)]}
    )
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.result == {"reassessed": [], "skipped": [[str(world["jejunum"].pk), "records_changed"]]}
    assert world["jejunum"].assessments.latest("created_at").pk == latest_before
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "its records changed since the check: re-assess it from its page" in page


def test_a_case_is_left_alone_when_the_rules_changed_again_since_the_check(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    check.refresh_from_db()
    # As if the check had run under a version since superseded again.
    RuleReviewJob.objects.filter(pk=check.pk).update(
        result={**check.result, "versions": {"esmo-2022": "2022.3+x"}}
    )
    client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(world["jejunum"].pk)]}
    )
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.result == {"reassessed": [], "skipped": [[str(world["jejunum"].pk), "rules_changed"]]}
    assert world["jejunum"].assessments.count() == 1


def test_every_case_listed_can_be_ticked_at_once(client, world):
    """More than a thousand boxes would be more fields than Django takes in one request: one box ticks them all."""
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": check.pk})).content.decode()
    assert 'name="every_changed"' in page
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"every_changed": "on"})
    assert RuleReviewJob.objects.get(kind="reassess").result == {
        "reassessed": [str(world["jejunum"].pk)],
        "skipped": [],
    }
    assert world["stomach"].assessments.get().ruleset_version == OLD_VERSION


def test_a_case_ticked_twice_is_reassessed_once(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    jejunum = str(world["jejunum"].pk)
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [jejunum, jejunum]})
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.case_ids == [jejunum]
    assert job.result == {"reassessed": [jejunum], "skipped": []}


def test_one_case_that_fails_does_not_stop_the_others(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    real = rule_review.case_reassess
    failing = str(world["jejunum"].pk)

    def flaky(*, case, user, reason):
        if str(case.pk) == failing:
            raise RuntimeError("boom")
        return real(case=case, user=user, reason=reason)

    with mock.patch.object(rule_review, "case_reassess", side_effect=flaky):
        client.post(
            reverse("records:rule_reassess", kwargs={"job_id": check.pk}),
            {"cases": [failing], "unchanged": "on"},
        )
    job = RuleReviewJob.objects.get(kind="reassess")
    assert job.status == "ready"
    assert job.result == {"reassessed": [str(world["stomach"].pk)], "skipped": [[failing, "failed"]]}
    assert world["jejunum"].assessments.count() == 1


def test_a_check_under_way_is_shown_instead_of_starting_another(client, world):
    user = make_user(role=roles.NURSE)
    client.force_login(user)
    running = RuleReviewJob.objects.create(kind="check", requested_by=user, status="running", total=3)
    response = client.post(reverse("records:rule_check"))
    assert response["Location"] == reverse("records:rule_review_job", kwargs={"job_id": running.pk})
    assert RuleReviewJob.objects.count() == 1


def test_bad_posts_to_the_reassess_form_are_told_not_ignored(client, world):
    user = make_user(role=roles.SURGEON)
    client.force_login(user)
    check = _check(client)
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"unchanged": "on"})
    again = RuleReviewJob.objects.get(kind="reassess")
    # A re-assessment has no cases to tick: not found.
    assert client.post(reverse("records:rule_reassess", kwargs={"job_id": again.pk}), {}).status_code == 404
    # A check not finished: back to its page, saying why.
    running = RuleReviewJob.objects.create(kind="check", requested_by=user, status="running", total=3)
    response = client.post(reverse("records:rule_reassess", kwargs={"job_id": running.pk}), {}, follow=True)
    assert "The check has not finished: its cases can be ticked when it has." in response.content.decode()


def test_the_refusal_is_tied_to_every_box_and_the_failed_page_leads_back_to_the_check(client, world):
    user = make_user(role=roles.SURGEON)
    client.force_login(user)
    check = _check(client)
    page = client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {}).content.decode()
    for box in ('id="id_every_changed"', 'id="id_unchanged"', f'id="case-{world["jejunum"].pk}"'):
        tag = page.split(box, 1)[1].split(">", 1)[0]
        assert 'aria-describedby="cases-error"' in tag, box
    failed = RuleReviewJob.objects.create(
        kind="reassess", check_job=check, requested_by=user, status="failed", error=rule_review.RUN_FAILED
    )
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": failed.pk})).content.decode()
    back = reverse("records:rule_review_job", kwargs={"job_id": check.pk})
    assert f'<a class="btn btn-outline-primary" href="{back}">Back to the check</a>' in page


def test_a_case_whose_schedule_counts_from_the_day_of_its_assessment_is_reassessed(client):
    """No diagnosis date and not resected: its facts start the schedule on the day they were built (the snapshot's
    day). Its records have not changed since: it is re-assessed, not left alone as "records changed"."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    case = make_case(site="stomach", size_cm="1.5", mitoses=2, surgery_date=None)
    with time_machine.travel(
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        snapshot = case_assess(case=case, user=None)
    assert snapshot.facts["reference_date"] == "2026-03-01"
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION)
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    client.post(reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"unchanged": "on"})
    assert RuleReviewJob.objects.get(kind="reassess").result == {"reassessed": [str(case.pk)], "skipped": []}


def test_a_snapshot_made_by_an_older_engine_is_reassessed_when_its_records_have_not_changed(client, world):
    """An older engine stored fewer facts (no rupture grade before 2026-12-02): the records give it now, with the same
    answer. Not a change of the records (a reviewer's find)."""
    snapshot = world["jejunum"].assessments.get()
    facts = {name: value for name, value in snapshot.facts.items() if name != "rupture_grade"}
    Assessment.objects.filter(pk=snapshot.pk).update(facts=facts)
    client.force_login(make_user(role=roles.SURGEON))
    check = _check(client)
    client.post(
        reverse("records:rule_reassess", kwargs={"job_id": check.pk}), {"cases": [str(world["jejunum"].pk)]}
    )
    assert RuleReviewJob.objects.get(kind="reassess").result == {
        "reassessed": [str(world["jejunum"].pk)],
        "skipped": [],
    }


def test_a_visit_removed_is_named_by_its_own_date():
    from cases.records.assessment import first_difference

    jan, feb, mar = (
        ["2026-01-01", "ct_or_mri", 14],
        ["2026-02-01", "ct_or_mri", 14],
        ["2026-03-01", "ct_or_mri", 14],
    )
    assert first_difference([jan, feb, mar], [jan, mar]) == "2026-02-01"
    assert first_difference([jan, mar], [jan, feb, mar]) == "2026-02-01"
    assert first_difference([jan, feb], [jan, feb, mar]) == "2026-03-01"
    assert first_difference([jan, feb, mar], [jan, feb]) == "2026-03-01"
    assert first_difference([jan], [["2026-01-01", "mri", 14]]) == "2026-01-01"
    assert first_difference([jan, feb], [jan, feb]) is None


def test_a_snapshot_that_cannot_be_checked_is_listed_and_the_others_are_checked(client, world):
    """Unreadable stored facts (a date that is not one) fail that case alone: the page names it."""
    snapshot = world["stomach"].assessments.get()
    Assessment.objects.filter(pk=snapshot.pk).update(facts={**snapshot.facts, "surgery_date": "not a date"})
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    job.refresh_from_db()
    assert job.status == "ready"
    assert [row["case"] for row in job.result["changed"]] == [str(world["jejunum"].pk)]
    assert job.result["failed"] == [str(world["stomach"].pk)]
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "1 case could not be checked (the error is in the server's log):" in page
    assert world["stomach"].short_id in page


def test_a_visit_of_another_modality_or_window_says_what_differs(client):
    """The same 31 dates: only the eighth visit's modality and window differ. Both summaries would read the same; the
    line names the visit and what differs (a reviewer's find)."""
    from tests.factories import contract_example_case

    case = contract_example_case()
    snapshot = case_assess(case=case, user=None)
    visits = [dict(visit) for visit in snapshot.result["surveillance"]]
    eighth = visits[7]
    assert (eighth["due"], eighth["modality"], eighth["window_days"]) == ("2028-01-15", "ct_or_mri", 14)
    visits[7] = {**eighth, "modality": "mri", "window_days": 30}
    Assessment.objects.filter(pk=snapshot.pk).update(
        ruleset_version=OLD_VERSION, result={**snapshot.result, "surveillance": visits}
    )
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert (
        "31 visits, 2026-04-15 to 2039-01-15; the first to differ is due 2028-01-15 "
        "(MRI, ± 30 days → CT or MRI (abdomen and pelvis), ± 14 days)</ins>" in page
    )


def test_a_listed_case_row_prints_its_link_box_name_and_versions_escaped(client, world):
    """One listed case's row, cell by cell, for a user who may tick it; the patient's name and hospital number as
    typed, never as markup (the rows are drawn by Jinja2 from values prepared once a page, issue 16)."""
    jejunum = world["jejunum"]
    patient = jejunum.patient
    patient.given_name, patient.family_name, patient.mrn = "Grace", "<Hopper>", "MRN<1>"
    patient.save()
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    row = re.search(rf'<tr data-case="{jejunum.pk}">(.*?)</tr>', page, re.S).group(1)
    box, case, name, changes, versions = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert f'<input class="form-check-input" type="checkbox" name="cases" value="{jejunum.pk}"' in box
    assert "checked" not in box
    assert "aria-invalid" not in box  # tied to a refusal only
    assert "aria-describedby" not in box
    assert (
        f'<label class="visually-hidden" for="case-{jejunum.pk}">Re-assess case {jejunum.short_id}</label>'
        in box
    )
    assert case.startswith(f'<a href="/cases/{jejunum.pk}/">{jejunum.short_id}</a>')
    assert '<div class="d-sm-none"><bdi>&lt;HOPPER&gt;</bdi>, <bdi>Grace</bdi></div>' in case
    assert '<div class="small text-body-secondary d-md-none">ESMO 2022</div>' in case
    assert name == "<bdi>&lt;HOPPER&gt;</bdi>, <bdi>Grace</bdi><br>" + (
        '<span class="small text-body-secondary">MRN <bdi>MRN&lt;1&gt;</bdi></span>'
    )
    assert changes.count("<li>") == 2
    assert versions == f"ESMO 2022<br>{OLD_VERSION} → {ESMO_2022.version}"
    assert "<HOPPER>" not in page

    # Refused with nothing ticked, the box says why; ticked and sent back, it stays ticked.
    url = reverse("records:rule_reassess", kwargs={"job_id": job.pk})
    refused = client.post(url, {}).content.decode()
    box = re.search(rf'<input[^>]*value="{jejunum.pk}"[^>]*>', refused).group(0)
    assert 'aria-describedby="cases-error" aria-invalid="true"' in box
    assert "checked" not in box
    sent_back = client.post(url, {"cases": [str(jejunum.pk), "not-an-id"]}).content.decode()
    box = re.search(rf'<input[^>]*value="{jejunum.pk}"[^>]*>', sent_back).group(0)
    assert " checked" in box


def test_a_translation_that_cannot_be_filled_prints_the_english_not_an_error_page(client, world):
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    with broken_translations("zh-hans", {"Re-assess case %(case)s": "重新评估病例 %(病例)s"}):
        response = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    assert f">Re-assess case {world['jejunum'].short_id}</label>" in response.content.decode()


def test_a_listed_case_since_reassessed_or_archived_is_badged_for_every_reader_in_their_language(
    client, world
):
    jejunum = world["jejunum"]
    patient = jejunum.patient
    patient.given_name, patient.family_name = "伟", "张"
    patient.save()
    client.force_login(make_user(role=roles.SURGEON))
    job = _check(client)
    services.case_reassess(case=jejunum, user=None)
    type(jejunum).objects.filter(pk=jejunum.pk).update(archived_at="2026-12-01T00:00:00Z")
    url = reverse("records:rule_review_job", kwargs={"job_id": job.pk})
    for role, tickable in ((roles.SURGEON, True), (roles.NURSE, False)):
        client.force_login(make_user(role=role))
        for language, reassessed, archived, name in (
            ("en", "Re-assessed", "Archived", "<bdi>张</bdi>, <bdi>伟</bdi>"),
            ("zh-hans", "已重新评估", "已归档", "<bdi>张</bdi><bdi>伟</bdi>"),
        ):
            client.post("/i18n/setlang/", {"language": language, "next": "/"})
            page = client.get(url).content.decode()
            row = re.search(rf'<tr data-case="{jejunum.pk}">(.*?)</tr>', page, re.S).group(1)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            case = cells[1] if tickable else cells[0]
            badge = f'<span class="badge text-bg-success">{reassessed}</span>'
            # Re-assessed since the check: no box to tick; the badge in the box's place, or beside the case.
            assert 'name="cases"' not in row
            assert (badge in cells[0]) if tickable else (badge in case)
            assert f'<span class="badge text-bg-secondary">{archived}</span>' in case
            assert f'<div class="d-sm-none">{name}</div>' in case


def _job(user, kind: str, days_ago: int, **fields) -> RuleReviewJob:
    """A job asked for, and last worked on, `days_ago` days ago (requested_at is set on creation)."""
    job = RuleReviewJob.objects.create(kind=kind, requested_by=user, **fields)
    when = timezone.now() - timedelta(days=days_ago)
    RuleReviewJob.objects.filter(pk=job.pk).update(requested_at=when, updated_at=when)
    return job


def test_checks_older_than_the_kept_days_are_purged_with_their_re_assessments(settings):
    # A check is a working list, answered again by a new check; what a re-assessment did stays in each case's
    # history. Kept GISTCARE_RULE_CHECK_KEEP_DAYS days after the last work on it or on a re-assessment asked from its
    # page (a re-assessment's page lists the cases it left alone, with why); the latest check, and the latest that
    # finished, are kept whatever their age (the rules page shows the one, the other holds the last list).
    settings.GISTCARE_RULE_CHECK_KEEP_DAYS = 90
    user = make_user(role=roles.SURGEON)
    old = _job(user, "check", 120, status="ready")
    old_reassess = _job(user, "reassess", 119, status="ready", check_job=old)
    lately_reassessed = _job(user, "check", 120, status="ready")
    just_done = _job(user, "reassess", 0, status="ready", check_job=lately_reassessed)
    waiting = _job(user, "check", 130, status="ready")
    # Queued for a worker since 20 minutes (workers down at 03:10): stalled, but asked for today.
    queued = _job(user, "reassess", 0, status="queued", check_job=waiting)
    RuleReviewJob.objects.filter(pk=queued.pk).update(updated_at=timezone.now() - timedelta(minutes=20))
    recent = _job(user, "check", 89, status="ready")
    # A re-assessment with no check (the column may be empty) does not stop the purge.
    _job(user, "reassess", 0, status="running")
    assert rule_review.checks_purge() == 1
    remaining = set(RuleReviewJob.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert old_reassess.pk not in remaining
    assert {lately_reassessed.pk, just_done.pk, waiting.pk, queued.pk, recent.pk} <= remaining

    # Work on them stopped more than 90 days ago: purged, but for the latest check.
    RuleReviewJob.objects.filter(kind="reassess").update(updated_at=timezone.now() - timedelta(days=91))
    assert rule_review.checks_purge() == 2
    assert set(RuleReviewJob.objects.filter(kind="check").values_list("pk", flat=True)) == {recent.pk}
    # The latest check is kept however old.
    RuleReviewJob.objects.filter(pk=recent.pk).update(
        requested_at=timezone.now() - timedelta(days=400), updated_at=timezone.now() - timedelta(days=400)
    )
    assert rule_review.checks_purge() == 0
    assert RuleReviewJob.objects.filter(pk=recent.pk).exists()


def test_the_latest_check_that_finished_is_kept_when_a_newer_one_failed(settings):
    settings.GISTCARE_RULE_CHECK_KEEP_DAYS = 90
    user = make_user(role=roles.SURGEON)
    _job(user, "check", 200, status="ready")
    finished = _job(user, "check", 150, status="ready")
    failed = _job(user, "check", 100, status="failed")
    assert rule_review.checks_purge() == 1
    assert set(RuleReviewJob.objects.values_list("pk", flat=True)) == {finished.pk, failed.pk}


def test_the_purge_runs_nightly_under_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "records.checks_purge")
    assert entry["schedule"].hour == {3}
    assert entry["schedule"].minute == {10}
    user = make_user(role=roles.SURGEON)
    _job(user, "check", 400, status="ready")
    _job(user, "check", 1, status="ready")
    from cases.records.tasks import records_checks_purge

    assert records_checks_purge.apply().get() == 1
    assert RuleReviewJob.objects.count() == 1
