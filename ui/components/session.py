"""The current settings of a browser session, and the scenarios they can come from.

One set of settings (scenario, seed, number of histories, parameter values) lives in Streamlit's
session state under the widget keys below. It is filled once per browser session from the URL
(`ui.components.link`), changed by the widgets on the Explore page, and read by every page with
`current()`. The runs those settings ask for are cached in `ui.components.cache`.

Ranges come from the engine: seed and number of histories from `sim.limits`, every parameter's
(the time sliders' included) from the schema in `sim.params`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from sim import calendar
from sim.limits import APP_DEFAULT_RUNS, APP_DEFAULT_SCENARIO, APP_RUNS
from sim.params import (
    HAZARD_PRESETS,
    SCHEMA,
    ParameterError,
    Params,
    ParamSpec,
    Value,
    coerce,
    format_value,
    make_params,
)
from sim.scenario import (
    BASELINE_ID,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_ids,
)

log = logging.getLogger(__name__)

#: The scenario the app opens on (`sim.limits.APP_DEFAULT_SCENARIO`, which says why).
PREFERRED_DEFAULT = APP_DEFAULT_SCENARIO
HAZARD = "world.escalation_risk"
CUSTOM = "custom"
UPLOAD_PREFIX = "upload:"  # ':' cannot occur in a scenario id, so no clash with shipped ids

# Session-state keys (widgets use them as their `key`).
K_SCENARIO = "w.scenario"
K_RUNS = "w.runs"
K_SEED = "w.seed"
K_PRESET = "w.hazard_preset"
K_HISTORY = "w.history"
K_UPLOAD = "w.upload"
K_UPLOADS = "uploads"  # option -> Scenario, for scenarios uploaded in this session
K_NOTICES = "notices"  # warnings about the URL, shown until the user changes scenario
K_UPLOAD_MESSAGE = "upload_message"  # (kind, text) after an upload
K_INITIALISED = "initialised"
K_RECONNECTED = "reconnected"  # this session began with the browser's widget values (a restart)


def param_key(name: str) -> str:
    return f"p.{name}"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that determines the numbers on the page."""

    option: str  # the scenario selectbox value: a shipped id or UPLOAD_PREFIX + hash
    scenario: Scenario
    baseline: Scenario
    seed: int
    runs: int
    params: Params | None  # None when the widgets hold settings that cannot hold together
    error: str = ""

    @property
    def uploaded(self) -> bool:
        return self.option.startswith(UPLOAD_PREFIX)


# --- scenarios ----------------------------------------------------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def _shipped() -> tuple[dict[str, Scenario], list[str]]:
    """The shipped scenarios that load, and one-line errors for any that do not."""
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for scenario_id in scenario_ids():
        try:
            found[scenario_id] = load_scenario(scenario_id)
        except ScenarioError as error:
            problems.append(str(error))
    return found, problems


def shipped() -> dict[str, Scenario]:
    return _shipped()[0]


def scenario_problems() -> list[str]:
    return _shipped()[1]


def options() -> dict[str, Scenario]:
    """Selectbox options (shipped scenarios, then this session's uploads) -> scenario."""
    uploads: dict[str, Scenario] = st.session_state.get(K_UPLOADS, {})
    return {**shipped(), **uploads}


def default_option() -> str:
    ids = list(shipped())
    if PREFERRED_DEFAULT in ids:
        return PREFERRED_DEFAULT
    if not ids:
        raise ScenarioError("no scenario files found in scenarios/: the app needs at least one")
    return ids[0]


def baseline() -> Scenario:
    found = shipped()
    if BASELINE_ID in found:
        return found[BASELINE_ID]
    # Without a baseline file, the baseline is the schema's defaults (the historical settings).
    return Scenario(
        id=BASELINE_ID,
        title="Baseline",
        question="What happened, played many times?",
        historical_basis="The schema's default settings.",
        sources=(),
        what_to_notice=(),
        things_to_try=(),
        overrides={},
    )


def option_label(option: str) -> str:
    scenario = options().get(option)
    if scenario is None:
        return option
    return scenario.title + (" (uploaded)" if option.startswith(UPLOAD_PREFIX) else "")


