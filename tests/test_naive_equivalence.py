"""The vectorised engine and the naive one-model-per-history Mesa reference tell the same story.

`benchmarks/naive.py` re-implements the model with scalar state, the ordinary Mesa way, importing
every weight from `sim`. Two checks that it and `sim.ensemble` agree:

1. on independent random numbers (the naive model's own `rng`, driven by `mesa.batch_run`), the
   outcome shares agree within sampling error and negotiated withdrawals come at the same median
   step: what a user of either would conclude is the same;
2. fed the engine's own random numbers (common random numbers), every history ends the same way, on
   the same step, by the same escalation path: the two are the same model, line by line.

Both fail if one implementation changes a weight, a rule or the order of events and the other does
not (a doubled US preference in the naive copy only fails check 1 as well as check 2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from mesa.batchrunner import batch_run

from benchmarks.naive import DANGER_LEVEL, CommonRandomCrisis, NaiveCrisis
from sim import calendar
from sim import world as w
from sim.ensemble import run
from sim.outcomes import NEGOTIATED, OUTCOMES
from sim.params import Params, make_params
from sim.randomness import RandomBlocks

NAIVE_RUNS = 1_500
ENSEMBLE_RUNS = 20_000
CRN_RUNS = 300
#: Parameter sets that between them use every mechanism: the first move, British initiatives with
#: and without US consent, tankers, the Berlin track, public trade, the war phase.
CASES: dict[str, dict[str, object]] = {
    "defaults": {},
    "berlin_linkage_and_tankers": {
        "ussr.berlin_linkage": True,
        "us.widen_to_tankers": True,
        "uk.thor_offer": "public",
        "uk.thor_offer_us_consent": False,
        "world.escalation_risk": "kennedy",
    },
    "hawks_public_trade": {
        "us.hawkishness": 0.8,
        "us.public_jupiter_trade": True,
        "uk.consultation": 0.7,
        "world.message_delay_hours": 6.0,
        "world.decision_noise": 0.5,
    },
}


def naive_batch(params: Params, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """Outcome index and resolved step of `runs` naive histories, via mesa.batch_run."""
    rows = batch_run(
        NaiveCrisis,
        parameters={"params": [params]},
        rng=list(range(runs)),
        number_processes=1,
        display_progress=False,
        max_steps=calendar.N_STEPS,
    )
    assert len(rows) == runs
    return (
        np.array([r["outcome"] for r in rows], dtype=np.int64),
        np.array([r["resolved_step"] for r in rows], dtype=np.int64),
    )


def shares_agree(naive: np.ndarray, ensemble: np.ndarray) -> list[str]:
    """Outcomes whose shares differ by more than 4 standard errors + 0.005 (two-proportion test)."""
    n1, n2 = naive.size, ensemble.size
    c1 = np.bincount(naive, minlength=len(OUTCOMES))
    c2 = np.bincount(ensemble, minlength=len(OUTCOMES))
    failures = []
    for i, name in enumerate(OUTCOMES):
        p1, p2 = c1[i] / n1, c2[i] / n2
        pooled = (c1[i] + c2[i]) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        if abs(p1 - p2) >= 4 * se + 0.005:
            failures.append(f"{name}: naive {p1:.4f} vs ensemble {p2:.4f} (se {se:.4f})")
    return failures


@pytest.mark.parametrize("case", list(CASES))
def test_same_outcome_distribution(case: str) -> None:
    params = make_params(CASES[case])
    naive_outcome, naive_step = naive_batch(params, NAIVE_RUNS)
    r = run(params, ENSEMBLE_RUNS, seed=12345)
    failures = shares_agree(naive_outcome, r.outcome.astype(np.int64))
    assert not failures, f"{case}: " + "; ".join(failures)
    deals_naive = naive_step[naive_outcome == NEGOTIATED]
    deals_ensemble = r.resolved_step[r.outcome == NEGOTIATED]
    assert deals_naive.size >= 30, f"{case}: too few negotiated withdrawals to compare dates"
    gap = abs(float(np.median(deals_naive)) - float(np.median(deals_ensemble)))
    assert gap <= 2, f"{case}: median step of negotiated withdrawals differs by {gap} steps"


@pytest.mark.parametrize("case", list(CASES))
def test_same_histories_on_common_random_numbers(case: str) -> None:
    params = make_params(CASES[case])
    seed = 7
    r = run(params, CRN_RUNS, seed=seed)
    blocks = RandomBlocks(seed, 0, CRN_RUNS)
    uniforms = np.stack([blocks.next() for _ in range(calendar.N_STEPS)])  # (steps, runs, cols)
    different = []
    for i in range(CRN_RUNS):
        m = CommonRandomCrisis(uniforms[:, i, :], params=params)
        while m.running and m.steps < calendar.N_STEPS:
            m.step()
        naive = (m.outcome, m.resolved_step, m.peak, m.incidents, m.concessions, m.turnback_step)
        engine = tuple(
            int(a[i])
            for a in (
                r.outcome,
                r.resolved_step,
                r.peak_escalation,
                r.incidents,
                r.concessions,
                r.turnback_step,
            )
        )
        path = r.escalation_path[: len(m.path), i].tolist()
        if naive != engine or path != m.path:
            different.append(f"history {i}: naive {naive}, engine {engine}")
    assert not different, f"{case}: {len(different)} of {CRN_RUNS} differ, e.g. {different[:3]}"


def test_inline_constants_match_the_engine() -> None:
    """The one table the naive copy cannot import: the danger ladder of sim.world.danger."""
    world = w.World(len(w.LADDER))
    world.escalation[:] = np.arange(len(w.LADDER))
    assert w.danger(world).tolist() == list(DANGER_LEVEL)
