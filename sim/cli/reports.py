"""What the commands that simulate print: the tables of `run` and `compare`, and the reports of
`sensitivity` and `discover`. (Their per-history CSV is `sim.histories_table`, shared with the
app.)"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import RenderableType

from sim import calendar, ensemble, labels, summary
from sim.cli.options import DEFAULT_RUNS
from sim.cli.render import columns, scenario_ref, sets_ref, table, wrap
from sim.labels import CONCESSION_PHRASES, CONCESSIONS
from sim.outcomes import LABELS, OUTCOMES, WAR_OUTCOMES
from sim.params import ParamSpec
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.analysis.discover import Discovery
    from sim.analysis.sensitivity import Sensitivity

#: Plain-English names of the concessions a deal can contain (ids from sim.labels.CONCESSIONS).
CONCESSION_LABELS: dict[str, str] = CONCESSION_PHRASES


# --- numbers ------------------------------------------------------------------------------------


pct = summary.percent


def interval(s: summary.Share) -> str:
    return f"{pct(s.lo)} – {pct(s.hi)}"


def signed(x: float) -> str:
    """A difference of shares in percentage points, signed: '+4.1', '-0.05', '0.0'."""
    return summary.signed(x)


# --- tables -------------------------------------------------------------------------------------


def run_table(
    sc: Scenario, r: ensemble.Results, sets: Sequence[str], path: Path | None, width: int
) -> list[RenderableType]:
    again = f"{scenario_ref(sc, path)} --runs {r.runs} --seed {r.seed}{sets_ref(sets)}"
    parts: list[RenderableType] = [
        f"{sc.title}  ({sc.id})",
        wrap(
            f"{r.runs:,} simulated histories, seed {r.seed}. The 95% interval shows how much a "
            "share could move with more runs; it says nothing about whether the model is right.",
            width,
        ),
        "",
    ]
    shares = summary.outcome_shares(r)
    outcomes = table("outcome", "id", "share", "95% interval")
    for name in OUTCOMES:
        outcomes.add_row(LABELS[name], name, pct(shares[name].share), interval(shares[name]))
    outcomes.columns[2].justify = "right"
    war = summary.war_share(r)
    parts += [
        outcomes,
        f"Any fighting (air strike, invasion, Berlin clash or nuclear): {pct(war.share)} "
        f"({interval(war)})",
        "",
    ]
    deals = int((r.outcome == OUTCOMES.index("negotiated_withdrawal")).sum())
    if deals:
        parts += [f"What the {deals:,} negotiated withdrawals contained"]
        conc = table("concession", "id", "share of deals", "95% interval")
        for name, share in summary.concession_shares(r).items():
            label = CONCESSION_LABELS.get(name, name)
            conc.add_row(label, name, pct(share.share), interval(share))
        conc.columns[2].justify = "right"
        parts += [conc]
        med = summary.median_resolution(r)
        if med is not None:
            parts += [
                f"Median date of a negotiated withdrawal: {calendar.fmt(med)} Washington / "
                f"{calendar.fmt(calendar.london(med))} London",
                "",
            ]
    parts += ["Highest rung of the escalation ladder each history reached"]
    peaks = table("rung", "", "share of histories")
    for rung, (name, fraction) in enumerate(summary.peak_distribution(r).items()):
        peaks.add_row(str(rung), name, pct(fraction))
    peaks.columns[2].justify = "right"
    ref = scenario_ref(sc, path)
    parts += [
        peaks,
        f"Incidents nobody chose (per history, on average): {float(r.incidents.mean()):.2f}",
        "",
        f"Same result again:   cuba62 run {again}",
        f"Read one history:    cuba62 history {ref} --seed {r.seed}{sets_ref(sets)}"
        f" {_history_pick(r)}",
        f"Against the history: cuba62 compare {ref} --runs {r.runs} --seed {r.seed}"
        f"{sets_ref(sets)}",
    ]
    return parts


def _history_pick(r: ensemble.Results) -> str:
    """`--outcome X` for the gravest war outcome the run produced, else `--index 0`."""
    counts = np.bincount(r.outcome, minlength=len(OUTCOMES))
    for name in reversed(WAR_OUTCOMES):
        if counts[OUTCOMES.index(name)]:
            runs = f" --runs {r.runs}" if r.runs > DEFAULT_RUNS else ""
            return f"--outcome {name}{runs}"
    return "--index 0"


def _difference_row(label: str, a: summary.Share, b: summary.Share, d: summary.Share) -> list[str]:
    return [label, pct(a.share), pct(b.share), signed(d.share), f"{signed(d.lo)} to {signed(d.hi)}"]


def compare_table(
    sc: Scenario, base: Scenario, p: ensemble.Paired, width: int
) -> list[RenderableType]:
    s_shares, b_shares = summary.outcome_shares(p.scenario), summary.outcome_shares(p.baseline)
    diff = summary.paired_difference(p)
    parts: list[RenderableType] = [
        f"Scenario: {sc.title}  ({sc.id})",
        f"Baseline: {base.title}  ({base.id})",
        wrap(
            f"{p.scenario.runs:,} paired histories, seed {p.scenario.seed}: both sides play the "
            "same histories with the same random numbers, so a difference is the changed decision, "
            "not luck. Differences are in percentage points; one whose interval includes 0 may be "
            "chance.",
            width,
        ),
        "",
    ]
    outcomes = table("outcome", "scenario", "baseline", "difference", "95% interval")
    for name in OUTCOMES:
        outcomes.add_row(*_difference_row(LABELS[name], s_shares[name], b_shares[name], diff[name]))
    outcomes.add_row(
        *_difference_row(
            "Any fighting",
            summary.war_share(p.scenario),
            summary.war_share(p.baseline),
            summary.war_difference(p),
        )
    )
    deals = table("concession in the deal", "scenario", "baseline", "difference", "95% interval")
    s_deals, b_deals = summary.deal_shares(p.scenario), summary.deal_shares(p.baseline)
    conc = summary.paired_concession_difference(p)
    for name in CONCESSIONS:
        label = labels.CONCESSION_LABELS.get(name, name)
        deals.add_row(*_difference_row(label, s_deals[name], b_deals[name], conc[name]))
    for t in (outcomes, deals):
        for col in (1, 2, 3):
            t.columns[col].justify = "right"
        t.columns[4].no_wrap = True
    outcomes.columns[0].no_wrap = True
    infl = summary.influence(p)
    parts += [
        outcomes,
        f"Histories that end differently: {pct(infl.share)} ({interval(infl)})",
        "",
        wrap(
            "What the deals contained: the share of all histories that end in a negotiated "
            "withdrawal whose deal contains each concession (so a deal that appears or "
            "disappears counts too).",
            width,
        ),
        deals,
        "",
        "What changed",
        wrap(summary.what_changed(p, sc.id, base.id, sc.lesson), width, "  "),
    ]
    return parts


# --- sensitivity and discover ------------------------------------------------------------------

LEGEND = {
    "morris": "mu_star: how far the share moves, on average, when one parameter moves across its "
    "whole range (0.10 = 10 percentage points); sigma: how much that effect depends on the other "
    "parameters (interactions or non-linearity).",
    "sobol": "ST: the part of the variation in the share due to a parameter, interactions "
    "included; S1: due to the parameter alone. Both run from 0 (no effect) to 1 (everything).",
}


def workers_phrase(n: int) -> str:
    return f"{n} worker{'s' if n != 1 else ''}"


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def sensitivity_text(scenario: str, r: Sensitivity, backend: str, workers: int) -> str:
    label = LABELS[r.outcome]
    if r.method == "morris":
        head = ["parameter", "mu_star", "± 95%", "sigma"]
        rows = [
            [
                ix.label,
                _num(ix.values["mu_star"]),
                _num(ix.values["mu_star_conf"]),
                _num(ix.values["sigma"]),
            ]
            for ix in r.indices
        ]
        what = f"Morris screening, {r.samples} trajectories"
    else:
        head = ["parameter", "ST", "± 95%", "S1", "± 95%"]
        rows = [
            [
                ix.label,
                _num(ix.values["ST"]),
                _num(ix.values["ST_conf"]),
                _num(ix.values["S1"]),
                _num(ix.values["S1_conf"]),
            ]
            for ix in r.indices
        ]
        what = f"Sobol indices, N = {r.samples} base samples"
    lines = [
        wrap(
            f"What moves the '{label}' share in scenario {scenario}? {what}: "
            f"{r.evaluations:,} parameter points × {r.runs:,} histories = "
            f"{r.evaluations * r.runs:,} histories (seed {r.seed}; {backend}, "
            f"{workers_phrase(workers)})."
        ),
        "",
        *columns(head, rows),
        "",
        wrap(LEGEND[r.method]),
        "",
        wrap(
            f"Across the sample the '{label}' share ranged from {r.output_range[0]:.1%} to "
            f"{r.output_range[1]:.1%} (mean {r.output_mean:.1%})."
        ),
        "",
        wrap(r.summary),
    ]
    return "\n".join(lines)


def discovery_text(scenario: str, d: Discovery, specs: Sequence[ParamSpec]) -> str:
    above = int((d.share > d.threshold).sum())
    lines = [
        wrap(
            f"When is the '{LABELS[d.outcome]}' share above {d.threshold:.1%} in scenario "
            f"{scenario}? {d.samples:,} parameter points (Latin hypercube over "
            f"{len(specs)} parameters) × {d.runs:,} histories (seed {d.seed}): {above:,} points "
            "above the threshold."
        ),
        "",
        wrap(d.rules),
    ]
    if d.box is not None and d.box.limits:
        rows = []
        by_name = {s.name: s for s in specs}
        for name, (lo, hi) in d.box.limits.items():
            s = by_name[name]
            rows.append(
                [
                    s.label,
                    name,
                    "" if lo is None else f"> {lo:.3g}",
                    "" if hi is None else f"< {hi:.3g}",
                    f"{s.minimum:g} to {s.maximum:g}",
                ]
            )
        lines += ["", *columns(["parameter", "name", "from", "to", "full range"], rows, text=2)]
        lines += [
            "",
            f"coverage {d.box.coverage:.1%}, density {d.box.density:.1%}, "
            f"{d.box.inside:,} of {d.samples:,} points inside the region",
        ]
    lines += [
        "",
        wrap(
            "Shares at each point come from a finite number of histories, so points "
            "near the threshold may be marked by chance: use more --runs to sharpen "
            "the rules."
        ),
    ]
    return "\n".join(lines)
