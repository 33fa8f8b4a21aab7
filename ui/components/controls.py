"""Widgets generated from the one parameter schema (`sim.params.SCHEMA`).

Each parameter gets the widget its kind calls for, labelled with its schema label, with a `help=`
that says what it means historically and where that comes from. Nothing here lists parameters:
a parameter added to the schema appears here by itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import streamlit as st

from sim import presets
from sim.limits import APP_RUNS, APP_RUNS_STEP, SEED
from sim.params import ACTOR_NAMES, HAZARD_PRESETS, SCHEMA, Params, ParamSpec, format_value
from ui.components import session
from ui.components.session import CUSTOM, HAZARD, K_PRESET, K_RUNS, K_SCENARIO, K_SEED, param_key

CONFIDENCE = {"L": "low", "M": "medium", "H": "high"}


def help_text(spec: ParamSpec) -> str:
    text = f"{spec.meaning} Source: {spec.source}."
    if spec.unit:
        text += f" Unit: {spec.unit}."
    if spec.kind == "datetime":
        text += f" {spec.timezone} time, in the model's 6-hour steps."
    return text


def choice_label(choice: str) -> str:
    return choice.replace("_", " ").capitalize()


def decimals(spec: ParamSpec) -> int:
    """Enough decimals for the slider's step and for its default value (at most 4)."""
    assert spec.step is not None and isinstance(spec.default, float)
    places = max(0, math.ceil(-math.log10(spec.step) - 1e-9))
    while places < 4 and float(f"{spec.default:.{places}f}") != spec.default:
        places += 1
    return places


def scenario_picker(label: Callable[[str], str] = session.option_label) -> None:
    """The scenario selectbox; `label` words each option (the Explore page adds its effect)."""
    st.selectbox(
        "Scenario",
        list(session.options()),
        format_func=label,
        key=K_SCENARIO,
        on_change=session.on_scenario_change,
        help="Each scenario changes one historical decision. Its settings load into the "
        "parameters; the baseline (what happened, played many times) is always shown beside it.",
        persist_state="session",
    )


def run_controls() -> None:
    st.number_input(
        "Number of histories",
        min_value=APP_RUNS.low,
        max_value=APP_RUNS.high,
        step=APP_RUNS_STEP,
        key=K_RUNS,
        help="How many times the crisis is played. More histories give narrower 95% intervals "
        f"and take longer ({APP_RUNS.low:,} to {APP_RUNS.high:,}).",
        persist_state="session",
    )
    st.number_input(
        "Seed",
        min_value=SEED.low,
        max_value=SEED.high,
        step=1,
        key=K_SEED,
        help="The random seed. The same scenario, settings, seed and number of histories always "
        "give the same numbers; the scenario and the baseline share it, history by history.",
        persist_state="session",
    )


def _preset_chosen() -> None:
    chosen = st.session_state[K_PRESET]
    if chosen in HAZARD_PRESETS:
        st.session_state[param_key(HAZARD)] = HAZARD_PRESETS[chosen].escalation_risk


def _hazard_moved() -> None:
    st.session_state[K_PRESET] = session.preset_for(st.session_state[param_key(HAZARD)])


def _preset_label(name: str) -> str:
    """'Ellsberg: 10–30% nuclear war → model 20.1%' (the stored measurement of the solve)."""
    if name == CUSTOM:
        return "Custom"
    found = presets.solved(name)
    gives = "" if found is None else f" → model {found.measured.share:.1%}"
    return HAZARD_PRESETS[name].label + gives


def preset_caption(name: str) -> str:
    """What a preset's source estimated beside what this model gives there, from the real run
    `cuba62 presets --solve` measured (its size is said), and where the estimate comes from."""
    p = presets.PRESETS[name]
    found = presets.solved(name)
    run = "" if found is None else f" ({found.run_size})"
    value = format_value(presets.value(name))
    said = presets.comparison(p)
    return (
        f"{said[0].upper()}{said[1:]}{run}. Measures {p.note}. Sets the escalation "
        f"risk to {value}. Source: {p.source}. "
        f"Confidence: {CONFIDENCE.get(p.confidence, p.confidence)}."
    )


def hazard_preset() -> None:
    st.selectbox(
        "Escalation preset",
        [*(p.id for p in presets.ordered()), CUSTOM],
        format_func=_preset_label,
        key=K_PRESET,
        on_change=_preset_chosen,
        help="Published estimates of how likely war was over the whole crisis. Each sets the "
        "escalation risk at which the model's baseline gives that share (solved on a real run). "
        "They measure different things; see below.",
        persist_state="session",
    )
    chosen = st.session_state.get(K_PRESET, CUSTOM)
    if chosen in HAZARD_PRESETS:
        st.caption(preset_caption(chosen).replace("$", r"\$"))
    else:
        st.caption("Custom: your own value on the slider below (no published source).")


def parameter_widget(
    spec: ParamSpec,
    reference: Params,
    key: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> None:
    """The widget for one parameter; `reference` (the scenario's values) sets the date grid.

    With `key` and `on_change` it is a second widget for the same parameter (the Explore page's
    inline settings): its callback copies its value to the parameter's own key, which stays the
    one state the settings and the share link are read from."""
    mirror = key is not None
    key, help_ = key or param_key(spec.name), help_text(spec)
    if on_change is None and spec.name == HAZARD:
        on_change = _hazard_moved
    if spec.kind == "float":
        assert spec.minimum is not None and spec.maximum is not None and spec.step is not None
        if spec.name == HAZARD and not mirror:
            hazard_preset()
        st.slider(
            spec.label,
            min_value=float(spec.minimum),
            max_value=float(spec.maximum),
            step=float(spec.step),
            format=f"%.{decimals(spec)}f",
            key=key,
            help=help_,
            on_change=on_change,
            persist_state="session",
        )
    elif spec.kind == "bool":
        st.toggle(spec.label, key=key, help=help_, on_change=on_change, persist_state="session")
    elif spec.kind == "choice":
        st.selectbox(
            spec.label,
            spec.choices,
            format_func=choice_label,
            key=key,
            help=help_,
            on_change=on_change,
            persist_state="session",
        )
    else:
        st.select_slider(
            spec.label,
            options=spec.time_steps(),
            format_func=partial(
                session.step_label,
                spec=spec,
                offset=session.grid_offset(spec, reference[spec.name]),
            ),
            key=key,
            help=help_,
            on_change=on_change,
            persist_state="session",
        )


def parameter_controls(reference: Params) -> None:
    """Reset button, then one expander per actor with that actor's parameters."""
    st.button(
        "Reset to scenario",
        on_click=session.reset_to_scenario,
        help="Put every parameter back to the selected scenario's settings.",
        width="stretch",
    )
    for actor, name in ACTOR_NAMES.items():
        specs = [s for s in SCHEMA if s.actor == actor]
        if not specs:
            continue
        with st.expander(name):
            for spec in specs:
                parameter_widget(spec, reference)


def describe_value(spec: ParamSpec, value: object) -> str:
    """A parameter value as a student reads it (for tables and 'what you changed')."""
    if spec.kind == "choice" and isinstance(value, str):
        return choice_label(value)
    if spec.kind == "bool":
        return "yes" if value else "no"
    if spec.kind == "datetime":
        return f"{format_value(value)} {spec.timezone}"  # type: ignore[arg-type]
    return format_value(value)  # type: ignore[arg-type]
