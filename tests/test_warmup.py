"""The start-up warm-up (ui.components.warmup) fills the caches the first page reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.limits import APP_DEFAULT_RUNS
from ui.components import cache, pool, pool_jobs, session, warmup

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running `code`."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name.split(".")[0] for name in out.split()} | set(out.split())


def test_the_server_imports_neither_the_engine_nor_altair() -> None:
    """The Explore page's modules in the server: Mesa (the engine's 0.5 s) and Altair (0.3 s) are
    imported only by the pool's fork server, which builds the runs and the charts."""
    loaded = _modules_after(
        "import pandas, streamlit\n"
        "from sim import history, labels, sources, summary, ensemble\n"
        "from ui.components import cache, charts, controls, export, first_screen, headline, "
        "link, pool, session, teacher_guide, warmup"
    )
    assert not loaded & {"mesa", "altair", "scipy", "sim.model", "sim.agents"}


def test_the_fork_server_preloads_everything_the_jobs_import() -> None:
    """A worker forked from the fork server imports nothing more to run the Explore page's jobs
    (otherwise each worker would import Mesa or Altair again, on the first visitor's time)."""
    preload = "; ".join(f"import {name}" for name in pool_jobs.PRELOAD)
    preload += "\nfrom sim.scenario import load_scenario"
    before = _modules_after(preload)
    after = _modules_after(
        f"{preload}\n"
        "from ui.components import pool_jobs as j\n"
        "s = load_scenario('thor_immobilisation'); b = load_scenario('baseline')\n"
        "j.page_job(s.params().key(), b.params().key(), 0, 200, s.title, None, s.focus()[1])\n"
        "j.effects_job(((s.id, s.params().key(), s.focus()[1]),), b.params().key(), 0, 200)"
    )
    assert {"mesa", "altair", "sim.model"} <= before
    assert {m for m in after - before if "." not in m} == set(), after - before


def test_the_fork_server_holds_the_default_view_and_the_picker_for_its_workers() -> None:
    """`pool_warm` (preloaded) leaves the default view's runs and every run of the picker's
    effects in `pool_jobs._run`'s cache, which each forked worker inherits: its first page of
    that view and the picker run no engine."""
    from ui.components import pool_warm

    pool_warm.warm()  # what importing it does in the fork server
    scenario = session.shipped()[session.default_option()]
    base = session.baseline().params().key()
    before = pool_jobs._run.cache_info()
    pool_jobs.page_job(
        scenario.params().key(),
        base,
        0,
        APP_DEFAULT_RUNS,
        scenario.title,
        None,
        scenario.focus()[1],
    )
    entries = pool_jobs.picker_entries(session.shipped().values())
    pool_jobs.effects_job(entries, base, 0, APP_DEFAULT_RUNS)
    after = pool_jobs._run.cache_info()
    assert after.misses == before.misses
    assert after.hits - before.hits == 2 + 1 + len(entries)


def test_warm_up_computes_the_default_view_in_the_pool() -> None:
    warmup.warm()
    sched = cache.scheduler()
    try:
        scenario = session.shipped()[session.default_option()]
        scen, base = scenario.params(), session.baseline().params()
        measure = scenario.focus()[1]  # the page's request names its headline measure
        key = pool.figures_key(scen.key(), base.key(), 0, APP_DEFAULT_RUNS, scenario.title, measure)
        assert key in sched.cache
        assert pool.run_key(base.key(), 0, APP_DEFAULT_RUNS) in sched.cache
        # The page's own request is now a cache hit (no job queued).
        status = pool.request_page(
            sched, "a visitor", scen, base, 0, APP_DEFAULT_RUNS, scenario.title, measure
        )
        assert status.ready
    finally:
        sched.shutdown()
        cache.scheduler.clear()
