"""Altair charts of a paired run, each with its key numbers in words.

Each chart comes as a `Figure`: a Vega-Lite spec (plain JSON-able data, so it can be cached),
one short caption sentence with the key numbers (shown under the chart), and a longer "chart in
words" (per date, per category) for screen readers and for reading aloud.

The charts are drawn from `Side`s: everything a chart needs from one run (shares, the escalation
fan, days of resolution), computed once per run. A chart of one run (the fan charts) depends only
on its side, so the baseline's can be cached while a slider moves the scenario.

Colours are from the Okabe–Ito palette (safe for the common colour-vision deficiencies); the
scenario and the baseline are also told apart by position and by the legend's words. Every chart
stretches to its container, so it fits a 375 px phone without horizontal scrolling.

Altair is imported inside the functions that build charts, not at the top: the app's server
imports this module for `Figure`, `for_projector` and the words, while the charts themselves are
built in its worker pool (`ui.components.pool_jobs`), so the server starts without Altair's 0.3 s.

Longer than 450 lines because each chart's Altair code, its template key (`spec_cache`) and its
words belong together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim import calendar, summary
from sim.ensemble import Results
from sim.labels import CONCESSIONS, LABELS, LADDER, NEGOTIATED, OUTCOMES
from sim.summary import Share
from ui.components import spec_cache
from ui.components.chart_style import (
    BASELINE,
    BASELINE_COLOUR,
    FONT,
    INK,
    RUN_ORDER,
    SCENARIO,
    SCENARIO_COLOUR,
    TEXT,
    WRAP,
    Figure,
    Spec,
    concession_label,
    day_text,
    for_projector,
    legend,
    pct,
    readable,
    run_scale,
    rung_label,
    spec_of,
    wrap,
    wrapped_labels,
)

if TYPE_CHECKING:
    import altair as alt

__all__ = [  # the look, re-exported: pages use `charts.Figure`, `charts.for_projector`, ...
    "BASELINE",
    "BASELINE_COLOUR",
    "FONT",
    "INK",
    "RUN_ORDER",
    "SCENARIO",
    "SCENARIO_COLOUR",
    "TEXT",
    "WRAP",
    "Figure",
    "Side",
    "Spec",
    "concession_figure",
    "fan_end",
    "fan_figure",
    "fan_text",
    "for_projector",
    "markers_frame",
    "markers_text",
    "outcome_figure",
    "readable",
    "resolution_figure",
    "resolution_text",
    "side_of",
    "spec_of",
    "wrap",
    "wrapped_labels",
]


@dataclass(frozen=True)
class Side:
    """What the charts need from one run (the scenario's or the baseline's)."""

    runs: int
    outcomes: dict[str, Share]
    concessions: dict[str, Share]
    deals: int  # negotiated withdrawals
    day_shares: npt.NDArray[np.float64]  # share of all histories resolved on each day
    median_settlement: dt.datetime | None
    fan: npt.NDArray[np.float64]  # (5, steps): escalation percentiles (summary.FAN_PERCENTILES)
    peaks: dict[str, float]  # rung name -> share of histories peaking there


def side_of(r: Results) -> Side:
    counts = summary.resolution_days(r)
    total = np.sum([counts[o] for o in OUTCOMES], axis=0)
    return Side(
        runs=r.runs,
        outcomes=summary.outcome_shares(r),
        concessions=summary.concession_shares(r),
        deals=int((r.outcome == NEGOTIATED).sum()),
        day_shares=np.asarray(total, dtype=float) / max(r.runs, 1),
        median_settlement=summary.median_resolution(r),
        fan=summary.escalation_fan(r),
        peaks=summary.peak_distribution(r),
    )


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


def grouped_bars(
    rows: list[dict[str, object]],
    order: list[str],
    x_title: str,
    x: alt.X | None = None,
    values: bool = False,
    row_height: int = 42,
) -> alt.LayerChart:
    """Horizontal bars, scenario and baseline side by side per category, with 95% whiskers.

    `x` replaces the default share axis (0 to 100%, quarter ticks); `values` prints each row's
    `value` after its whisker; `row_height` is the height per category (px)."""
    import altair as alt  # here, not at the top: see the module's docstring

    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        y=alt.Y(
            "category:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(order)),
        ),
        yOffset=alt.YOffset("run:N", sort=RUN_ORDER),
        tooltip=[
            alt.Tooltip("category:N", title="What"),
            alt.Tooltip("run:N", title="Run"),
            alt.Tooltip("text:N", title="Share"),
        ],
    )
    if x is None:
        x = alt.X(
            "share:Q",
            title=x_title,
            scale=alt.Scale(domain=[0, 1]),
            # Fixed quarter ticks (labels short enough for a phone's narrow plot, so none is
            # dropped), the last label ("100%") flush with the axis end instead of overhanging it.
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelFlush=True),
        )
    bars = base.mark_bar().encode(x=x, color=alt.Color("run:N", scale=run_scale(), legend=legend()))
    layers: list[alt.Chart] = [
        bars,
        base.mark_rule(color=INK, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q"),  # whiskers
    ]
    if values:
        layers.append(
            base.mark_text(align="left", dx=5, color=TEXT).encode(x="hi:Q", text="value:N")
        )
    # Streamlit fits the whole chart (legend and axes included) into this height.
    return alt.LayerChart(layer=layers, height=100 + row_height * len(order))


def bars_spec(
    kind: str,
    rows: list[dict[str, object]],
    order: list[str],
    x_title: str,
    *,
    x: Callable[[float], alt.X] | None = None,
    top: float | None = None,
    values: bool = False,
    row_height: int = 42,
) -> Spec:
    """The spec of `grouped_bars` (through `spec_cache`: Altair's output, built once per shape).
    `x(top)` makes the x encoding of an axis ending at `top`; it must depend on nothing else."""

    def build(params: Sequence[float]) -> Spec:
        axis = x(params[0]) if x is not None else None
        chart = grouped_bars(rows, order, x_title, x=axis, values=values, row_height=row_height)
        return spec_of(chart, kind)

    key = ("bars", kind, tuple(order), x_title, x is not None, values, row_height)
    params = () if top is None else (top,)
    return spec_cache.templated(key, build, [spec_cache.records(rows)], params)


def outcome_figure(scen: Side, base: Side, scenario_title: str) -> Figure:
    shown = [o for o in OUTCOMES if scen.outcomes[o].share > 0 or base.outcomes[o].share > 0]
    rows = [r for o in shown for r in _share_rows(o, scen.outcomes, base.outcomes, LABELS[o])]
    spec = bars_spec("outcomes", rows, [LABELS[o] for o in shown], "Share of histories")
    top = max(OUTCOMES, key=lambda o: scen.outcomes[o].share)
    moved = max(OUTCOMES, key=lambda o: abs(scen.outcomes[o].share - base.outcomes[o].share))
    change = scen.outcomes[moved].share - base.outcomes[moved].share
    caption = (
        f"Most histories end in {LABELS[top]}: {pct(scen.outcomes[top].share)} here, "
        f"{pct(base.outcomes[top].share)} in the baseline"
    )
    if moved != top and abs(change) >= 0.0005:
        caption += (
            f"; the biggest change is {LABELS[moved]}, {pct(scen.outcomes[moved].share)} vs "
            f"{pct(base.outcomes[moved].share)}"
        )
    parts = [
        f"{LABELS[o]}: {pct(scen.outcomes[o].share)} in this scenario (95% interval "
        f"{pct(scen.outcomes[o].lo)}–{pct(scen.outcomes[o].hi)}), "
        f"{pct(base.outcomes[o].share)} in the baseline"
        for o in shown
    ]
    absent = [LABELS[o] for o in OUTCOMES if o not in shown]
    detail = (
        f"Outcome shares over {scen.runs:,} histories ({scenario_title} beside the baseline). "
        + "; ".join(parts)
        + "."
    )
    if absent:
        detail += " Never happened in either: " + ", ".join(absent) + "."
    return Figure(spec, caption + ".", detail)


def _fan_frame(fan: npt.NDArray[np.float64]) -> pd.DataFrame:
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


def markers_text(times: bool = True) -> str:
    """The dated markers in words: '1 = Kennedy's speech, DEFCON 3, 22 Oct 19:00 [OH]; …'
    (without the hour if not `times`, for the short legend under the charts)."""

    def when_text(when: dt.datetime) -> str:
        return calendar.fmt(when) if times else f"{when.day} {when:%b}"

    return (
        "Dated markers (Washington time): "
        + "; ".join(
            f"{i + 1} = {name}, {when_text(when)} [{key}]"
            for i, (when, name, key) in enumerate(calendar.MARKERS)
        )
        + "."
    )


def rung_lines(rung: int) -> list[str]:
    """A rung's axis label on two lines at its comma ('quarantine in force,' / 'SAC at ...')."""
    head, _, tail = rung_label(rung).partition(", ")
    return [head + ",", tail] if tail else [head]


def fan_end(*sides: Side) -> dt.datetime:
    """Where the fan charts stop: two days after both fans stop changing (at least 1 Nov), so a
    phone's narrow chart spends its width on the days that matter."""
    last = 0
    for side in sides:
        fan = side.fan
        changes = np.nonzero(np.any(fan[:, 1:] != fan[:, :-1], axis=0))[0]
        if changes.size:
            last = max(last, int(changes[-1]) + 1)
    end = calendar.step_time(last) + dt.timedelta(days=2)
    return min(max(end, dt.datetime(1962, 11, 1)), calendar.END)


def fan_figure(side: Side, title: str, colour: str, end: dt.datetime | None = None) -> Figure:
    """Median escalation rung by date with 50% and 90% bands, and the historical markers."""
    frame = _fan_frame(side.fan)
    if end is not None:
        frame = frame[frame["date"] <= pd.Timestamp(end)]
    marks = markers_frame()
    key = ("fan", title, colour, str(frame["date"].iloc[0]), str(frame["date"].iloc[-1]))
    data = [spec_cache.records(frame), spec_cache.records(marks)]
    spec = spec_cache.templated(key, lambda _: _fan_spec(frame, marks, title, colour), data)
    caption, detail = fan_text(side, title)
    return Figure(spec, caption, detail)


def _fan_spec(frame: pd.DataFrame, marks: pd.DataFrame, title: str, colour: str) -> Spec:
    """The fan chart with Altair (`fan_figure` builds it once per shape)."""
    import altair as alt  # here, not at the top: see the module's docstring

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
        labelLimit=0,
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
    return spec_of(chart, "fan")


def fan_text(side: Side, title: str) -> tuple[str, str]:
    """(caption, detail) of a fan chart."""
    fan, peaks = side.fan, side.peaks
    clash_or_worse = sum(share for rung, share in peaks.items() if LADDER.index(rung) >= 3)
    highest = int(fan[2].max())
    caption = (
        f"{title}: the median history climbs to '{rung_label(highest)}'; "
        f"{pct(clash_or_worse)} of histories reach an armed clash or worse, "
        f"{pct(peaks[LADDER[-1]])} reach nuclear weapons used."
    )
    parts = []
    for i, (when, _name, _key) in enumerate(calendar.MARKERS):
        step = min(max(calendar.step_of(when), 0), fan.shape[1] - 1)
        low, mid, high = (rung_label(int(fan[q, step])) for q in (0, 2, 4))
        spread = "" if low == high else f" (90% of histories from '{low}' to '{high}')"
        parts.append(f"at marker {i + 1}, {calendar.fmt(when)}, the median is '{mid}'{spread}")
    detail = f"{title}, escalation by date: " + "; ".join(parts) + "."
    return caption, detail


def resolution_figure(scen: Side, base: Side) -> Figure:
    """Share of histories resolved on each day, scenario and baseline side by side."""
    shares = {SCENARIO: scen.day_shares, BASELINE: base.day_shares}
    days = len(shares[SCENARIO])
    busy = [d for d in range(days) if shares[SCENARIO][d] > 0 or shares[BASELINE][d] > 0]
    first, last = (max(busy[0] - 1, 0), min(busy[-1] + 1, days - 1)) if busy else (0, days - 1)
    order = [day_text(d) for d in range(first, last + 1)]
    rows = [
        {"day": order[d - first], "run": run, "share": float(shares[run][d])}
        for run in RUN_ORDER
        for d in range(first, last + 1)
    ]
    spec = spec_cache.templated(
        ("resolution", tuple(order)),
        lambda _: spec_of(_resolution_chart(rows, order), "resolution"),
        [spec_cache.records(rows)],
    )
    caption, detail = resolution_text(scen, base, first, last)
    return Figure(spec, caption, detail)


def _resolution_chart(rows: list[dict[str, object]], order: list[str]) -> alt.Chart:
    import altair as alt  # here, not at the top: see the module's docstring

    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            # One band per calendar day (an ordinal axis: each day labelled once), the two runs
            # side by side in it. On a phone every other label is dropped rather than overlapped.
            x=alt.X(
                "day:O",
                sort=order,
                title="Day the crisis ends (Washington date)",
                axis=alt.Axis(labelAngle=0, labelOverlap="parity", labelPadding=4),
            ),
            xOffset=alt.XOffset("run:N", sort=RUN_ORDER),
            y=alt.Y(
                "share:Q",
                title="Share of histories",
                axis=alt.Axis(format="%", tickCount=5, titlePadding=8),
            ),
            color=alt.Color("run:N", scale=run_scale(), legend=legend()),
            tooltip=[
                alt.Tooltip("day:N", title="Day (Washington)"),
                alt.Tooltip("run:N", title="Run"),
                alt.Tooltip("share:Q", format=".1%", title="Resolved that day"),
            ],
        )
        .properties(height=300)
    )


