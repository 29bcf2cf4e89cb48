"""The engine's surveillance schedule becomes follow-up items (cases/services/followups.py)."""

from datetime import date

import pytest
import time_machine

from cases import roles
from cases.choices import FollowUpSource, FollowUpStatus
from cases.followups.services import followups_regenerate
from cases.models import FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


def _dues(case):
    return [
        (i.due_date.isoformat(), i.modality, i.phase) for i in case.followups.order_by("due_date", "modality")
    ]


def test_it_generates_the_worked_example_high_risk_esmo():
    case = make_case()  # stomach 6.5 cm, 8 mitoses: high risk, ESMO, surgery 2026-01-15
    result = followups_regenerate(case=case, user=None, reason="MDT signed")
    items = list(case.followups.order_by("due_date"))
    assert result.created == 31
    assert len(items) == 31
    assert items[0].due_date == date(2026, 4, 15)
    assert items[0].modality == "ct_or_mri"
    assert items[-1].due_date == date(2039, 1, 15)
    assert {i.source for i in items} == {FollowUpSource.SCHEDULE}
    assert {i.status for i in items} == {FollowUpStatus.PENDING}
    first = items[0]
    assert (first.window_start, first.window_end) == (date(2026, 4, 1), date(2026, 4, 29))


def _count(case, modality=None):
    qs = case.followups.all()
    return qs.filter(modality=modality).count() if modality else qs.count()


@pytest.mark.parametrize(
    ("ruleset", "kwargs", "expected"),
    [
        # ESMO low risk (stomach 4 cm, 3 mitoses): 6-monthly, months 6-60.
        ("esmo-2022", {"size_cm": "4", "mitoses": 3}, {"ct_or_mri": 10}),
        # ESMO intermediate (stomach 4 cm, 8 mitoses): "consider", A = 36: follows the high-risk schedule.
        ("esmo-2022", {"size_cm": "4", "mitoses": 8}, {"ct_or_mri": 31}),
        # ESMO rupture, adjuvant recommended for 36 months (A >= 12): the high-risk schedule counted with A
        # (RULES.md section 8, corrected 2026-12-02): 12 + 8 + 6 + 5 visits.
        ("esmo-2022", {"size_cm": "4", "mitoses": 3, "rupture": True}, {"ct_or_mri": 12 + 8 + 6 + 5}),
        # ESMO rupture, adjuvant declined (A = 0 < 12): 3-monthly to 36, 6-monthly to 60, yearly to 120.
        (
            "esmo-2022",
            {"size_cm": "4", "mitoses": 3, "rupture": True, "adjuvant_decision": "declined"},
            {"ct_or_mri": 12 + 4 + 5},
        ),
        # ESMO very low risk: no routine follow-up.
        ("esmo-2022", {"size_cm": "1.5", "mitoses": 2}, {}),
        # CSCO very low: as low risk.
        ("csco-2020", {"size_cm": "1.5", "mitoses": 2}, {"ct_or_mri": 10}),
        # CSCO high: 3-monthly 3-36, 6-monthly 42-60, yearly 72-120, chest X-ray yearly 12-60.
        ("csco-2020", {}, {"ct_or_mri": 21, "chest_xray": 5}),
        # CSCO rupture: as intermediate/high.
        ("csco-2020", {"size_cm": "4", "mitoses": 3, "rupture": True}, {"ct_or_mri": 21, "chest_xray": 5}),
        # Rectal primary: MRI instead of CT.
        ("esmo-2022", {"site": "rectum", "size_cm": "4", "mitoses": 3}, {"mri": 10}),
    ],
)
def test_it_generates_every_resected_schedule(ruleset, kwargs, expected):
    case = make_case(ruleset=ruleset, **kwargs)
    followups_regenerate(case=case, user=None, reason="MDT signed")
    counts = {}
    for item in case.followups.all():
        counts[item.modality] = counts.get(item.modality, 0) + 1
    assert counts == expected
    if expected:
        first = case.followups.order_by("due_date").first()
        assert first.due_date > date(2026, 1, 15)


def test_it_generates_small_nodule_surveillance_from_the_diagnosis_date():
    esmo = make_case(size_cm="1.5", surgery_date=None, diagnosis_date=date(2026, 2, 10))
    followups_regenerate(case=esmo, user=None, reason="MDT signed")
    dues = [i.due_date for i in esmo.followups.order_by("due_date")]
    assert {i.modality for i in esmo.followups.all()} == {"eus"}
    assert dues[0] == date(2026, 5, 10)  # 3 months
    assert dues[1:] == [date(2027 + n, 2, 10) for n in range(5)]  # 12-60 yearly

    csco = make_case(size_cm="1.5", surgery_date=None, diagnosis_date=date(2026, 2, 10), ruleset="csco-2020")
    followups_regenerate(case=csco, user=None, reason="MDT signed")
    assert _count(csco, "eus") == 4 + 3  # 6-monthly 6-24, yearly 36-60


