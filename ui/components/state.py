"""What every page shares: the current settings, the URL that reproduces them, cached runs.

One set of settings (scenario, seed, number of histories, parameter values) lives in Streamlit's
session state under the widget keys below. It is filled once per browser session from the URL's
query parameters (validated, with a warning per bad field), changed by the widgets on the Explore
page, and written back to the URL on every rerun, so a copied link reproduces the same numbers.

The ensemble runs are pure functions of (parameters, seed, runs) and are cached with
`st.cache_data`: the scenario and its baseline are cached separately, so moving a slider recomputes
only the scenario run. What the charts draw from one run (`charts.Side`) and the chart of one run
(the escalation fan) are cached the same way, so a slider move rebuilds only the scenario's side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import streamlit as st

from sim import calendar, ensemble, history
from sim.ensemble import Paired, Results
from sim.params import (
    HAZARD_PRESETS,
    SCHEMA,
    SPECS,
    ParameterError,
    Params,
    ParamSpec,
    Value,
    coerce,
    format_value,
    make_params,
    unknown_name_message,
)
from sim.scenario import (
    BASELINE_ID,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_ids,
)
from ui.components import charts

log = logging.getLogger(__name__)

#: The scenario a fresh visitor sees first: Britain's own initiative, beside the baseline.
PREFERRED_DEFAULT = "thor_immobilisation"
DEFAULT_RUNS = 5000
MIN_RUNS = 100
#: The app's own cap: bounded work per request (the engine allows more from the CLI).
APP_MAX_RUNS = 50_000
RUNS_STEP = 1000
MAX_SEED = 2**31 - 1
#: Bounded cache: each entry is one run's arrays (about 7 MB at 50,000 histories).
CACHE_ENTRIES = 32
HAZARD = "world.incident_hazard"
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
#: URL parameters that are not model parameters.
RESERVED = ("scenario", "seed", "runs", "history")
IGNORED_URL_KEYS = ("embed", "embed_options")


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


@functools.cache
def datetime_steps(name: str) -> tuple[int, ...]:
    """The 6-hour steps a date-time parameter may take (each checked against the schema)."""
    spec = SPECS[name]
    allowed = []
    for step in range(calendar.N_STEPS):
        try:
            make_params({name: format_value(step_time_in(step, spec))})
        except ParameterError:
            continue
        allowed.append(step)
    return tuple(allowed)


def step_time_in(step: int, spec: ParamSpec) -> dt.datetime:
    """The start of `step` in the parameter's timezone."""
    when = calendar.step_time(step)
    return calendar.london(when) if spec.timezone == "London" else when


def grid_offset(spec: ParamSpec, reference: Value) -> dt.timedelta:
    """Where `reference` sits inside its 6-hour step: the date-time slider moves in whole steps
    from the scenario's own time (18:00, 00:00, 06:00…), so the scenario's value is shown as is."""
    assert isinstance(reference, dt.datetime)
    return reference - step_time_in(calendar.step_of(reference, spec.timezone), spec)


def step_label(step: int, spec: ParamSpec, offset: dt.timedelta = dt.timedelta()) -> str:
    """'27 Oct 18:00': a step's time on the slider, in the parameter's own timezone."""
    return calendar.fmt(step_time_in(step, spec) + offset)


def to_widget(spec: ParamSpec, value: Value) -> Any:
    """A parameter value as its widget holds it (date-times as a step number)."""
    if spec.kind == "datetime":
        assert isinstance(value, dt.datetime)
        step = calendar.step_of(value, spec.timezone)
        steps = datetime_steps(spec.name)
        return min(steps, key=lambda s: abs(s - step)) if step not in steps else step
    return value


def url_text(spec: ParamSpec, value: Value) -> str:
    """The text of a value in a share link: a hazard preset's name when it is one exactly."""
    if spec.name == HAZARD:
        for name, preset in HAZARD_PRESETS.items():
            if value == preset.per_day:
                return name
    return format_value(value)


