"""Opening the app in a real browser: a share link on a warm server, and the first visit after the
server starts (issue 14, item 2).

Both parts use Debian's headless Chromium (never a Playwright download), one fresh browser
context per visit (no cookies, no HTTP cache), 1280x720, and time a visit from `page.goto` until
every chart of the Explore page is drawn: the app is connected, its script is not running,
nothing is stale, no "Running..."/"queued"/"running" box is left, and all `EXPECTED_CHARTS`
Vega-Lite charts (the first screen's, outcomes, the two fans, resolution, deals) have drawn
(the tracker/idle checks of tests/conftest.py). Each visit is also split, from the page's own
clock (which starts at navigation): navigation -> the app's script starts (the page and
Streamlit's JavaScript load, the websocket connects), the script's runs (server: engine and
charts in the worker pool, the page built and sent), last run finished -> every chart drawn
(the browser renders Vega).

(a) Warm server: one `streamlit run ui/app.py`, one untimed visit to the default view, then
`--visits` share links, each in a fresh context and each with settings the server has not seen:
`/?scenario=thor_immobilisation&seed=0&runs=5000&uk.consultation=X` with X = 0.55, 0.60, ...
(not the default scenario, a moved slider: the scenario's side and the charts are computed on
opening; the baseline at seed 0 is the one the server already has). Target < 3 s.

(b) Cold server: `--starts` times, a new `streamlit run ui/app.py` (its own process, own port),
its health endpoint polled every 50 ms, and as soon as it answers "ok" the default view `/` opened
in a fresh context: timed from the server's start and from that first request. Target < 6 s from
the server's start.

    .venv/bin/python benchmarks/bench_ui_open.py [--visits 5] [--starts 5] [--no-write]
        [--skip warm|cold] [--vs CHECKOUT]

Prints markdown tables and appends them, with CPU model, load and date, to
benchmarks/results_ui.md. Misses are reported, not hidden (exit status 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
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
    APP,
    CHROMIUM_ARGS,
    IDLE_JS,
    find_chromium,
    free_port,
    goto,
    health_ok,
    open_page,
    running_streamlit,
    stop_server,
    streamlit_command,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

RESULTS = Path(__file__).resolve().parent / "results_ui.md"
#: The Explore page's Vega-Lite charts: first screen, outcomes, two fans, resolution, deals.
EXPECTED_CHARTS = 6
SCENARIO = "thor_immobilisation"
PARAM = "uk.consultation"
RUNS = 5000
WARM_TARGET_S = 3.0
COLD_TARGET_S = 6.0
VISITS = 5
STARTS = 5
TIMEOUT_MS = 120_000

#: Records when the app's first script run started (the tracker keeps only the last).
FIRST_RUN_JS = """
(() => {
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('data-test-script-state') === 'running'
          && window.__firstRunAt === undefined) {
        window.__firstRunAt = performance.now();
      }
    }
  });
  obs.observe(document, {subtree: true, attributes: true,
                         attributeFilter: ['data-test-script-state']});
})();
"""

#: Truthy (the page's clock, ms) once every chart of the Explore page is drawn.
DRAWN_JS = f"""
() => {{
  const t = window.__cuba62;
  if (!t || t.finished < 1 || !({IDLE_JS})()) return false;
  const charts = document.querySelectorAll(
    '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]');
  if (charts.length < {EXPECTED_CHARTS}) return false;
  return performance.now();
}}
"""


def link(value: float) -> str:
    return f"/?scenario={SCENARIO}&seed=0&runs={RUNS}&{PARAM}={value:.2f}"


@dataclass(frozen=True)
class Visit:
    seconds: float  # page.goto -> every chart drawn (wall time, measured in Python)
    to_script: float  # navigation -> the first script run starts (page clock)
    script: float  # first script run started -> last run finished (page clock)
    render: float  # last run finished -> every chart drawn (page clock)
    runs: int  # script runs the visit took


def visit(browser: Browser, url: str) -> Visit:
    """Open `url` in a fresh context and wait until every Explore chart is drawn."""
    with open_page(browser, 1280, 720) as page:
        page.context.add_init_script(FIRST_RUN_JS)
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        drawn = page.wait_for_function(DRAWN_JS, timeout=TIMEOUT_MS, polling="raf")
        seconds = time.perf_counter() - t0
        drawn_at = float(drawn.json_value())
        first, last, runs = page.evaluate(
            "() => [window.__firstRunAt, window.__cuba62.finishedAt, window.__cuba62.finished]"
        )
        charts = page.locator(
            '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]'
        ).count()
        if charts != EXPECTED_CHARTS:
            raise SystemExit(f"bench_ui_open: {charts} charts on {url}, expected {EXPECTED_CHARTS}")
    return Visit(
        seconds=seconds,
        to_script=first / 1000,
        script=(last - first) / 1000,
        render=(drawn_at - last) / 1000,
        runs=int(runs),
    )


def warm(browser: Browser, visits: int, apps: list[Path]) -> list[list[tuple[str, Visit]]]:
    """(a): share links with unseen settings on a warm server (one server per app, visited in
    turn, so that the machine's load falls on each alike)."""
    done: list[list[tuple[str, Visit]]] = [[] for _ in apps]
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_ui_open-")))
        bases = [
            stack.enter_context(running_streamlit(tmp / f"server{k}.log", app=app))
            for k, app in enumerate(apps)
        ]
        for base in bases:
            with open_page(browser, 1280, 720) as page:
                goto(page, f"{base}/")  # the server warm: a first visit, untimed
        for i in range(visits):
            url = link(0.55 + 0.05 * i)
            for k in _turns(i, len(apps)):
                v = visit(browser, bases[k] + url)
                done[k].append((url, v))
                print(
                    f"  warm share link {i + 1}/{visits} {url} [{k}]: {v.seconds:.2f} s", flush=True
                )
    return done


def _turns(i: int, n: int) -> list[int]:
    """The order of the apps in round i: alternating, so neither always goes first."""
    order = list(range(n))
    return order if i % 2 == 0 else order[::-1]


@dataclass(frozen=True)
class Start:
    health: float  # server process started -> health "ok"
    first: Visit  # the first visit, timed from its request


def cold(browser: Browser, starts: int, apps: list[Path]) -> list[list[Start]]:
    """(b): a new server each time; the first visit as soon as health answers (the apps in
    turn)."""
    done: list[list[Start]] = [[] for _ in apps]
    for i, k in [(r, k) for r in range(starts) for k in _turns(r, len(apps))]:
        app = apps[k]
        with tempfile.TemporaryDirectory(prefix="bench_ui_open-") as tmp:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with open(Path(tmp) / "server.log", "wb") as log:
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    streamlit_command(port, app),
                    cwd=app.parent.parent,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            try:
                while not health_ok(base, timeout=1.0):
                    if proc.poll() is not None:
                        raise SystemExit(f"bench_ui_open: server exited {proc.returncode}")
                    if time.perf_counter() - t0 > 120:
                        raise SystemExit("bench_ui_open: server not healthy after 120 s")
                    time.sleep(0.05)
                health = time.perf_counter() - t0
                first = visit(browser, f"{base}/")
            finally:
                stop_server(proc)
        s = Start(health, first)
        done[k].append(s)
        print(
            f"  cold start {i + 1}/{starts} [{k}]: health {s.health:.2f} s, first visit drawn "
            f"{s.health + first.seconds:.2f} s from server start ({first.seconds:.2f} s "
            "from the request)",
            flush=True,
        )
    return done


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f}"


