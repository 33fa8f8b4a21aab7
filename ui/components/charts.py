"""Altair charts of a paired run, each with a plain-text summary of its key numbers.

Colours are from the Okabe–Ito palette (safe for the common colour-vision deficiencies); the
scenario and the baseline are also told apart by position and by the legend's words. Every chart
stretches to its container, so it fits a 375 px phone without horizontal scrolling.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from sim import calendar, summary
from sim.ensemble import Paired, Results
from sim.outcomes import LABELS, OUTCOMES
from sim.summary import Share
from sim.world import CONCESSIONS, LADDER

SCENARIO_COLOUR = "#0072B2"  # Okabe–Ito blue
BASELINE_COLOUR = "#E69F00"  # Okabe–Ito orange
INK = "#222222"
SCENARIO = "This scenario"
BASELINE = "Baseline"
RUN_ORDER = [SCENARIO, BASELINE]
RUN_SCALE = alt.Scale(domain=RUN_ORDER, range=[SCENARIO_COLOUR, BASELINE_COLOUR])

#: Plain-English names of the concessions a deal can contain (sim.world.CONCESSIONS ids).
CONCESSION_LABELS = {
    "pledge": "No-invasion pledge",
    "secret_jupiters": "Secret Jupiter assurance",
    "public_jupiters": "Jupiters removed in public",
    "thor_immobilisation": "British Thors immobilised",
    "un_inspection": "UN inspection",
    "berlin_terms": "Berlin terms",
}


@dataclass(frozen=True)
class Figure:
    chart: alt.Chart | alt.LayerChart
    summary: str  # the key numbers in words, for screen readers and for reading aloud


def pct(x: float) -> str:
    return f"{x:.1%}"


def concession_label(name: str) -> str:
    return CONCESSION_LABELS.get(name, name.replace("_", " ").capitalize())


def rung_label(rung: int) -> str:
    """A ladder rung's name, without its parenthetical example (axis labels must be short)."""
    return LADDER[rung].split(" (")[0]


def _share_rows(
    category: str, scenario: Mapping[str, Share], baseline: Mapping[str, Share], label: str
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for run, shares in ((SCENARIO, scenario), (BASELINE, baseline)):
        s = shares[category]
        rows.append(
            {
                "category": label,
                "run": run,
                "share": s.share,
                "lo": s.lo,
                "hi": s.hi,
                "text": f"{pct(s.share)} (95% interval {pct(s.lo)}–{pct(s.hi)})",
            }
        )
    return rows


def grouped_bars(rows: list[dict[str, object]], order: list[str], x_title: str) -> alt.LayerChart:
    """Horizontal bars, scenario and baseline side by side per category, with 95% whiskers."""
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        y=alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
        yOffset=alt.YOffset("run:N", sort=RUN_ORDER),
        tooltip=[
            alt.Tooltip("category:N", title="What"),
            alt.Tooltip("run:N", title="Run"),
            alt.Tooltip("text:N", title="Share"),
        ],
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "share:Q",
            title=x_title,
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", tickCount=5),
        ),
        color=alt.Color(
            "run:N",
            scale=RUN_SCALE,
            legend=alt.Legend(orient="top", title=None, direction="horizontal"),
        ),
    )
    whiskers = base.mark_rule(color=INK, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q")
    # Streamlit fits the whole chart (legend and axes included) into this height.
    return alt.LayerChart(layer=[bars, whiskers], height=100 + 42 * len(order))


def outcome_figure(p: Paired, scenario_title: str) -> Figure:
    scen, base = summary.outcome_shares(p.scenario), summary.outcome_shares(p.baseline)
    shown = [o for o in OUTCOMES if scen[o].share > 0 or base[o].share > 0]
    rows = [r for o in shown for r in _share_rows(o, scen, base, LABELS[o])]
    chart = grouped_bars(rows, [LABELS[o] for o in shown], "Share of histories")
    parts = [
        f"{LABELS[o]}: {pct(scen[o].share)} in this scenario, {pct(base[o].share)} in the baseline"
        for o in shown
    ]
    absent = [LABELS[o] for o in OUTCOMES if o not in shown]
    text = (
        f"Outcome shares over {p.scenario.runs:,} histories ({scenario_title} beside the "
        "baseline, bars with 95% intervals). " + "; ".join(parts) + "."
    )
    if absent:
        text += " Never happened in either: " + ", ".join(absent) + "."
    return Figure(chart, text)


def _fan_frame(r: Results) -> pd.DataFrame:
    fan = summary.escalation_fan(r)
    dates = summary.step_dates()
    frame = pd.DataFrame({"date": pd.to_datetime(dates)})
    for i, q in enumerate(summary.FAN_PERCENTILES):
        frame[f"p{q}"] = fan[i][: len(dates)]
    return frame


def markers_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime([m[0] for m in calendar.MARKERS]),
            "number": [str(i + 1) for i in range(len(calendar.MARKERS))],
            "name": [f"{i + 1}. {m[1]} [{m[2]}]" for i, m in enumerate(calendar.MARKERS)],
            # Alternate label heights so markers a day apart do not print on top of each other.
            "top": [6.0 if i % 2 == 0 else 5.6 for i in range(len(calendar.MARKERS))],
        }
    )


