"""Where the work runs: in this process, in local processes, or on a Dask cluster, behind one API.

The unit of work is a task `(params, seed, start, stop)`: histories [start, stop) of the run
(params, seed), reduced on the worker to outcome counts (8 integers), so little data travels.
Histories draw their random numbers by index (`sim.randomness`), so a task's answer does not
depend on which worker ran it or how the run was cut into tasks: the same command gives the same
numbers on one worker, two workers or a cluster.

Dask is optional (the `distributed` extra) and imported only when a Dask backend is opened.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import hashlib
import logging
import multiprocessing
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from sim.ensemble import run_chunk
from sim.outcomes import OUTCOMES
from sim.params import Params

#: One unit of work: histories [start, stop) of the run (params, seed).
Task = tuple[Params, int, int, int]
Counts = npt.NDArray[np.int64]
#: What a backend runs for each task: module-level, so processes and Dask workers can import it.
TaskFunction = Callable[[Params, int, int, int], Counts]

#: Seconds to wait for a Dask scheduler before giving up with a one-line error.
CONNECT_TIMEOUT_S = 10.0
#: Seconds for the first check that the address speaks Dask's protocol (`probe_scheduler`).
PROBE_TIMEOUT_S = 5.0
#: The largest opening handshake a Dask scheduler sends (a few dozen bytes in practice).
MAX_HANDSHAKE_BYTES = 64 * 1024
#: Dask re-runs a task that raised this many more times (a task on a worker that died is
#: rescheduled by the scheduler itself, up to `distributed.scheduler.allowed-failures`).
DASK_RETRIES = 2
MAX_LOCAL_WORKERS = 64


class BackendError(ValueError):
    """A backend that cannot be used as asked: one line, for the CLI's 'error: ...' (exit 2)."""


@functools.cache
def engine_version() -> str:
    """A fingerprint of everything that determines the numbers: the engine's source files (not
    the CLI or this analysis package) and the numpy and Mesa versions. Workers that disagree
    with the client would not reproduce its numbers."""
    import mesa

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"numpy {np.__version__} mesa {mesa.__version__}".encode())
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative.startswith(("analysis/", "cli")) or "__pycache__" in relative:
            continue
        digest.update(relative.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def outcome_counts(params: Params, seed: int, start: int, stop: int) -> Counts:
    """How many of histories [start, stop) of the run (params, seed) end in each outcome."""
    result = run_chunk(params, seed, start, stop)
    return np.bincount(result.outcome, minlength=len(OUTCOMES)).astype(np.int64)


class Backend(Protocol):
    """Runs tasks and yields `(task index, result)` as each finishes (in any order)."""

    name: str
    workers: int

    def imap_unordered(
        self, fn: TaskFunction, tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Counts]]: ...


class InProcess:
    """The default: tasks run one after another in this process."""

    name = "in-process"
    workers = 1

    def imap_unordered(
        self, fn: TaskFunction, tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Counts]]:
        for i, task in enumerate(tasks):
            yield i, fn(*task)


class Processes:
    """Local worker processes (`concurrent.futures.ProcessPoolExecutor`, spawn start method)."""

    name = "processes"

    def __init__(self, executor: cf.ProcessPoolExecutor, workers: int) -> None:
        self._executor = executor
        self.workers = workers

    def imap_unordered(
        self, fn: TaskFunction, tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Counts]]:
        futures = {self._executor.submit(fn, *task): i for i, task in enumerate(tasks)}
        try:
            for future in cf.as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()


class Dask:
    """A Dask `distributed.Client`: a LocalCluster of worker processes or a remote scheduler."""

    name = "dask"

    def __init__(self, client: Any, workers: int, address: str) -> None:
        self.client = client
        self.workers = workers
        self.address = address

    def imap_unordered(
        self, fn: TaskFunction, tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Counts]]:
        from distributed import as_completed

        futures = {
            self.client.submit(fn, *task, retries=DASK_RETRIES, pure=False): i
            for i, task in enumerate(tasks)
        }
        try:
            # The client is not the process-wide default, so hand its event loop over explicitly.
            done = as_completed(list(futures), loop=self.client.loop)  # type: ignore[no-untyped-call]
            for future in done:
                yield futures[future], future.result()
        finally:
            self.client.cancel(list(futures))


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise BackendError(
            "Dask is not installed: install the extra with `pip install 'cuba62[distributed]'` "
            "(or use --backend processes)"
        ) from None
    return distributed