# --- parameter values <-> widget values ---------------------------------------------------------


def grid_offset(spec: ParamSpec, reference: Value) -> dt.timedelta:
    """Where `reference` sits inside its 6-hour step: the date-time slider moves in whole steps
    from the scenario's own time (18:00, 00:00, 06:00…), so the scenario's value is shown as is."""
    assert isinstance(reference, dt.datetime)
    return reference - spec.time_at(calendar.step_of(reference, spec.timezone))


def step_label(step: int, spec: ParamSpec, offset: dt.timedelta = dt.timedelta()) -> str:
    """'27 Oct 18:00': a step's time on the slider, in the parameter's own timezone."""
    return calendar.fmt(spec.time_at(step) + offset)


def to_widget(spec: ParamSpec, value: Value) -> Any:
    """A parameter value as its widget holds it (date-times as a step number)."""
    if spec.kind == "datetime":
        assert isinstance(value, dt.datetime)
        step = calendar.step_of(value, spec.timezone)
        steps = spec.time_steps()  # the slider's range, from the schema
        return min(steps, key=lambda s: abs(s - step)) if step not in steps else step
    return value


def url_text(spec: ParamSpec, value: Value) -> str:
    """The text of a value in a share link: a hazard preset's name when it is one exactly."""
    if spec.name == HAZARD:
        for name, preset in HAZARD_PRESETS.items():
            if value == preset.escalation_risk:
                return name
    return format_value(value)


def from_widget(spec: ParamSpec, raw: Any, reference: Value) -> Value:
    """The parameter value for a widget value; `reference` (the scenario's value) wins when the
    widget shows the same thing, so untouched settings keep their exact scenario values."""
    if spec.kind == "datetime":
        assert isinstance(reference, dt.datetime)
        if int(raw) == calendar.step_of(reference, spec.timezone):
            return reference
        when = spec.time_at(int(raw)) + grid_offset(spec, reference)
        return coerce(spec.name, format_value(when))
    if spec.kind == "float":
        value = float(raw)
        if url_text(spec, value) == url_text(spec, reference):
            return reference
        # What a share link would carry, so opening the link gives exactly these numbers.
        return coerce(spec.name, url_text(spec, value))
    return coerce(spec.name, raw)


def preset_for(value: object) -> str:
    for name, preset in HAZARD_PRESETS.items():
        if isinstance(value, float) and format_value(value) == format_value(preset.escalation_risk):
            return name
    return CUSTOM


def load_widgets(params: Params, keep: frozenset[str] = frozenset()) -> None:
    """Put `params` into the parameter widgets (only from callbacks or before they render),
    except those whose keys are in `keep` (values the browser sent: `browser_widget_keys`)."""
    for spec in SCHEMA:
        if param_key(spec.name) not in keep:
            st.session_state[param_key(spec.name)] = to_widget(spec, params[spec.name])
    if K_PRESET not in keep:
        st.session_state[K_PRESET] = preset_for(params[HAZARD])


def rerun_if_reconnected() -> None:
    """Call once the page's widgets are drawn. In the first run of a session that an open page
    reconnected to (after a server restart), the browser's widget values can only be read by key
    once their widgets exist in this run; until then the settings read the defaults. So run the
    page again, once, now that they can be read (the user's change then takes effect)."""
    if st.session_state.pop(K_RECONNECTED, False):
        st.rerun()


#: The widgets that hold the settings (what the link carries).
SETTING_KEYS = frozenset(
    {K_SCENARIO, K_SEED, K_RUNS, K_HISTORY, K_PRESET, *(param_key(s.name) for s in SCHEMA)}
)


