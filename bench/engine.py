"""Benchmark of the guideline engine: complete assessments per second on one core, against an anchor.

Usage: ``.venv/bin/python bench/engine.py [N] [--seed S] [--rounds R]`` (default 100,000 cases, seed 2026,
10 rounds). Generates varied cases (every site, genotype and presentation; most of them resected with full
schedules), splits them into R equal chunks and, for each chunk in turn, times three things back to back:

1. the anchor: the chunk's cases as contract JSON text (one object per case, ``ruleset`` included), decoded
   and validated by ``guidelines.contract`` (``load_json`` then ``parse_case``) without assessing. This is
   what any caller of the engine pays to read the same input (the CLI and the JSON API do exactly this), and
   it is pure Python over the same fields, so it slows down with the machine in the same way. The ratio
   says what the rules cost beyond reading the input. (The generated ``adjuvant_decision`` and
   ``adjuvant_months`` are not contract fields: the JSON carries the other fields, which is all the contract
   reads.)
2. ``guidelines.assess`` on the chunk's ``CaseFacts`` (case generation and JSON building excluded);
3. ``assess`` followed by ``to_dict()``, on a second set of N cases (seed S + 1): the engine caches some
   intermediate results (``lru_cache``), so assessing the same case a second time is about twice as fast,
   and in use each case is assessed once. Every timed assessment is of a case the run has not seen before.

Each figure is the median over the rounds of the chunk's throughput; the ratio is the anchor's median
throughput over the subject's (how many times longer assessing takes than reading the input). The load
average is printed before and after. Needs no Django.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guidelines import CaseFacts, assess
from guidelines.contract import FIELDS, load_json, parse_case
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


def to_contract_json(facts: CaseFacts, ruleset: str) -> str:
    """The case as the contract's JSON text: its contract fields that are set, with the per-case ruleset."""
    obj: dict[str, object] = {"ruleset": ruleset}
    for name in FIELDS:
        if name == "ruleset":
            continue
        value = getattr(facts, name, None)
        if value is None or value == ():
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        obj[name] = value
    return json.dumps(obj)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (chunks of N/R cases)")
    args = parser.parse_args()

    cases = make_cases(args.n, args.seed)
    rulesets = ("esmo-2022", "csco-2020")
    today = date(2026, 1, 15)
    others = make_cases(args.n, args.seed + 1)  # for assess + to_dict: see the docstring
    texts = [to_contract_json(facts, rulesets[i & 1]) for i, facts in enumerate(cases)]
    # The anchor must read the same case: check that the JSON parses back to the generated facts.
    for i in range(min(len(cases), 200)):
        parsed = parse_case(load_json(texts[i]), i)
        expected = cases[i]
        for name in FIELDS:
            if name != "ruleset" and getattr(parsed, name) != getattr(expected, name):
                raise SystemExit(f"case {i}: {name} reads back as {getattr(parsed, name)!r}")

    # The generated cases stay alive for the whole run: keep them out of the collector's scans, so that the
    # timing measures the engine rather than garbage collection of the input.
    gc.collect()
    gc.freeze()

    # Warm-up (not counted): first calls fill caches and specialise the interpreter's hot paths.
    for i, facts in enumerate(make_cases(500, args.seed + 2)):
        parse_case(load_json(to_contract_json(facts, rulesets[i & 1])), i)
        assess(facts, rulesets[i & 1], today=today).to_dict()

    rounds = max(1, min(args.rounds, len(cases)))
    size = len(cases) // rounds
    load_before = load()
    anchor_rates: list[float] = []
    assess_rates: list[float] = []
    to_dict_rates: list[float] = []
    visits = 0
    with_schedule = 0
    for r in range(rounds):
        lo, hi = r * size, (r + 1) * size if r < rounds - 1 else len(cases)
        chunk_texts = texts[lo:hi]
        chunk = cases[lo:hi]
        n = hi - lo

        began = time.perf_counter()
        for i, text in enumerate(chunk_texts):
            parse_case(load_json(text), i)
        anchor_rates.append(n / (time.perf_counter() - began))

        began = time.perf_counter()
        for i, facts in enumerate(chunk, lo):
            result = assess(facts, rulesets[i & 1], today=today)
            if result.surveillance:
                with_schedule += 1
                visits += len(result.surveillance)
        assess_rates.append(n / (time.perf_counter() - began))

        began = time.perf_counter()
        for i, facts in enumerate(others[lo:hi], lo):
            assess(facts, rulesets[i & 1], today=today).to_dict()
        to_dict_rates.append(n / (time.perf_counter() - began))
    load_after = load()

    anchor = statistics.median(anchor_rates)
    print(f"cases: {len(cases):,} ({with_schedule:,} with a schedule, {visits:,} visits in all)")
    print(
        f"{rounds} interleaved rounds of {size:,} cases; load average before: {load_before}, after: {load_after}"
    )
    print(f"{'per second (median of rounds)':34} {'subject':>10} {'anchor':>10} {'ratio':>7}")
    print(f"{'anchor: contract JSON parse':34} {anchor:10,.0f}")
    for label, rates in (("assess", assess_rates), ("assess + to_dict", to_dict_rates)):
        median = statistics.median(rates)
        print(f"{label:34} {median:10,.0f} {anchor:10,.0f} {anchor / median:6.2f}x")
    print(
        "ratio = anchor throughput / subject throughput: how many times longer assessing a case takes "
        "than reading it from JSON"
    )
    target = statistics.median(assess_rates)
    print(f"target >= 5,000 assessments/s (one core): {'OK' if target >= 5000 else 'MISSED'}")


if __name__ == "__main__":
    main()
