"""What matters? Which settings move an outcome most (tornado chart), how an outcome depends on
two settings at once (heat map), and when it happens (rules found by scenario discovery).

Written for a class first: each section asks its question in plain words and answers it in plain
words; the method's name, its indices and the rules' coverage and density sit in a "For
researchers" box under each answer.

Nothing is computed until its button is pressed (or a link asks for it with `show=`), one job at a
time, with a progress bar and a Stop button. Every number is computed by `sim.analysis` in small
cached batches (st.cache_data), so a stopped job keeps what it had done and a repeated request is
instant. Work per request is capped; the command line (`cuba62 sensitivity`, `cuba62 sweep`,
`cuba62 discover`) has no such limit. The page's choices are in its link (`view_link`).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from sim.analysis import (
    RANK_KEY,
    Sensitivity,
    float_specs,
    latin_design,
    problem,
    sensitivity_design,
    sensitivity_evaluations,
    shares,
    summarise_discovery,
    summarise_sensitivity,
)
from sim.labels import DESCRIPTIONS, LABELS, OUTCOMES
from sim.params import SPECS, Params
from sim.summary import wilson
from ui.components import charts, controls, link, session, view_link
from ui.components.jobs import SEED, asked, outcome_counts
from ui.components.view_link import WM_BY_KEY

#: Most histories one chart may run per request (sample points × histories per point).
MAX_SENSITIVITY = 120_000
MAX_HEATMAP = 64_000
MAX_DISCOVERY = 90_000
BAR_COLOUR = "#0072B2"  # Okabe–Ito blue
INK = "#222222"

NUMBER_SPECS = float_specs()


def allowed(key: str) -> list[object]:
    """The choices of a control, as the link reader knows them (one list for both)."""
    return list(WM_BY_KEY[key].allowed)


def label_of(name: str) -> str:
    return SPECS[name].label


def in_words(message: str) -> str:
    """A command-line hint with this page's control names instead of option names."""
    return message.replace("--samples", "the sample size").replace(
        "--runs", "the histories per setting"
    )


def too_much(histories: int, cap: int, cli: str) -> bool:
    if histories <= cap:
        return False
    st.warning(
        f"That asks for {histories:,} histories; this page plays at most {cap:,} per chart. "
        f"Lower the sample size or the histories per setting, or run `{cli}` on the command line."
    )
    return True


# --- page pieces --------------------------------------------------------------------------------


def pick_outcome() -> str:
    return str(
        st.selectbox(
            "Outcome to understand",
            allowed("wm.outcome"),
            format_func=lambda o: LABELS[str(o)],
            key="wm.outcome",
            help="Every chart on this page is about the share of histories that end this way.",
        )
    )