def _host_port(address: str) -> tuple[str, str, int]:
    """('tcp', host, port) from 'tcp://host:8786' or 'host:8786', or a one-line error. Only
    plain TCP: for a cluster elsewhere, tunnel it over SSH (docs/SWEEPS.md)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    host, colon, port_text = rest.rstrip("/").rpartition(":")
    host = host.strip("[]")
    if scheme != "tcp" or not colon or not host or not port_text.isdigit():
        raise BackendError(
            f"--scheduler {address!r} is not a Dask scheduler address: use tcp://HOST:PORT "
            "(for example tcp://127.0.0.1:8786)"
        )
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise BackendError(f"--scheduler {address!r}: port {port} is out of range 1 to 65535")
    return scheme, host, port


def _quiet_dask() -> None:
    for name in ("distributed", "distributed.comm", "distributed.client", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _read_exactly(sock: socket.socket, n: int, deadline: float) -> bytes:
    """`n` bytes from `sock` before `deadline` (time.monotonic), else TimeoutError/EOFError."""
    data = bytearray()
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def probe_scheduler(host: str, port: int, full: str, timeout: float = PROBE_TIMEOUT_S) -> None:
    """Check within `timeout` seconds that `host:port` speaks Dask's protocol, else a one-line
    BackendError. A Dask scheduler opens every connection by sending its handshake: an 8-byte
    length, then msgpack frames naming its compression, Python and pickle protocol. Without
    this check, Dask's client trusts whatever answers: a silent service hangs it for minutes,
    and one that sends other bytes makes it allocate what they spell as a length (exabytes:
    MemoryError)."""
    not_dask = f"{full} is not a Dask scheduler"
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            (size,) = struct.unpack("<Q", _read_exactly(sock, 8, deadline))
            if not 16 <= size <= MAX_HANDSHAKE_BYTES:
                raise BackendError(f"{not_dask}: it answered with something else")
            body = _read_exactly(sock, size, deadline)
    except BackendError:
        raise
    except TimeoutError:
        raise BackendError(
            f"{not_dask}: it said nothing within {timeout:g} s (a scheduler greets at once)"
        ) from None
    except EOFError:
        raise BackendError(f"{not_dask}: it closed the connection") from None
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise BackendError(f"cannot reach the Dask scheduler at {full}: {reason}") from None
    (frames,) = struct.unpack_from("<Q", body)
    if not 1 <= frames <= 16 or b"pickle-protocol" not in body:
        raise BackendError(f"{not_dask}: it answered with something else")


def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Any:
    """A `distributed.Client` on the scheduler at `address`, or a one-line BackendError."""
    scheme, host, port = _host_port(address)
    full = f"{scheme}://{host}:{port}" if ":" not in host else f"{scheme}://[{host}]:{port}"
    distributed = _import_distributed()
    _quiet_dask()
    # A refused or unroutable address, or a service that is not Dask, fails here within
    # seconds instead of after Dask's own retries (or never).
    probe_scheduler(host, port, full, min(timeout, PROBE_TIMEOUT_S))
    try:
        return distributed.Client(full, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise BackendError(
            f"cannot reach the Dask scheduler at {full}: {str(error).splitlines()[0]}"
        ) from None


def check_engine(client: Any, address: str, ours: str | None = None) -> None:
    """Refuse a cluster whose workers run another engine (their numbers would differ)."""
    ours = ours or engine_version()
    try:
        theirs: dict[str, str] = client.run(engine_version)
    except Exception as error:  # noqa: BLE001 - e.g. cuba62 not installed on a worker
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BackendError(
            f"the Dask workers at {address} cannot run the cuba62 engine ({first}): install "
            "this version of cuba62 on every worker (see docs/SWEEPS.md)"
        ) from None
    if not theirs:
        raise BackendError(
            f"the Dask scheduler at {address} has no workers: start some with "
            f"`dask worker {address}`"
        )
    different = sorted(w for w, v in theirs.items() if v != ours)
    if different:
        raise BackendError(
            f"{len(different)} of {len(theirs)} Dask workers at {address} run a different "
            f"cuba62 engine (e.g. {different[0]}): install the same version everywhere, or the "
            "numbers would not match a run on this machine"
        )


def _ignore_interrupts() -> None:
    """In a worker process: leave Ctrl-C to the command that started it (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _workers_ignore_interrupts() -> Iterator[None]:
    """While worker processes start, ignore SIGINT here: they inherit 'ignored' (it survives
    exec), so a Ctrl-C in the terminal interrupts the command once, cleanly, and not every
    worker with a traceback of its own. The usual handling is restored before any work."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= MAX_LOCAL_WORKERS:
        raise BackendError(f"--workers {workers} is out of range: allowed 1 to {MAX_LOCAL_WORKERS}")


@contextmanager
def open_backend(
    workers: int | None = None, scheduler: str | None = None, kind: str = "dask"
) -> Iterator[Backend]:
    """The backend a command asked for; everything it started is stopped on exit.

    No workers and no scheduler: in-process. `scheduler`: that Dask cluster. `workers` K: K local
    worker processes, under a Dask LocalCluster (`kind="dask"`) or a ProcessPoolExecutor
    (`kind="processes"`).
    """
    check_workers(workers)
    if scheduler is not None and workers is not None:
        raise BackendError("give either --workers or --scheduler, not both")
    if kind not in ("dask", "processes"):
        raise BackendError(f"--backend {kind!r} is not allowed: use dask or processes")
    if scheduler is not None:
        if kind != "dask":
            raise BackendError("--scheduler needs the dask backend")
        client = connect(scheduler)
        try:
            check_engine(client, scheduler)
            n = len(client.scheduler_info().get("workers", {}))
            yield Dask(client, max(n, 1), scheduler)
        finally:
            client.close()
        return
    if workers is None:
        yield InProcess()
        return
    if kind == "processes":
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_ignore_interrupts
        ) as executor:
            yield Processes(executor, workers)
        return
    distributed = _import_distributed()
    _quiet_dask()
    with _workers_ignore_interrupts():
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,  # worker shutdown chatter is not the user's concern
        )
    try:
        client = distributed.Client(cluster, set_as_default=False)
        try:
            check_engine(client, cluster.scheduler_address)
            yield Dask(client, workers, cluster.scheduler_address)
        finally:
            client.close()
    finally:
        cluster.close()
