"""The work the app's worker processes do (`ui.components.pool` schedules it): pure functions of
their arguments, so a job gives the numbers of an in-process run (tests/test_pool.py).

Imported by the pool's fork server once (preloaded) and so by every worker; nothing here imports
Streamlit. A worker also watches the server that started it and exits when it is gone.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sim import ensemble, history
from sim.ensemble import Paired, Results
from sim.limits import runs_error
from sim.params import Params
from sim.scenario import BASELINE_ID, Scenario
from ui.components import charts, headline

#: What the pool's fork server imports once, before it forks the workers: this module, what its
#: jobs import only when they run (the engine with Mesa, and Altair), and `pool_warm`, which
#: builds the default view and the picker's effects there; so no worker imports them again or
#: starts cold.
PRELOAD = [__name__, "sim.model", "altair", "ui.components.pool_warm"]
#: Runs each worker keeps for itself, so a scenario's baseline is computed once per worker: the
#: picker's nine default-size runs (every shipped scenario and the baseline, which `pool_warm`
#: computes before the workers fork) and a few more (at most 12 x 15 MB at the app's 50,000 cap).
WORKER_RUNS = 12
#: How often a worker checks that the server that started it is still alive (seconds).
PARENT_CHECK_S = 1.0


@functools.lru_cache(maxsize=WORKER_RUNS)
def _run(key: str, seed: int, runs: int) -> Results:
    ensemble.check_runs(runs)
    if problem := runs_error(runs, app=True):
        raise ValueError(problem)
    return ensemble.run(Params.from_key(key), runs, seed)


@dataclass(frozen=True)
class Figures:
    """Everything the Explore page draws from a scenario and its baseline, built in a worker."""

    scenario: charts.Side
    baseline: charts.Side
    outcome: charts.Figure
    fans: tuple[charts.Figure, charts.Figure]  # scenario, baseline
    resolution: charts.Figure
    concession: charts.Figure
    headline: charts.Figure | None = None  # the first screen's chart (when a measure was asked)


def run_job(key: str, seed: int, runs: int) -> Results:
    """One ensemble run (parameters by `Params.key()`)."""
    return _run(key, seed, runs)


def picker_entries(scenarios: Iterable[Scenario]) -> tuple[tuple[str, str, str], ...]:
    """What `effects_job` measures: (id, parameters key, headline measure) of each what-if."""
    return tuple((s.id, s.params().key(), s.focus()[1]) for s in scenarios if s.id != BASELINE_ID)


def effects_job(
    entries: tuple[tuple[str, str, str], ...], base_key: str, seed: int, runs: int
) -> dict[str, str]:
    """The scenario picker's words: id -> the measured effect of each (id, parameters key,
    measure) against the baseline, paired on `seed` (`headline.effect_words`)."""
    base = _run(base_key, seed, runs)
    return {
        scenario_id: headline.effect_words(Paired(_run(key, seed, runs), base), measure)
        for scenario_id, key, measure in entries
    }


def page_job(
    scen_key: str,
    base_key: str,
    seed: int,
    runs: int,
    title: str,
    base_run: Results | None = None,
    measure: str = "",
) -> tuple[Results, Results, Figures]:
    """A scenario and its baseline on the same seed (common random numbers), and their charts.
    `base_run`: the baseline's run when the server has it already (so it is computed once per
    server, not once per worker). `measure`: the first screen's headline measure (its chart is
    built here too), or "" for none."""
    scen_run = _run(scen_key, seed, runs)
    if base_run is None:
        base_run = _run(base_key, seed, runs)
    scen, base = charts.side_of(scen_run), charts.side_of(base_run)
    end = charts.fan_end(scen, base)
    # As ui.components.cache.page pairs them: the same object when the settings are the
    # baseline's (as run_paired does), which the headline's caption tells apart.
    same = Params.from_key(scen_key) == base_run.params
    paired = Paired(base_run, base_run) if same else Paired(scen_run, base_run)
    figures = Figures(
        scenario=scen,
        baseline=base,
        outcome=charts.outcome_figure(scen, base, title),
        fans=(
            fan_figure(scen, f"This scenario: {title}", charts.SCENARIO_COLOUR, end),
            fan_figure(base, "Baseline", charts.BASELINE_COLOUR, end),
        ),
        resolution=charts.resolution_figure(scen, base),
        concession=charts.concession_figure(scen, base),
        headline=headline.figure(paired, measure, runs) if measure else None,
    )
    return scen_run, base_run, figures


#: Fan chart specs each worker keeps. A fan is the dearest chart (about a third of a page's chart
#: time), and its drawing is often the same from one move to the next: the baseline's always (per
#: seed and end date), the scenario's often (its percentiles are whole rungs of the ladder); only
#: its caption's shares change, and those are cheap.
FAN_SPECS = 64
_fans: collections.OrderedDict[tuple[object, ...], charts.Spec] = collections.OrderedDict()


def fan_figure(
    side: charts.Side, title: str, colour: str, end: dt.datetime | None
) -> charts.Figure:
    """`charts.fan_figure`, its spec remembered by everything the drawing is made of (the fan's
    percentiles, the title, colour and end date); the caption and words made anew."""
    key = (side.fan.shape, side.fan.tobytes(), title, colour, end)
    spec = _fans.get(key)
    if spec is None:
        figure = charts.fan_figure(side, title, colour, end)
        _fans[key] = figure.spec
        while len(_fans) > FAN_SPECS:
            _fans.popitem(last=False)
        return figure
    _fans.move_to_end(key)
    return charts.Figure(spec, *charts.fan_text(side, title))


def replay_job(key: str, seed: int, index: int) -> history.History:
    """One history replayed with its event log."""
    return history.replay(Params.from_key(key), seed, index)


#: True in a worker process: a worker must never start a pool of its own.
_IN_WORKER = False


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def worker_start(server: int) -> None:
    """In each worker: exit when the server that started the pool is gone, so that a `kill -9`
    of the server leaves no workers behind. (Watching the parent is not enough: with
    'forkserver' the parent is the fork server, which waits for its workers to exit first.)"""
    global _IN_WORKER
    _IN_WORKER = True

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if not _alive(server):
                os._exit(0)

    threading.Thread(target=watch, name="cuba62-parent-watch", daemon=True).start()


def noop() -> int:
    return os.getpid()


def in_worker() -> bool:
    return _IN_WORKER
