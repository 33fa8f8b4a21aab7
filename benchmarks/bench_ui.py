"""UI latency: from a slider key press to the redrawn page, in a real browser.

Starts its own `streamlit run ui/app.py` on a free local port and a headless system Chromium
(Debian's, never a Playwright download), opens the Explore page once per size with
`?scenario=thor_immobilisation&runs=N`, and then, interleaving the sizes, moves the slider
"Real consultation of Britain" (uk.consultation) one step with the keyboard (ArrowRight). Each
move is timed from the key press until the rerun it caused has finished: Streamlit's script is no
longer running, nothing on the page is stale, the "Running..." status widget is gone and every
chart has drawn. Every move goes to a value not seen before, so no move is a cache hit; one
untimed move per size comes first (warm-up). The time is also split, from the browser's side, into
key press -> script running (the slider's debounce and the websocket round trip) and the script run
itself (running -> notRunning: engine, charts, sending the page). For comparison the engine alone is
timed (`sim.ensemble.run` of the scenario at the same size, in this process, after the browser run).

    .venv/bin/python benchmarks/bench_ui.py [--sizes 5000,10000,20000] [--moves 5] [--no-write]

Prints a markdown table and appends it, with CPU model and date, to benchmarks/results_ui.md.
Target (issue 14): at most 0.5 s at 10,000 paired histories (earlier: under 1 s at 5,000).
Opening the app (a share link, the first visit after a server start) is timed by
benchmarks/bench_ui_open.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import append_section, cpu_model, load_average  # noqa: E402
from tests.conftest import (  # noqa: E402  (needs the repo root on sys.path)
    CHROMIUM_ARGS,
    find_chromium,
    goto,
    metric_values,
    open_page,
    param_slider,
    running_streamlit,
    runs_finished,
    wait_for_rerun,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

SCENARIO = "thor_immobilisation"
PARAM = "uk.consultation"
SIZES = (5_000, 10_000, 20_000)
MOVES = 5
TARGET_S = 0.5
TARGET_RUNS = 10_000
RESULTS = Path(__file__).resolve().parent / "results_ui.md"


@dataclass(frozen=True)
class Move:
    seconds: float  # key press -> rerun finished and drawn (wall time, measured in Python)
    to_start: float  # key press -> Streamlit reports the script running (debounce + round trip)
    script: float  # the script run, as the browser sees it (running -> notRunning)
    changed: bool  # whether any metric value changed


def move(page: Page, s: Locator) -> Move:
    """Press ArrowRight on the slider and wait until the rerun it caused has finished."""
    before = metric_values(page)
    finished = runs_finished(page)
    s.focus()
    pressed_at: float = page.evaluate("() => performance.now()")
    t0 = time.perf_counter()
    s.press("ArrowRight")
    wait_for_rerun(page, finished, timeout_ms=120_000)
    elapsed = time.perf_counter() - t0
    started_at, finished_at = page.evaluate(
        "() => [window.__cuba62.startedAt, window.__cuba62.finishedAt]"
    )
    return Move(
        seconds=elapsed,
        to_start=(started_at - pressed_at) / 1000,
        script=(finished_at - started_at) / 1000,
        changed=metric_values(page) != before,
    )


def engine_seconds(runs: int, repeats: int = 3) -> float:
    """Median time of the scenario run alone (what a slider move must recompute), in-process."""
    from sim.ensemble import run
    from sim.params import make_params
    from sim.scenario import load_scenario

    base = load_scenario(SCENARIO).params()
    times = []
    for i in range(repeats):
        p = make_params({PARAM: 0.5 + 0.05 * i}, base=base)
        t0 = time.perf_counter()
        run(p, runs, seed=0)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(sizes: tuple[int, ...], moves: int) -> dict[int, list[Move]]:
    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        raise SystemExit("bench_ui: chromium not found on PATH (apt-get install chromium)")
    done: dict[int, list[Move]] = {n: [] for n in sizes}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_ui-")))
        base = stack.enter_context(running_streamlit(tmp / "server.log"))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        pages: dict[int, tuple[Page, Locator]] = {}
        for n in sizes:
            page = stack.enter_context(open_page(browser, 1280, 720))
            goto(page, f"{base}/?scenario={SCENARIO}&runs={n}&seed=0")
            s = param_slider(page, PARAM)
            move(page, s)  # warm-up, untimed
            pages[n] = (page, s)
        for i in range(moves):
            for n in sizes:
                page, s = pages[n]
                m = move(page, s)
                done[n].append(m)
                print(
                    f"  move {i + 1}/{moves} at {n:,} histories: {m.seconds:.3f} s "
                    f"(to script start {m.to_start:.3f} s, script {m.script:.3f} s)",
                    flush=True,
                )
    return done


def table(done: dict[int, list[Move]], engine: dict[int, float]) -> str:
    def med(xs: list[float]) -> str:
        return f"{statistics.median(xs):.2f}"

    lines = [
        "| histories (paired) | median move → redrawn (s) | min (s) | max (s) | moves "
        "| metrics changed | median key → script start (s) | median script run (s) "
        "| engine alone, median (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, ms in done.items():
        ts = [m.seconds for m in ms]
        lines.append(
            f"| {n:,} | {med(ts)} | {min(ts):.2f} | {max(ts):.2f} | {len(ts)} "
            f"| {sum(m.changed for m in ms)}/{len(ms)} | {med([m.to_start for m in ms])} "
            f"| {med([m.script for m in ms])} | {engine[n]:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; `argv` are command-line options (none: the defaults, so that another
    script can call main() without its own command line being parsed as ours)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--sizes",
        default=",".join(str(n) for n in SIZES),
        help="comma-separated numbers of histories (default: %(default)s)",
    )
    ap.add_argument("--moves", type=int, default=MOVES, help="timed moves per size (>= 3)")
    ap.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = ap.parse_args([] if argv is None else argv)
    sizes = tuple(int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip())
    if args.moves < 3:
        ap.error("--moves must be at least 3")

    print(f"bench_ui: slider move to redrawn page, sizes {sizes}, {args.moves} moves each")
    load_before = load_average()
    done = measure(sizes, args.moves)
    load_after = load_average()
    engine = {n: engine_seconds(n) for n in sizes}
    body = table(done, engine)

    import streamlit

    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    via = os.environ.get("CUBA62_BENCH_VIA") or " ".join(
        [".venv/bin/python benchmarks/bench_ui.py", *(argv or [])]
    )
    header = (
        f"## {stamp}: {cpu_model()}, {os.cpu_count()} cores\n\n"
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, headless "
        f"Chromium; scenario `{SCENARIO}`, one ArrowRight on `{PARAM}` per move, sizes "
        f"interleaved, first move per size untimed. Target: ≤ {TARGET_S:.1f} s at "
        f"{TARGET_RUNS:,}. Load average (1 min) before/after: {load_before}/{load_after} "
        "(other work on the machine slows every column). Command: "
        f"`{via}`.\n"
    )
    verdict = ""
    if TARGET_RUNS in done:
        med = statistics.median(m.seconds for m in done[TARGET_RUNS])
        ok = "meets" if med <= TARGET_S else "MISSES"
        verdict = f"\nMedian at {TARGET_RUNS:,}: {med:.2f} s, {ok} the ≤ {TARGET_S:.1f} s target.\n"
    section = f"{header}\n{body}\n{verdict}"
    print()
    print(section)
    if not args.no_write:
        append_section(RESULTS, "UI benchmark: slider move to redrawn page", "bench_ui.py", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