def from_widget(spec: ParamSpec, raw: Any, reference: Value) -> Value:
    """The parameter value for a widget value; `reference` (the scenario's value) wins when the
    widget shows the same thing, so untouched settings keep their exact scenario values."""
    if spec.kind == "datetime":
        assert isinstance(reference, dt.datetime)
        if int(raw) == calendar.step_of(reference, spec.timezone):
            return reference
        when = step_time_in(int(raw), spec) + grid_offset(spec, reference)
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
        if isinstance(value, float) and format_value(value) == format_value(preset.per_day):
            return name
    return CUSTOM


def load_widgets(params: Params) -> None:
    """Put `params` into the parameter widgets (only from callbacks or before they render)."""
    for spec in SCHEMA:
        st.session_state[param_key(spec.name)] = to_widget(spec, params[spec.name])
    st.session_state[K_PRESET] = preset_for(params[HAZARD])


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


# --- the URL ------------------------------------------------------------------------------------


def _whole_number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _link_number[T: (int, None)](
    query: Mapping[str, str],
    name: str,
    low: int,
    high: int,
    default: T,
    fallback: str,
    notices: list[str],
) -> int | T:
    """query[name] as a whole number from `low` to `high`; `default` if it is absent, or if it is
    not allowed (then with a warning in `notices` that ends with `fallback`)."""
    if name not in query:
        return default
    number = _whole_number(query[name])
    if number is not None and low <= number <= high:
        return number
    notices.append(
        f"{name} = '{query[name][:40]}' in the link is not allowed: use a whole number "
        f"from {low:,} to {high:,}. {fallback}"
    )
    return default


def read_url(query: Mapping[str, str]) -> tuple[str, int, int, Params, int | None, list[str]]:
    """(option, seed, runs, params, history, warnings) from query parameters: each bad field
    falls back to its default and gets a one-line warning naming it and what is allowed."""
    notices: list[str] = []
    found = shipped()
    option = default_option()
    raw_id = query.get("scenario")
    if raw_id is not None:
        if raw_id in found:
            option = raw_id
        else:
            hint = unknown_name_message(raw_id[:64], list(found), "scenario")
            notices.append(
                f"scenario = '{raw_id[:64]}' in the link is not available ({hint}); "
                f"allowed: {', '.join(found)}. Showing '{option}' instead."
            )
    seed = _link_number(query, "seed", 0, MAX_SEED, 0, "Using seed 0.", notices)
    runs = _link_number(
        query,
        "runs",
        MIN_RUNS,
        APP_MAX_RUNS,
        DEFAULT_RUNS,
        f"Using {DEFAULT_RUNS:,} histories.",
        notices,
    )
    history_index = _link_number(query, "history", 0, runs - 1, None, "Showing history 0.", notices)
    params = found[option].params()
    for name, raw in query.items():
        if name in RESERVED or name in IGNORED_URL_KEYS:
            continue
        try:
            chosen = make_params({name: raw}, base=params)
        except ParameterError as error:
            notices.append(_short(f"{error} (in the link). Using the scenario's value instead."))
            continue
        params = chosen
    return option, seed, runs, params, history_index, notices


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def init_session() -> None:
    """Fill the session from the URL, once per browser session (every page calls this first)."""
    if st.session_state.get(K_INITIALISED):
        return
    query = {k: st.query_params.get(k, "") for k in st.query_params}
    option, seed, runs, params, history_index, notices = read_url(query)
    st.session_state[K_SCENARIO] = option
    st.session_state[K_SEED] = seed
    st.session_state[K_RUNS] = runs
    st.session_state[K_HISTORY] = history_index or 0
    st.session_state[K_NOTICES] = notices
    load_widgets(params)
    st.session_state[K_INITIALISED] = True


