"""The app's worker pool (ui/components/pool.py): numbers identical to an in-process run, a cache
bounded by entries and bytes, and admission control (FIFO with "n ahead", a newer request
supersedes a session's queued one, at most one running job per session, failures in one line)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from sim import ensemble
from sim.params import make_params
from sim.scenario import load_scenario
from ui.components import charts, headline, pool, pool_jobs


def test_pool_gives_the_numbers_of_an_in_process_run() -> None:
    """Through worker processes ('forkserver', as in the app): every array of both runs, and
    every chart, equal to computing them here."""
    thor = load_scenario("thor_immobilisation").params()
    scen = make_params({"uk.consultation": 0.65}, base=thor)
    base = load_scenario("baseline").params()
    measure = load_scenario("thor_immobilisation").focus()[1]
    sched = pool.Scheduler(2).start()
    try:
        status = pool.request_page(sched, "s", scen, base, 7, 3000, "T", measure)
        while not status.ready:
            assert not status.error
            sched.wait(pool.figures_key(scen.key(), base.key(), 7, 3000, "T", measure), 30)
            status = pool.request_page(sched, "s", scen, base, 7, 3000, "T", measure)
    finally:
        sched.shutdown()
    assert status.values is not None
    scen_run, base_run, figures = status.values
    for got, params in ((scen_run, scen), (base_run, base)):
        want = ensemble.run(params, 3000, 7)
        assert got.params == want.params and got.seed == want.seed
        for f in fields(want):
            a, b = getattr(got, f.name), getattr(want, f.name)
            if isinstance(b, np.ndarray):
                assert np.array_equal(a, b), f.name
    s, b = charts.side_of(ensemble.run(scen, 3000, 7)), charts.side_of(ensemble.run(base, 3000, 7))
    assert figures.outcome.spec == charts.outcome_figure(s, b, "T").spec
    assert figures.concession.detail == charts.concession_figure(s, b).detail
    assert (
        figures.fans[1].spec
        == charts.fan_figure(b, "Baseline", charts.BASELINE_COLOUR, charts.fan_end(s, b)).spec
    )
    # The first screen's chart, built in the worker with the page (was built in the server).
    paired = ensemble.run_paired(scen, base, 3000, 7)
    want_headline = headline.figure(paired, measure, 3000)
    assert figures.headline is not None
    assert figures.headline.spec == want_headline.spec
    assert figures.headline.caption == want_headline.caption


def test_a_remembered_fan_is_the_fan_drawn_anew() -> None:
    """pool_jobs.fan_figure remembers a fan's spec by what its drawing is made of: the same
    inputs give the same spec object, different ones what charts.fan_figure draws for them, and
    the caption is always the side's own."""
    thor = load_scenario("thor_immobilisation").params()
    sides = [
        charts.side_of(ensemble.run(make_params({"uk.consultation": c}, base=thor), 1500, 3))
        for c in (0.1, 0.9)
    ]
    ends = [charts.fan_end(*sides), charts.fan_end(sides[0])]
    for side in sides:
        for end in ends:
            got = pool_jobs.fan_figure(side, "T", charts.SCENARIO_COLOUR, end)
            want = charts.fan_figure(side, "T", charts.SCENARIO_COLOUR, end)
            assert got.spec == want.spec and (got.caption, got.detail) == (
                want.caption,
                want.detail,
            )
            again = pool_jobs.fan_figure(side, "T", charts.SCENARIO_COLOUR, end)
            assert again.spec is got.spec and again.caption == want.caption
    other = pool_jobs.fan_figure(sides[0], "U", charts.BASELINE_COLOUR, ends[0])
    assert other.spec != pool_jobs.fan_figure(sides[0], "T", charts.SCENARIO_COLOUR, ends[0]).spec


def test_lru_is_bounded_by_entries_and_bytes() -> None:
    lru = pool.Lru(max_entries=3, max_bytes=100)
    for i in range(5):
        lru.put(i, str(i), nbytes=10)
    assert len(lru) == 3 and 0 not in lru and 4 in lru
    lru.get(2)  # used: now the newest
    lru.put(9, "x", nbytes=85)  # over the byte budget: the least recently used go first
    assert 2 in lru and 9 in lru and 3 not in lru and lru.bytes <= 100


# --- admission control, with threads standing in for processes ---------------------------------


class ThreadScheduler(pool.Scheduler):
    def _make_executor(self) -> Executor:  # type: ignore[override]
        return ThreadPoolExecutor(max_workers=self.workers)


