"""The summary API the CLI and the web app share: shares with intervals, paired differences,
escalation percentiles by date, resolution dates, concessions and British influence.

Everything returns plain numbers (or numpy arrays) computed once from `Results`; nothing here runs
the model.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim import calendar
from sim.ensemble import Paired, Results
from sim.outcomes import LABELS, NEGOTIATED, OUTCOMES, WAR_OUTCOMES
from sim.params import Params, format_value
from sim.world import CONCESSION_BIT, CONCESSIONS, LADDER

Z95 = 1.959963984540054
FAN_PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Share:
    """A proportion (or a difference of proportions) with its 95% interval."""

    share: float
    lo: float
    hi: float

    def as_json(self) -> dict[str, Any]:
        return {"share": round(self.share, 6), "ci95": [round(self.lo, 6), round(self.hi, 6)]}


def wilson(k: int, n: int) -> Share:
    """Wilson score interval: honest near 0 and 1, where rare outcomes like nuclear war live."""
    if n == 0:
        return Share(0.0, 0.0, 1.0)
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return Share(p, max(0.0, centre - half), min(1.0, centre + half))


def outcome_shares(r: Results) -> dict[str, Share]:
    counts = np.bincount(r.outcome, minlength=len(OUTCOMES))
    return {name: wilson(int(counts[i]), r.runs) for i, name in enumerate(OUTCOMES)}


def war_share(r: Results) -> Share:
    war = np.isin(r.outcome, [OUTCOMES.index(o) for o in WAR_OUTCOMES])
    return wilson(int(war.sum()), r.runs)


def _paired(d: npt.NDArray[np.float64]) -> Share:
    """Mean of per-history differences with a normal interval (paired: baseline noise cancels)."""
    n = d.size
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n)
    return Share(mean, mean - half, mean + half)


def paired_difference(p: Paired) -> dict[str, Share]:
    """Scenario minus baseline, per outcome, on the same histories (common random numbers)."""
    s, b = p.scenario.outcome, p.baseline.outcome
    return {
        name: _paired((s == i).astype(np.float64) - (b == i).astype(np.float64))
        for i, name in enumerate(OUTCOMES)
    }


def influence(p: Paired) -> Share:
    """Share of paired histories whose outcome differs from the baseline history's."""
    changed = p.scenario.outcome != p.baseline.outcome
    return wilson(int(changed.sum()), p.scenario.runs)


def concession_shares(r: Results) -> dict[str, Share]:
    """Among negotiated withdrawals: how often each concession was part of the deal."""
    deals = r.concessions[r.outcome == NEGOTIATED]
    return {
        c: wilson(int(((deals & CONCESSION_BIT[c]) > 0).sum()), deals.size) for c in CONCESSIONS
    }


def escalation_fan(r: Results) -> npt.NDArray[np.float64]:
    """Percentiles (FAN_PERCENTILES) of the escalation rung at each step: shape (5, steps).

    Rungs are 0..6, so a per-step histogram gives exact percentiles cheaply (no sort of N values).
    """
    path = r.escalation_path
    steps = path.shape[0]
    counts = np.zeros((steps, len(LADDER)), dtype=np.int64)
    for rung in range(len(LADDER)):
        counts[:, rung] = (path == rung).sum(axis=1)
    cdf = np.cumsum(counts, axis=1) / max(r.runs, 1)
    fan = np.empty((len(FAN_PERCENTILES), steps))
    for i, q in enumerate(FAN_PERCENTILES):
        fan[i] = (cdf < q / 100.0).sum(axis=1)
    return fan


def step_dates() -> list[dt.datetime]:
    return [calendar.step_time(s) for s in range(calendar.N_STEPS)]


def resolution_days(r: Results) -> dict[str, npt.NDArray[np.int64]]:
    """Histories resolved on each calendar day (Washington), per outcome; index 0 = 16 Oct."""
    days = calendar.N_STEPS * calendar.STEP_HOURS // 24 + 1
    out: dict[str, npt.NDArray[np.int64]] = {}
    resolved = r.resolved_step >= 0
    day = (r.resolved_step.astype(np.int64) * calendar.STEP_HOURS + 12) // 24  # starts at noon
    for i, name in enumerate(OUTCOMES):
        rows = resolved & (r.outcome == i)
        out[name] = np.bincount(day[rows], minlength=days)[:days]
    return out