def resolution_text(scen: Side, base: Side, first: int, last: int) -> tuple[str, str]:
    """(caption, detail) of the resolution chart."""
    short, parts = [], []
    for run, side in ((SCENARIO, scen), (BASELINE, base)):
        s = side.day_shares
        resolved = float(s.sum())
        if resolved == 0:
            short.append(f"{run.lower()}: none ends before 20 Nov")
            parts.append(f"{run}: no history is resolved before 20 Nov")
            continue
        peak = int(np.argmax(s))
        busiest = f"{day_text(peak)} ({pct(float(s[peak]))} of histories)"
        short.append(f"{run.lower()}: most often on {busiest}")
        median = side.median_settlement
        med = f"; median negotiated settlement {calendar.fmt(median)}" if median else ""
        parts.append(f"{run}: {pct(resolved)} of histories end before 20 Nov{med}")
    per_day = "; ".join(
        f"{day_text(d)}: {pct(float(scen.day_shares[d]))} vs {pct(float(base.day_shares[d]))}"
        for d in range(first, last + 1)
    )
    caption = "The crisis ends, " + "; ".join(short) + " (Washington dates)."
    detail = (
        "When histories end (Washington dates). "
        + "; ".join(parts)
        + f". Share of all histories ending each day, this scenario vs baseline: {per_day}."
    )
    return caption, detail


