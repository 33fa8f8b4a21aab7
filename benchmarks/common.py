"""What every benchmark reports alongside its table: the machine, and where the table is kept."""

from __future__ import annotations

import os
import platform
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), for the results files."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def load_average() -> str:
    """The 1-minute load average ("5.3"), or "n/a" where the system has none."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def load_averages() -> str:
    """The 1-, 5- and 15-minute load averages ("5.3/4.1/3.9"), or "n/a"."""
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def append_section(results: Path, title: str, script: str, section: str) -> None:
    """Append one run's table to a results file (newest last), creating it with a header."""
    new = not results.exists()
    with results.open("a", encoding="utf-8") as f:
        if new:
            f.write(
                f"# {title}\n\nWritten by `benchmarks/{script}` (also run by `make bench`); "
                "newest run last.\n\n"
            )
        f.write(section + "\n")
    print(f"appended to {results.relative_to(REPO_ROOT)}")
