"""CPU the Streamlit server process spends on one slider move (engine and charts excluded when
they run in the worker pool), via `streamlit.testing.v1.AppTest`, in this process.

    .venv/bin/python benchmarks/server_cpu_per_move.py [CHECKOUT]

CHECKOUT (default: this repository) is the root of a checkout to measure, e.g. one made with
`git archive <commit> | tar -x -C /tmp/old` to compare with an older commit. Prints the median,
min and max over 8 moves of "Real consultation of Britain" (each to a value not seen before),
and the wall time. Not part of `make bench` (a helper for docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
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
