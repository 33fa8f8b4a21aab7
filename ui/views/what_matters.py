"""What matters? Which settings move an outcome most (tornado chart), how an outcome depends on
two settings at once (heat map), and when it happens (rules found by scenario discovery).

Every number is computed by `sim.analysis` in small cached batches (st.cache_data), so a progress
bar can move while it works and a repeated request is instant. Work per request is capped; the
command line (`cuba62 sensitivity`, `cuba62 sweep`, `cuba62 discover`) has no such limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd
import streamlit as st

from sim.analysis import (
    RANK_KEY,
    Sensitivity,
    evaluate,
    float_specs,
    latin_design,
    points,
    problem,
    sensitivity_design,
    sensitivity_evaluations,
    shares,
    summarise_discovery,
    summarise_sensitivity,
)
from sim.labels import DESCRIPTIONS, LABELS, OUTCOMES
from sim.params import SPECS, Params
from sim.scenario import BASELINE_ID, Scenario
from sim.summary import wilson
from ui.components import session

#: Most histories one chart may run per request (sample points × histories per point).
MAX_SENSITIVITY = 120_000
MAX_HEATMAP = 64_000
MAX_DISCOVERY = 90_000
#: Sample points per cached batch: small enough for a smooth progress bar.
BATCH = 6
BAR_COLOUR = "#0072B2"  # Okabe–Ito blue
INK = "#222222"
SEED = 0

NUMBER_SPECS = float_specs()


#: Starting values of this page's widgets (set once per session, so that a link or a test can
#: preset them through st.session_state without a widget default competing).
DEFAULTS: dict[str, object] = {
    "wm.outcome": "nuclear_war",
    "wm.method": "morris",
    "wm.samples": 16,
    "wm.sens_runs": 200,
    "wm.across": "ussr.risk_acceptance",
    "wm.up": "us.hawkishness",
    "wm.size": 6,
    "wm.heat_runs": 300,
    "wm.threshold": 5.0,
    "wm.disc_samples": 120,
    "wm.disc_runs": 200,
}


def label_of(name: str) -> str:
    return SPECS[name].label


# --- cached computation -------------------------------------------------------------------------


@st.cache_data(max_entries=4096, show_spinner=False)
def _batch_counts(
    base_key: str, names: tuple[str, ...], rows: tuple[tuple[float, ...], ...], runs: int, seed: int
) -> npt.NDArray[np.int64]:
    base = Params.from_key(base_key)
    specs = [SPECS[n] for n in names]
    return evaluate(points(base, specs, np.array(rows, dtype=np.float64)), runs, seed)


def outcome_counts(
    base: Params, names: Sequence[str], x: npt.NDArray[np.float64], runs: int, label: str
) -> npt.NDArray[np.int64]:
    """Outcome counts at every row of `x`, in cached batches, with a progress bar meanwhile."""
    key = base.key()
    bar = st.progress(0.0, text=label)
    parts = []
    for start in range(0, len(x), BATCH):
        rows = tuple(tuple(float(v) for v in row) for row in x[start : start + BATCH])
        parts.append(_batch_counts(key, tuple(names), rows, runs, SEED))
        done = min(len(x), start + BATCH)
        bar.progress(done / len(x), text=f"{label}: {done:,} of {len(x):,} settings played")
    bar.empty()
    return np.vstack(parts)


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


def pick_scenario() -> Scenario:
    available = session.options()
    chosen = st.session_state.get("scenario_id") or st.session_state.get(session.K_SCENARIO)
    ids = list(available)
    default = chosen if chosen in available else (BASELINE_ID if BASELINE_ID in ids else ids[0])
    if "wm.scenario" not in st.session_state or st.session_state["wm.scenario"] not in available:
        st.session_state["wm.scenario"] = default
    option = st.selectbox(
        "Scenario to study",
        ids,
        format_func=session.option_label,
        key="wm.scenario",
        help="Everything below starts from this scenario's settings and varies the number "
        "settings around it. It starts as the scenario chosen on Explore.",
    )
    return available[option]


def pick_outcome() -> str:
    return st.selectbox(
        "Outcome to understand",
        list(OUTCOMES),
        format_func=lambda o: LABELS[o],
        key="wm.outcome",
        help="Every chart on this page is about the share of histories that end this way.",
    )


def tornado_figure(result: Sensitivity) -> alt.LayerChart:
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
        "Average change in share (mu*)"
        if result.method == "morris"
        else ("Share of variation (total Sobol index)")
    )
    base = alt.Chart(data).encode(
        y=alt.Y("parameter:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
        tooltip=[
            alt.Tooltip("parameter:N", title="Setting"),
            alt.Tooltip("text:N", title="Influence"),
        ],
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(x=alt.X("value:Q", title=title))
    whiskers = base.mark_rule(color=INK, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q")
    return alt.LayerChart(layer=[bars, whiskers], height=max(160, 30 * len(rows)))


def tornado_text(result: Sensitivity) -> str:
    key, conf = RANK_KEY[result.method]
    listing = "; ".join(
        f"{ix.label} {ix.values[key]:.3f} (±{ix.values[conf]:.3f})" for ix in result.indices
    )
    return f"{in_words(result.summary)} Influence of each setting, largest first: {listing}."


def influence_section(scenario: Scenario, outcome: str) -> None:
    st.subheader("Which settings move the odds most?", anchor=False)
    with st.form("wm-tornado", border=True):
        method = st.radio(
            "How to measure influence",
            ["morris", "sobol"],
            format_func=lambda m: (
                "Quick screen (Morris method)"
                if m == "morris"
                else "Share of variation (Sobol method, slower)"
            ),
            key="wm.method",
            horizontal=True,
            help="Morris moves one setting at a time from many starting points and averages how "
            "far the outcome moves. Sobol splits the outcome's variation between the settings.",
        )
        samples = st.select_slider(
            "Sample size",
            options=[8, 16, 32],
            key="wm.samples",
            help="Morris: how many one-at-a-time paths through the settings. Sobol: base "
            "samples. Larger is steadier and slower.",
        )
        runs = st.select_slider(
            "Histories per setting",
            options=[100, 200, 300, 500],
            key="wm.sens_runs",
            help="How many times the crisis is played at each sampled setting.",
        )
        st.form_submit_button("Rank the settings")
    specs = NUMBER_SPECS
    n_eval = sensitivity_evaluations(method, samples, len(specs))
    if too_much(n_eval * runs, MAX_SENSITIVITY, "cuba62 sensitivity"):
        return
    x = sensitivity_design(method, problem(specs), samples, SEED)
    counts = outcome_counts(
        scenario.params(),
        [s.name for s in specs],
        x,
        runs,
        f"Playing {n_eval:,} settings × {runs:,} histories",
    )
    result = summarise_sensitivity(
        method, outcome, specs, samples, runs, SEED, x, shares(counts, outcome)
    )
    description = tornado_text(result)
    st.altair_chart(tornado_figure(result), width="stretch", alt=description)
    st.markdown(f"**{in_words(result.summary)}**")
    st.caption(
        f"{n_eval:,} sampled settings × {runs:,} histories each = {n_eval * runs:,} histories "
        f"(seed {SEED}). Whiskers are 95% intervals. " + description
    )
    for warning in result.warnings:
        st.caption("Note: " + in_words(warning) + ".")


def heatmap_section(scenario: Scenario, outcome: str) -> None:
    st.subheader("How two settings work together", anchor=False)
    names = [s.name for s in NUMBER_SPECS]
    with st.form("wm-heatmap", border=True):
        left, right = st.columns(2)
        across = left.selectbox(
            "Setting across",
            names,
            format_func=label_of,
            key="wm.across",
        )
        up = right.selectbox(
            "Setting up",
            names,
            format_func=label_of,
            key="wm.up",
        )
        size = st.select_slider(
            "Values per setting",
            options=[3, 4, 5, 6, 7, 8],
            key="wm.size",
            help="The grid has this many values of each "
            "setting, evenly spaced over its whole range.",
        )
        runs = st.select_slider(
            "Histories per square",
            options=[100, 200, 300, 500, 1000],
            key="wm.heat_runs",
            help="How many times the crisis is played in each square.",
        )
        st.form_submit_button("Draw the map")
    if across == up:
        st.info("Choose two different settings to see how they work together.")
        return
    if too_much(size * size * runs, MAX_HEATMAP, "cuba62 sweep"):
        return
    sx, sy = SPECS[across], SPECS[up]
    xs = np.linspace(float(sx.minimum or 0.0), float(sx.maximum or 0.0), size)
    ys = np.linspace(float(sy.minimum or 0.0), float(sy.maximum or 0.0), size)
    grid = np.array([(a, b) for b in ys for a in xs], dtype=np.float64)
    counts = outcome_counts(
        scenario.params(),
        [across, up],
        grid,
        runs,
        f"Playing {len(grid):,} squares × {runs:,} histories",
    )
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
    base = alt.Chart(data).encode(
        x=alt.X("x:O", sort=x_order, title=sx.label, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("y:O", sort=y_order, title=sy.label),
        tooltip=[
            alt.Tooltip("x:O", title=sx.label),
            alt.Tooltip("y:O", title=sy.label),
            alt.Tooltip("text:N", title=LABELS[outcome]),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title=LABELS[outcome],
            scale=alt.Scale(scheme="viridis"),
            legend=alt.Legend(format="%", orient="bottom"),
        )
    )
    labels = base.mark_text(fontSize=11).encode(
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
    st.altair_chart(
        alt.LayerChart(layer=[cells, labels], height=320), width="stretch", alt=description
    )
    st.caption(
        description + " Every square plays the same numbered histories (common random "
        "numbers), so neighbouring squares differ by the settings, not by luck."
    )


def rules_section(scenario: Scenario, outcome: str) -> None:
    st.subheader("When does it happen?", anchor=False)
    with st.form("wm-rules", border=True):
        threshold = st.slider(
            f"Counts as happening when the share of '{LABELS[outcome]}' is above",
            min_value=0.5,
            max_value=50.0,
            step=0.5,
            format="%.1f%%",
            key="wm.threshold",
            help="A sampled setting is marked when more than this share of its histories end "
            "this way. The rules describe where the marked settings are.",
        )
        samples = st.select_slider(
            "Settings to sample", options=[60, 120, 200, 300], key="wm.disc_samples"
        )
        runs = st.select_slider(
            "Histories per setting", options=[100, 200, 300], key="wm.disc_runs"
        )
        st.form_submit_button("Find the rules")
    if too_much(samples * runs, MAX_DISCOVERY, "cuba62 discover"):
        return
    specs = NUMBER_SPECS
    x = latin_design(specs, samples, SEED)
    counts = outcome_counts(
        scenario.params(),
        [s.name for s in specs],
        x,
        runs,
        f"Playing {samples:,} settings × {runs:,} histories",
    )
    found = summarise_discovery(
        outcome, threshold / 100, specs, runs, SEED, x, shares(counts, outcome)
    )
    st.markdown(found.rules)
    if found.box is not None and found.box.limits:
        left, right = st.columns(2)
        left.metric(
            "Coverage",
            f"{found.box.coverage:.0%}",
            border=True,
            help="Of all marked settings, the share that the rules catch.",
        )
        right.metric(
            "Density",
            f"{found.box.density:.0%}",
            border=True,
            help="Of the settings the rules describe, the share that are marked.",
        )
    st.caption(
        f"{samples:,} settings sampled evenly over every number setting's range (Latin "
        f"hypercube), {runs:,} histories each; rules found by PRIM, the method of the EMA "
        "Workbench. Settings near the threshold may be marked by chance: more histories sharpen "
        "the rules."
    )


def main() -> None:
    st.title("What matters?", anchor=False)
    st.write(
        "Which of the model's settings change the odds most? Each chart plays the crisis many "
        "times at many different settings and compares the results. These are statements about "
        "the model's assumptions, not historical findings."
    )
    with session.friendly_errors("What matters"):
        for key, value in DEFAULTS.items():
            st.session_state.setdefault(key, value)
        scenario = pick_scenario()
        outcome = pick_outcome()
        st.caption(DESCRIPTIONS[outcome])
        influence_section(scenario, outcome)
        heatmap_section(scenario, outcome)
        rules_section(scenario, outcome)


main()
