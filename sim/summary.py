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
from sim.labels import CONCESSION_LABELS, CONCESSION_PHRASES
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


def _in_deal(r: Results, concession: str) -> npt.NDArray[np.bool_]:
    """Per history: the crisis ended in a negotiated withdrawal whose deal contains `concession`."""
    deal: npt.NDArray[np.bool_] = (r.outcome == NEGOTIATED) & (
        (r.concessions & CONCESSION_BIT[concession]) > 0
    )
    return deal


def deal_shares(r: Results) -> dict[str, Share]:
    """Share of *all* histories whose deal contains each concession (the denominator every
    history, unlike `concession_shares`, so that a scenario and its baseline can be paired)."""
    return {c: wilson(int(_in_deal(r, c).sum()), r.runs) for c in CONCESSIONS}


def paired_concession_difference(p: Paired) -> dict[str, Share]:
    """Scenario minus baseline, per concession, on the same histories: the change in the share of
    histories whose deal contains it. A deal that appears or disappears counts, so this moves
    when a what-if changes what is agreed, or whether anything is."""
    return {
        c: _paired(
            _in_deal(p.scenario, c).astype(np.float64) - _in_deal(p.baseline, c).astype(np.float64)
        )
        for c in CONCESSIONS
    }


def war_difference(p: Paired) -> Share:
    """Scenario minus baseline: paired change in the share of histories with any fighting."""
    war = [OUTCOMES.index(o) for o in WAR_OUTCOMES]
    s = np.isin(p.scenario.outcome, war).astype(np.float64)
    return _paired(s - np.isin(p.baseline.outcome, war).astype(np.float64))


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


def compare_json(p: Paired, scenario: str, baseline: str, lesson: str = "") -> dict[str, Any]:
    """The stable JSON document of `cuba62 compare`: scenario, baseline, paired difference."""
    doc = as_json(p.scenario, scenario)
    doc["baseline"] = as_json(p.baseline, baseline)
    doc["difference"] = {k: v.as_json() for k, v in paired_difference(p).items()}
    doc["any_war_difference"] = war_difference(p).as_json()
    doc["deal_shares"] = {k: v.as_json() for k, v in deal_shares(p.scenario).items()}
    doc["baseline_deal_shares"] = {k: v.as_json() for k, v in deal_shares(p.baseline).items()}
    doc["concession_difference"] = {
        k: v.as_json() for k, v in paired_concession_difference(p).items()
    }
    doc["influence"] = influence(p).as_json()
    doc["practically_unchanged"] = practically_unchanged(p)
    doc["lesson"] = lesson
    doc["what_changed"] = what_changed(p, scenario, baseline, lesson)
    return doc


#: Columns of `compare_rows`.
COMPARE_ROWS_HEADER: tuple[str, ...] = (
    "kind",
    "id",
    "label",
    "scenario",
    "scenario_lo",
    "scenario_hi",
    "baseline",
    "baseline_lo",
    "baseline_hi",
    "difference",
    "difference_lo",
    "difference_hi",
    "moves",
)


def compare_rows(p: Paired) -> list[tuple[str, ...]]:
    """The summary of a comparison as rows (`cuba62 compare --format csv-summary`): each outcome,
    any fighting ("any_war") and each concession, with the scenario's and the baseline's share of
    all histories and the paired difference, each with its 95% interval, as fractions (0.042 =
    4.2%); `moves` is "true" when the difference is practical (`moves`)."""
    scen, base, diff = outcome_shares(p.scenario), outcome_shares(p.baseline), paired_difference(p)
    items: list[tuple[str, str, str, Share, Share, Share]] = [
        ("outcome", o, LABELS[o], scen[o], base[o], diff[o]) for o in OUTCOMES
    ]
    war = (war_share(p.scenario), war_share(p.baseline), war_difference(p))
    items.append(("any_war", "any_war", "Any fighting", *war))
    ds, db, dc = deal_shares(p.scenario), deal_shares(p.baseline), paired_concession_difference(p)
    items += [
        ("concession", c, CONCESSION_LABELS.get(c, c), ds[c], db[c], dc[c]) for c in CONCESSIONS
    ]
    return [
        (
            kind,
            name,
            label,
            *(f"{x:.6f}" for s in (a, b, d) for x in (s.share, s.lo, s.hi)),
            "true" if moves(d) else "false",
        )
        for kind, name, label, a, b, d in items
    ]


