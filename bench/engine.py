"""Benchmark of the guideline engine: complete assessments per second on one core.

Usage: ``.venv/bin/python bench/engine.py [N] [--seed S]`` (default 100,000 cases, seed 2026).
Generates varied cases (every site, genotype and presentation; most of them resected with full schedules),
then times ``guidelines.assess`` alone (case generation excluded), then ``to_dict`` separately.
Needs no Django.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guidelines import CaseFacts, assess
from guidelines.facts import (
    CLINICAL_FEATURES,
    DUODENAL_LOCATIONS,
    EUS_FEATURES,
    GASTRIC_LOCATIONS,
    GENOTYPES,
    GROWTH_PATTERNS,
    RECTAL_LEVELS,
    SITES,
)


def make_cases(n: int, seed: int) -> list[CaseFacts]:
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    cases = []
    for _ in range(n):
        site = rng.choice(SITES)
        roll = rng.random()
        if roll < 0.70:  # resected, usually with a mitotic count: full schedules
            presentation = "localized"
            resected = True
        elif roll < 0.85:  # new tumour, not yet operated
            presentation = rng.choice(("localized", "localized", "locally_advanced"))
            resected = False
        else:
            presentation = rng.choice(("metastatic", "recurrent"))
            resected = rng.random() < 0.3
        surgery = start + timedelta(days=rng.randrange(3650)) if resected else None
        cases.append(
            CaseFacts(
                site=site,
                size_cm=round(
                    rng.choice((rng.uniform(0.3, 2.0), rng.uniform(2.0, 12.0), rng.uniform(10, 30))), 1
                ),
                presentation=presentation,
                gastric_location=rng.choice(GASTRIC_LOCATIONS) if site == "stomach" else None,
                duodenal_location=rng.choice(DUODENAL_LOCATIONS) if site == "duodenum" else None,
                rectal_level=rng.choice(RECTAL_LEVELS) if site == "rectum" else None,
                growth_pattern=rng.choice((None, *GROWTH_PATTERNS)),
                boundary_clear=rng.random() < 0.9,
                adherent_to_adjacent_organs=rng.random() < 0.1,
                eus_features=tuple(rng.sample(EUS_FEATURES, rng.choice((0, 0, 1, 2)))),
                clinical_features=tuple(rng.sample(CLINICAL_FEATURES, rng.choice((0, 0, 0, 1)))),
                histology_confirmed=rng.random() < 0.5,
                r0_feasible=rng.random() < 0.85,
                major_morbidity_expected=rng.random() < 0.1,
                resected=resected,
                surgery_date=surgery,
                margin=rng.choice(("R0", "R0", "R0", "R1", "R2")) if resected else None,
                rupture=rng.random() < 0.1,
                mitoses_per_5mm2=rng.choice(
                    (None, rng.randrange(0, 6), rng.randrange(6, 11), rng.randrange(11, 80))
                )
                if rng.random() < 0.1
                else rng.choice((rng.randrange(0, 6), rng.randrange(6, 11), rng.randrange(11, 80))),
                nodes_positive=rng.random() < 0.03,
                genotype=rng.choice(GENOTYPES),
                neoadjuvant_months=rng.choice((0, 0, 0, 0, 6, 9, 12)),
                reference_date=start + timedelta(days=rng.randrange(3650)),
                adjuvant_decision=rng.choice((None, None, None, "given", "declined")),
                adjuvant_months=rng.choice((None, None, 12, 24)),
            )
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    cases = make_cases(args.n, args.seed)
    rulesets = ("esmo-2022", "csco-2020")
    today = date(2026, 1, 15)

    # The generated cases stay alive for the whole run: keep them out of the collector's scans, so that the
    # timing measures the engine rather than garbage collection of the input.
    gc.collect()
    gc.freeze()

    visits = 0
    with_schedule = 0
    began = time.perf_counter()
    for i, facts in enumerate(cases):
        result = assess(facts, rulesets[i & 1], today=today)
        if result.surveillance:
            with_schedule += 1
            visits += len(result.surveillance)
    elapsed = time.perf_counter() - began
    print(f"cases: {len(cases):,} ({with_schedule:,} with a schedule, {visits:,} visits in all)")
    print(f"assess: {elapsed:.2f} s -> {len(cases) / elapsed:,.0f} assessments per second (one core)")

    began = time.perf_counter()
    for i, facts in enumerate(cases):
        assess(facts, rulesets[i & 1], today=today).to_dict()
    total = time.perf_counter() - began
    print(f"assess + to_dict: {total:.2f} s -> {len(cases) / total:,.0f} per second")


if __name__ == "__main__":
    main()