def warm_table(done: list[tuple[str, Visit]]) -> str:
    vs = [v for _, v in done]
    ts = [v.seconds for v in vs]
    rows = [
        "| visit | link | goto → every chart drawn (s) | → script starts (s) | script runs (s) "
        "| → drawn after last run (s) | runs |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for i, (url, v) in enumerate(done, 1):
        rows.append(
            f"| {i} | `{url}` | {v.seconds:.2f} | {v.to_script:.2f} | {v.script:.2f} "
            f"| {v.render:.2f} | {v.runs} |"
        )
    rows.append(
        f"| **median** | | **{_med(ts)}** (min {min(ts):.2f}, max {max(ts):.2f}) "
        f"| {_med([v.to_script for v in vs])} | {_med([v.script for v in vs])} "
        f"| {_med([v.render for v in vs])} | |"
    )
    return "\n".join(rows)


def cold_table(done: list[Start]) -> str:
    rows = [
        "| start | server start → health ok (s) | first request → every chart drawn (s) "
        "| server start → every chart drawn (s) | → script starts (s) | script runs (s) "
        "| → drawn after last run (s) | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, s in enumerate(done, 1):
        f = s.first
        rows.append(
            f"| {i} | {s.health:.2f} | {f.seconds:.2f} | {s.health + f.seconds:.2f} "
            f"| {f.to_script:.2f} | {f.script:.2f} | {f.render:.2f} | {f.runs} |"
        )
    total = [s.health + s.first.seconds for s in done]
    rows.append(
        f"| **median** | {_med([s.health for s in done])} "
        f"| {_med([s.first.seconds for s in done])} | **{_med(total)}** (min {min(total):.2f}, "
        f"max {max(total):.2f}) | {_med([s.first.to_script for s in done])} "
        f"| {_med([s.first.script for s in done])} | {_med([s.first.render for s in done])} | |"
    )
    return "\n".join(rows)


def compare(
    other: Path, warm_all: list[list[tuple[str, Visit]]], cold_all: list[list[Start]]
) -> str:
    """Both checkouts' medians, timed in turn in the same run."""
    lines = [
        f"**Interleaved with `{other}`** (each round: one visit or start of each, alternating "
        "which goes first):\n",
        "| checkout | (a) share link, warm: median (s) | (b) first visit from server start: "
        "median (s) | (b) from the request: median (s) |",
        "|---|---:|---:|---:|",
    ]
    for name, w, c in zip(("this checkout", f"`{other}`"), warm_all, cold_all, strict=True):
        a = _med([v.seconds for _, v in w]) if w else "—"
        b = _med([x.health + x.first.seconds for x in c]) if c else "—"
        r = _med([x.first.seconds for x in c]) if c else "—"
        lines.append(f"| {name} | {a} | {b} | {r} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; `argv` are command-line options (none: the defaults)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--visits", type=int, default=VISITS, help="share links on a warm server")
    ap.add_argument("--starts", type=int, default=STARTS, help="fresh servers, one visit each")
    ap.add_argument("--skip", choices=("warm", "cold"), help="leave one part out")
    ap.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    ap.add_argument(
        "--vs",
        type=Path,
        metavar="CHECKOUT",
        help="also time another checkout's app (e.g. `git archive COMMIT | tar -x -C DIR`), "
        "interleaved with this one, and print both medians",
    )
    args = ap.parse_args([] if argv is None else argv)
    if min(args.visits, args.starts) < 1:
        ap.error("--visits and --starts must be at least 1")

    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        raise SystemExit("bench_ui_open: chromium not found on PATH (apt-get install chromium)")
    load_before = load_average()
    apps = [APP] + ([args.vs.resolve() / "ui" / "app.py"] if args.vs else [])
    warm_all: list[list[tuple[str, Visit]]] = [[] for _ in apps]
    cold_all: list[list[Start]] = [[] for _ in apps]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            if args.skip != "warm":
                print(f"bench_ui_open: (a) {args.visits} share links on a warm server")
                warm_all = warm(browser, args.visits, apps)
            if args.skip != "cold":
                print(f"bench_ui_open: (b) {args.starts} fresh servers, first visit each")
                cold_all = cold(browser, args.starts, apps)
        finally:
            browser.close()
    load_after = load_average()

    import streamlit

    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    via = (
        os.environ.get("CUBA62_BENCH_VIA")
        or (".venv/bin/python benchmarks/bench_ui_open.py " + " ".join(argv or [])).strip()
    )
    parts = [
        f"## {stamp}: opening the app — {cpu_model()}, {os.cpu_count()} cores\n\n"
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, headless "
        f"Chromium at 1280x720, a fresh browser context per visit; a visit is timed until all "
        f"{EXPECTED_CHARTS} Explore charts are drawn. Load average (1 min) before/after: "
        f"{load_before}/{load_after} (other work on the machine slows every column). "
        f"Command: `{via}`.\n"
    ]
    warm_done, cold_done = warm_all[0], cold_all[0]
    if warm_done:
        med = statistics.median(v.seconds for _, v in warm_done)
        ok = "meets" if med < WARM_TARGET_S else "MISSES"
        parts.append(
            "**(a) Share link, warm server** (one untimed visit to `/` first; every link's "
            "settings unseen by the server, baseline at seed 0 already computed):\n\n"
            + warm_table(warm_done)
            + f"\n\nMedian {med:.2f} s: {ok} the < {WARM_TARGET_S:.0f} s target.\n"
        )
    if cold_done:
        med = statistics.median(s.health + s.first.seconds for s in cold_done)
        ok = "meets" if med < COLD_TARGET_S else "MISSES"
        parts.append(
            "**(b) First visit after the server starts** (a new `streamlit run ui/app.py` each "
            "time; `/` requested as soon as health answers ok):\n\n"
            + cold_table(cold_done)
            + f"\n\nMedian from server start {med:.2f} s: {ok} the < {COLD_TARGET_S:.0f} s "
            "target.\n"
        )
    if args.vs:
        parts.append(compare(args.vs, warm_all, cold_all))
    section = "\n".join(parts)
    print()
    print(section)
    if not args.no_write:
        append_section(RESULTS, "UI benchmark", "bench_ui_open.py", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