# --- words ---------------------------------------------------------------------------------------

#: An outcome "moves" when its paired difference (the point estimate) is more than this, 0.5
#: percentage points, *and* its 95% interval excludes 0. A what-if where no outcome moves makes
#: "practically no change in outcomes". Both tests are needed: at 20,000 histories an interval is
#: about ±0.3 points wide, so a real 0.1-point change is "beyond chance" yet teaches nothing, and at
#: a few hundred histories a 1-point point estimate may be chance.
PRACTICAL = 0.005
#: Words kept capitalised inside a sentence (actors, places, acronyms).
_PROPER = frozenset(
    {
        "Soviet",
        "British",
        "Berlin",
        "West",
        "Moscow",
        "Washington",
        "London",
        "Cuba",
        "Turkey",
        "Jupiter",
        "Jupiters",
        "Thor",
        "Thors",
        "Kennedy",
        "Khrushchev",
        "Macmillan",
        "NATO",
    }
)


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: 'Nuclear exchange' -> 'nuclear exchange', but
    'US air strike' and 'Soviet climb-down' keep their capitals."""
    first = label.split(" ", 1)[0].strip("()")
    if not label or first in _PROPER or (len(first) > 1 and first.isupper()):
        return label
    return label[0].lower() + label[1:]


def percent(x: float) -> str:
    """A share as a percentage with enough digits to tell small numbers from zero."""
    value = x * 100
    if abs(value) < 1e-9:
        return "0.0%"
    if abs(value) < 0.1:
        return f"{value:.2f}%"
    return f"{value:.1f}%"


def signed(x: float) -> str:
    """A difference of shares in percentage points, signed: '+4.1', '-0.05', '0.0'."""
    value = x * 100
    if abs(value) < 1e-9:
        return "0.0"
    if abs(value) < 0.05:
        return f"{value:+.2f}"
    return f"{value:+.1f}"


def points(x: float) -> str:
    """A difference of shares in percentage points, signed: '+4.1 points', '-0.03 points'."""
    return f"{signed(x)} points"


def beyond_chance(d: Share) -> bool:
    """The 95% interval of a paired difference excludes 0."""
    return d.lo > 0 or d.hi < 0


def moves(d: Share) -> bool:
    """A practical change: more than `PRACTICAL` and beyond chance."""
    return abs(d.share) > PRACTICAL and beyond_chance(d)


def practically_unchanged(p: Paired) -> bool:
    """No outcome share moves (see `PRACTICAL`)."""
    return not any(moves(d) for d in paired_difference(p).values())


def measure_difference(p: Paired, measure: str) -> Share:
    """The paired difference of one measure: "any_war", an outcome id or a concession id (share
    of all histories whose deal contains it)."""
    if measure == "any_war":
        return war_difference(p)
    if measure in OUTCOMES:
        return paired_difference(p)[measure]
    return paired_concession_difference(p)[measure]


def direction_met(p: Paired, measure: str, direction: str) -> bool:
    """Whether the scenario side of `p` shows what a scenario's `expect` entry claims:
    "up"/"down" = interval wholly above/below 0; "none" = not `moves`; "most_common" = the
    measure (an outcome id) is the scenario's most common outcome."""
    if direction == "most_common":
        counts = np.bincount(p.scenario.outcome, minlength=len(OUTCOMES))
        return OUTCOMES[int(np.argmax(counts))] == measure
    d = measure_difference(p, measure)
    if direction == "up":
        return d.lo > 0
    if direction == "down":
        return d.hi < 0
    if direction == "none":
        return not moves(d)
    raise ValueError(f"unknown direction {direction!r}")


