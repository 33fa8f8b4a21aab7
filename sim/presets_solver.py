"""Solve each escalation preset: the value of `sim.presets.PARAMETER` at which the baseline gives
the share of outcomes the preset's source estimated.

Bisection on common random numbers: every evaluation plays the same numbered histories (seeds
`SOLVE_SEEDS`, `SOLVE_RUNS` each) with the same random numbers, so the pooled share is a
deterministic, near-monotone function of the parameter and bisection converges to one answer. The
target is the preset's centre, or the nearest point of its range the model can reach. The value is
rounded to 4 significant digits (so that it survives a share link) and measured again there; then
each seed must lie inside [low, high], and the nuclear-war share must not fall as the solved
escalation risk rises. `cuba62 presets --solve` runs this and writes `sim.presets.SOLVED_FILE`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sim import ensemble
from sim import scenario as scenario_files
from sim.outcomes import OUTCOMES, WAR_OUTCOMES
from sim.params import SPECS, Params, format_value, make_params
from sim.presets import (
    PARAMETER,
    PRESETS,
    SCENARIO,
    SOLVE_COMMAND,
    SOLVE_RUNS,
    SOLVE_SEEDS,
    Preset,
)
from sim.summary import wilson

#: Stop when the pooled share is this close to the target (0.2 points: about one standard error
#: of a 20% share over 60,000 histories) or the bracket is narrower than X_TOLERANCE.
SHARE_TOLERANCE = 0.002
X_TOLERANCE = 1e-5
MAX_STEPS = 40
SIGNIFICANT = 4

Counts = npt.NDArray[np.int64]  # (seeds, outcomes): histories per outcome, per seed
#: (what is being evaluated, histories just played): 0 when an evaluation starts.
Progress = Callable[[str, int], None]


def baseline_params() -> Params:
    return scenario_files.load_scenario(SCENARIO).params()


@dataclass
class Evaluator:
    """Outcome counts per seed at a value of PARAMETER, each value played once (cached)."""

    base: Params
    runs: int = SOLVE_RUNS
    seeds: tuple[int, ...] = SOLVE_SEEDS
    progress: Progress | None = None
    cache: dict[float, Counts] = field(default_factory=dict)

    def counts(self, x: float) -> Counts:
        if x not in self.cache:
            params = make_params({PARAMETER: x}, base=self.base)
            label = f"{PARAMETER} = {x:.4g}"
            if self.progress:
                self.progress(label, 0)  # an evaluation starts: all seeds at one value
            rows = []
            for seed in self.seeds:
                outcome = ensemble.run(params, self.runs, seed).outcome
                rows.append(np.bincount(outcome, minlength=len(OUTCOMES)))
                if self.progress:
                    self.progress(label, self.runs)
            self.cache[x] = np.array(rows, dtype=np.int64)
        return self.cache[x]

    def share(self, x: float, measures: Sequence[str]) -> float:
        """Pooled share of histories ending in one of `measures`."""
        c = self.counts(x)
        return float(c[:, [OUTCOMES.index(m) for m in measures]].sum() / c.sum())


def target(preset: Preset, reachable: tuple[float, float]) -> float:
    """The preset's centre, or the point of [low, high] nearest to what the model can reach."""
    lo, hi = reachable
    want = preset.centre
    if hi < want:
        want = max(preset.low, hi)
    elif lo > want:
        want = min(preset.high, lo)
    return want


def bisect(evaluator: Evaluator, preset: Preset) -> float:
    """The value of PARAMETER whose pooled share is closest to the target, by bisection."""
    spec = SPECS[PARAMETER]
    assert spec.minimum is not None and spec.maximum is not None
    a, b = float(spec.minimum), float(spec.maximum)
    fa, fb = evaluator.share(a, preset.measures), evaluator.share(b, preset.measures)
    goal = target(preset, (fa, fb))
    if fb <= goal:
        return b
    if fa >= goal:
        return a
    for _ in range(MAX_STEPS):
        mid = (a + b) / 2
        fm = evaluator.share(mid, preset.measures)
        if abs(fm - goal) <= SHARE_TOLERANCE:
            return mid
        if fm < goal:
            a, fa = mid, fm
        else:
            b, fb = mid, fm
        if b - a <= X_TOLERANCE:
            break
    return a if abs(fa - goal) <= abs(fb - goal) else b


