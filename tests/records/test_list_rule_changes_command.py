"""`manage.py list_rule_changes`: cases a superseded rule-set version answered differently (issue 17.1)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Assessment
from cases.records.assessment import case_assess
from guidelines import ESMO_2022
from tests.factories import make_case

pytestmark = pytest.mark.django_db

# What the rule data before 2026-12-02 answered for a jejunal 1.5 cm tumour with 8 mitoses per 5 mm2:
# modified NIH "high" (the wrong cell), adjuvant recommended for 36 months.
OLD_VERSION = "2022.2+2ee34fd7a9a0"


def _stored_under_old_rules(case) -> Assessment:
    snapshot = case_assess(case=case, user=None)
    result = dict(snapshot.result)
    result["risk"] = {**result["risk"], "modified_nih": "high"}
    result["adjuvant"] = {**result["adjuvant"], "recommendation": "recommended"}
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION, result=result)
    return snapshot


def test_it_lists_a_case_whose_category_changes_under_the_current_rules():
    case = make_case(site="jejunum", size_cm="1.5", mitoses=8)
    _stored_under_old_rules(case)
    out = StringIO()
    call_command("list_rule_changes", stdout=out)
    text = out.getvalue()
    assert f"case {case.pk}" in text
    assert f"{OLD_VERSION} -> {ESMO_2022.version}" in text
    assert "modified NIH risk: high -> intermediate" in text
    assert "adjuvant: recommended 36 -> consider 36" in text
    assert text.rstrip().endswith("1 case(s) answered differently by the current rules.")


def test_it_leaves_out_a_case_assessed_with_the_current_version():
    case_assess(case=make_case(site="jejunum", size_cm="1.5", mitoses=8), user=None)
    out = StringIO()
    call_command("list_rule_changes", stdout=out)
    assert out.getvalue().strip() == "0 case(s) answered differently by the current rules."


def test_it_leaves_out_an_old_version_whose_answer_is_the_same():
    case = make_case(site="stomach", size_cm="6.5", mitoses=8)
    snapshot = case_assess(case=case, user=None)
    Assessment.objects.filter(pk=snapshot.pk).update(ruleset_version=OLD_VERSION)
    out = StringIO()
    call_command("list_rule_changes", stdout=out)
    assert "0 case(s)" in out.getvalue()


def test_it_lists_a_case_whose_schedule_changes_under_the_current_rules():
    """The contract's worked example: 31 visits from 2026-04-15 to 2039-01-15 (RULES.md, A = 36); stored as if an
    older version had stopped at month 144 (30 visits, the last 2038-01-15)."""
    from tests.factories import contract_example_case

    case = contract_example_case()
    snapshot = case_assess(case=case, user=None)
    visits = snapshot.result["surveillance"]
    Assessment.objects.filter(pk=snapshot.pk).update(
        ruleset_version=OLD_VERSION, result={**snapshot.result, "surveillance": visits[:30]}
    )
    out = StringIO()
    call_command("list_rule_changes", stdout=out)
    assert (
        "    surveillance: 30 visits, 2026-04-15 to 2038-01-15 -> 31 visits, 2026-04-15 to 2039-01-15; "
        "the first to differ is due 2039-01-15\n" in out.getvalue()
    )