GATES: dict[str, threading.Event] = {}


def gated(name: str) -> str:
    assert GATES[name].wait(10), f"job {name} never released"
    return f"result {name}"


def ask(sched: pool.Scheduler, session: str, name: str) -> pool.Status:
    GATES.setdefault(name, threading.Event())
    return sched.request(session, name, [name], gated, (name,), lambda r: [(name, r)])


def finish(sched: pool.Scheduler, name: str) -> None:
    GATES[name].set()
    sched.wait(name, 10)


@pytest.fixture
def sched() -> Any:
    GATES.clear()
    s = ThreadScheduler(1)
    yield s
    for gate in GATES.values():
        gate.set()
    s.shutdown()


def test_queue_position_and_superseding(sched: pool.Scheduler) -> None:
    assert ask(sched, "A", "a1").running
    assert ask(sched, "B", "b1").ahead == 0
    assert ask(sched, "C", "c1").ahead == 1
    assert "queued (1 ahead)" in ask(sched, "C", "c1").text("Playing")
    # B moves its slider again: its queued job is dropped, its new one joins the end.
    assert ask(sched, "B", "b2").ahead == 1
    assert ask(sched, "C", "c1").ahead == 0
    assert sched.stats.withdrawn == 1 and sched.queue_length() == 2
    finish(sched, "a1")
    assert ask(sched, "A", "a1").values == ("result a1",)
    assert ask(sched, "C", "c1").running  # FIFO: C's job started before B's newer one
    finish(sched, "c1")
    assert ask(sched, "B", "b2").running
    finish(sched, "b2")
    assert ask(sched, "B", "b2").ready and ask(sched, "C", "c1").ready
    assert sched.stats.computed == 3


def test_a_job_two_sessions_want_is_computed_once(sched: pool.Scheduler) -> None:
    ask(sched, "A", "x")
    ask(sched, "B", "x")
    ask(sched, "A", "a2")  # A leaves; B still waits, so "x" carries on
    finish(sched, "x")
    assert ask(sched, "B", "x").values == ("result x",)
    assert sched.stats.computed == 1


def test_one_running_job_per_session() -> None:
    GATES.clear()
    sched = ThreadScheduler(2)
    try:
        assert ask(sched, "A", "a1").running
        # A moves on while a1 runs: a worker is free, but A's next job waits for a1 to end.
        status = ask(sched, "A", "a2")
        assert not status.running and status.ahead == 0
        assert ask(sched, "B", "b1").running  # other sessions use the free worker
        finish(sched, "a1")
        assert ask(sched, "A", "a2").running
    finally:
        for gate in GATES.values():
            gate.set()
        sched.shutdown()


def broken(name: str) -> str:
    raise ValueError(f"runs = 5 is out of range for {name}\nsecond line")


def test_a_failed_job_is_one_line(sched: pool.Scheduler) -> None:
    status = sched.request("A", "bad", ["bad"], broken, ("bad",), lambda r: [("bad", r)])
    sched.wait("bad", 10)
    status = sched.request("A", "bad", ["bad"], broken, ("bad",), lambda r: [("bad", r)])
    assert status.error == "runs = 5 is out of range for bad"


# --- the page while its run waits ----------------------------------------------------------------


def test_a_page_whose_run_waits_says_so_and_draws_when_it_is_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool is busy (its one worker held by another session's job): the Explore page
    finishes its run with "queued (n ahead)" instead of freezing, and shows the numbers once the
    run is done."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from ui.components import cache

    GATES.clear()
    sched = ThreadScheduler(1)
    monkeypatch.setattr(cache, "scheduler", lambda: sched)
    monkeypatch.setattr(cache, "INLINE_WAIT_S", 0.3)
    ask(sched, "another session", "busy")  # holds the only worker
    ask(sched, "a third session", "queued")  # one job ahead of ours
    app = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=60)
    at.query_params["runs"] = "500"
    try:
        at.run()
        assert not at.exception
        assert not at.metric, "no numbers before the run is done"
        assert any("queued (1 ahead)" in i.value for i in at.info), [i.value for i in at.info]
        finish(sched, "busy")
        finish(sched, "queued")
        deadline = time.monotonic() + 60
        while not at.metric and time.monotonic() < deadline:
            time.sleep(0.3)
            at.run()  # what the polling fragment's rerun does
        assert not at.exception and at.metric
    finally:
        for gate in GATES.values():
            gate.set()
        sched.shutdown()
