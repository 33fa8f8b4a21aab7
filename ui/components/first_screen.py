"""The Explore page's first screen: a lesson a class can see at 1280x720 without scrolling.

Under the scenario's question: one sentence of what to do, the one or two settings the scenario is
about (beside the chart, and on a phone above it), and a compact chart of the measure the
scenario is about, this scenario against the baseline with 95% intervals. Then what the what-if
changed and why that matters (its lesson). Which settings and which measure come from the scenario
file (`Scenario.focus`: its `headline` key, else its `[parameters]` and `expect`), so a new
scenario gets a first screen without code.

The settings here are second widgets for the sidebar's parameters: their callbacks copy the value
to the parameter's own session key (`session.param_key`), which stays the one state that the
settings, the sidebar and the share link are read from; before each is drawn it is given that
key's value, so a sidebar move shows here too.

The scenario picker words each what-if with its measured effect (`picker_label`), from paired runs
at the app's default size and seed, computed once per server process and whenever a scenario
file's settings change (`effects`).
"""

from __future__ import annotations

from functools import partial

import altair as alt
import streamlit as st

from sim import ensemble, summary
from sim.ensemble import Paired, Results
from sim.labels import (
    CONCESSION_LABELS,
    CONCESSION_PHRASES,
    CONCESSIONS,
    LABELS,
    OUTCOMES,
)
from sim.limits import APP_DEFAULT_RUNS
from sim.params import SPECS, Params
from sim.scenario import BASELINE_ID, Scenario
from sim.summary import Share
from ui.components import charts, controls, session

ANY_WAR = "any_war"  # the measure name used by scenario files (sim.lessons.ANY_WAR)
#: A measure's row in the headline chart.
ROW_LABELS = {ANY_WAR: "Any fighting"}
#: A concession in a few words, for the scenario picker ("deal: Thors in 80% (+79)").
SHORT_CONCESSIONS = {
    "pledge": "pledge",
    "secret_jupiters": "Jupiter assurance",
    "public_jupiters": "public Jupiter trade",
    "thor_immobilisation": "Thors",
    "west_berlin_guarantee": "Berlin guarantee",
}
#: The verb of the what-to-do sentence, by widget kind.
VERBS = {"float": "move", "datetime": "move", "bool": "switch", "choice": "change"}
MINUS = "\N{MINUS SIGN}"


# --- measures -----------------------------------------------------------------------------------


def row_label(measure: str) -> str:
    if measure in CONCESSIONS:
        return f"Deal includes: {CONCESSION_LABELS.get(measure, measure)}"
    return ROW_LABELS.get(measure, LABELS.get(measure, measure))


def watch_phrase(measure: str) -> str:
    """What the sentence asks the class to watch: 'the share of histories with any fighting'."""
    if measure == ANY_WAR:
        return "the share of histories with any fighting"
    if measure in OUTCOMES:
        return f"the share of histories ending in {summary.in_sentence(LABELS[measure])}"
    return f"how often the deal includes {CONCESSION_PHRASES.get(measure, measure)}"


def share(r: Results, measure: str) -> Share:
    """One side's share of a measure with its 95% interval (deals: share of all histories)."""
    if measure == ANY_WAR:
        return summary.war_share(r)
    if measure in OUTCOMES:
        return summary.outcome_shares(r)[measure]
    return summary.deal_shares(r)[measure]


def chart_measures(measure: str) -> list[str]:
    """The headline measure and the danger beside it: any fighting, or for any fighting itself
    the use of nuclear weapons."""
    return [measure, ANY_WAR if measure != ANY_WAR else "nuclear_war"]


def signed(points: float, decimals: int = 1) -> str:
    """'+4.7' / '−4.7' with a true minus sign (points, not shares)."""
    text = f"{abs(points):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if points > 0 else MINUS) + text


def effect_words(p: Paired, measure: str) -> str:
    """The measured effect in a few words: 'any fighting +21.6 pts', 'deal: Thors in 80% (+79)'."""
    d = summary.measure_difference(p, measure)
    if measure in CONCESSIONS:
        name = SHORT_CONCESSIONS.get(measure, measure.replace("_", " "))
        if not summary.moves(d):
            return f"deal: {name} unchanged"
        now = share(p.scenario, measure).share
        return f"deal: {name} in {now:.0%} ({signed(d.share * 100, 0)})"
    name = summary.in_sentence(row_label(measure))
    if not summary.moves(d):
        return f"{name} unchanged"
    return f"{name} {signed(d.share * 100)} pts"


