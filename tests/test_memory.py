"""Memory: 100,000 histories of the whole crisis fit in well under 1 GB.

The run happens in a fresh interpreter so that nothing else in the test session counts: peak
resident memory (ru_maxrss, KiB on Linux) minus resident memory after the imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNS = 100_000
LIMIT_BYTES = 1 << 30

SCRIPT = textwrap.dedent(
    f"""
    import json, resource, time

    import numpy as np

    import sim.model  # noqa: F401 - the engine (Mesa) is imported lazily by run: count it as
    # an import, not as memory the run used
    from sim.ensemble import run
    from sim.params import defaults

    def rss_kib() -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    before = rss_kib()
    t0 = time.perf_counter()
    r = run(defaults(), {RUNS}, seed=0)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({{
        "before_kib": before, "peak_kib": peak, "seconds": seconds, "runs": r.runs,
        "resolved": int((r.outcome >= 0).sum()),
        "path_bytes": int(r.escalation_path.nbytes),
    }}))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is KiB on Linux only")
def test_100k_histories_fit_in_1_gib() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    m = json.loads(done.stdout.strip().splitlines()[-1])
    assert m["runs"] == RUNS and m["resolved"] == RUNS
    # The per-history arrays alone are at least this big: the measurement sees the run.
    used = (m["peak_kib"] - m["before_kib"]) * 1024
    assert used >= m["path_bytes"], m
    assert used < LIMIT_BYTES, (
        f"{RUNS:,} histories took {used / 2**20:,.0f} MiB above the imports "
        f"(peak {m['peak_kib'] / 1024:,.0f} MiB) in {m['seconds']:.1f} s"
    )