@pytest.mark.parametrize("ruleset", ["esmo-2022", "csco-2020"])
def test_it_generates_the_systemic_therapy_schedule(ruleset):
    # Diagnosed 2025-06-10; no start of therapy recorded, so the schedule counts from today (2026-02-01) and
    # says so, never from the date of diagnosis (RULES.md section 8): 3..24 months, 8 visits.
    case = make_case(
        presentation="metastatic", surgery_date=None, diagnosis_date=date(2025, 6, 10), ruleset=ruleset
    )
    with time_machine.travel(date(2026, 2, 1), tick=False):
        followups_regenerate(case=case, user=None, reason="MDT signed")
    dues = [i.due_date for i in case.followups.order_by("due_date")]
    assert len(dues) == 8
    assert dues[0] == date(2026, 5, 1)
    assert dues[-1] == date(2028, 2, 1)
    assert {i.phase for i in case.followups.all()} == {"on_treatment"}


def test_a_case_without_a_site_gets_nothing():
    from tests.factories import CaseFactory

    case = CaseFactory()
    assert followups_regenerate(case=case, user=None, reason="MDT signed").created == 0
    assert not FollowUpItem.objects.exists()


def test_regenerating_twice_yields_the_same_rows():
    case = make_case()
    followups_regenerate(case=case, user=None, reason="MDT signed")
    before = sorted((str(i.pk), i.due_date, i.modality, i.version) for i in case.followups.all())
    again = followups_regenerate(case=case, user=None, reason="MDT signed again")
    after = sorted((str(i.pk), i.due_date, i.modality, i.version) for i in case.followups.all())
    assert (again.created, again.removed, again.kept) == (0, 0, 31)
    assert before == after


def test_regeneration_keeps_done_cancelled_and_manual_items_and_replaces_pending_ones():
    from cases.followups.services import item_add_manual, item_cancel, item_mark_done
    from cases.models import Operation

    case = make_case(size_cm="4", mitoses=3)  # low risk: 6-monthly from 2026-07-15
    followups_regenerate(case=case, user=None, reason="MDT signed")
    user = make_user(role=roles.NURSE)
    first, second = list(case.followups.order_by("due_date")[:2])
    with time_machine.travel(date(2026, 7, 20), tick=False):
        item_mark_done(
            item=first, user=user, expected_version=1, completed_date=date(2026, 7, 20), result="ned"
        )
    item_cancel(item=second, user=user, expected_version=1, reason="Patient moved abroad for a year")
    manual = item_add_manual(
        case=case, user=user, due_date=date(2026, 9, 1), modality="clinic", reason="Wound check"
    )

    # The surgery date was wrong: every pending schedule visit moves; the kept items stay as they were.
    Operation.objects.filter(case=case).update(surgery_date=date(2026, 1, 20))
    result = followups_regenerate(case=case, user=user, reason="Surgery date corrected")
    assert result.removed == 8
    assert result.created == 10
    assert case.followups.count() == 2 + 1 + 10
    first.refresh_from_db()
    assert first.status == FollowUpStatus.DONE
    assert first.result == "ned"
    assert case.followups.get(pk=second.pk).status == FollowUpStatus.CANCELLED
    assert case.followups.get(pk=manual.pk).source == FollowUpSource.MANUAL
    pending = case.followups.filter(status="pending", source="schedule").order_by("due_date")
    assert pending.first().due_date == date(2026, 7, 20)


def test_regeneration_does_not_recreate_a_visit_already_done():
    from cases.followups.services import item_mark_done

    case = make_case(size_cm="4", mitoses=3)
    followups_regenerate(case=case, user=None, reason="MDT signed")
    first = case.followups.order_by("due_date").first()
    with time_machine.travel(date(2026, 7, 20), tick=False):
        item_mark_done(
            item=first,
            user=make_user(role=roles.NURSE),
            expected_version=1,
            completed_date=date(2026, 7, 20),
            result="ned",
        )
    followups_regenerate(case=case, user=None, reason="again")
    assert case.followups.filter(due_date=date(2026, 7, 15)).count() == 1
    assert case.followups.count() == 10


def test_new_items_go_to_the_nurse_already_looking_after_the_case():
    from cases.models import Operation

    case = make_case(size_cm="4", mitoses=3)
    followups_regenerate(case=case, user=None, reason="MDT signed")
    anna = make_user(role=roles.NURSE, username="anna")
    case.followups.update(responsible_nurse=anna)
    Operation.objects.filter(case=case).update(surgery_date=date(2026, 1, 25))
    followups_regenerate(case=case, user=None, reason="Surgery date corrected")
    assert set(case.followups.values_list("responsible_nurse", flat=True)) == {anna.pk}
