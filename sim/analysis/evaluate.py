"""Outcome counts at many parameter points, on any backend, with common random numbers.

Every point runs histories 0..runs-1 with the same seed, so two points differ only by their
parameters (common random numbers), and a point's counts are the same whatever the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from sim.analysis.backends import Backend, Counts, InProcess, Task, TaskFunction, outcome_counts
from sim.ensemble import DEFAULT_CHUNK, chunks
from sim.limits import ANALYSIS_HISTORIES, runs_error, seed_error
from sim.outcomes import OUTCOMES
from sim.params import Params

#: The most histories one sweep, sensitivity analysis or discovery may run (points × runs).
MAX_HISTORIES = ANALYSIS_HISTORIES


class AnalysisError(ValueError):
    """Bad input to an analysis: one line naming the option, the value and what is allowed."""


def check_seed(seed: int) -> None:
    """--seed within `sim.limits.SEED`, the one seed range of every entry point."""
    problem = seed_error(seed, field="--seed")
    if problem:
        raise AnalysisError(problem)


def check_work(points: int, runs: int, what: str = "points") -> None:
    """Refuse runs out of range, and more than MAX_HISTORIES histories in all."""
    problem = runs_error(runs, field="--runs")
    if problem:
        raise AnalysisError(problem)
    if points * runs > MAX_HISTORIES:
        raise AnalysisError(
            f"{points:,} {what} × {runs:,} runs = {points * runs:,} histories is over the cap of "
            f"{MAX_HISTORIES:,}: use fewer {what} or fewer --runs"
        )


def evaluate(
    points: Sequence[Params],
    runs: int,
    seed: int,
    backend: Backend | None = None,
    *,
    chunk: int = DEFAULT_CHUNK,
    on_point: Callable[[int, Counts], None] | None = None,
    progress: Callable[[int], None] | None = None,
    fn: TaskFunction = outcome_counts,
) -> npt.NDArray[np.int64]:
    """Outcome counts, shape (len(points), len(OUTCOMES)), of `runs` histories at each point.

    `on_point(i, counts)` is called as soon as point i is complete (in completion order);
    `progress(n)` after every task with the number of histories it ran.
    """
    check_seed(seed)
    check_work(len(points), runs)
    backend = backend or InProcess()
    spans = list(chunks(runs, chunk))
    tasks: list[Task] = [(p, seed, start, stop) for p in points for start, stop in spans]
    totals = np.zeros((len(points), len(OUTCOMES)), dtype=np.int64)
    remaining = [len(spans)] * len(points)
    for index, counts in backend.imap_unordered(fn, tasks):
        point = index // len(spans)
        totals[point] += counts
        remaining[point] -= 1
        if progress is not None:
            start, stop = spans[index % len(spans)]
            progress(stop - start)
        if remaining[point] == 0 and on_point is not None:
            on_point(point, totals[point].copy())
    return totals


def shares(counts: npt.NDArray[np.int64], outcome: str) -> npt.NDArray[np.float64]:
    """The share of histories ending in `outcome` at each point."""
    column = OUTCOMES.index(outcome)
    total = counts.sum(axis=1)
    return counts[:, column] / np.maximum(total, 1)
