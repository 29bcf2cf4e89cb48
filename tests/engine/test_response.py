"""RECIST 1.1 and Choi response (issue 13), against worked examples from the criteria themselves."""

from datetime import date

import pytest

from guidelines.response import Lesion, Scan, choi, recist, target_problems

BASE_DAY = date(2026, 1, 10)


def scan(month, *diameters, hu=None, new=False, nodule=False):
    lesions = tuple(
        Lesion("liver" if i < 2 else f"organ{i}", d, hu[i] if hu else None) for i, d in enumerate(diameters)
    )
    return Scan(date(2026, month, 10), lesions, new_lesions=new, new_intratumoral_nodule=nodule)


BASELINE = scan(1, 60, 40, hu=[80, 80])  # sum 100 mm, mean 80 HU


def test_recist_partial_response_is_30_percent_below_baseline():
    # 70 mm: -30.0% exactly -> PR (at least a 30% decrease).
    assert recist(BASELINE, [], scan(4, 42, 28)).category == "PR"
    # 71 mm: -29% -> SD.
    assert recist(BASELINE, [], scan(4, 42, 29)).category == "SD"


def test_recist_progression_is_measured_from_the_nadir_with_5_mm():
    # Nadir 50 mm at month 4; now 60 mm: +20% and +10 mm -> PD, although 40% below baseline.
    nadir = scan(4, 30, 20)
    result = recist(BASELINE, [nadir], scan(7, 36, 24))
    assert result.category == "PD"
    assert result.reference == "nadir"
    assert "+20.0%" in result.arithmetic


def test_recist_needs_5_mm_as_well_as_20_percent():
    # Baseline and nadir 20 mm; now 24 mm: +20% but only +4 mm -> not PD, and not 30% smaller -> SD.
    small_base = scan(1, 15, 5)
    nadir = scan(4, 15, 5)
    assert recist(small_base, [nadir], scan(7, 18, 6)).category == "SD"


def test_recist_new_lesion_is_progression_and_all_gone_is_complete():
    assert recist(BASELINE, [], scan(4, 30, 20, new=True)).category == "PD"
    assert recist(BASELINE, [], Scan(date(2026, 4, 10), ())).category == "CR"


def test_the_classic_choi_case_grows_but_falls_in_attenuation():
    # Size +10% (110 mm vs 100), attenuation 80 -> 40 HU (-50%): Choi PR (density), RECIST SD (+10% < +20%).
    current = scan(4, 66, 44, hu=[40, 40])
    assert choi(BASELINE, current).category == "PR"
    assert recist(BASELINE, [], current).category == "SD"


def test_choi_size_criteria():
    assert choi(BASELINE, scan(4, 54, 36, hu=[78, 78])).category == "PR"  # -10% size, -2.5% HU
    assert choi(BASELINE, scan(4, 66, 44, hu=[75, 75])).category == "PD"  # +10% size, -6.25% HU
    assert choi(BASELINE, scan(4, 57, 38, hu=[70, 70])).category == "SD"  # -5% size, -12.5% HU


def test_choi_new_nodule_inside_a_mass_is_progression():
    assert choi(BASELINE, scan(4, 50, 30, hu=[60, 60], nodule=True)).category == "PD"


@pytest.mark.parametrize(
    ("lesions", "fragment"),
    [
        ([Lesion("liver", 10)] * 6, "at most 5 target lesions"),
        ([Lesion("liver", 10)] * 3, "at most 2 target lesions per organ"),
        ([Lesion("liver", 0.5)], "outside 1-500 mm"),
        ([Lesion("liver", 10, 3500)], "outside -1000 to 3000 HU"),
    ],
)
def test_target_lesion_rules(lesions, fragment):
    assert any(fragment in problem for problem in target_problems(lesions))