# --- the scenario picker --------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _effects(
    entries: tuple[tuple[str, str, str], ...], base_key: str, seed: int, runs: int
) -> dict[str, str]:
    """id -> effect words for each (id, parameters key, measure). Computed in the server
    process, once per process (about 0.6 s of one core), not through the worker pool: the
    picker is drawn before the page's own run, and a session holds one pool job at a time."""
    base = ensemble.run(Params.from_key(base_key), runs, seed)
    found: dict[str, str] = {}
    for scenario_id, key, measure in entries:
        scen = ensemble.run(Params.from_key(key), runs, seed)
        found[scenario_id] = effect_words(Paired(scen, base), measure)
    return found


def effects() -> dict[str, str]:
    """Each shipped what-if's headline effect against the baseline at the app's default size
    (seed 0, `APP_DEFAULT_RUNS` histories): measured live, so a recalibrated engine is shown as
    it is. The cost is one paired default-size run per scenario, once per server process."""
    entries = tuple(
        (s.id, s.params().key(), s.focus()[1])
        for s in session.shipped().values()
        if s.id != BASELINE_ID
    )
    return _effects(entries, session.baseline().params().key(), 0, APP_DEFAULT_RUNS)


def picker_label(option: str) -> str:
    """'Britain really consulted · any fighting −4.7 pts' (the baseline and uploads: the title)."""
    label = session.option_label(option)
    effect = effects().get(option)
    return f"{label} · {effect}" if effect else label


# --- the first screen -------------------------------------------------------------------------


def _mirror(name: str) -> str:
    return f"first.{session.param_key(name)}"


def _copy(name: str) -> None:
    """The inline widget moved: its value becomes the parameter's (the sidebar's key)."""
    value = st.session_state[_mirror(name)]
    st.session_state[session.param_key(name)] = value
    if name == session.HAZARD:
        st.session_state[session.K_PRESET] = session.preset_for(value)


def instruction(names: tuple[str, ...], measure: str) -> str:
    """'Move **Real consultation of Britain** or **Weight on allies** and watch …'."""
    if not names:
        return f"Change a setting in the sidebar and watch {watch_phrase(measure)}."
    verbs = [VERBS.get(SPECS[n].kind, "change") for n in names]
    parts = [f"**{SPECS[n].label}**" for n in names]
    if len(parts) == 2 and verbs[0] != verbs[1]:
        parts[1] = f"{verbs[1]} {parts[1]}"
    return (
        f"{verbs[0].capitalize()} {' or '.join(parts)} and watch {watch_phrase(measure)}, "
        "this scenario beside the baseline."
    )


def inline_settings(names: tuple[str, ...], reference: Params) -> None:
    for name in names:
        key = session.param_key(name)
        if key in st.session_state:  # a sidebar move (or a reset) shows here too
            st.session_state[_mirror(name)] = st.session_state[key]
        controls.parameter_widget(
            SPECS[name], reference, key=_mirror(name), on_change=partial(_copy, name)
        )
    st.caption("Every other setting is in the sidebar, under Settings.")


