"""Imported once by the worker pool's fork server (`pool_jobs.PRELOAD`): builds one small Explore
page there, so that every worker forked from it starts warm.

A worker's first page otherwise costs about 0.35 s more than the next (measured: 0.43 s against
0.09 s at 5,000 histories), spent on what the first chart of each kind does once per process:
the modules Altair and pandas import only when a chart is first built (narwhals, pyarrow), and
the check of each kind of chart against the Vega-Lite schema (`chart_style.spec_of`). On a first
visit after the server starts that was on the visitor's time; here it runs in the fork server
while the server imports its own modules. Nothing here changes a result: the small page's runs
are not the app's (200 histories), and a later page computes its own.
"""

from __future__ import annotations

import logging
import time

from sim.scenario import BASELINE_ID, load_scenario, scenario_ids
from ui.components import pool_jobs

#: Histories in the warm-up page: enough for every chart to have data.
RUNS = 200

log = logging.getLogger(__name__)


def warm() -> float:
    """Build one page of the first what-if against the baseline; seconds taken."""
    t0 = time.perf_counter()
    ids = [i for i in scenario_ids() if i != BASELINE_ID]
    base = load_scenario(BASELINE_ID)
    scen = load_scenario(ids[0]) if ids else base
    pool_jobs.page_job(
        scen.params().key(), base.params().key(), 0, RUNS, scen.title, None, scen.focus()[1]
    )
    return time.perf_counter() - t0


try:
    warm()
except Exception:  # noqa: BLE001 - a failed warm-up leaves the workers cold, not broken
    log.warning("cuba62 pool: the fork server's warm-up failed", exc_info=True)
