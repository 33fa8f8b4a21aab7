"""CLI start-up: `cuba62 --help`, `cuba62 scenarios` and `import sim.ensemble`, as whole processes.

Each command is started as a new process (interpreter start-up and imports included, which is
what a user waits for), the three interleaved round after round so that a change in the
machine's load falls on all of them alike; one untimed warm-up round first (the page cache).
The median wall time of the rounds is compared with the targets of issue 14:
`--help` < 0.5 s, `scenarios` < 1 s, `import sim.ensemble` < 1 s. The CPU time (user + system)
of each process is reported beside it: on a shared machine whose load is above its cores, wall
time is mostly waiting for a core, and CPU time shows what the command itself costs.

    .venv/bin/python benchmarks/bench_cli.py [--rounds 7] [--no-write]

Prints a markdown table and appends it, with CPU model, load and date, to
benchmarks/results_cli.md. Exit status 1 if a command failed (not if a target was missed: on a
busy shared machine a miss is reported, not hidden).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import append_section, cpu_model  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results_cli.md"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    target_s: float


def cases() -> list[Case]:
    """The console script if installed beside this interpreter, else `python -m sim.cli`."""
    script = BIN / "cuba62"
    cuba62 = (str(script),) if script.exists() else (sys.executable, "-m", "sim.cli")
    return [
        Case("cuba62 --help", (*cuba62, "--help"), 0.5),
        Case("cuba62 scenarios", (*cuba62, "scenarios"), 1.0),
        Case("python -c 'import sim.ensemble'", (sys.executable, "-c", "import sim.ensemble"), 1.0),
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(case: Case) -> tuple[float, float]:
    """(wall, CPU) seconds of one process from its start to its exit; it must succeed."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        case.argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{case.name} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return seconds, _children_cpu() - cpu


def measure(rounds: int) -> dict[str, list[tuple[float, float]]]:
    todo = cases()
    for case in todo:  # warm-up, untimed
        time_once(case)
    times: dict[str, list[tuple[float, float]]] = {c.name: [] for c in todo}
    for _ in range(rounds):
        for case in todo:
            times[case.name].append(time_once(case))
    return times


def table(times: dict[str, list[tuple[float, float]]]) -> tuple[str, bool]:
    rows = [
        "| command (whole process) | median wall (s) | min (s) | max (s) | median CPU (s) | runs "
        "| target (wall) | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    all_met = True
    for case in cases():
        wall = [w for w, _ in times[case.name]]
        cpu = [c for _, c in times[case.name]]
        median = statistics.median(wall)
        met = median < case.target_s
        all_met &= met
        rows.append(
            f"| `{case.name}` | {median:.2f} | {min(wall):.2f} | {max(wall):.2f} | "
            f"{statistics.median(cpu):.2f} | {len(wall)} | < {case.target_s:g} s | "
            f"{'met' if met else 'NOT met'} |"
        )
    return "\n".join(rows), all_met


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds (default: %(default)s)")
    ap.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = ap.parse_args([] if argv is None else argv)
    if not 5 <= args.rounds <= 50:
        ap.error("--rounds must be 5 to 50 (a median of fewer says little)")
    before = os.getloadavg()
    print(f"bench_cli: {args.rounds} interleaved rounds; load average {before[0]:.2f}")
    try:
        times = measure(args.rounds)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    after = os.getloadavg()
    body, all_met = table(times)
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    header = (
        f"## {stamp}: {cpu_model()}, {os.cpu_count()} cores\n\n"
        f"Python {platform.python_version()}; each command a new process, {args.rounds} rounds "
        "interleaved after one warm-up round; wall time from start to exit. Load average "
        f"(1 min) before/after: {before[0]:.2f}/{after[0]:.2f} (other work on the machine slows "
        f"every row). Via: {os.environ.get('CUBA62_BENCH_VIA', 'benchmarks/bench_cli.py')}.\n"
    )
    verdict = "Every target met." if all_met else "Not every target met (see the table)."
    section = f"{header}\n{body}\n\n{verdict}\n"
    print()
    print(section)
    if not args.no_write:
        append_section(RESULTS, "CLI start-up benchmark", "bench_cli.py", section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
