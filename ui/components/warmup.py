"""Warm the server's caches when it starts, so the first visitor does not wait for them.

`streamlit run ui/app.py` finds the `st.App` in ui/app.py and serves it (uvicorn); its lifespan
(`lifespan` here) starts one background thread and returns at once, so the health endpoint and
the first page are never held up by it. The thread, in the server process:

- starts the pool's fork server, which imports the engine (with Mesa) and Altair in its own
  process (`pool_jobs.PRELOAD`); the server itself never imports them;
- starts the worker pool (`cache.scheduler()`: forkserver workers forked from it) and, as soon as
  it is up, asks it for the default view (the default scenario and its baseline at the app's
  default size and seed 0, with their charts: `pool.request_page`, the page's own request and
  cache keys) and for the scenario picker's effects (`first_screen.effects()`, a second job);
- meanwhile, in a second thread, imports the Explore page's modules (about 1 s on this machine),
  while the pool's start waits on the fork server.

These are the same `st.cache_resource`/`st.cache_data` functions and pool cache the pages use:
a page that asks before the warm-up is done waits for the same computation (Streamlit's cache
locks a key while it is computed; the pool joins a request to the job already queued) instead
of starting it again. Nothing here changes a result. A failure is logged and otherwise ignored:
the pages compute what they need as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from streamlit.logger import get_logger

#: Streamlit's logger: its lines go to the server's console at Streamlit's log level.
log: logging.Logger = get_logger(__name__)

#: The pool's session name for the warm-up's requests.
SESSION = "cuba62-warm-up"
#: The longest the warm-up waits for the default view (seconds).
WAIT_S = 300.0
#: The pool the warm-up started, stopped with the server (its workers would exit anyway, when they
#: see the server gone; this lets them finish cleanly).
_started: list[Any] = []
#: Set while `warm` runs: the Explore page then does not ask the pool early (`cache.prefetch`), so
#: a first visit during the warm-up takes the same path as before that change.
busy = threading.Event()


def _effects() -> None:
    try:
        from ui.components import first_screen

        t0 = time.perf_counter()
        first_screen.effects(wait=WAIT_S)
        log.info("cuba62 warm-up: scenario picker's effects in %.2f s", time.perf_counter() - t0)
    except Exception:  # noqa: BLE001 - the pages compute it themselves if this fails
        log.warning("cuba62 warm-up: the picker's effects failed", exc_info=True)


def _start_fork_server() -> None:
    """Start the pool's fork server first: it imports the engine and the charts (its preload,
    as `ui.components.pool.Scheduler` sets it) on the other core while this process imports the
    pages' modules. The pool then forks its workers from it."""
    import multiprocessing
    from multiprocessing import forkserver

    from ui.components import pool_jobs

    multiprocessing.get_context("forkserver").set_forkserver_preload(pool_jobs.PRELOAD)  # type: ignore[attr-defined]
    forkserver.ensure_running()


def _import_pages() -> None:
    """The modules the Explore page imports that the pool's start did not (the page script itself
    cannot be imported: it draws when run)."""
    try:
        import pandas  # noqa: F401

        from ui.components import controls, export, first_screen, link, teacher_guide  # noqa: F401
    except Exception:  # noqa: BLE001 - the page imports them itself
        log.warning("cuba62 warm-up: importing the pages failed", exc_info=True)


def warm() -> None:
    """Start the pool, compute the default view and the picker's effects (blocking)."""
    t0 = time.perf_counter()
    busy.set()
    try:
        _start_fork_server()
        pages = threading.Thread(target=_import_pages, name="cuba62-warm-up-imports", daemon=True)
        pages.start()
        from sim.limits import APP_DEFAULT_RUNS
        from ui.components import cache, pool, session

        sched = cache.scheduler()  # waits for the fork server's imports, then forks the workers
        _started.append(sched)
        effects = threading.Thread(target=_effects, name="cuba62-warm-up-effects", daemon=True)
        scenario = session.shipped()[session.default_option()]
        scen, base = scenario.params(), session.baseline().params()
        # The page's own request: its headline measure is part of the key (the pool draws the
        # first screen's chart with the page's other charts).
        measure = scenario.focus()[1]
        key = pool.figures_key(scen.key(), base.key(), 0, APP_DEFAULT_RUNS, scenario.title, measure)
        status = pool.request_page(
            sched, SESSION, scen, base, 0, APP_DEFAULT_RUNS, scenario.title, measure
        )
        effects.start()  # the second worker, while the first computes the page
        deadline = time.monotonic() + WAIT_S
        while not (status.ready or status.error) and time.monotonic() < deadline:
            sched.wait(key, 1.0)
            status = pool.request_page(
                sched, SESSION, scen, base, 0, APP_DEFAULT_RUNS, scenario.title, measure
            )
        effects.join()
        pages.join()
        log.info(
            "cuba62 warm-up: pool (%d workers) and the default view (%s, %d histories) in %.2f s%s",
            sched.workers,
            scenario.id,
            APP_DEFAULT_RUNS,
            time.perf_counter() - t0,
            f"; the run failed: {status.error}" if status.error else "",
        )
    except Exception:  # noqa: BLE001 - a failed warm-up must not stop the server
        log.warning("cuba62 warm-up failed; pages will compute on demand", exc_info=True)
    finally:
        busy.clear()


def start() -> threading.Thread:
    """Run `warm` in a daemon thread (the server does not wait for it)."""
    thread = threading.Thread(target=warm, name="cuba62-warm-up", daemon=True)
    thread.start()
    return thread


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The `st.App` lifespan: start the warm-up and serve at once."""
    start()
    yield
    for sched in _started:
        sched.shutdown()
