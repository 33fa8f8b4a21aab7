"""Imported once by the worker pool's fork server (`pool_jobs.PRELOAD`): builds the app's default
view there (its default scenario against the baseline at the app's default size, seed 0: the page
a first visitor opens) and the scenario picker's effects (`pool_jobs.effects_job`), so that every
worker forked from it starts warm.

A worker's first page otherwise costs about 0.35 s more than the next (measured: 0.43 s against
0.09 s at 5,000 histories), spent on what the first chart of each kind does once per process:
the modules Altair and pandas import only when a chart is first built (narwhals, pyarrow), and
the check of each kind of chart against the Vega-Lite schema (`chart_style.spec_of`). Each worker
also inherits the default-size runs of every shipped scenario and the baseline (`pool_jobs._run`'s
cache) and the default view's chart templates, so the warm-up's (and the first visitor's) page and
picker are little more than copies. This runs in the fork
server while the app's server imports its own modules. Nothing here changes a result: the runs
are the engine's, as in any worker.
"""

from __future__ import annotations

import logging
import time

from sim.limits import APP_DEFAULT_RUNS, APP_DEFAULT_SCENARIO
from sim.scenario import BASELINE_ID, Scenario, ScenarioError, load_scenario, scenario_ids
from ui.components import pool_jobs

log = logging.getLogger(__name__)


def warm() -> float:
    """Build the default view's page (as `ui.components.session` chooses the default: the
    preferred scenario, else the first); seconds taken."""
    t0 = time.perf_counter()
    found: dict[str, Scenario] = {}
    for scenario_id in scenario_ids():  # those that load, as the app's picker lists them
        try:
            found[scenario_id] = load_scenario(scenario_id)
        except ScenarioError:
            continue
    if BASELINE_ID not in found:  # an unusual folder: the workers warm on their first page
        return 0.0
    ids = list(found)
    scen = found[APP_DEFAULT_SCENARIO if APP_DEFAULT_SCENARIO in found else ids[0]]
    base = found[BASELINE_ID]
    pool_jobs.page_job(
        scen.params().key(),
        base.params().key(),
        0,
        APP_DEFAULT_RUNS,
        scen.title,
        None,
        scen.focus()[1],
    )
    entries = pool_jobs.picker_entries(found.values())
    pool_jobs.effects_job(entries, base.params().key(), 0, APP_DEFAULT_RUNS)
    return time.perf_counter() - t0


try:
    warm()
except Exception:  # noqa: BLE001 - a failed warm-up leaves the workers cold, not broken
    log.warning("cuba62 pool: the fork server's warm-up failed", exc_info=True)
