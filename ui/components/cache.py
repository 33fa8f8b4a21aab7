"""Runs for the pages: through the server's shared worker pool, cached across sessions.

Every run (the engine, and for the Explore page the charts built from it) is done by
`ui.components.pool` in worker processes, never in the sessions' threads, and cached there by
(exact parameters via `Params.key()`, seed, runs), so a scenario's baseline is computed once for
the whole class and a slider move computes only the scenario's side.

A page asks without blocking for long: it waits inline up to `INLINE_WAIT_S` (most runs take
much less), showing "queued (n ahead)" or "running" as it goes; if the run is still not done,
the page finishes drawing with that status in a small fragment that polls every `POLL_S` and
reruns the page when the result is in. A newer slider move interrupts the wait (reading session
state is a Streamlit yield point) and supersedes the session's queued run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from sim import history
from sim.ensemble import Paired, Results
from sim.params import Params
from ui.components import charts, pool, session, warmup

#: How long a page waits in its own run (showing where its run is) before it finishes drawing
#: with a status instead. Waiting costs the server almost nothing (the thread sleeps until a job
#: ends or `TICK_S` passes); a polling fragment costs a fragment run each time.
INLINE_WAIT_S = 5.0
#: How often a waiting page's status fragment asks again (seconds).
POLL_S = 1.0
#: How often an inline wait checks for a newer slider move (a Streamlit yield point).
TICK_S = 0.25
#: How long a blocking request (the One history page) waits at most.
BLOCKING_WAIT_S = 600.0
#: The status boxes' key prefix: `[class*="st-key-run-status"]` marks a page waiting for a run.
STATUS_KEY = "run-status"


@st.cache_resource(show_spinner=False)
def scheduler() -> pool.Scheduler:
    """The worker pool of this server process (one for all sessions), started at first use."""
    return pool.Scheduler().start()


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


@dataclass(frozen=True)
class Page:
    """What the Explore page draws: the paired runs and the charts built from them."""

    paired: Paired
    figures: pool.Figures


Request = Callable[[], pool.Status]


def _wait(request: Request, key: Hashable, what: str, seconds: float) -> pool.Status:
    """Ask, and while the answer is 'not yet' wait up to `seconds`, saying where the run is."""
    sched = scheduler()
    status = request()
    if status.ready or status.error:
        return status
    deadline = time.monotonic() + seconds
    shown = ""
    # One status box per job (a page may wait for several in one run).
    tag = hashlib.sha256(repr(key).encode()).hexdigest()[:10]
    with st.container(key=f"{STATUS_KEY}-{tag}"):
        box = st.empty()
    try:
        while not (status.ready or status.error):
            text = status.text(what)
            if text != shown:
                box.info(text, icon="⏳")
                shown = text
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sched.wait(key, min(TICK_S, left))
            # A Streamlit yield point: a newer slider move stops this run here.
            st.session_state.get(session.K_INITIALISED)
            status = request()
    except StopException:  # the session ended or the user pressed Stop
        sched.release(session_id())
        raise
    box.empty()
    return status


@st.fragment(run_every=POLL_S)
def _poll(request: Request, what: str) -> None:
    """The status of a run still in progress; reruns the page when the result is in."""
    status = request()
    if status.ready or status.error:
        st.rerun()
    with st.container(key=STATUS_KEY):
        st.info(status.text(what), icon="⏳")


def _ready(status: pool.Status) -> tuple[object, ...]:
    if status.error:
        raise ValueError(status.error)
    assert status.values is not None
    return status.values


def _page_request(settings: session.Settings) -> tuple[Request, Hashable]:
    """The Explore page's request to the pool (idempotent: call it again to poll) and its key."""
    assert settings.params is not None
    scen, base = settings.params, settings.baseline.params()
    seed, runs, title = settings.seed, settings.runs, settings.scenario.title
    measure = settings.scenario.focus()[1]
    sid = session_id()

    def request() -> pool.Status:
        return pool.request_page(scheduler(), sid, scen, base, seed, runs, title, measure)

    return request, pool.figures_key(scen.key(), base.key(), seed, runs, title, measure)


def prefetch(settings: session.Settings) -> None:
    """Ask the pool for the Explore page's runs now, without waiting: the worker computes them
    while this thread draws the widgets (`page` later joins the same job). Not while the
    start-up warm-up runs (the page then waits for the warm-up's pool and view, as before)."""
    if settings.params is not None and not warmup.busy.is_set():
        _page_request(settings)[0]()


