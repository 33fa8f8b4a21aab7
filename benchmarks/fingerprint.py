"""Fingerprint of engine results, to check that a performance change changes nothing.

Prints, for several parameter sets and seeds 0..2 at N = 5,000, the outcome counts and a SHA-256 of
every `Results` array, plus a hash of a few replayed event logs (with their utility components and
choice probabilities). Run it before and after a change and diff the output: a different outcome
hash means results changed. A change in the softmax's arithmetic alone (e.g. not normalising before
drawing) moves logged probabilities in their last bit and so the log hash, but not the outcomes.

    .venv/bin/python benchmarks/fingerprint.py > /tmp/before.txt
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.ensemble import Results, run
from sim.history import replay
from sim.params import Params, make_params

RUNS = 5_000
SEEDS = (0, 1, 2)
#: Parameter sets that between them reach every branch of the engine.
CASES: dict[str, dict[str, object]] = {
    "defaults": {},
    "thor_public_no_consent": {
        "uk.thor_offer": "public",
        "uk.thor_offer_us_consent": False,
        "uk.consultation": 0.8,
    },
    "linkage_tankers": {
        "ussr.berlin_linkage": True,
        "us.widen_to_tankers": True,
        "us.weight_on_allies": 0.9,
    },
    "air_strike_first": {"us.first_move": "air_strike", "world.escalation_risk": "model_high"},
    "public_trade_hawks": {
        "us.public_jupiter_trade": True,
        "us.hawkishness": 0.9,
        "world.message_delay_hours": 6.0,
        "world.decision_noise": 0.5,
    },
}
ARRAYS = (
    "outcome",
    "resolved_step",
    "concessions",
    "peak_escalation",
    "incidents",
    "turnback_step",
    "escalation_path",
)


def results_hash(r: Results) -> str:
    h = hashlib.sha256()
    for name in ARRAYS:
        a = np.ascontiguousarray(getattr(r, name))
        h.update(name.encode())
        h.update(str(a.dtype).encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def log_hash(params: Params, seed: int, indices: tuple[int, ...] = (0, 1, 7, 1500)) -> str:
    h = hashlib.sha256()
    for i in indices:
        for e in replay(params, seed, i).events:
            h.update(repr((e.step, e.actor, e.kind, e.text, sorted(e.details.items()))).encode())
    return h.hexdigest()[:16]


def main() -> None:
    for name, overrides in CASES.items():
        params = make_params(overrides)
        for seed in SEEDS:
            r = run(params, RUNS, seed=seed)
            counts = np.bincount(r.outcome, minlength=8).tolist()
            logs = log_hash(params, seed)
            print(f"{name:24s} seed {seed}: {counts} {results_hash(r)} log {logs}")


if __name__ == "__main__":
    main()