def browser_widget_keys() -> frozenset[str]:
    """Keys of the settings' widgets whose values the browser sent with this run.

    On the first run of a session this is empty when a page was opened, and non-empty when an
    open page reconnected to a new server session: after a server restart the page does not
    rerun on reconnecting, so the first run is the user's next change, carrying every widget's
    value. Those values must win over the link (which still holds the previous value of the
    widget just moved), or that change is silently dropped (issue 17). Streamlit has no public
    API for this; on any change in its internals this returns nothing (the link wins, as before).
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import user_key_from_element_id

        ctx = get_script_run_ctx()
        if ctx is None:
            return frozenset()
        sent = ctx.session_state._state._new_widget_state.states  # noqa: SLF001
        keys = {user_key_from_element_id(widget_id) for widget_id in sent}
        return frozenset(k for k in keys if k in SETTING_KEYS)
    except Exception:  # noqa: BLE001 - a private API that may change: fall back to the link
        log.warning("could not read the widget values sent by the browser", exc_info=True)
        return frozenset()


def widget_params(scenario: Scenario) -> Params:
    """The parameters the widgets hold, on top of the scenario's; raises ParameterError."""
    reference = scenario.params()
    overrides: dict[str, Value] = {}
    for spec in SCHEMA:
        key = param_key(spec.name)
        if key not in st.session_state:
            continue
        overrides[spec.name] = from_widget(spec, st.session_state[key], reference[spec.name])
    return make_params(overrides, base=reference)


# --- current settings ---------------------------------------------------------------------------


def current() -> Settings:
    """The settings in the session right now (every page reads them the same way)."""
    available = options()
    option = st.session_state.get(K_SCENARIO, default_option())
    if option not in available:
        option = default_option()
        st.session_state[K_SCENARIO] = option
    scenario = available[option]
    seed = int(st.session_state.get(K_SEED, 0))
    runs = int(st.session_state.get(K_RUNS, APP_DEFAULT_RUNS))
    runs = min(max(runs, APP_RUNS.low), APP_RUNS.high)
    try:
        params: Params | None = widget_params(scenario)
        error = ""
    except ParameterError as problem:
        params, error = None, str(problem)
    return Settings(option, scenario, baseline(), seed, runs, params, error)


def select_scenario(option: str) -> None:
    """Make `option` the active scenario with its own settings (for callbacks)."""
    st.session_state[K_SCENARIO] = option
    load_widgets(options()[option].params())
    st.session_state[K_NOTICES] = []


def on_scenario_change() -> None:
    select_scenario(st.session_state[K_SCENARIO])


def reset_to_scenario() -> None:
    select_scenario(st.session_state.get(K_SCENARIO, default_option()))


def on_upload() -> None:
    """A file was chosen in the uploader: validate it; a valid one becomes the active scenario."""
    upload = st.session_state.get(K_UPLOAD)
    if upload is None:
        st.session_state.pop(K_UPLOAD_MESSAGE, None)
        return
    name = str(getattr(upload, "name", "scenario.toml"))[:80]
    try:
        data = upload.getvalue()
        scenario = parse_upload(data, name)
    except ScenarioError as error:
        st.session_state[K_UPLOAD_MESSAGE] = ("error", str(error))
        return
    digest = hashlib.sha256(data).hexdigest()[:12]
    option = UPLOAD_PREFIX + digest
    st.session_state[K_UPLOADS] = {**st.session_state.get(K_UPLOADS, {}), option: scenario}
    select_scenario(option)
    st.session_state[K_UPLOAD_MESSAGE] = (
        "success",
        f"Loaded '{scenario.title}' from {name}: it is now the active scenario (kept only in "
        "this browser session, not saved on the server).",
    )


def parse_upload(data: bytes, name: str) -> Scenario:
    return parse_scenario(data, f"upload '{name}'")


# --- messages ---------------------------------------------------------------------------------


def show_notices() -> None:
    """Warnings about the link this session was opened with (until the scenario changes)."""
    for notice in st.session_state.get(K_NOTICES, []):
        st.warning(notice)
    for problem in scenario_problems():
        st.warning(f"A scenario file could not be loaded: {problem}")


# --- errors -------------------------------------------------------------------------------------


@contextmanager
def friendly_errors(where: str) -> Iterator[None]:
    """No traceback on the page: log it for the developer, show the user one line."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the page must not show a traceback
        log.exception("error on the %s page", where)
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        st.error(
            f"Something went wrong on the {where} page: {message}. Try 'Reset to scenario', or "
            "reload the page."
        )
