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

import copy
from functools import partial

import streamlit as st

from sim import summary
from sim.ensemble import Paired
from sim.labels import (
    CONCESSION_PHRASES,
    CONCESSIONS,
    LABELS,
    OUTCOMES,
)
from sim.limits import APP_DEFAULT_RUNS
from sim.params import SPECS, Params
from sim.scenario import Scenario
from ui.components import cache, charts, controls, headline, pool_jobs, session
from ui.components.headline import (  # noqa: F401 - re-exported: the first screen's vocabulary
    ANY_WAR,
    MINUS,
    ROW_LABELS,
    SHORT_CONCESSIONS,
    chart_measures,
    effect_words,
    row_label,
    share,
    signed,
)

#: The verb of the what-to-do sentence, by widget kind.
VERBS = {"float": "move", "datetime": "move", "bool": "switch", "choice": "change"}


# --- measures -----------------------------------------------------------------------------------


def watch_phrase(measure: str) -> str:
    """What the sentence asks the class to watch: 'the share of histories with any fighting'."""
    if measure == ANY_WAR:
        return "the share of histories with any fighting"
    if measure in OUTCOMES:
        return f"the share of histories ending in {summary.in_sentence(LABELS[measure])}"
    return f"how often the deal includes {CONCESSION_PHRASES.get(measure, measure)}"


# --- the scenario picker --------------------------------------------------------------------


#: The pool's owner name for the picker's job (one per server, whoever asks first).
PICKER = "cuba62-picker"


@st.cache_resource(show_spinner=False)
def _measured() -> dict[tuple[object, ...], dict[str, str]]:
    """The picker's words once measured, by the job's arguments (one entry: the shipped files'
    settings now), for the life of the server process."""
    return {}


def effects(wait: float | None = None) -> dict[str, str]:
    """Each shipped what-if's headline effect against the baseline at the app's default size
    (seed 0, `APP_DEFAULT_RUNS` histories), id -> words: measured live, so a recalibrated engine
    is shown as it is, once per server process (and when a scenario file's settings change).

    One job in the worker pool (`pool_jobs.effects_job`, about 0.6 s of one core), not in the
    server: the server then never imports the engine and Mesa, and on the first visit after a
    start the picker's runs use the pool's second worker while the first computes the page. The
    picker waits for it at most `wait` seconds (default: the page's own inline wait); a pool too
    busy to answer by then gives plain titles this time, and is asked again on the next run."""
    entries = pool_jobs.picker_entries(session.shipped().values())
    args = (entries, session.baseline().params().key(), 0, APP_DEFAULT_RUNS)
    known = _measured()
    if args in known:
        return known[args]
    try:
        value = cache.quiet_job(
            PICKER,
            ("effects", *args),
            pool_jobs.effects_job,
            args,
            cache.INLINE_WAIT_S if wait is None else wait,
        )
    except ValueError:  # not yet, or failed (logged by the pool): plain titles this time
        return {}
    assert isinstance(value, dict)
    known.clear()
    known[args] = value
    return value


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


def show(
    settings: session.Settings,
    p: Paired | None,
    projector: bool,
    figure: charts.Figure | None = None,
) -> None:
    """The first screen: what to do, the settings, the chart, what changed and why it matters.
    `figure`: the headline chart when the worker pool built it with the page's runs (else it is
    built here)."""
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
        if figure is None:
            figure = headline.figure(p, measure, settings.runs)
        # A copy for the projector: a figure from the pool is cached and shared by every session.
        spec = charts.for_projector(copy.deepcopy(figure.spec)) if projector else figure.spec
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