def headline_figure(p: Paired, measure: str, runs: int) -> charts.Figure:
    """Bars with 95% whiskers and printed values: the headline measure and the danger beside it,
    this scenario above the baseline."""
    measures = chart_measures(measure)
    rows: list[dict[str, object]] = []
    for m in measures:
        for run, r in ((charts.SCENARIO, p.scenario), (charts.BASELINE, p.baseline)):
            s = share(r, m)
            rows.append(
                {
                    "category": row_label(m),
                    "run": run,
                    "share": s.share,
                    "lo": s.lo,
                    "hi": s.hi,
                    "value": summary.percent(s.share),
                    "text": f"{summary.percent(s.share)} (95% interval "
                    f"{summary.percent(s.lo)}–{summary.percent(s.hi)})",
                }
            )
    order = [row_label(m) for m in measures]
    # Room on the right for the printed values; the axis starts at 0 (no exaggeration).
    top = min(1.0, max(float(r["hi"]) for r in rows) * 1.3 + 0.02)  # type: ignore[arg-type]

    def x(end: float) -> alt.X:
        return alt.X(
            "share:Q",
            title="Share of histories",
            scale=alt.Scale(domain=[0, end], nice=False),
            axis=alt.Axis(format="%", tickCount=4, labelFlush=True),
        )

    spec = charts.bars_spec(
        "first-screen", rows, order, "Share of histories", x=x, top=top, values=True, row_height=56
    )
    spec.setdefault("config", {}).setdefault("text", {})["fontSize"] = charts.FONT
    d = summary.measure_difference(p, measure)
    scen, base_share = share(p.scenario, measure), share(p.baseline, measure)
    caption = (
        f"{row_label(measure)}: {summary.percent(scen.share)} in this scenario, "
        f"{summary.percent(base_share.share)} in the baseline"
    )
    if p.scenario is not p.baseline:
        caption += (
            f" ({signed(d.share * 100)} points, 95% interval {signed(d.lo * 100)} to "
            f"{signed(d.hi * 100)})"
        )
    caption += f", on the same {runs:,} histories. Black lines: 95% intervals."
    detail = "; ".join(f"{r['category']}, {r['run'].lower()}: {r['text']}" for r in rows)  # type: ignore[attr-defined]
    return charts.Figure(spec, caption, detail + ".")


def lesson_point(lesson: str) -> str:
    """The sentences of a lesson from 'The lesson:' on (its point, without the history before
    it), capitalised; the whole lesson when it has no such marker."""
    marker = "The lesson:"
    point = lesson.split(marker, 1)[1].strip() if marker in lesson else lesson.strip()
    return point[:1].upper() + point[1:]


def what_it_did(p: Paired, scenario: Scenario, changed: bool) -> str:
    """What the what-if changed, in one sentence, and why that matters (its lesson)."""
    if p.scenario is p.baseline:
        text = "This is the baseline itself: move a setting to see what it changes."
    elif summary.practically_unchanged(p):
        diff = summary.paired_concession_difference(p)
        moved = [c for c in CONCESSIONS if summary.moves(diff[c])]
        if moved:
            c = max(moved, key=lambda c: abs(diff[c].share))
            after = summary.deal_shares(p.scenario)[c].share
            before = summary.deal_shares(p.baseline)[c].share
            text = (
                "**No outcome moves beyond chance, but the deal does:** "
                f"{CONCESSION_PHRASES.get(c, c)} in {summary.percent(after)} of histories "
                f"instead of {summary.percent(before)}."
            )
        else:
            text = "**Nothing moves beyond chance:** neither how the crisis ends nor the deal."
    else:
        text = (
            f"**{summary.percent(summary.influence(p).share)} of histories end differently** "
            "from the same histories in the baseline."
        )
    if scenario.lesson:
        why = "Why it matters" if not changed else "The scenario's lesson (for its own settings)"
        text += f" **{why}:** {lesson_point(scenario.lesson)}"
    return text.replace("$", r"\$")


def show(settings: session.Settings, p: Paired | None, projector: bool) -> None:
    """The first screen: what to do, the settings, the chart, what changed and why it matters."""
    names, measure = settings.scenario.focus()
    names = tuple(n for n in names if n in SPECS)
    with st.container(key="first_todo"):
        st.markdown(instruction(names, measure))
    left, right = st.columns([2, 3], gap="medium")
    with left, st.container(key="first_settings"):
        inline_settings(names, settings.scenario.params())
    with right, st.container(key="first_chart"):
        if p is None:
            st.info("The chart returns when the settings hold together again.")
            return
        figure = headline_figure(p, measure, settings.runs)
        spec = charts.for_projector(figure.spec) if projector else figure.spec
        st.vega_lite_chart(
            spec,
            width="stretch",
            alt=f"Bar chart: {row_label(measure)}, this scenario beside the baseline. "
            + figure.detail,
        )
        st.caption(figure.caption)
    changed = bool(
        settings.params is not None and settings.params.differences(settings.scenario.params())
    )
    with st.container(key="first_lesson"):
        st.markdown(what_it_did(p, settings.scenario, changed))
