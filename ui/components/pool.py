"""The app's runs on a bounded pool of worker processes, shared by every session of one server.

Why: Streamlit runs every session's script in a thread of one process, so all sessions share one
core (the GIL). A run is the engine plus the charts built from it (Altair is most of the cost),
so both are done in worker processes, and the server's threads only draw the result.

- **One pool per server process** (`Scheduler`, made once by `ui.components.cache`), with as many
  workers as the machine has cores. Workers are started with 'forkserver' (never 'fork': the
  server has Tornado's and the sessions' threads and its listening socket, which a forked child
  would inherit); the fork server preloads the jobs (`ui.components.pool_jobs`: the engine and the
  charts), so a worker starts in milliseconds.
- **Results cached across sessions** by their exact key (`Params.key()`, seed, runs): a bounded
  LRU (`Lru`) by entries and bytes, sized for a class (`CACHE_ENTRIES`, `CACHE_BYTES`).
- **Admission control.** At most `workers` jobs run at once; the rest wait in a FIFO, and a
  waiting session is told how many jobs are ahead of its own. A session waits for one job at a
  time: asking for another (a slider moved again) withdraws the session from its previous job,
  which is dropped if it has not started and nobody else waits for it; and a session's job does
  not start while another job started for that session is still running.

Nothing here imports Streamlit (tests use it directly); the work itself is
`ui.components.pool_jobs`.
Results are those of an in-process run, number for number (tests/test_pool.py).
"""

from __future__ import annotations

import collections
import functools
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from sim.ensemble import Results
from sim.params import Params
from ui.components import pool_jobs as jobs
from ui.components.pool_jobs import Figures, page_job, replay_job, run_job

__all__ = ["Figures", "Lru", "Scheduler", "Status", "page_job", "replay_job", "run_job"]

log = logging.getLogger(__name__)

#: Cache bounds: at least 30 sessions x 2 runs even at the app's largest size (50,000 histories,
#: about 7.5 MB a run), and a few hundred entries at the default 5,000 (about 0.75 MB a run).
CACHE_ENTRIES = 400
CACHE_BYTES = 640 * 2**20


def default_workers() -> int:
    """One worker per core this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- the cache ----------------------------------------------------------------------------------


def size_of(value: object) -> int:
    """Approximate bytes held by a cached value (numpy arrays by their buffers)."""
    if isinstance(value, Results):
        return sum(
            getattr(value, name).nbytes
            for name in Results.__dataclass_fields__
            if hasattr(getattr(value, name), "nbytes")
        )
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a size estimate must not fail a run
        return 1 << 20


class Lru:
    """A least-recently-used map bounded by entries and by bytes (thread-safe)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._data: collections.OrderedDict[Hashable, tuple[Any, int]] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            self._data.move_to_end(key)
            return item[0]

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def put(self, key: Hashable, value: Any, nbytes: int | None = None) -> None:
        size = size_of(value) if nbytes is None else nbytes
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            while len(self._data) > 1 and (
                len(self._data) > self.max_entries or self._bytes > self.max_bytes
            ):
                _, (_, freed) = self._data.popitem(last=False)
                self._bytes -= freed

    def __len__(self) -> int:
        return len(self._data)

    @property
    def bytes(self) -> int:
        return self._bytes


# --- scheduling ---------------------------------------------------------------------------------

#: job result -> the cache entries it makes: [(cache key, value), ...]
Unpack = Callable[[Any], Sequence[tuple[Hashable, Any]]]


@dataclass
class Job:
    key: Hashable
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    unpack: Unpack
    waiters: set[str] = field(default_factory=set)
    started_for: frozenset[str] = frozenset()
    future: Future[Any] | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Status:
    """Where a session's request stands: ready (with the cached values), failed, running, or
    queued with `ahead` jobs before it."""

    values: tuple[Any, ...] | None = None
    error: str = ""
    running: bool = False
    ahead: int = 0

    @property
    def ready(self) -> bool:
        return self.values is not None

    def text(self, what: str) -> str:
        """What the page says while the session waits."""
        if self.running:
            return f"{what} (running now)…"
        if self.ahead == 0:
            return f"{what}: queued, next in line…"
        return f"{what}: queued ({self.ahead} ahead)…"