def concession_figure(scen: Side, base: Side) -> Figure:
    s, b = scen.concessions, base.concessions
    shown = [c for c in CONCESSIONS if s[c].share > 0 or b[c].share > 0] or list(CONCESSIONS)
    rows = [r for c in shown for r in _share_rows(c, s, b, concession_label(c))]
    spec = bars_spec("concessions", rows, [concession_label(c) for c in shown], "Share of deals")
    moved = max(shown, key=lambda c: abs(s[c].share - b[c].share))
    caption = (
        f"{scen.deals:,} deals in this scenario, {base.deals:,} in the baseline; the biggest "
        f"difference: {concession_label(moved)}, in {pct(s[moved].share)} vs "
        f"{pct(b[moved].share)} of deals."
    )
    parts = [f"{concession_label(c)}: {pct(s[c].share)} vs {pct(b[c].share)}" for c in shown]
    detail = (
        f"What the deals contained, among negotiated withdrawals ({scen.deals:,} deals in this "
        f"scenario, {base.deals:,} in the baseline), scenario vs baseline: "
        + "; ".join(parts)
        + "."
    )
    never = [concession_label(c) for c in CONCESSIONS if c not in shown]
    if never:
        detail += " Never part of a deal: " + ", ".join(never) + "."
    return Figure(spec, caption, detail)
