"""The parameter space an analysis explores, built from the one schema in `sim.params`.

Sensitivity analysis and scenario discovery vary the number ("float") parameters between their
schema minimum and maximum; every other parameter keeps the scenario's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.analysis.evaluate import AnalysisError
from sim.outcomes import LABELS, OUTCOMES
from sim.params import SCHEMA, ParameterError, Params, ParamSpec, spec, unknown_name_message


def float_specs(names: Sequence[str] | None = None) -> list[ParamSpec]:
    """The float parameters to vary: all of them (schema order) or the named ones (as given)."""
    if not names:
        return [s for s in SCHEMA if s.kind == "float"]
    chosen: list[ParamSpec] = []
    for raw in names:
        name = raw.strip()
        try:
            s = spec(name)
        except ParameterError as error:
            raise AnalysisError(f"--params: {error}") from None
        if s.kind != "float":
            numbers = ", ".join(x.name for x in SCHEMA if x.kind == "float")
            raise AnalysisError(
                f"--params: {name} is {s.allowed()}, not a number range; only number "
                f"parameters can be varied here: {numbers}"
            )
        if s in chosen:
            raise AnalysisError(f"--params: {name} is given twice; give each parameter once")
        chosen.append(s)
    if len(chosen) < 2:
        raise AnalysisError("--params: give at least two parameters to compare, e.g. a,b")
    return chosen


def parse_names(text: str | None) -> list[str] | None:
    """'a,b,c' from the command line (None or empty: all float parameters)."""
    if text is None or not text.strip():
        return None
    return [part for part in (p.strip() for p in text.split(",")) if part]


def problem(specs: Sequence[ParamSpec]) -> dict[str, Any]:
    """A SALib problem dictionary over these parameters' schema ranges."""
    return {
        "num_vars": len(specs),
        "names": [s.name for s in specs],
        "bounds": [[float(s.minimum or 0.0), float(s.maximum or 0.0)] for s in specs],
    }


def points(base: Params, specs: Sequence[ParamSpec], x: npt.NDArray[np.float64]) -> list[Params]:
    """One validated parameter set per row of `x` (columns in the order of `specs`)."""
    lo = np.array([s.minimum for s in specs], dtype=np.float64)
    hi = np.array([s.maximum for s in specs], dtype=np.float64)
    x = np.clip(x, lo, hi)  # guard against rounding just past a bound
    return [
        base.with_overrides({s.name: float(v) for s, v in zip(specs, row, strict=True)})
        for row in x
    ]


def check_outcome(outcome: str) -> str:
    name = outcome.strip()
    if name not in OUTCOMES:
        message = unknown_name_message(name, list(OUTCOMES), "outcome")
        raise AnalysisError(f"--output: {message}; use one of: {', '.join(OUTCOMES)}")
    return name


def outcome_phrase(outcome: str) -> str:
    """'Nuclear weapons used' -> "the share of histories ending in 'Nuclear weapons used'"."""
    return f"the share of histories ending in '{LABELS[outcome]}'"


def listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
