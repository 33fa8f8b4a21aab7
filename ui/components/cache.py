"""Cached runs: the ensemble runs, what the charts draw from them, and replayed histories.

The ensemble runs are pure functions of (parameters, seed, runs) and are cached with
`st.cache_data`, keyed by `Params.key()`: the scenario and its baseline are cached separately, so
moving a slider recomputes only the scenario run. What the charts draw from one run
(`charts.Side`) and the chart of one run (the escalation fan) are cached the same way, so a slider
move rebuilds only the scenario's side.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from sim import ensemble, history
from sim.ensemble import Paired, Results
from sim.limits import runs_error
from sim.params import Params
from ui.components import charts, session

#: Bounded cache: each entry is one run's arrays (about 7 MB at 50,000 histories).
CACHE_ENTRIES = 32


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _run(key: str, seed: int, runs: int) -> Results:
    """One ensemble run; cached by (exact parameters, seed, runs), so the baseline of any
    scenario is computed once and reused while the scenario's sliders move."""
    ensemble.check_runs(runs)
    if problem := runs_error(runs, app=True):
        raise ValueError(problem)
    return ensemble.run(Params.from_key(key), runs, seed)


def run(params: Params, seed: int, runs: int) -> Results:
    return _run(params.key(), seed, runs)


def paired(settings: session.Settings) -> Paired:
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
    return _side(params.key(), seed, runs)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _fan(key: str, seed: int, runs: int, title: str, colour: str, end: str) -> charts.Figure:
    return charts.fan_figure(_side(key, seed, runs), title, colour, dt.datetime.fromisoformat(end))


def fan(
    params: Params, seed: int, runs: int, title: str, colour: str, end: dt.datetime
) -> charts.Figure:
    """The escalation fan chart of one run (spec and text), cached: the baseline's is not
    rebuilt while a slider moves the scenario."""
    return _fan(params.key(), seed, runs, title, colour, end.isoformat())


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _replay(key: str, seed: int, index: int) -> history.History:
    return history.replay(Params.from_key(key), seed, index)


def replay(params: Params, seed: int, index: int) -> history.History:
    return _replay(params.key(), seed, index)
