"""CPU the Streamlit server process spends on one slider move (engine and charts excluded when
they run in the worker pool), via `streamlit.testing.v1.AppTest`, in this process; and the CPU
of the server and its pool's workers together (engine and charts included).

    .venv/bin/python benchmarks/server_cpu_per_move.py [CHECKOUT] [RUNS]

CHECKOUT (default: this repository) is the root of a checkout to measure, e.g. one made with
`git archive <commit> | tar -x -C /tmp/old` to compare with an older commit. Prints the median,
min and max over 8 moves of "Real consultation of Britain" (each to a value not seen before),
and the wall time, at RUNS histories (default: the app's default). CPU time is what a move costs
whatever else runs on the machine; wall time is not. Not part of `make bench` (a helper for
docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path


def _workers_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's child processes that are still
    running (the pool's workers and its fork server), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    me, used = os.getpid(), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me or _ancestor(int(entry.name), me):
            used += (int(fields[11]) + int(fields[12])) / tick
    return used


def _ancestor(pid: int, me: int) -> bool:
    """Whether `me` is an ancestor of `pid` (workers are children of the fork server)."""
    for _ in range(4):
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
        if pid == me:
            return True
        if pid <= 1:
            return False
    return False


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    sys.path.insert(0, str(root))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "ui" / "app.py"), default_timeout=300)
    if len(sys.argv) > 2:
        at.query_params["runs"] = sys.argv[2]
    at.run()
    slider = next(s for s in at.slider if s.key == "p.uk.consultation")
    slider.set_value(0.15).run()  # warm-up: pool started, baseline cached
    cpu, wall, total = [], [], []
    for i in range(8):
        t, c, w = time.perf_counter(), time.process_time(), _workers_cpu()
        slider.set_value(round(0.2 + 0.05 * i, 2)).run()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        total.append(cpu[-1] + _workers_cpu() - w)
        assert not at.exception, at.exception
    print(
        f"{root}: server-process CPU per move median {statistics.median(cpu):.3f} s "
        f"(min {min(cpu):.3f}, max {max(cpu):.3f}); with the pool's workers median "
        f"{statistics.median(total):.3f} s; wall median {statistics.median(wall):.3f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