def page(settings: session.Settings) -> Page | None:
    """The Explore page's runs and charts, or None (with a status shown) while they are computed;
    raises ValueError with one line when the run failed."""
    assert settings.params is not None
    request, key = _page_request(settings)
    scen, runs = settings.params, settings.runs
    what = f"Playing the crisis {runs:,} times"
    status = _wait(request, key, what, INLINE_WAIT_S)
    if not (status.ready or status.error):
        _poll(request, what)
        return None
    scen_run, base_run, figures = _ready(status)
    assert isinstance(scen_run, Results) and isinstance(base_run, Results)
    assert isinstance(figures, pool.Figures)
    # The same object when the scenario's settings are the baseline's (as run_paired does).
    paired = Paired(base_run, base_run) if scen == base_run.params else Paired(scen_run, base_run)
    return Page(paired, figures)


def _blocking(request: Request, key: Hashable, what: str) -> tuple[object, ...]:
    return _ready(_wait(request, key, what, BLOCKING_WAIT_S))


def run(params: Params, seed: int, runs: int) -> Results:
    """One run (blocking, with a status while queued)."""
    sid = session_id()
    (result,) = _blocking(
        lambda: pool.request_run(scheduler(), sid, params, seed, runs),
        pool.run_key(params.key(), seed, runs),
        f"Playing the crisis {runs:,} times",
    )
    assert isinstance(result, Results)
    return result


def paired(settings: session.Settings) -> Paired:
    """The scenario beside its baseline on the same histories (same seed: common random
    numbers), blocking; the same pairing as `sim.ensemble.run_paired`, each side cached."""
    assert settings.params is not None
    sid = session_id()
    scen, base = settings.params, settings.baseline.params()
    seed, runs, title = settings.seed, settings.runs, settings.scenario.title
    measure = settings.scenario.focus()[1]
    scen_run, base_run, _ = _blocking(
        lambda: pool.request_page(scheduler(), sid, scen, base, seed, runs, title, measure),
        pool.figures_key(scen.key(), base.key(), seed, runs, title, measure),
        f"Playing the crisis {runs:,} times",
    )
    assert isinstance(scen_run, Results) and isinstance(base_run, Results)
    return Paired(base_run, base_run) if scen == base_run.params else Paired(scen_run, base_run)


def side(params: Params, seed: int, runs: int) -> charts.Side:
    """What the charts need from one run (params, seed, runs)."""
    return charts.side_of(run(params, seed, runs))


def fan(
    params: Params, seed: int, runs: int, title: str, colour: str, end: dt.datetime
) -> charts.Figure:
    """The escalation fan chart of one run."""
    return charts.fan_figure(side(params, seed, runs), title, colour, end)


def replay(params: Params, seed: int, index: int) -> history.History:
    """One history replayed with its full event log (blocking, cached across sessions)."""
    sid = session_id()
    (result,) = _blocking(
        lambda: pool.request_replay(scheduler(), sid, params, seed, index),
        ("replay", params.key(), seed, index),
        f"Replaying history {index:,}",
    )
    assert isinstance(result, history.History)
    return result


def request_job(
    owner: str, key: Hashable, fn: Callable[..., object], args: tuple[object, ...]
) -> pool.Status:
    """Ask for one job `fn(*args)` (cached under `key`) on behalf of `owner` without waiting: a
    class asks under its own name, so the job is not withdrawn when the teacher's session asks
    for another run."""
    return scheduler().request(owner, key, [key], fn, args, lambda r: [(key, r)])


def quiet_job(
    owner: str,
    key: Hashable,
    fn: Callable[..., object],
    args: tuple[object, ...],
    seconds: float = BLOCKING_WAIT_S,
) -> object:
    """The value of `fn(*args)` from the pool, waiting without drawing anything (for the scenario
    picker's words, asked while its selectbox is being labelled); raises ValueError with one line
    when it failed or took longer than `seconds`."""
    sched = scheduler()
    deadline = time.monotonic() + seconds
    status = request_job(owner, key, fn, args)
    while not (status.ready or status.error):
        if time.monotonic() > deadline:
            raise ValueError(f"no answer from the worker pool in {seconds:.0f} s")
        sched.wait(key, TICK_S)
        status = request_job(owner, key, fn, args)
    (value,) = _ready(status)
    return value


def job(
    owner: str, key: Hashable, fn: Callable[..., object], args: tuple[object, ...], what: str
) -> object:
    """The value of `fn(*args)` (blocking, with a status while queued); raises ValueError with one
    line when it failed."""
    (value,) = _blocking(lambda: request_job(owner, key, fn, args), key, what)
    return value