def day_date(day: int) -> dt.date:
    return (calendar.START + dt.timedelta(days=day)).date()


def median_resolution(r: Results, outcome: str = "negotiated_withdrawal") -> dt.datetime | None:
    steps = r.resolved_step[(r.outcome == OUTCOMES.index(outcome)) & (r.resolved_step >= 0)]
    if steps.size == 0:
        return None
    return calendar.step_time(int(np.median(steps)))


def peak_distribution(r: Results) -> dict[str, float]:
    counts = np.bincount(r.peak_escalation, minlength=len(LADDER))
    return {rung: float(c) / r.runs for rung, c in zip(LADDER, counts, strict=False)}


def as_json(r: Results, scenario: str) -> dict[str, Any]:
    """The stable JSON document of `cuba62 run` (documented in README)."""
    med = median_resolution(r)
    return {
        "scenario": scenario,
        "runs": r.runs,
        "seed": r.seed,
        "parameters": r.params.as_text(),
        "outcomes": {k: v.as_json() for k, v in outcome_shares(r).items()},
        "concessions": {k: v.as_json() for k, v in concession_shares(r).items()},
        "median_resolution": None if med is None else med.strftime("%Y-%m-%d %H:%M"),
        "peak_escalation": {k: round(v, 6) for k, v in peak_distribution(r).items()},
        "mean_incidents": round(float(r.incidents.mean()), 6),
    }


def compare_json(p: Paired, scenario: str, baseline: str) -> dict[str, Any]:
    """The stable JSON document of `cuba62 compare`: scenario, baseline, paired difference."""
    doc = as_json(p.scenario, scenario)
    doc["baseline"] = as_json(p.baseline, baseline)
    doc["difference"] = {k: v.as_json() for k, v in paired_difference(p).items()}
    doc["influence"] = influence(p).as_json()
    doc["what_changed"] = what_changed(p, scenario, baseline)
    return doc


def points(x: float) -> str:
    """A difference of shares in percentage points, signed: '+4.1 points'."""
    return f"{x * 100:+.1f} points"


def what_changed(p: Paired, scenario: str = "the scenario", baseline: str = "the baseline") -> str:
    """A plain-English paragraph on what moved most, honest about noise."""
    diff = paired_difference(p)
    base = outcome_shares(p.baseline)
    scen = outcome_shares(p.scenario)
    ranked = sorted(diff.items(), key=lambda kv: abs(kv[1].share), reverse=True)
    clear = [(k, d) for k, d in ranked if d.lo > 0 or d.hi < 0]
    if not clear:
        return (
            f"Across {p.scenario.runs:,} paired histories, {scenario} changes no outcome share "
            f"by more than chance would: every difference from {baseline} has an interval that "
            "includes zero. "
            f"{influence(p).share:.1%} of histories end differently."
        )
    parts = []
    for name, d in clear[:3]:
        parts.append(
            f"{LABELS[name].lower()} {'rises' if d.share > 0 else 'falls'} from "
            f"{base[name].share:.1%} to {scen[name].share:.1%} ({points(d.share)}, 95% interval "
            f"{points(d.lo)} to {points(d.hi)})"
        )
    text = f"Compared with {baseline} on the same {p.scenario.runs:,} histories, " + "; ".join(
        parts
    )
    text += f". {influence(p).share:.1%} of histories end differently."
    ms, mb = median_resolution(p.scenario), median_resolution(p.baseline)
    if ms and mb and ms != mb:
        text += (
            f" Negotiated settlements come {'later' if ms > mb else 'earlier'}: median "
            f"{calendar.fmt(ms)} instead of {calendar.fmt(mb)} (Washington time)."
        )
    return text


def parameters_text(params: Params) -> dict[str, str]:
    return {k: format_value(v) for k, v in params.items()}