def tornado_figure(result: Sensitivity) -> charts.Spec:
    key, conf = RANK_KEY[result.method]
    rows = [
        {
            "parameter": ix.label,
            "value": ix.values[key],
            "lo": max(ix.values[key] - ix.values[conf], 0.0),
            "hi": ix.values[key] + ix.values[conf],
            "text": f"{ix.values[key]:.3f} (95% interval ±{ix.values[conf]:.3f})",
        }
        for ix in result.indices
    ]
    data = pd.DataFrame(rows)
    order = [ix.label for ix in result.indices]
    title = (
        "How far it moves the share (average)"
        if result.method == "morris"
        else "Share of the differences it explains"
    )
    base = alt.Chart(data).encode(
        y=alt.Y(
            "parameter:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelLimit=0, labelExpr=charts.wrapped_labels(order)),
        ),
        tooltip=[
            alt.Tooltip("parameter:N", title="Setting"),
            alt.Tooltip("text:N", title="Influence"),
        ],
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(x=alt.X("value:Q", title=title))
    whiskers = base.mark_rule(color=INK, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q")
    chart = alt.LayerChart(layer=[bars, whiskers], height=max(200, 44 * len(rows)))
    return charts.spec_of(chart, "tornado")


def tornado_text(result: Sensitivity) -> str:
    key, conf = RANK_KEY[result.method]
    listing = "; ".join(
        f"{ix.label} {ix.values[key]:.3f} (±{ix.values[conf]:.3f})" for ix in result.indices
    )
    return f"{in_words(result.summary)} Influence of each setting, largest first: {listing}."


def draw(spec: charts.Spec, description: str) -> None:
    if st.session_state.get("presentation"):
        spec = charts.for_projector(spec)
    st.vega_lite_chart(spec, width="stretch", alt=description)


def influence_section(base: Params, outcome: str) -> None:
    st.header(f"Which settings move the chance of '{LABELS[outcome]}' most?", anchor=False)
    with st.form("wm-tornado", border=True):
        method = st.radio(
            "How carefully to measure",
            allowed("wm.method"),
            format_func=lambda m: "Quick" if m == "morris" else "Thorough (slower)",
            key="wm.method",
            horizontal=True,
            help="Quick moves one setting at a time from many starting points. Thorough splits "
            "the differences between histories among the settings. See 'For researchers'.",
        )
        samples = st.select_slider(
            "How many starting points",
            options=allowed("wm.samples"),
            key="wm.samples",
            help="More starting points give a steadier ranking and take longer.",
        )
        runs = st.select_slider(
            "Histories per setting",
            options=allowed("wm.sens_runs"),
            key="wm.sens_runs",
            help="How many times the crisis is played at each setting tried.",
        )
        submitted = st.form_submit_button("Rank the settings")
    method, samples, runs = str(method), int(samples), int(runs)  # type: ignore[call-overload]
    specs = NUMBER_SPECS
    n_eval = sensitivity_evaluations(method, samples, len(specs))
    if not asked("rank", submitted):
        st.caption(f"Press 'Rank the settings' to play {n_eval * runs:,} histories.")
        return
    if too_much(n_eval * runs, MAX_SENSITIVITY, "cuba62 sensitivity"):
        return
    x = sensitivity_design(method, problem(specs), samples, SEED)
    label = f"Playing {n_eval:,} settings × {runs:,} histories"
    counts = outcome_counts(base, [s.name for s in specs], x, runs, label, "rank")
    result = summarise_sensitivity(
        method, outcome, specs, samples, runs, SEED, x, shares(counts, outcome)
    )
    description = tornado_text(result)
    st.markdown(f"**{in_words(result.summary)}**")
    draw(tornado_figure(result), description)
    st.caption("Longer bar: moving that setting changes the share more. Lines: 95% intervals.")
    with st.expander("For researchers"):
        index = "mu* (Morris)" if method == "morris" else "total Sobol index ST"
        st.markdown(
            f"Method: {'Morris elementary effects' if method == 'morris' else 'Sobol variance'} "
            f"(SALib), index {index}, {samples} "
            f"{'trajectories' if method == 'morris' else 'base samples'}; {n_eval:,} sampled "
            f"settings × {runs:,} histories = {n_eval * runs:,} histories (seed {SEED}). "
            + description
        )
        for warning in result.warnings:
            st.caption("Note: " + in_words(warning) + ".")


def heatmap_section(base: Params, outcome: str) -> None:
    st.header("How two settings work together", anchor=False)
    names = list(view_link.NUMBER_NAMES)
    with st.form("wm-heatmap", border=True):
        left, right = st.columns(2)
        across = left.selectbox("Setting across", names, format_func=label_of, key="wm.across")
        up = right.selectbox("Setting up", names, format_func=label_of, key="wm.up")
        size = st.select_slider(
            "Values per setting",
            options=allowed("wm.size"),
            key="wm.size",
            help="The grid has this many values of each setting, evenly spaced over its range.",
        )
        runs = st.select_slider(
            "Histories per square",
            options=allowed("wm.heat_runs"),
            key="wm.heat_runs",
            help="How many times the crisis is played in each square.",
        )
        submitted = st.form_submit_button("Draw the map")
    size, runs = int(size), int(runs)  # type: ignore[call-overload]
    if not asked("map", submitted):
        st.caption(f"Press 'Draw the map' to play {size * size * runs:,} histories.")
        return
    if across == up:
        st.info("Choose two different settings to see how they work together.")
        return
    if too_much(size * size * runs, MAX_HEATMAP, "cuba62 sweep"):
        return
    sx, sy = SPECS[across], SPECS[up]
    xs = np.linspace(float(sx.minimum or 0.0), float(sx.maximum or 0.0), size)
    ys = np.linspace(float(sy.minimum or 0.0), float(sy.maximum or 0.0), size)
    grid = np.array([(a, b) for b in ys for a in xs], dtype=np.float64)
    label = f"Playing {len(grid):,} squares × {runs:,} histories"
    counts = outcome_counts(base, [across, up], grid, runs, label, "map")
    column = OUTCOMES.index(outcome)
    rows = []
    for (a, b), c in zip(grid, counts, strict=True):
        s = wilson(int(c[column]), int(c.sum()))
        rows.append(
            {
                "x": f"{a:.3g}",
                "y": f"{b:.3g}",
                "share": s.share,
                "label": f"{s.share:.0%}" if s.share >= 0.1 or s.share == 0 else f"{s.share:.1%}",
                "text": f"{s.share:.1%} (95% interval {s.lo:.1%}–{s.hi:.1%})",
            }
        )
    data = pd.DataFrame(rows)
    x_order = [f"{a:.3g}" for a in xs]
    y_order = [f"{b:.3g}" for b in ys[::-1]]
    chart_base = alt.Chart(data).encode(
        x=alt.X("x:O", sort=x_order, title=sx.label, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("y:O", sort=y_order, title=sy.label),
        tooltip=[
            alt.Tooltip("x:O", title=sx.label),
            alt.Tooltip("y:O", title=sy.label),
            alt.Tooltip("text:N", title=LABELS[outcome]),
        ],
    )
    cells = chart_base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title=LABELS[outcome],
            scale=alt.Scale(scheme="viridis"),  # colour-blind safe, light = more
            legend=alt.Legend(format="%", orient="bottom"),
        )
    )
    labels = chart_base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition(
            alt.datum.share > 0.5 * max(float(data["share"].max()), 1e-9),
            alt.value("black"),
            alt.value("white"),
        ),
    )
    hi_row, lo_row = data.loc[data["share"].idxmax()], data.loc[data["share"].idxmin()]
    description = (
        f"Heat map of the share of histories ending in '{LABELS[outcome]}' for {size} values of "
        f"{sx.label} (across) and {sy.label} (up), {runs:,} histories per square. Highest: "
        f"{hi_row['text']} at {sx.label} {hi_row['x']}, {sy.label} {hi_row['y']}. Lowest: "
        f"{lo_row['text']} at {sx.label} {lo_row['x']}, {sy.label} {lo_row['y']}."
    )
    draw(charts.spec_of(alt.LayerChart(layer=[cells, labels], height=340), "heat"), description)
    st.caption(description)
    with st.expander("For researchers"):
        st.markdown(
            f"A full {size} × {size} grid sweep (`cuba62 sweep`), other settings at the "
            "scenario's values. Every square plays the same numbered histories (common random "
            "numbers), so neighbouring squares differ by the settings, not by luck."
        )


