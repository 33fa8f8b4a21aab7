"""The start-up warm-up (ui.components.warmup) fills the caches the first page reads."""

from __future__ import annotations

from sim.limits import APP_DEFAULT_RUNS
from ui.components import cache, pool, pool_jobs, session, warmup


def test_the_fork_server_preloads_what_the_pool_preloads() -> None:
    assert warmup.POOL_PRELOAD == pool_jobs.__name__


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