def markers_text() -> str:
    return (
        "Dated markers (Washington time): "
        + "; ".join(
            f"{i + 1} = {name}, {calendar.fmt(when)} [{key}]"
            for i, (when, name, key) in enumerate(calendar.MARKERS)
        )
        + "."
    )


def rung_lines(rung: int) -> list[str]:
    """A rung's axis label on two lines at its comma ('quarantine in force,' / 'DEFCON 2')."""
    head, _, tail = rung_label(rung).partition(", ")
    return [head + ",", tail] if tail else [head]


def fan_end(p: Paired) -> dt.datetime:
    """Where the fan charts stop: two days after both fans stop changing (at least 1 Nov), so a
    phone's narrow chart spends its width on the days that matter."""
    last = 0
    for r in (p.scenario, p.baseline):
        fan = summary.escalation_fan(r)
        changes = np.nonzero(np.any(fan[:, 1:] != fan[:, :-1], axis=0))[0]
        if changes.size:
            last = max(last, int(changes[-1]) + 1)
    end = calendar.step_time(last) + dt.timedelta(days=2)
    return min(max(end, dt.datetime(1962, 11, 1)), calendar.END)


def fan_figure(r: Results, title: str, colour: str, end: dt.datetime | None = None) -> Figure:
    """Median escalation rung by date with 50% and 90% bands, and the historical markers."""
    frame = _fan_frame(r)
    if end is not None:
        frame = frame[frame["date"] <= pd.Timestamp(end)]
    names = json.dumps([rung_lines(i) for i in range(len(LADDER))])
    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(format="%d %b", labelOverlap=True, tickCount=5),
        scale=alt.Scale(domain=[frame["date"].iloc[0], frame["date"].iloc[-1]]),
    )
    y_axis = alt.Axis(
        values=list(range(len(LADDER))),
        labelExpr=f"{names}[datum.value]",
        labelLimit=140,
        labelOverlap=False,
        title=None,
        grid=True,
    )
    scale = alt.Scale(domain=[0, len(LADDER) - 1])
    base = alt.Chart(frame).encode(x=x)
    band90 = base.mark_area(opacity=0.22, color=colour, interpolate="step-after").encode(
        y=alt.Y("p5:Q", axis=y_axis, scale=scale), y2="p95:Q"
    )
    band50 = base.mark_area(opacity=0.45, color=colour, interpolate="step-after").encode(
        y=alt.Y("p25:Q", scale=scale), y2="p75:Q"
    )
    median = base.mark_line(color=colour, strokeWidth=2.5, interpolate="step-after").encode(
        y=alt.Y("p50:Q", scale=scale),
        tooltip=[
            alt.Tooltip("date:T", format="%d %b %H:%M", title="Washington"),
            alt.Tooltip("p50:Q", title="Median rung (0–6)"),
        ],
    )
    marks = markers_frame()
    rules = (
        alt.Chart(marks)
        .mark_rule(color=INK, strokeDash=[4, 3])
        .encode(x="date:T", tooltip=alt.Tooltip("name:N", title="Marker"))
    )
    labels = (
        alt.Chart(marks)
        .mark_text(align="left", dx=2, baseline="top", color=INK, fontWeight="bold")
        .encode(x="date:T", y=alt.Y("top:Q", scale=scale, axis=y_axis), text="number:N")
    )
    chart = alt.LayerChart(layer=[band90, band50, median, rules, labels], title=title, height=340)
    return Figure(chart, fan_text(r, title))