def rounded(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT}g}")


def _measured(counts: Counts, measures: Sequence[str], row: int | None = None) -> dict[str, Any]:
    c = counts if row is None else counts[row : row + 1]
    k = int(c[:, [OUTCOMES.index(m) for m in measures]].sum())
    return wilson(k, int(c.sum())).as_json()


def solve_one(evaluator: Evaluator, preset: Preset) -> dict[str, Any]:
    """Solve one preset and measure it at the rounded value: the entry of the data file."""
    x = rounded(bisect(evaluator, preset))
    counts = evaluator.counts(x)
    return {
        "value": x,
        "measured": _measured(counts, preset.measures),
        "per_seed": {
            str(seed): _measured(counts, preset.measures, i)
            for i, seed in enumerate(evaluator.seeds)
        },
        "nuclear_war": _measured(counts, ("nuclear_war",)),
        "any_war": _measured(counts, WAR_OUTCOMES),
    }


def checks(entries: dict[str, dict[str, Any]]) -> list[str]:
    """What is wrong with a solve, in words (empty when every preset means its name)."""
    problems = []
    for pid, entry in entries.items():
        p = PRESETS[pid]
        for seed, m in entry["per_seed"].items():
            if not p.low <= m["share"] <= p.high:
                problems.append(
                    f"{pid}: seed {seed} gives {m['share']:.2%} {short(p)}, outside "
                    f"{p.low:.0%}–{p.high:.0%}"
                )
    order = sorted(entries, key=lambda pid: entries[pid]["value"])
    nuclear = [entries[pid]["nuclear_war"]["share"] for pid in order]
    for i in range(1, len(order)):
        (p1, n1), (p2, n2) = (order[i - 1], nuclear[i - 1]), (order[i], nuclear[i])
        if n2 < n1:
            problems.append(
                f"nuclear war falls from {n1:.2%} ({p1}) to {n2:.2%} ({p2}) as {PARAMETER} rises"
            )
    return problems


def solve(
    preset_ids: Sequence[str] | None = None,
    runs: int = SOLVE_RUNS,
    seeds: tuple[int, ...] = SOLVE_SEEDS,
    progress: Progress | None = None,
    done: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Solve the presets (all by default) and return the data-file document, with its checks."""
    base = baseline_params()
    evaluator = Evaluator(base, runs, seeds, progress)
    entries = {}
    for pid in preset_ids or list(PRESETS):
        entries[pid] = solve_one(evaluator, PRESETS[pid])
        if done:
            done(pid, entries[pid])
    order = sorted(entries, key=lambda pid: entries[pid]["value"])
    return {
        "_regenerate": f"Written by `{SOLVE_COMMAND}` (sim/presets_solver.py): run it again "
        "after any change to the model or the baseline; tests/test_presets.py fails when this "
        "file is stale.",
        "parameter": PARAMETER,
        "scenario": SCENARIO,
        "runs": runs,
        "seeds": list(seeds),
        "evaluations": len(evaluator.cache),
        "baseline": {k: v for k, v in base.as_text().items() if k != PARAMETER},
        "order": order,
        "problems": checks(entries),
        "presets": {pid: entries[pid] for pid in order},
    }


def write(document: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def short(p: Preset) -> str:
    return p.measures_text.split(" (")[0]


def describe(pid: str, entry: dict[str, Any]) -> str:
    """One line for the progress log: the solved value and what it gives."""
    p = PRESETS[pid]
    m = entry["measured"]
    lo, hi = m["ci95"]
    seeds = ", ".join(f"{s['share']:.2%}" for s in entry["per_seed"].values())
    return (
        f"{pid}: {PARAMETER} = {format_value(entry['value'])} gives {m['share']:.2%} "
        f"[{lo:.2%}–{hi:.2%}] {short(p)} (per seed {seeds}; "
        f"estimate {p.low:.0%}–{p.high:.0%})"
    )
