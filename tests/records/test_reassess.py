"""Issue 17.1: the case page says when its stored assessment was made with a superseded rule-set version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import roles
from cases.models import Assessment
from cases.records.assessment import case_assess
from guidelines import ESMO_2022
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

OLD_VERSION = "2022.2+2ee34fd7a9a0"


def _case_with_old_snapshot():
    case = make_case(site="jejunum", size_cm="1.5", mitoses=8)
    snapshot = case_assess(case=case, user=None)
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION)
    return case


def test_it_says_the_assessment_was_made_with_a_superseded_version(client):
    case = _case_with_old_snapshot()
    client.force_login(make_user(role=roles.SURGEON))
    page = client.get(reverse("records:case", kwargs={"case_id": case.pk})).content.decode()
    assert 'data-testid="superseded"' in page
    assert f"current version: <strong>{ESMO_2022.version}</strong>" in page
    assert "re-assess with the current rules" in page


def test_it_says_nothing_when_the_version_is_current(client):
    case = make_case()
    case_assess(case=case, user=None)
    client.force_login(make_user(role=roles.SURGEON))
    page = client.get(reverse("records:case", kwargs={"case_id": case.pk})).content.decode()
    assert 'data-testid="superseded"' not in page


def test_it_reassesses_with_the_current_rules(client):
    case = _case_with_old_snapshot()
    client.force_login(make_user(role=roles.SURGEON))
    response = client.post(reverse("records:reassess", kwargs={"case_id": case.pk}))
    assert response.status_code == 302
    latest = case.assessments.order_by("-created_at").first()
    assert latest.ruleset_version == ESMO_2022.version
    # Jejunum 1.5 cm, 8 mitoses: intermediate under the corrected table (Joensuu 2008).
    assert latest.result["risk"]["modified_nih"] == "intermediate"
    case.refresh_from_db()
    assert case.risk_category == "intermediate"
    assert case.assessments.count() == 2  # the old snapshot is kept


def _signed_under_old_rules():
    """A jejunal 1.5 cm tumour, 8 mitoses, signed by the MDT while the rule data graded it high (the cell corrected on
    2026-12-02: Joensuu 2008 grades it intermediate)."""
    from cases.models import SignedReport
    from tests.factories import signed_report

    case = make_case(site="jejunum", size_cm="1.5", mitoses=8)
    report = signed_report(
        coordinator=make_user(role=roles.COORDINATOR),
        chair=make_user(role=roles.SURGEON, chair=True),
        case=case,
    )
    result = {**report.result, "risk": {**report.result["risk"], "modified_nih": "high"}}
    SignedReport.objects.filter(pk=report.pk).update(result=result)
    Assessment.objects.filter(case=case).update(ruleset_version=OLD_VERSION, result=result)
    case.refresh_from_db()
    assert not case.changed_since_signed
    return case


def test_reassessing_a_signed_case_that_the_current_rules_answer_otherwise_marks_it_changed_since_signed(
    client,
):
    case = _signed_under_old_rules()
    client.force_login(make_user(role=roles.SURGEON))
    client.post(reverse("records:reassess", kwargs={"case_id": case.pk}))
    case.refresh_from_db()
    assert case.risk_category == "intermediate"
    assert case.changed_since_signed
    change = case.history.order_by("-history_date").first()
    assert change.history_change_reason == "Re-assessed with the current rules"
    page = client.get(reverse("records:case", kwargs={"case_id": case.pk})).content.decode()
    assert "A new assessment differs from the signed one." in page
