"""Scenario discovery: "when does X happen?", answered as a box of parameter ranges (PRIM).

Sample the number parameters with a Latin hypercube, compute the outcome's share at each point,
mark the points where it exceeds a threshold, then peel the parameter space with PRIM (Friedman &
Fisher 1999, as in the EMA Workbench): repeatedly cut off the thin slice (5% of the points left)
whose removal most raises the share of marked points inside the box. The chosen box is stated as
rules a student can read, with

- coverage: of all marked points, the share that lie inside the box (how much of "when" it explains)
- density: of the points inside the box, the share that are marked (how reliable the rule is).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis.backends import Backend
from sim.analysis.evaluate import AnalysisError, check_seed, check_work, evaluate, shares
from sim.analysis.space import listing, points, problem
from sim.limits import DISCOVER_DEFAULT_MIN_COVERAGE, DISCOVER_SAMPLES
from sim.outcomes import LABELS
from sim.params import Params, ParamSpec

PEEL_ALPHA = 0.05
MIN_MASS = 0.05
DEFAULT_MIN_COVERAGE = DISCOVER_DEFAULT_MIN_COVERAGE
#: Drop a limit from the box if that lowers its density by at most this much (5 points)...
PRUNE_TOLERANCE = 0.05
#: ...and never state more than this many parameters' limits.
MAX_RULES = 4
MAX_POINTS = DISCOVER_SAMPLES.high


@dataclass(frozen=True)
class Box:
    """Limits per restricted parameter (None: unrestricted on that side) and the box's quality."""

    limits: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    mass: float  # share of all sampled points inside the box
    inside: int


@dataclass(frozen=True)
class Discovery:
    outcome: str
    threshold: float
    samples: int
    runs: int
    seed: int
    names: tuple[str, ...]
    x: npt.NDArray[np.float64]
    share: npt.NDArray[np.float64]
    box: Box | None
    base_rate: float  # share of points above the threshold
    rules: str

    def as_json(self, scenario: str) -> dict[str, Any]:
        box = None
        if self.box is not None:
            box = {
                "limits": {
                    k: {"above": _r6(lo), "below": _r6(hi)}
                    for k, (lo, hi) in self.box.limits.items()
                },
                "coverage": round(self.box.coverage, 6),
                "density": round(self.box.density, 6),
                "mass": round(self.box.mass, 6),
                "points_inside": self.box.inside,
            }
        return {
            "scenario": scenario,
            "output": self.outcome,
            "threshold": self.threshold,
            "samples": self.samples,
            "runs": self.runs,
            "seed": self.seed,
            "parameters": list(self.names),
            "points_above": int((self.share > self.threshold).sum()),
            "base_rate": round(self.base_rate, 6),
            "box": box,
            "rules": self.rules,
        }