def url_query(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query parameters that reproduce `settings`: scenario, seed, runs and every parameter
    that differs from the scenario's. An uploaded scenario is not on the server, so its link
    carries all its settings on top of the baseline."""
    query = {
        "scenario": settings.baseline.id if settings.uploaded else settings.scenario.id,
        "seed": str(settings.seed),
        "runs": str(settings.runs),
    }
    if settings.params is not None:
        reference = (settings.baseline if settings.uploaded else settings.scenario).params()
        for name, value in settings.params.differences(reference).items():
            query[name] = url_text(SPECS[name], value)
    query.update(extra or {})
    return query


def sync_url(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Write the settings into the browser's URL (only when they changed)."""
    query = url_query(settings, extra)
    current = {k: st.query_params.get(k, "") for k in st.query_params}
    if current != query:
        st.query_params.from_dict(query)
    return query


def share_link(query: Mapping[str, str]) -> str:
    base = st.context.url or "http://localhost:8501/"
    if not urllib.parse.urlsplit(base).path:
        base += "/"
    return base + "?" + urllib.parse.urlencode(query, safe=".:", quote_via=urllib.parse.quote)


def show_notices() -> None:
    """Warnings about the link this session was opened with (until the scenario changes)."""
    for notice in st.session_state.get(K_NOTICES, []):
        st.warning(notice)
    for problem in scenario_problems():
        st.warning(f"A scenario file could not be loaded: {problem}")


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
    runs = min(max(int(st.session_state.get(K_RUNS, DEFAULT_RUNS)), MIN_RUNS), APP_MAX_RUNS)
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


# --- cached computations ------------------------------------------------------------------------


def params_key(params: Params) -> str:
    """Exact text of a parameter set: floats by repr (round-trips), the rest canonical."""
    return json.dumps(
        {k: repr(v) if isinstance(v, float) else format_value(v) for k, v in params.items()},
        sort_keys=True,
    )


def _from_key(key: str) -> Params:
    return make_params(json.loads(key))


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _run(key: str, seed: int, runs: int) -> Results:
    """One ensemble run; cached by (exact parameters, seed, runs), so the baseline of any
    scenario is computed once and reused while the scenario's sliders move."""
    ensemble.check_runs(runs)
    if not MIN_RUNS <= runs <= APP_MAX_RUNS:
        raise ValueError(f"runs = {runs} is out of range: allowed {MIN_RUNS} to {APP_MAX_RUNS:,}")
    return ensemble.run(_from_key(key), runs, seed)


def run(params: Params, seed: int, runs: int) -> Results:
    return _run(params_key(params), seed, runs)


def paired(settings: Settings) -> Paired:
    """The scenario beside its baseline on the same histories (same seed: common random numbers).

    The same pairing as `sim.ensemble.run_paired`, with each side cached on its own."""
    assert settings.params is not None
    base = run(settings.baseline.params(), settings.seed, settings.runs)
    if settings.params == base.params:
        return Paired(base, base)
    return Paired(run(settings.params, settings.seed, settings.runs), base)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _side(key: str, seed: int, runs: int) -> charts.Side:
    return charts.side_of(_run(key, seed, runs))


def side(params: Params, seed: int, runs: int) -> charts.Side:
    """What the charts need from the run (params, seed, runs); cached like the run itself, so the
    baseline's is computed once per (baseline parameters, seed, runs)."""
    return _side(params_key(params), seed, runs)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _fan(key: str, seed: int, runs: int, title: str, colour: str, end: str) -> charts.Figure:
    return charts.fan_figure(_side(key, seed, runs), title, colour, dt.datetime.fromisoformat(end))


def fan(
    params: Params, seed: int, runs: int, title: str, colour: str, end: dt.datetime
) -> charts.Figure:
    """The escalation fan chart of one run (spec and text), cached: the baseline's is not
    rebuilt while a slider moves the scenario."""
    return _fan(params_key(params), seed, runs, title, colour, end.isoformat())


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _replay(key: str, seed: int, index: int) -> history.History:
    return history.replay(_from_key(key), seed, index)


def replay(params: Params, seed: int, index: int) -> history.History:
    return _replay(params_key(params), seed, index)


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