def plain_rule(name: str, lo: float | None, hi: float | None) -> str:
    s = SPECS[name]

    def fmt(value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".") + (f" {s.unit}" if s.unit == "hours" else "")

    if lo is not None and hi is not None:
        return f"**{s.label}** is between {fmt(lo)} and {fmt(hi)}"
    if lo is not None:
        return f"**{s.label}** is above {fmt(lo)}"
    return f"**{s.label}** is below {fmt(hi or 0.0)}"


def rules_section(base: Params, outcome: str) -> None:
    st.header(f"When does '{LABELS[outcome]}' become likely?", anchor=False)
    with st.form("wm-rules", border=True):
        threshold = st.select_slider(
            f"Count it as likely when more histories than this end in '{LABELS[outcome]}'",
            options=allowed("wm.threshold"),
            format_func=lambda v: f"{float(v):.1f}%",  # type: ignore[arg-type]
            key="wm.threshold",
            help="A setting tried counts when more than this share of its histories end this "
            "way. The rules describe where those settings are.",
        )
        samples = st.select_slider(
            "Settings to try", options=allowed("wm.disc_samples"), key="wm.disc_samples"
        )
        runs = st.select_slider(
            "Histories per setting", options=allowed("wm.disc_runs"), key="wm.disc_runs"
        )
        submitted = st.form_submit_button("Find the rules")
    threshold, samples, runs = float(threshold), int(samples), int(runs)  # type: ignore[arg-type,call-overload]
    if not asked("rules", submitted):
        st.caption(f"Press 'Find the rules' to play {samples * runs:,} histories.")
        return
    if too_much(samples * runs, MAX_DISCOVERY, "cuba62 discover"):
        return
    specs = NUMBER_SPECS
    x = latin_design(specs, samples, SEED)
    label = f"Playing {samples:,} settings × {runs:,} histories"
    counts = outcome_counts(base, [s.name for s in specs], x, runs, label, "rules")
    found = summarise_discovery(
        outcome, threshold / 100, specs, runs, SEED, x, shares(counts, outcome)
    )
    box = found.box
    if box is not None and box.limits:
        rules = "\n".join(f"- {plain_rule(n, lo, hi)}" for n, (lo, hi) in box.limits.items())
        st.markdown(
            f"More than {threshold:g}% of histories end in '{LABELS[outcome]}' mostly when:\n\n"
            f"{rules}\n\nInside these limits {box.density:.0%} of the settings tried pass that "
            f"mark; across all settings tried, {found.base_rate:.0%} do."
        )
    else:
        st.markdown(found.rules)
    with st.expander("For researchers"):
        st.markdown(found.rules)
        if box is not None and box.limits:
            left, right = st.columns(2)
            left.metric(
                "Coverage",
                f"{box.coverage:.0%}",
                border=True,
                help="Of all marked settings, the share that the rules catch.",
            )
            right.metric(
                "Density",
                f"{box.density:.0%}",
                border=True,
                help="Of the settings the rules describe, the share that are marked.",
            )
        st.caption(
            f"{samples:,} settings sampled evenly over every number setting's range (Latin "
            f"hypercube), {runs:,} histories each (seed {SEED}); rules found by PRIM, the method "
            "of the EMA Workbench. Settings near the threshold may be marked by chance: more "
            "histories sharpen the rules."
        )


def main() -> None:
    st.title("What matters?", anchor=False)
    st.write(
        "Which of the model's settings change the odds most? Each chart plays the crisis many "
        "times at many different settings and compares the results. These are statements about "
        "the model's assumptions, not historical findings."
    )
    with session.friendly_errors("What matters"):
        view_link.init_what_matters()
        view_link.show_view_notices()
        session.show_notices()
        settings = session.current()
        controls.scenario_picker()
        outcome = str(pick_outcome())
        st.caption(DESCRIPTIONS[outcome])
        if settings.params is None:
            st.error(f"These settings cannot hold together: {settings.error}. Fix them on Explore.")
            return
        changed = settings.params.differences(settings.scenario.params())
        st.caption(
            "Every chart starts from this scenario's settings"
            + (" with your changes on Explore" if changed else "")
            + " and varies the number settings around them."
        )
        try:
            for section in (influence_section, heatmap_section, rules_section):
                section(settings.params, outcome)
        finally:
            link.sync_url(settings, view_link.what_matters_query())


main()
