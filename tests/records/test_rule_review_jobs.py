"""Every case checked against the current rules, and the ticked cases re-assessed, in the background (issue 16:
re-assessment of many cases runs as a Celery task; issue 17.1: after the corrected modified-NIH cell).

Worked by hand from Joensuu 2008 (RULES.md 2.1, corrected 2026-12-02): a jejunal tumour of 1.5 cm with 8 mitoses
per 5 mm2 (≤2.0 cm, 6-10 mitoses, any site) is intermediate risk; the rule data before the correction graded it
high. ESMO (RULES.md, adjuvant table): high risk, adjuvant imatinib recommended for 36 months; intermediate,
consider it (shared decision), 36 months if given. A gastric tumour of 6.5 cm with 8 mitoses (>5 cm and >5
mitoses) is high risk under both versions.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from cases import roles
from cases.models import Assessment, RuleReviewJob
from cases.records import rule_review
from cases.records.assessment import case_assess
from guidelines import ESMO_2022
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

    page = client.get(reverse("records:rule_review_job", kwargs={"job_id": job.pk})).content.decode()
    assert "The current rules answer 1 case differently." in page
    assert "1 more case was assessed with a superseded version; the current rules answer it the same." in page
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
