"""Stored assessment facts read back as engine facts, including snapshots stored under earlier field names."""

from datetime import date

from cases.records.assessment import facts_from_json, facts_to_json
from guidelines import CaseFacts


def test_stored_facts_come_back_as_they_were():
    facts = CaseFacts(site="stomach", size_cm=6.0, mitoses_per_5mm2=8, surgery_date=date(2026, 1, 15),
                      adjuvant_decision="given", adjuvant_months=36)  # fmt: skip
    assert facts_from_json(facts_to_json(facts)) == facts


def test_a_snapshot_stored_before_the_rename_keeps_its_adjuvant_months():
    # Snapshots signed before 2026-12-02 stored A as "adjuvant_months_actual"; dropping it would change the
    # schedule a re-assessment of that snapshot computes (36 months of adjuvant imatinib -> none).
    stored = {"site": "stomach", "size_cm": 6.0, "surgery_date": "2026-01-15", "adjuvant_decision": "given",
              "adjuvant_months_actual": 36}  # fmt: skip
    facts = facts_from_json(stored)
    assert facts.adjuvant_months == 36
    assert facts.surgery_date == date(2026, 1, 15)
