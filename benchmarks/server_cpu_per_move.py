"""CPU the Streamlit server process spends on one slider move (engine and charts excluded when
they run in the worker pool), via `streamlit.testing.v1.AppTest`, in this process; or, with
`--live`, on a real `streamlit run ui/app.py` driven by one websocket client
(benchmarks/ws_client.py), with the CPU of its worker pool beside it.

    .venv/bin/python benchmarks/server_cpu_per_move.py [CHECKOUT]
    .venv/bin/python benchmarks/server_cpu_per_move.py --live [CHECKOUT] [--moves 10]

CHECKOUT (default: this repository) is the root of a checkout to measure, e.g. one made with
`git archive <commit> | tar -x -C /tmp/old` to compare with an older commit. Prints the median,
min and max over 8 moves of "Real consultation of Britain" (each to a value not seen before),
and the wall time. `--live` runs CHECKOUT's app (its `.streamlit/config.toml` too) and
measures the server process's and the workers' CPU per move (median of `--moves` moves of one
session, after one warm-up move), which includes what AppTest does not run (Streamlit's
runtime, the messages, the websocket). Not part of `make bench` (a helper for
docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path


def live(root: Path, moves: int) -> None:
    """One websocket session on a real server of `root`'s app: server and worker CPU per move."""
    import asyncio
    import tempfile

    import psutil

    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    from benchmarks.bench_load import cpu_seconds, server_pid
    from benchmarks.ws_client import Session
    from sim.params import SPECS
    from tests import conftest

    async def run(base: str) -> list[tuple[float, float, float]]:
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        assert pid is not None
        server = psutil.Process(pid)
        s = Session(base, query_string="scenario=thor_immobilisation&runs=5000&seed=3")
        rows = []
        try:
            await s.open(timeout=180)
            widget = s.widget(SPECS["uk.consultation"].label, "slider")
            value = 0.15
            await s.move(widget, value, 120)  # warm-up: the pool started, the baseline cached
            for _ in range(moves):
                value = round(value + 0.05, 2) if value < 0.95 else 0.05
                workers = {c.pid for c in server.children(recursive=True)}
                c0, w0 = cpu_seconds({pid}), cpu_seconds(workers)
                wall = await s.move(widget, value, 120)
                await asyncio.sleep(0.3)  # the server's last messages and bookkeeping
                rows.append((wall, cpu_seconds({pid}) - c0, cpu_seconds(workers) - w0))
                await asyncio.sleep(0.5)
        finally:
            await s.close()
        return rows

    with tempfile.TemporaryDirectory() as tmp:
        conftest.REPO_ROOT = root  # the server's working directory: its config.toml is read
        with conftest.running_streamlit(
            Path(tmp) / "server.log", app=root / "ui" / "app.py"
        ) as base:
            rows = asyncio.run(run(base))
    wall, server_cpu, worker_cpu = (sorted(col) for col in zip(*rows, strict=True))
    print(
        f"{root}, live server, {moves} moves: server-process CPU per move median "
        f"{statistics.median(server_cpu):.3f} s (min {server_cpu[0]:.3f}, max "
        f"{server_cpu[-1]:.3f}); worker pool CPU per move median "
        f"{statistics.median(worker_cpu):.3f} s; wall median {statistics.median(wall):.2f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    args = sys.argv[1:]
    if "--live" in args:
        args.remove("--live")
        moves = 10
        if "--moves" in args:
            at = args.index("--moves")
            moves = int(args[at + 1])
            del args[at : at + 2]
        live(Path(args[0]).resolve() if args else Path(__file__).resolve().parent.parent, moves)
        return
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    sys.path.insert(0, str(root))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "ui" / "app.py"), default_timeout=300)
    at.run()
    slider = next(s for s in at.slider if s.key == "p.uk.consultation")
    slider.set_value(0.15).run()  # warm-up: pool started, baseline cached
    cpu, wall = [], []
    for i in range(8):
        t, c = time.perf_counter(), time.process_time()
        slider.set_value(round(0.2 + 0.05 * i, 2)).run()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert not at.exception, at.exception
    print(
        f"{root}: server-process CPU per move median {statistics.median(cpu):.3f} s "
        f"(min {min(cpu):.3f}, max {max(cpu):.3f}); wall median {statistics.median(wall):.3f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