def _r6(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def parse_threshold(text: str) -> float:
    """'0.02' or '2%' → 0.02; allowed 0 ≤ t < 1."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0.0 <= value < 1.0:
        raise AnalysisError(
            f"--threshold {text!r} is not allowed: use a share from 0 to below 1, e.g. 0.02 or 2%"
        )
    return value


def _box_stats(inside: npt.NDArray[np.bool_], y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    n_in = int(inside.sum())
    hits = int((inside & y).sum())
    total = int(y.sum())
    return (hits / total if total else 0.0), (hits / n_in if n_in else 0.0)


def prim(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
    alpha: float = PEEL_ALPHA,
    min_mass: float = MIN_MASS,
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]]:
    """PRIM peeling trajectory: (lower limits, upper limits, inside mask) from the full box on.

    Each step removes, from one side of one dimension, the points below the alpha quantile (or
    above the 1-alpha quantile) of those still inside, choosing the cut that leaves the highest
    density; peeling stops when the box would hold fewer than `min_mass` of all points.
    """
    n, d = x.shape
    lo = np.full(d, -np.inf)
    hi = np.full(d, np.inf)
    inside = np.ones(n, dtype=bool)
    trajectory = [(lo.copy(), hi.copy(), inside.copy())]
    floor = max(1, math.ceil(min_mass * n))
    while True:
        best: tuple[float, int, int, float, npt.NDArray[np.bool_]] | None = None
        for j in range(d):
            column = x[inside, j]
            for side in (0, 1):
                cut = float(np.quantile(column, alpha if side == 0 else 1 - alpha))
                keep = inside & (x[:, j] > cut if side == 0 else x[:, j] < cut)
                kept = int(keep.sum())
                if kept < floor or kept == int(inside.sum()):
                    continue
                density = float(y[keep].mean())
                candidate = (density, kept, -(2 * j + side), cut, keep)
                if best is None or candidate[:3] > best[:3]:
                    best = candidate
        if best is None:
            return trajectory
        _, _, code, cut, keep = best
        j, side = divmod(-code, 2)
        if side == 0:
            lo[j] = cut
        else:
            hi[j] = cut
        inside = keep
        trajectory.append((lo.copy(), hi.copy(), inside.copy()))


def choose_box(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], min_coverage: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The densest box on the PRIM trajectory that keeps at least `min_coverage`, then pruned."""
    trajectory = prim(x, y)
    best_lo, best_hi, best_in = trajectory[0]
    best_density = _box_stats(best_in, y)[1]
    for lo, hi, inside in trajectory[1:]:
        coverage, density = _box_stats(inside, y)
        if coverage >= min_coverage and density > best_density:
            best_lo, best_hi, best_density = lo, hi, density
    return prune(x, y, best_lo.copy(), best_hi.copy())


def prune(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
    lo: npt.NDArray[np.float64],
    hi: npt.NDArray[np.float64],
    tolerance: float = PRUNE_TOLERANCE,
    max_rules: int = MAX_RULES,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Drop limits that do not earn their place, cheapest first: while dropping one costs at most
    `tolerance` of the box's density (measured from the unpruned box, so losses cannot add up
    unnoticed), or while more than `max_rules` parameters are restricted. Fewer, broader rules
    are easier to read and less likely to describe noise in a small sample."""
    target = _box_stats(_inside(x, lo, hi), y)[1] - tolerance
    while True:
        limits = [
            (j, side)
            for j in range(x.shape[1])
            for side, b in ((0, lo), (1, hi))
            if math.isfinite(b[j])
        ]
        if not limits:
            return lo, hi
        options = []
        for j, side in limits:
            lo2, hi2 = lo.copy(), hi.copy()
            if side == 0:
                lo2[j] = -np.inf
            else:
                hi2[j] = np.inf
            coverage, density = _box_stats(_inside(x, lo2, hi2), y)
            options.append((density, coverage, -j, -side, lo2, hi2))
        density, _, _, _, lo2, hi2 = max(options, key=lambda o: o[:4])
        restricted = int((np.isfinite(lo) | np.isfinite(hi)).sum())
        if density >= target or restricted > max_rules:
            lo, hi = lo2, hi2
        else:
            return lo, hi


def _inside(
    x: npt.NDArray[np.float64], lo: npt.NDArray[np.float64], hi: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    result: npt.NDArray[np.bool_] = np.all((x > lo) & (x < hi), axis=1)
    return result


def _decimals(s: ParamSpec) -> int:
    span = float((s.maximum or 0.0) - (s.minimum or 0.0)) or 1.0
    return max(0, 2 - math.floor(math.log10(span)))


def _fmt(s: ParamSpec, value: float) -> str:
    text = f"{value:.{_decimals(s)}f}"
    return f"{text} {s.unit}" if s.unit in ("hours",) else text


def _pct(x: float) -> str:
    return f"{x:.0%}" if x >= 0.1 or x == 0 else f"{x:.1%}"


def rules_text(
    outcome: str,
    threshold: float,
    specs: Sequence[ParamSpec],
    box: Box | None,
    base_rate: float,
    n_points: int,
    top: float,
) -> str:
    """The discovered box in words, with coverage and density stated."""
    what = f"'{LABELS[outcome]}' share above {_pct(threshold)}"
    if top == 0.0:
        return (
            f"No sampled history ended in '{LABELS[outcome]}' at any of the {n_points:,} points: "
            "there is nothing to explain in this part of the parameter space."
        )
    if base_rate == 0.0:
        return (
            f"No sampled point had a {what}: the highest share at any of the {n_points:,} "
            f"points was {_pct(top)}. Try a lower --threshold."
        )
    if base_rate == 1.0:
        return (
            f"Every one of the {n_points:,} sampled points had a {what}: try a higher --threshold."
        )
    assert box is not None
    if not box.limits:
        return (
            f"{_pct(base_rate)} of sampled points had a {what}, with no simple region of the "
            "parameters where it is much more common: it can happen almost anywhere in this space."
        )
    labels = {s.name: s for s in specs}
    parts = []
    for name, (lo, hi) in box.limits.items():
        s = labels[name]
        if lo is not None and hi is not None:
            parts.append(f"{s.label} is between {_fmt(s, lo)} and {_fmt(s, hi)}")
        elif lo is not None:
            parts.append(f"{s.label} > {_fmt(s, lo)}")
        elif hi is not None:
            parts.append(f"{s.label} < {_fmt(s, hi)}")
    return (
        f"{LABELS[outcome]} share above {_pct(threshold)} when {listing(parts)}. "
        f"In that region {_pct(box.density)} of sampled points are above {_pct(threshold)} "
        f"(density; {_pct(base_rate)} across the whole space), and the region holds "
        f"{_pct(box.coverage)} of all such points (coverage)."
    )


def find_box(
    specs: Sequence[ParamSpec],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
    min_coverage: float = DEFAULT_MIN_COVERAGE,
) -> Box | None:
    if not y.any() or y.all():
        return None
    lo, hi = choose_box(x, y, min_coverage)
    inside = _inside(x, lo, hi)
    coverage, density = _box_stats(inside, y)
    limits: dict[str, tuple[float | None, float | None]] = {}
    for j, s in enumerate(specs):
        a = float(lo[j]) if math.isfinite(lo[j]) else None
        b = float(hi[j]) if math.isfinite(hi[j]) else None
        if a is not None or b is not None:
            limits[s.name] = (a, b)
    return Box(limits, coverage, density, float(inside.mean()), int(inside.sum()))


def check_samples(samples: int) -> None:
    problem = DISCOVER_SAMPLES.error(samples)
    if problem:
        raise AnalysisError(problem)


def latin_design(specs: Sequence[ParamSpec], samples: int, seed: int) -> npt.NDArray[np.float64]:
    """A Latin hypercube over the parameters' schema ranges (SALib), fixed by the seed."""
    from SALib.sample import latin

    return np.asarray(latin.sample(problem(specs), samples, seed=seed), dtype=np.float64)


def discover(
    base: Params,
    outcome: str,
    threshold: float,
    specs: Sequence[ParamSpec],
    samples: int,
    runs: int,
    seed: int,
    backend: Backend | None = None,
    progress: Callable[[int], None] | None = None,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
) -> Discovery:
    """Sample, simulate, label (share > threshold) and find the densest readable box."""
    check_samples(samples)
    check_seed(seed)
    check_work(samples, runs, "samples")
    check_coverage(min_coverage)
    x = latin_design(specs, samples, seed)
    counts = evaluate(points(base, specs, x), runs, seed, backend, progress=progress)
    share = shares(counts, outcome)
    return summarise(outcome, threshold, specs, runs, seed, x, share, min_coverage)


def check_coverage(min_coverage: float) -> None:
    if not 0.0 < min_coverage <= 1.0:
        raise AnalysisError(
            f"--min-coverage {min_coverage} is not allowed: use a share above 0 and at most 1"
        )


def summarise(
    outcome: str,
    threshold: float,
    specs: Sequence[ParamSpec],
    runs: int,
    seed: int,
    x: npt.NDArray[np.float64],
    share: npt.NDArray[np.float64],
    min_coverage: float = DEFAULT_MIN_COVERAGE,
) -> Discovery:
    """Label the points (share > threshold), find the box and put it in words."""
    y = share > threshold
    base_rate = float(y.mean())
    box = find_box(specs, x, y, min_coverage)
    n = int(share.size)
    return Discovery(
        outcome=outcome,
        threshold=threshold,
        samples=n,
        runs=runs,
        seed=seed,
        names=tuple(s.name for s in specs),
        x=x,
        share=share,
        box=box,
        base_rate=base_rate,
        rules=rules_text(outcome, threshold, specs, box, base_rate, n, float(share.max())),
    )
