"""Sweep throughput: histories per second in-process, on local processes and on Dask.

Runs the same sweep (parameter points × histories, common random numbers) on each backend:
in-process, a ProcessPoolExecutor with 1 and 2 workers, and a Dask LocalCluster with 1 and 2
worker processes. Two workloads: few large tasks (one task per point of 5,000 histories) and many
small ones (250 histories per point), where per-task overhead shows. Startup (spawning workers)
is timed apart from the work. Every backend must return exactly the in-process counts.

    .venv/bin/python benchmarks/bench_sweep.py [--scale 1.0] [--no-write]

Prints a markdown table and appends it, with CPU model, load and date, to
benchmarks/results_sweep.md. "Dask overhead" compares a 1-worker LocalCluster with the in-process
run at equal work (compute only, then including startup).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import append_section, cpu_model  # noqa: E402
from sim.analysis.backends import BackendError, engine_version, open_backend  # noqa: E402
from sim.analysis.evaluate import evaluate  # noqa: E402
from sim.params import Params, make_params  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results_sweep.md"
#: (name, points, histories per point) at scale 1.
WORKLOADS = (("few large tasks", 16, 5_000), ("many small tasks", 160, 250))
#: (backend label, kind for open_backend, workers; None = in-process)
BACKENDS: tuple[tuple[str, str, int | None], ...] = (
    ("in-process", "dask", None),
    ("processes", "processes", 1),
    ("processes", "processes", 2),
    ("dask LocalCluster", "dask", 1),
    ("dask LocalCluster", "dask", 2),
)


@dataclass(frozen=True)
class Row:
    backend: str
    workers: int
    workload: str
    points: int
    runs: int
    startup: float
    seconds: float
    identical: bool

    @property
    def histories(self) -> int:
        return self.points * self.runs


def grid(points: int) -> list[Params]:
    """`points` settings of Khrushchev's risk acceptance and ExComm hawkishness."""
    side = int(np.ceil(np.sqrt(points)))
    values = np.linspace(0.0, 1.0, side)
    combos = [(a, b) for a in values for b in values][:points]
    return [make_params({"ussr.risk_acceptance": a, "us.hawkishness": b}) for a, b in combos]


def measure(scale: float, repeats: int) -> list[Row]:
    rows: list[Row] = []
    workloads = [(n, max(2, round(p * scale)), r) for n, p, r in WORKLOADS]
    reference: dict[str, npt.NDArray[np.int64]] = {}
    for label, kind, workers in BACKENDS:
        started = time.perf_counter()
        with open_backend(workers=workers, kind=kind) as backend:
            # one tiny task first, so that imports in fresh workers count as startup, not work
            evaluate(grid(2), 10, 0, backend)
            startup = time.perf_counter() - started
            for name, points, runs in workloads:
                params = grid(points)
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    counts = evaluate(params, runs, 0, backend)
                    times.append(time.perf_counter() - start)
                seconds = min(times)  # the least disturbed run on a shared machine
                reference.setdefault(name, counts)
                rows.append(
                    Row(
                        label,
                        workers or 1,
                        name,
                        points,
                        runs,
                        startup,
                        seconds,
                        bool(np.array_equal(counts, reference[name])),
                    )
                )
                print(f"  {label} × {workers or 1}, {name}: {seconds:.2f} s", flush=True)
    return rows


def table(rows: list[Row]) -> str:
    base = {r.workload: r for r in rows if r.backend == "in-process"}
    lines = [
        "| backend | workers | workload | histories | startup (s) | work (s) | histories/s "
        "| speed-up | identical |",
        "|---|---:|---|---:|---:|---:|---:|---:|:-:|",
    ]
    for r in rows:
        speed = base[r.workload].seconds / r.seconds
        lines.append(
            f"| {r.backend} | {r.workers} | {r.workload} ({r.points} × {r.runs:,}) "
            f"| {r.histories:,} | {r.startup:.2f} | {r.seconds:.2f} "
            f"| {r.histories / r.seconds:,.0f} | {speed:.2f}× | {'yes' if r.identical else 'NO'} |"
        )
    return "\n".join(lines)


def overhead(rows: list[Row]) -> str:
    out = []
    for workload in dict.fromkeys(r.workload for r in rows):
        ref = next(r for r in rows if r.workload == workload and r.backend == "in-process")
        dask = next(
            r
            for r in rows
            if r.workload == workload and r.backend == "dask LocalCluster" and r.workers == 1
        )
        work = dask.seconds / ref.seconds - 1
        total = (dask.seconds + dask.startup) / ref.seconds - 1
        out.append(
            f"- Dask overhead, {workload}, 1 worker vs in-process at equal work: "
            f"{work:+.0%} on the work alone, {total:+.0%} including cluster startup."
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; `argv` are command-line options (none: the defaults)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the number of points per workload (default: %(default)s)",
    )
    ap.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="time each cell this many times and keep the fastest (default: 1)",
    )
    ap.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = ap.parse_args([] if argv is None else argv)
    if not 0 < args.scale <= 20:
        ap.error("--scale must be above 0 and at most 20")
    if not 1 <= args.repeats <= 10:
        ap.error("--repeats must be 1 to 10")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"bench_sweep: {len(BACKENDS)} backends × {len(WORKLOADS)} workloads "
        f"(scale {args.scale:g}); load average {load:.2f}"
    )
    engine = engine_version()
    try:
        rows = measure(args.scale, args.repeats)
    except BackendError as error:  # e.g. the engine's source changed while workers started
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    engine_version.cache_clear()
    if engine_version() != engine:
        print(
            "ERROR: the engine's source changed during the benchmark; run it again", file=sys.stderr
        )
        return 1
    import distributed

    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    header = (
        f"## {stamp}: {cpu_model()}, {os.cpu_count()} cores\n\n"
        f"Python {platform.python_version()}, dask.distributed {distributed.__version__}; load "
        f"average {load:.2f} at start (other work on the machine slows every row alike only if "
        "it is steady). Work = `sim.analysis.evaluate` of a risk acceptance × hawkishness grid, "
        f"seed 0, after one warm-up task per backend; fastest of {args.repeats} per cell; "
        f"engine fingerprint {engine}.\n"
    )
    section = f"{header}\n{table(rows)}\n\n{overhead(rows)}\n"
    print()
    print(section)
    if not all(r.identical for r in rows):
        print("ERROR: some backend returned different counts", file=sys.stderr)
        return 1
    if not args.no_write:
        append_section(
            RESULTS, "Sweep benchmark: histories per second by backend", "bench_sweep.py", section
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