@dataclass
class Stats:
    hits: int = 0
    computed: int = 0
    withdrawn: int = 0
    failed: int = 0
    max_queue: int = 0


class Scheduler:
    """A bounded process pool with a FIFO of jobs, a result cache and per-session admission."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        start_method: str = "forkserver",
        cache_entries: int = CACHE_ENTRIES,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        if jobs.in_worker():
            raise RuntimeError("a worker process of the app's pool cannot start a pool")
        self.workers = workers or default_workers()
        self.start_method = start_method
        self.cache = Lru(cache_entries, cache_bytes)
        self.stats = Stats()
        # Re-entrant: a job that fails at once runs its done-callback inside `_dispatch`.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._pending: collections.deque[Job] = collections.deque()
        self._jobs: dict[Hashable, Job] = {}  # pending or running
        self._running = 0
        self._held: dict[str, Hashable] = {}  # session -> the job it waits for
        self._busy: collections.Counter[str] = collections.Counter()  # session -> jobs running
        self._failed: collections.OrderedDict[Hashable, str] = collections.OrderedDict()
        self._executor: ProcessPoolExecutor | None = None
        self.started_s = 0.0  # how long starting the workers took

    # The pool itself --------------------------------------------------------------------------

    def _make_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # The fork server imports the engine and the charts once; workers fork from it.
            context.set_forkserver_preload(jobs.PRELOAD)  # type: ignore[attr-defined]
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=jobs.worker_start,
            initargs=(os.getpid(),),
        )

    def start(self) -> Scheduler:
        """Start the workers now (not at the first student's request) and time it."""
        t0 = time.perf_counter()
        with self._lock:
            if self._executor is None:
                self._executor = self._make_executor()
            executor = self._executor
        # One no-op per worker makes the executor start them all.
        for f in [executor.submit(jobs.noop) for _ in range(self.workers)]:
            f.result()
        self.started_s = time.perf_counter() - t0
        log.info(
            "cuba62 pool: %d %s workers in %.2f s", self.workers, self.start_method, self.started_s
        )
        return self

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # Requests ---------------------------------------------------------------------------------

    def request(
        self,
        session: str,
        job_key: Hashable,
        needs: Sequence[Hashable],
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        unpack: Unpack,
    ) -> Status:
        """What `session` gets for the cache entries `needs`: the values if all are cached, else
        the status of the job `job_key` (= fn(*args), its result stored by `unpack`), queued now if
        nobody asked for it yet. Idempotent: call it again to poll."""
        with self._lock:
            self._withdraw(session, keep=job_key)
            values = [self.cache.get(k) for k in needs]
            if all(v is not None for v in values):
                self._held.pop(session, None)
                self._failed.pop(job_key, None)
                self.stats.hits += 1
                return Status(values=tuple(values))
            if job_key in self._failed and job_key not in self._jobs:
                self._held.pop(session, None)
                return Status(error=self._failed.pop(job_key))
            job = self._jobs.get(job_key)
            if job is None:
                job = Job(job_key, fn, args, unpack)
                self._jobs[job_key] = job
                self._pending.append(job)
                self.stats.max_queue = max(self.stats.max_queue, len(self._pending))
            job.waiters.add(session)
            self._held[session] = job_key
            self._dispatch()
            return self._status(job)

    def wait(self, job_key: Hashable, timeout: float) -> None:
        """Block up to `timeout` seconds, or until the job `job_key` is no longer in flight."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while job_key in self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._changed.wait(left)

    def release(self, session: str) -> None:
        """The session is gone: withdraw it from the job it waited for."""
        with self._lock:
            self._withdraw(session, keep=None)

    def queue_length(self) -> int:
        with self._lock:
            return len(self._pending)

    # Internals (called with the lock held) ----------------------------------------------------

    def _withdraw(self, session: str, keep: Hashable | None) -> None:
        held = self._held.get(session)
        if held is None or held == keep:
            return
        del self._held[session]
        job = self._jobs.get(held)
        if job is None:
            return
        job.waiters.discard(session)
        if job.future is None and not job.waiters:  # not started, and nobody else wants it
            self._pending.remove(job)
            del self._jobs[held]
            self.stats.withdrawn += 1

    def _status(self, job: Job) -> Status:
        if job.future is not None:
            return Status(running=True)
        for i, queued in enumerate(self._pending):
            if queued is job:
                return Status(ahead=i)
        return Status(running=True)

    def _eligible(self, job: Job) -> bool:
        """A job starts only for a session with no other job of its own running."""
        return any(self._busy[s] == 0 for s in job.waiters)

    def _dispatch(self) -> None:
        while self._running < self.workers and self._pending:
            job = next((j for j in self._pending if self._eligible(j)), None)
            if job is None:
                return
            self._pending.remove(job)
            if self._executor is None:
                self._executor = self._make_executor()
            job.started_for = frozenset(job.waiters)
            for s in job.started_for:
                self._busy[s] += 1
            self._running += 1
            job.attempts += 1
            try:
                job.future = self._executor.submit(job.fn, *job.args)
            except (BrokenProcessPool, RuntimeError) as error:
                job.future = Future()
                job.future.set_exception(BrokenProcessPool(str(error)))
            job.future.add_done_callback(functools.partial(self._done, job))

    def _done(self, job: Job, future: Future[Any]) -> None:
        """A job finished (in the executor's thread): cache its result, start the next jobs."""
        with self._lock:
            self._running -= 1
            for s in job.started_for:
                self._busy[s] -= 1
                if self._busy[s] <= 0:
                    del self._busy[s]
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                # A worker died (killed, out of memory): start a new pool; retry the job once.
                log.error("cuba62 pool: a worker stopped (%s); starting new workers", error)
                broken, self._executor = self._executor, None
                if broken is not None:
                    broken.shutdown(wait=False, cancel_futures=True)
                if job.attempts < 2 and job.waiters:
                    job.future = None
                    self._pending.appendleft(job)
                    self._dispatch()
                    self._changed.notify_all()
                    return
            del self._jobs[job.key]
            if error is not None:
                self.stats.failed += 1
                message = str(error).splitlines()[0] if str(error) else type(error).__name__
                self._failed[job.key] = message
                while len(self._failed) > 64:
                    self._failed.popitem(last=False)
            else:
                self.stats.computed += 1
                for key, value in job.unpack(future.result()):
                    self.cache.put(key, value)
            self._dispatch()
            self._changed.notify_all()


# --- the jobs the app asks for ------------------------------------------------------------------


def run_key(key: str, seed: int, runs: int) -> tuple[str, str, int, int]:
    return ("run", key, seed, runs)


def figures_key(
    scen_key: str, base_key: str, seed: int, runs: int, title: str, measure: str = ""
) -> tuple[str, str, str, int, int, str, str]:
    return ("figures", scen_key, base_key, seed, runs, title, measure)


def request_page(
    scheduler: Scheduler,
    session: str,
    scenario: Params,
    baseline: Params,
    seed: int,
    runs: int,
    title: str,
    measure: str = "",
) -> Status:
    """The scenario's run, the baseline's and their charts (with the first screen's headline
    chart of `measure`, when given): values (Results, Results, Figures)."""
    scen_key, base_key = scenario.key(), baseline.key()
    figs = figures_key(scen_key, base_key, seed, runs, title, measure)

    def unpack(result: tuple[Results, Results, Figures]) -> list[tuple[Hashable, Any]]:
        scen_run, base_run, figures = result
        return [
            (run_key(scen_key, seed, runs), scen_run),
            (run_key(base_key, seed, runs), base_run),
            (figs, figures),
        ]

    base_run = scheduler.cache.get(run_key(base_key, seed, runs))
    return scheduler.request(
        session,
        figs,
        [run_key(scen_key, seed, runs), run_key(base_key, seed, runs), figs],
        page_job,
        (scen_key, base_key, seed, runs, title, base_run, measure),
        unpack,
    )


def request_run(scheduler: Scheduler, session: str, params: Params, seed: int, runs: int) -> Status:
    """One run: values (Results,)."""
    key = run_key(params.key(), seed, runs)
    return scheduler.request(
        session, key, [key], run_job, (params.key(), seed, runs), lambda r: [(key, r)]
    )


def request_replay(
    scheduler: Scheduler, session: str, params: Params, seed: int, index: int
) -> Status:
    """One replayed history: values (History,)."""
    key = ("replay", params.key(), seed, index)
    return scheduler.request(
        session, key, [key], replay_job, (params.key(), seed, index), lambda h: [(key, h)]
    )
