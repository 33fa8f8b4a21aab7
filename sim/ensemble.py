"""Run many histories: chunks of one Mesa model each, common random numbers, any executor.

A run is (parameters, runs, seed). Histories are numbered 0..runs-1 and each draws its random
numbers from `sim.randomness` by its number alone, so results do not depend on the chunk size or
on which worker ran which chunk, and a counterfactual run with the same seed is paired, history by
history, with its baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sim import calendar
from sim.limits import RUNS
from sim.params import Params

if TYPE_CHECKING:  # only a type: the agents import Mesa, which sim.ensemble must not at start-up
    from sim.agents.view import Controller

#: Histories per model instance: large enough to amortise numpy's per-call cost (a step costs
#: ~0.5 ms however few histories it holds), small enough to bound memory (~100 MB above imports).
#: Measured by `make bench` (docs/PERFORMANCE.md). With an executor, pass a smaller `chunk` so
#: that every worker gets one.
DEFAULT_CHUNK = 32_768
#: The largest run a user may ask for in one go (CLI and app): about 4 s of one core and 120 MB
#: here (docs/PERFORMANCE.md).
MAX_RUNS = RUNS.high


@dataclass(frozen=True)
class Results:
    """Per-history results of one run; every array has one entry per history (in index order)."""

    params: Params
    seed: int
    outcome: npt.NDArray[np.int8]
    resolved_step: npt.NDArray[np.int16]  # -1 if unresolved
    concessions: npt.NDArray[np.uint8]  # bits of sim.world.CONCESSIONS
    peak_escalation: npt.NDArray[np.int16]
    incidents: npt.NDArray[np.int16]
    incidents_week: npt.NDArray[np.int16]  # of 22–28 Oct, the week FACTS §7 counts
    turnback_step: npt.NDArray[np.int16]  # first Soviet ship turned back (-1: none)
    escalation_path: npt.NDArray[np.int8]  # (steps, histories)

    @property
    def runs(self) -> int:
        return int(self.outcome.shape[0])


def run_chunk(
    params: Params,
    seed: int,
    start: int,
    stop: int,
    controllers: Mapping[str, Controller] | None = None,
) -> Results:
    """Histories [start, stop) of the run (params, seed): one Mesa model, stepped to the end.
    `controllers` replace an agent's choices (a player's policy: `sim.play.run_policy`)."""
    # Imported here, not at the top: Mesa (with pandas and scipy) takes most of a second to
    # import, and the results types, `chunks` and `check_runs` are wanted without it (the CLI's
    # start-up, `import sim.ensemble` < 1 s: benchmarks/bench_cli.py).
    from sim.model import CrisisModel

    model = CrisisModel(
        params, seed=seed, start=start, stop=stop, controllers=dict(controllers or {})
    )
    model.run()
    wd = model.world
    return Results(
        params=params,
        seed=seed,
        outcome=wd.outcome,
        resolved_step=wd.resolved_step,
        concessions=wd.concessions,
        peak_escalation=wd.peak,
        incidents=wd.incidents,
        incidents_week=wd.incidents_week,
        turnback_step=wd.turnback_step,
        escalation_path=model.escalation_path,
    )


def chunks(runs: int, chunk: int = DEFAULT_CHUNK) -> Iterator[tuple[int, int]]:
    for start in range(0, runs, chunk):
        yield start, min(start + chunk, runs)


def combine(parts: Iterable[Results]) -> Results:
    """Concatenate chunk results in history order."""
    parts = list(parts)
    first = parts[0]
    if len(parts) == 1:
        return first

    def cat(name: str, axis: int = 0) -> npt.NDArray[np.generic]:
        return np.concatenate([getattr(p, name) for p in parts], axis=axis)

    return Results(
        params=first.params,
        seed=first.seed,
        outcome=cat("outcome"),  # type: ignore[arg-type]
        resolved_step=cat("resolved_step"),  # type: ignore[arg-type]
        concessions=cat("concessions"),  # type: ignore[arg-type]
        peak_escalation=cat("peak_escalation"),  # type: ignore[arg-type]
        incidents=cat("incidents"),  # type: ignore[arg-type]
        incidents_week=cat("incidents_week"),  # type: ignore[arg-type]
        turnback_step=cat("turnback_step"),  # type: ignore[arg-type]
        escalation_path=cat("escalation_path", axis=1),  # type: ignore[arg-type]
    )


def run(
    params: Params,
    runs: int,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """`runs` histories of the crisis under `params`. Same (params, runs, seed) ⇒ same Results.

    `executor` (e.g. a ProcessPoolExecutor or a Dask `Client`, which has the same `submit`)
    spreads chunks over workers; `progress` is called with the number of histories finished.
    """
    check_runs(runs)
    spans = list(chunks(runs, chunk))
    if executor is None:
        parts = []
        for start, stop in spans:
            parts.append(run_chunk(params, seed, start, stop))
            if progress:
                progress(stop - start)
        return combine(parts)
    futures = [executor.submit(run_chunk, params, seed, start, stop) for start, stop in spans]
    results = []
    for future, (start, stop) in zip(futures, spans, strict=False):
        results.append(future.result())
        if progress:
            progress(stop - start)
    return combine(results)


def check_runs(runs: int) -> None:
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer):
        raise ValueError(f"runs = {runs!r} must be a whole number from 1 to {MAX_RUNS:,}")
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs = {runs} is out of range: allowed 1 to {MAX_RUNS:,}")


@dataclass(frozen=True)
class Paired:
    """A counterfactual and its baseline on common random numbers (same seed, same histories)."""

    scenario: Results
    baseline: Results


def run_paired(
    scenario: Params,
    baseline: Params,
    runs: int,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Paired:
    """`runs` histories under `scenario` and the same histories under `baseline` (one run if the
    two are equal). `executor` and `progress` as for `run`: `progress` hears of the histories
    finished on either side, so it counts to 2 × runs, or to runs when the two are equal."""
    base = run(baseline, runs, seed, chunk, executor, progress)
    if scenario == baseline:
        return Paired(base, base)
    return Paired(run(scenario, runs, seed, chunk, executor, progress), base)


N_STEPS = calendar.N_STEPS
