"""Global sensitivity analysis with SALib: which parameters move an outcome's share most?

Morris (elementary effects: mu_star, the mean absolute effect of moving one parameter across its
range, with a bootstrap confidence interval) screens many parameters cheaply. Sobol (variance
decomposition: S1, the share of the output's variance due to a parameter alone, and ST, including
its interactions) costs more and says more. The model output at each sample point is the share of
histories ending in the chosen outcome, from `runs` histories with the same seed at every point
(common random numbers), so differences between points are the parameters, not luck.
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
from sim.analysis.space import listing, outcome_phrase, points, problem
from sim.limits import SENSITIVITY_DEFAULT_SAMPLES
from sim.params import Params, ParamSpec

METHODS = ("morris", "sobol")
#: Index used to rank parameters, and its confidence half-width, per method.
RANK_KEY = {"morris": ("mu_star", "mu_star_conf"), "sobol": ("ST", "ST_conf")}
MORRIS_LEVELS = 4
BOOTSTRAP_RESAMPLES = 1000
#: Below these sample sizes indices are too unstable to trust (warned, not refused).
STABLE_SAMPLES = {"morris": 10, "sobol": 512}
MAX_SAMPLES = {"morris": 1000, "sobol": 65_536}
DEFAULT_SAMPLES = SENSITIVITY_DEFAULT_SAMPLES
#: An index below this fraction of the largest one "hardly matters".
NEGLIGIBLE = 0.05

Model = Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]


@dataclass(frozen=True)
class Index:
    """One parameter's sensitivity indices (dict keys as SALib names them)."""

    name: str
    label: str
    values: dict[str, float]

    def rank_value(self, method: str) -> float:
        return self.values[RANK_KEY[method][0]]

    def rank_conf(self, method: str) -> float:
        return self.values[RANK_KEY[method][1]]


@dataclass(frozen=True)
class Sensitivity:
    method: str
    outcome: str
    samples: int
    runs: int
    seed: int
    evaluations: int
    indices: tuple[Index, ...]  # ranked, most influential first
    output_mean: float
    output_range: tuple[float, float]
    warnings: tuple[str, ...]
    summary: str

    def as_json(self, scenario: str) -> dict[str, Any]:
        return {
            "scenario": scenario,
            "method": self.method,
            "output": self.outcome,
            "samples": self.samples,
            "runs": self.runs,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "histories": self.evaluations * self.runs,
            "output_mean": round(self.output_mean, 6),
            "output_range": [round(x, 6) for x in self.output_range],
            "ranked_by": RANK_KEY[self.method][0],
            "indices": {
                ix.name: {k: _round(v) for k, v in ix.values.items()} | {"label": ix.label}
                for ix in self.indices
            },
            "summary": self.summary,
            "warnings": list(self.warnings),
        }


def _round(x: float) -> float | None:
    return None if not math.isfinite(x) else round(x, 6)


def check_method(method: str) -> str:
    name = method.strip().lower()
    if name not in METHODS:
        raise AnalysisError(f"--method {method!r} is not allowed: use morris or sobol")
    return name


def check_samples(method: str, samples: int) -> None:
    top = MAX_SAMPLES[method]
    if not 1 <= samples <= top:
        raise AnalysisError(
            f"--samples {samples} is out of range for {method}: allowed 1 to {top:,}"
        )
    if method == "sobol" and samples & (samples - 1):
        below = 1 << (samples.bit_length() - 1)
        raise AnalysisError(
            f"--samples {samples}: Sobol needs a power of two (e.g. {below} or {below * 2})"
        )
    if method == "morris" and samples < 2:
        raise AnalysisError(
            "--samples 1: Morris needs at least 2 trajectories (10 or more is usual)"
        )


def evaluations(method: str, samples: int, n_params: int) -> int:
    """Model evaluations SALib's design needs: Morris N(p+1); Sobol (first and total) N(p+2)."""
    return samples * (n_params + (1 if method == "morris" else 2))


