"""Check the websocket client (benchmarks/ws_client.py) against a real browser, move for move.

One server, one headless Chromium page and one websocket session (different seeds, so neither
hits the other's cache), each moving "Real consultation of Britain" one step up in turn, a few
seconds apart, so both see the same machine. For each browser move it also reports the part
before the run started (the slider's debounce and sending) and the part after the run finished
(drawing), from Streamlit's own script-state attribute. Not part of `make bench`: it validates
the client the load benchmark uses (docs/PERFORMANCE.md).

    .venv/bin/python benchmarks/compare_clients.py [--moves 8] [--runs 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_load import (  # noqa: E402
    MOVE_TIMEOUT_S,
    PARAM,
    REDRAWN_JS,
    SCENARIO,
    open_session,
    the_slider,
)
from benchmarks.common import load_averages  # noqa: E402
from benchmarks.ws_client import Session  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium, running_streamlit  # noqa: E402

GAP_S = 3.0


async def compare(base: str, moves: int, runs: int) -> list[tuple[float, float, float, float]]:
    """Per move: (browser total, browser before the run started, browser after it finished,
    websocket total), in seconds."""
    from playwright.async_api import async_playwright

    from sim.params import SPECS

    exe = find_chromium()
    if exe is None:
        raise SystemExit("compare_clients: chromium not found on PATH")
    rows = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        session = Session(base, query_string=f"scenario={SCENARIO}&runs={runs}&seed=201")
        try:
            page = await open_session(browser, f"{base}/?scenario={SCENARIO}&runs={runs}&seed=200")
            slider = await the_slider(page)
            await session.open(timeout=180)
            widget = session.widget(SPECS[PARAM].label, "slider")
            value = session.slider_value(widget)[0]
            for _ in range(moves):
                before, started0 = await page.evaluate(
                    "() => [window.__cuba62.finished, window.__cuba62.started]"
                )
                await slider.focus()
                t0 = time.perf_counter()
                p0 = await page.evaluate("() => performance.now()")
                await slider.press("ArrowRight")
                await page.wait_for_function(
                    REDRAWN_JS, arg=before, timeout=MOVE_TIMEOUT_S * 1000, polling=100
                )
                total = time.perf_counter() - t0
                started, finished, runs_b = await page.evaluate(
                    "() => [window.__cuba62.startedAt, window.__cuba62.finishedAt,"
                    " window.__cuba62.started]"
                )
                runs_b -= started0
                p_end = p0 + total * 1000
                await asyncio.sleep(GAP_S)
                value = round(value + 0.05, 6)
                runs_ws = session.full_started + session.fragment_runs
                ws = await session.move(widget, value, MOVE_TIMEOUT_S)
                runs_ws = session.full_started + session.fragment_runs - runs_ws
                rows.append((total, (started - p0) / 1000, (p_end - finished) / 1000, ws))
                print(
                    f"  move {len(rows)}: browser {total:.2f} s (before the run "
                    f"{rows[-1][1]:.2f}, after it {rows[-1][2]:.2f}; {runs_b} runs); "
                    f"websocket {ws:.2f} s "
                    f"({runs_ws} runs)",
                    flush=True,
                )
                await asyncio.sleep(GAP_S)
        finally:
            await session.close()
            await browser.close()
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--moves", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5000)
    args = ap.parse_args(argv)
    print(f"compare_clients: {args.moves} moves each; load average {load_averages()}")
    with tempfile.TemporaryDirectory(prefix="compare_clients-") as tmp:
        with running_streamlit(Path(tmp) / "server.log") as base:
            rows = asyncio.run(compare(base, args.moves, args.runs))
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    print(
        f"\nmedian over {len(rows)} moves: browser {med[0]:.2f} s (before the run started "
        f"{med[1]:.2f}, after it finished {med[2]:.2f}), websocket {med[3]:.2f} s; min/max "
        f"browser {min(r[0] for r in rows):.2f}/{max(r[0] for r in rows):.2f}, websocket "
        f"{min(r[3] for r in rows):.2f}/{max(r[3] for r in rows):.2f}; load average "
        f"{load_averages()} ({os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