def fan_text(r: Results, title: str) -> str:
    fan = summary.escalation_fan(r)
    peaks = summary.peak_distribution(r)
    clash_or_worse = sum(share for rung, share in peaks.items() if LADDER.index(rung) >= 3)
    parts = []
    for i, (when, _name, _key) in enumerate(calendar.MARKERS):
        step = min(max(calendar.step_of(when), 0), fan.shape[1] - 1)
        low, mid, high = (rung_label(int(fan[q, step])) for q in (0, 2, 4))
        spread = "" if low == high else f" (90% of histories from '{low}' to '{high}')"
        parts.append(f"at marker {i + 1}, {calendar.fmt(when)}, the median is '{mid}'{spread}")
    return (
        f"{title}, escalation by date: "
        + "; ".join(parts)
        + f". {pct(clash_or_worse)} of histories reach an armed clash or worse at some point; "
        f"{pct(peaks[LADDER[-1]])} reach nuclear use."
    )


def _day_shares(r: Results) -> np.ndarray:
    counts = summary.resolution_days(r)
    total = np.sum([counts[o] for o in OUTCOMES], axis=0)
    return np.asarray(total, dtype=float) / max(r.runs, 1)


def resolution_figure(p: Paired) -> Figure:
    """Share of histories resolved on each day, scenario and baseline side by side."""
    shares = {SCENARIO: _day_shares(p.scenario), BASELINE: _day_shares(p.baseline)}
    days = len(shares[SCENARIO])
    busy = [d for d in range(days) if shares[SCENARIO][d] > 0 or shares[BASELINE][d] > 0]
    first, last = (max(busy[0] - 1, 0), min(busy[-1] + 1, days - 1)) if busy else (0, days - 1)
    rows = []
    for offset, run in ((0.1, SCENARIO), (0.5, BASELINE)):
        for d in range(first, last + 1):
            start = dt.datetime.combine(summary.day_date(d), dt.time())
            rows.append(
                {
                    "start": start + dt.timedelta(days=offset),
                    "end": start + dt.timedelta(days=offset + 0.4),
                    "day": f"{summary.day_date(d):%d %b}",
                    "run": run,
                    "share": float(shares[run][d]),
                }
            )
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b", labelOverlap=True)),
            x2="end:T",
            y=alt.Y("share:Q", title="Share of histories", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            color=alt.Color(
                "run:N",
                scale=RUN_SCALE,
                legend=alt.Legend(orient="top", title=None, direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip("day:N", title="Day (Washington)"),
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("share:Q", format=".1%", title="Resolved that day"),
            ],
        )
        .properties(height=280)
    )
    return Figure(chart, resolution_text(p, shares))


def resolution_text(p: Paired, shares: Mapping[str, np.ndarray]) -> str:
    parts = []
    for run, r in ((SCENARIO, p.scenario), (BASELINE, p.baseline)):
        s = shares[run]
        resolved = float(s.sum())
        if resolved == 0:
            parts.append(f"{run}: no history is resolved before 20 Nov")
            continue
        peak = int(np.argmax(s))
        median = summary.median_resolution(r)
        med = f"; median negotiated settlement {calendar.fmt(median)}" if median else ""
        parts.append(
            f"{run}: {pct(resolved)} of histories end before 20 Nov, most often on "
            f"{summary.day_date(peak):%d %b} ({pct(float(s[peak]))} of all histories){med}"
        )
    return "When histories end (Washington dates). " + "; ".join(parts) + "."


def concession_figure(p: Paired) -> Figure:
    scen, base = summary.concession_shares(p.scenario), summary.concession_shares(p.baseline)
    shown = [c for c in CONCESSIONS if scen[c].share > 0 or base[c].share > 0] or list(CONCESSIONS)
    rows = [r for c in shown for r in _share_rows(c, scen, base, concession_label(c))]
    chart = grouped_bars(rows, [concession_label(c) for c in shown], "Share of deals")
    deals_s = int((p.scenario.outcome == OUTCOMES.index("negotiated_withdrawal")).sum())
    deals_b = int((p.baseline.outcome == OUTCOMES.index("negotiated_withdrawal")).sum())
    parts = [f"{concession_label(c)}: {pct(scen[c].share)} vs {pct(base[c].share)}" for c in shown]
    text = (
        f"What the deals contained, among negotiated withdrawals ({deals_s:,} deals in this "
        f"scenario, {deals_b:,} in the baseline), scenario vs baseline: " + "; ".join(parts) + "."
    )
    never = [concession_label(c) for c in CONCESSIONS if c not in shown]
    if never:
        text += " Never part of a deal: " + ", ".join(never) + "."
    return Figure(chart, text)