def design(method: str, prob: dict[str, Any], samples: int, seed: int) -> npt.NDArray[np.float64]:
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method == "morris":
        x = morris_sample.sample(prob, samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        x = sobol_sample.sample(prob, samples, calc_second_order=False, seed=seed)
    return np.asarray(x, dtype=np.float64)


def indices(
    method: str,
    prob: dict[str, Any],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    seed: int,
) -> dict[str, npt.NDArray[np.float64]]:
    """SALib's analysis of outputs `y` at design `x`: arrays by index name, one entry per var."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    p = prob["num_vars"]
    if float(np.ptp(y)) == 0.0:  # a constant output: nothing moves it (SALib would divide by 0)
        keys = (
            ("mu", "mu_star", "sigma", "mu_star_conf")
            if method == "morris"
            else ("S1", "S1_conf", "ST", "ST_conf")
        )
        return {k: np.zeros(p) for k in keys}
    if method == "morris":
        res = morris_analyze.analyze(
            prob,
            x,
            y,
            num_resamples=BOOTSTRAP_RESAMPLES,
            conf_level=0.95,
            num_levels=MORRIS_LEVELS,
            seed=seed,
        )
        keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    else:
        res = sobol_analyze.analyze(
            prob,
            y,
            calc_second_order=False,
            num_resamples=BOOTSTRAP_RESAMPLES,
            conf_level=0.95,
            seed=seed,
        )
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    return {k: np.asarray(res[k], dtype=np.float64) for k in keys}


def analyse(
    method: str, prob: dict[str, Any], samples: int, seed: int, model: Model
) -> tuple[dict[str, npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    """Sample, run `model` on the design, analyse: (indices, outputs). Any vectorised model."""
    method = check_method(method)
    check_samples(method, samples)
    x = design(method, prob, samples, seed)
    y = np.asarray(model(x), dtype=np.float64)
    return indices(method, prob, x, y, seed), y


def ranking_sentence(method: str, outcome: str, ranked: Sequence[Index]) -> str:
    """'What moves the share ... most: A, then B; C hardly matters.' Honest about noise."""
    what = outcome_phrase(outcome)
    top = max((ix.rank_value(method) for ix in ranked), default=0.0)
    if not math.isfinite(top) or top <= 0:
        return f"Nothing moves {what} in this sample: it came out the same at every point."
    clear = [ix for ix in ranked if ix.rank_value(method) - ix.rank_conf(method) > 0]
    clear = [ix for ix in clear if ix.rank_value(method) >= NEGLIGIBLE * top]
    weak = [ix.label for ix in ranked if ix.rank_value(method) < NEGLIGIBLE * top]
    if not clear:
        return (
            f"No parameter clearly moves {what} at this sample size: every index's confidence "
            "interval reaches zero; raise --samples or --runs."
        )
    lead = [ix.label for ix in clear[:3]]
    text = f"What moves {what} most: {lead[0]}"
    if len(lead) > 1:
        text += ", then " + ", then ".join(lead[1:])
    if weak:
        shown = weak[-3:] if len(weak) > 3 else weak
        verb = "hardly matters" if len(shown) == 1 else "hardly matter"
        text += f"; {listing(shown)} {verb}"
    return text + "."


def _warnings(
    method: str,
    samples: int,
    n_params: int,
    runs: int,
    ranked: Sequence[Index],
    y: npt.NDArray[np.float64],
) -> list[str]:
    out = []
    n_eval = evaluations(method, samples, n_params)
    if samples < STABLE_SAMPLES[method]:
        if method == "sobol":
            out.append(
                f"only {samples} Sobol base samples ({n_eval:,} model evaluations = "
                f"{samples} × ({n_params} + 2)); indices are usually stable from about "
                f"{STABLE_SAMPLES['sobol']} base samples ({evaluations('sobol', 512, n_params):,} "
                "evaluations)"
            )
        else:
            out.append(
                f"only {samples} Morris trajectories ({n_eval:,} model evaluations); rankings are "
                f"usually stable from about {STABLE_SAMPLES['morris']}"
            )
    wide = [ix.label for ix in ranked if ix.rank_conf(method) > abs(ix.rank_value(method))]
    if wide:
        key = RANK_KEY[method][0]
        whose = "its value" if len(wide) == 1 else "their values"
        out.append(
            f"the 95% interval is wider than {key} itself for {listing(wide)}: {whose} "
            "cannot be told apart from zero; raise --samples or --runs"
        )
    if float(np.ptp(y)) == 0.0:
        out.append(f"the outcome's share was {y[0]:.1%} at every point of {runs:,} histories")
    return out


def rank(
    method: str, specs: Sequence[ParamSpec], raw: dict[str, npt.NDArray[np.float64]]
) -> tuple[Index, ...]:
    found = [
        Index(s.name, s.label, {k: float(v[j]) for k, v in raw.items()})
        for j, s in enumerate(specs)
    ]
    key = RANK_KEY[method][0]
    return tuple(sorted(found, key=lambda ix: (-_finite(ix.values[key]), ix.name)))


def _finite(x: float) -> float:
    return x if math.isfinite(x) else -math.inf


def sensitivity(
    base: Params,
    method: str,
    outcome: str,
    specs: Sequence[ParamSpec],
    samples: int,
    runs: int,
    seed: int,
    backend: Backend | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """Sensitivity of `outcome`'s share to the float parameters `specs` around `base`."""
    method = check_method(method)
    check_samples(method, samples)
    check_seed(seed)
    check_work(evaluations(method, samples, len(specs)), runs, "model evaluations")
    x = design(method, problem(specs), samples, seed)
    counts = evaluate(points(base, specs, x), runs, seed, backend, progress=progress)
    return summarise(method, outcome, specs, samples, runs, seed, x, shares(counts, outcome))


def summarise(
    method: str,
    outcome: str,
    specs: Sequence[ParamSpec],
    samples: int,
    runs: int,
    seed: int,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
) -> Sensitivity:
    """Indices, ranking, warnings and the sentence, from outputs `y` at the design `x`."""
    ranked = rank(method, specs, indices(method, problem(specs), x, y, seed))
    return Sensitivity(
        method=method,
        outcome=outcome,
        samples=samples,
        runs=runs,
        seed=seed,
        evaluations=int(y.size),
        indices=ranked,
        output_mean=float(y.mean()),
        output_range=(float(y.min()), float(y.max())),
        warnings=tuple(_warnings(method, samples, len(specs), runs, ranked, y)),
        summary=ranking_sentence(method, outcome, ranked),
    )