def _interval_points(d: Share) -> str:
    """'+4.1 points; 95% interval +3.8 to +4.4'."""
    return f"{points(d.share)}; 95% interval {points(d.lo)[:-7]} to {points(d.hi)[:-7]}"


def _outcome_change(name: str, before: Share, after: Share, d: Share) -> str:
    """'US air strike rises from 4.2% to 6.0% (...)', or 'stays at about 4.2%' when the rounded
    shares are equal or the change may be chance."""
    label = in_sentence(LABELS[name])
    a, b = percent(before.share), percent(after.share)
    if not beyond_chance(d) or a == b:
        return f"{label} stays at about {b} ({_interval_points(d)})"
    verb = "rises" if d.share > 0 else "falls"
    return f"{label} {verb} from {a} to {b} ({_interval_points(d)})"


def deal_changes(p: Paired, limit: int = 4) -> list[str]:
    """The concessions whose share of histories' deals moves (`moves`: more than 0.5 points and
    beyond chance), largest first, as phrases for a sentence."""
    diff = paired_concession_difference(p)
    before, after = deal_shares(p.baseline), deal_shares(p.scenario)
    ranked = sorted(diff.items(), key=lambda kv: abs(kv[1].share), reverse=True)
    return [
        f"{CONCESSION_PHRASES.get(c, c)} in {percent(after[c].share)} of histories instead of "
        f"{percent(before[c].share)} ({_interval_points(d)})"
        for c, d in ranked
        if moves(d)
    ][:limit]


def what_changed(
    p: Paired, scenario: str = "the scenario", baseline: str = "the baseline", lesson: str = ""
) -> str:
    """A plain-English paragraph on what moved most (outcomes, then the deal), honest about noise;
    when no outcome moves (`practically_unchanged`), it says so and gives the scenario's
    `lesson`."""
    runs = p.scenario.runs
    teaches = f" What this scenario teaches: {lesson}" if lesson else ""
    if p.scenario is p.baseline:
        return f"{scenario} is {baseline} itself, so nothing changes.{teaches}"
    diff = paired_difference(p)
    base = outcome_shares(p.baseline)
    scen = outcome_shares(p.scenario)
    ranked = sorted(diff.items(), key=lambda kv: abs(kv[1].share), reverse=True)
    moved = [(k, d) for k, d in ranked if moves(d)]
    deal = deal_changes(p)
    if not moved:
        text = (
            f"Compared with {baseline} on the same {runs:,} histories, {scenario} makes "
            "practically no change in outcomes: no outcome share moves by more than 0.5 points "
            "beyond chance"
        )
        widest = max(max(abs(d.lo), abs(d.hi)) for d in diff.values())
        if widest > PRACTICAL:
            text += (
                f" (at {runs:,} histories a change of up to {widest * 100:.1f} points cannot be "
                "ruled out; more histories narrow this)"
            )
        if deal:
            text += "; the deal changed: " + "; ".join(deal) + "."
        else:
            text += "; nor did the deal: no concession's share moves by more than 0.5 points."
        return text + f" {percent(influence(p).share)} of histories end differently.{teaches}"
    parts = [_outcome_change(name, base[name], scen[name], d) for name, d in moved[:3]]
    text = f"Compared with {baseline} on the same {runs:,} histories, " + "; ".join(parts)
    text += f". {percent(influence(p).share)} of histories end differently."
    if deal:
        text += " The deal changed: " + "; ".join(deal) + "."
    ms, mb = median_resolution(p.scenario), median_resolution(p.baseline)
    if ms and mb and ms != mb:
        text += (
            f" Negotiated settlements come {'later' if ms > mb else 'earlier'}: median "
            f"{calendar.fmt(ms)} instead of {calendar.fmt(mb)} (Washington time)."
        )
    return text


def parameters_text(params: Params) -> dict[str, str]:
    return {k: format_value(v) for k, v in params.items()}
