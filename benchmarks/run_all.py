"""Run every benchmark (benchmarks/bench_*.py), one after another, each in its own interpreter.

This is what `make bench` runs. Each benchmark prints its own report and writes its results file
(benchmarks/results*.md). Exit status: non-zero if any benchmark failed.

    .venv/bin/python benchmarks/run_all.py [name ...]     e.g. run_all.py engine sweep
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{name.removeprefix('bench_').removesuffix('.py')}.py" for name in argv}
        unknown = wanted - {s.name for s in scripts}
        if unknown:
            known = ", ".join(s.stem.removeprefix("bench_") for s in scripts)
            print(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {known}",
                file=sys.stderr,
            )
            return 2
        scripts = [s for s in scripts if s.name in wanted]
    via = " ".join([".venv/bin/python benchmarks/run_all.py", *argv])
    env = dict(os.environ, CUBA62_BENCH_VIA=via if argv else f"make bench, i.e. {via}")
    failed = []
    timings = []
    for script in scripts:
        print(f"=== {script.name} ===", flush=True)
        t = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent, env=env)
        timings.append((script.name, time.perf_counter() - t, code))
        if code != 0:
            failed.append(script.name)
    print("\n=== summary ===")
    for name, seconds, code in timings:
        print(f"{name:24s} {seconds:6.0f} s  {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
