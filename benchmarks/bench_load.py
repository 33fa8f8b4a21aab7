"""Classroom load: N sessions each moving a slider every few seconds, on one server.

Starts its own `streamlit run ui/app.py` on a free local port. Session i opens
`?scenario=thor_immobilisation&runs=R&seed=i` (its own seed: nothing is shared between sessions
but the code, the worst case for the cache), then every `--interval` seconds moves "Real
consultation of Britain" one step up (one step down at the top), so every move until the top is a
setting that session has not seen. The sessions' moves are spread evenly over the interval. An
error is a move not redrawn within 60 s, a page showing an exception or "Something went wrong",
or (websocket clients) a move that the page's link does not show afterwards (a dropped move).

Two kinds of client (`--client`):

- `ws` (the default): `benchmarks/ws_client.py`, one websocket per session speaking Streamlit's
  own protocol (what the frontend sends and receives; no rendering), all in this process. A move
  is timed from sending the rerun with the new slider value until the run it caused (and any
  fragment reruns it needed) has finished with every chart's delta received, no exception and no
  "queued"/"running" box left.
- `browser`: one headless system Chromium (Debian's) with one browser context per session (own
  cookies, own websocket, own Streamlit session); ArrowRight on the slider, timed from the key
  press until the page has redrawn for it: the run finished, nothing stale, no "queued"/"running"
  box, every chart drawn (the same test as bench_ui.py, plus the box). The browser runs on the
  same machine as the server, so its rendering competes with the server for the same cores.

Meanwhile it samples the server's RSS (the Streamlit process, and with its worker pool) once a
second, and polls `/_stcore/health` every 100 ms; in the last 45 s, while the sessions keep
moving, one more page (always a Chromium page: it uses the real upload widget) uploads the known
hostile scenario files (a 60 KB dotted key, deep brackets, a bracket-and-spaces citation) one
after another, and the longest health answer during those uploads is reported with the time each
refusal took to show. CPU used during the moves is reported for the server, its worker pool, the
clients and the browser.

    .venv/bin/python benchmarks/bench_load.py [--client ws|browser] [--sessions 30]
        [--seconds 180] [--interval 10] [--runs 5000] [--no-write]

Prints a markdown table and appends it, with CPU model, load average and date, to
benchmarks/results_load.md. Targets (issue 17): 0 errors, p95 <= 3 s, p50 <= 1 s, health never
> 1 s while a hostile upload is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import append_section, cpu_model, load_averages  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM_ARGS,
    IDLE_JS,
    TRACKER_JS,
    find_chromium,
    running_streamlit,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

SCENARIO = "thor_immobilisation"
PARAM = "uk.consultation"
RESULTS = Path(__file__).resolve().parent / "results_load.md"
MOVE_TIMEOUT_S = 60.0
#: True when the page has redrawn for its latest run and waits for no run.
REDRAWN_JS = f"""
(before) => window.__cuba62 && window.__cuba62.finished > before && ({IDLE_JS})()
  && !document.querySelector('[class*="st-key-run-status"] [data-testid^="stAlert"]')
"""
FAILED_JS = """
() => !!document.querySelector('[data-testid="stException"]')
  || document.body.innerText.includes('Something went wrong')
"""


def hostile_files() -> dict[str, bytes]:
    """The shapes that froze or blew up the server before issue 17's bounded parsing."""
    basis = 'id = "x"\ntitle = "x"\nquestion = "x?"\n'
    brackets = 'historical_basis = "' + ("[" + " " * 60 + "(" * 40) * 700 + '"\n'
    return {
        "dotted_key_60k.toml": (basis + "a." * 30_000 + "a = 1\n").encode(),
        "deep_brackets.toml": (basis + "x = " + "[" * 30_000 + "]" * 30_000 + "\n").encode()[
            :65_000
        ],
        "citation_brackets.toml": (basis + brackets).encode()[:65_000],
    }


@dataclass
class Samples:
    moves: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_server: list[int] = field(default_factory=list)
    rss_total: list[int] = field(default_factory=list)
    health: list[tuple[float, float]] = field(default_factory=list)  # (time, seconds)
    uploads: list[tuple[str, float, float, float]] = field(default_factory=list)
    server: int | None = None
    cores: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)  # server, workers, ws clients, browser
    client_bytes: int = 0  # received by the websocket clients


def server_pid(port: int) -> int | None:
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info.get("cmdline") or []
        if "streamlit" in " ".join(cmd) and str(port) in cmd:
            return int(proc.pid)
    return None


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of these processes so far (those still running)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def trees(server: int | None) -> tuple[set[int], set[int], set[int], set[int]]:
    """(the Streamlit process, its worker pool, this process (the websocket clients), the
    browser's processes) right now."""
    import psutil

    own = psutil.Process()
    server_tree = {server} if server else set()
    workers = {c.pid for c in psutil.Process(server).children(recursive=True)} if server else set()
    browser = {c.pid for c in own.children(recursive=True) if "chrom" in c.name().lower()} - workers
    return server_tree, workers, {own.pid}, browser


def sample_rss(pid: int, samples: Samples, stop: threading.Event) -> None:
    import psutil

    server = psutil.Process(pid)
    while not stop.wait(1.0):
        try:
            own = server.memory_info().rss
            total = own + sum(
                c.memory_info().rss for c in server.children(recursive=True) if c.is_running()
            )
        except psutil.Error:
            continue
        samples.rss_server.append(own)
        samples.rss_total.append(total)


def poll_health(base: str, samples: Samples, stop: threading.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as r:
                r.read()
        except OSError:
            pass
        samples.health.append((time.monotonic(), time.perf_counter() - t0))
        stop.wait(0.1)


async def open_session(browser: Browser, url: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(120_000)
    await context.add_init_script(TRACKER_JS)
    page = await context.new_page()
    await page.goto(url, wait_until="domcontentloaded")
    await page.wait_for_function(REDRAWN_JS, arg=0, timeout=180_000, polling=200)
    return page


async def the_slider(page: Page) -> Any:
    from sim.params import ACTOR_NAMES, SPECS

    spec = SPECS[PARAM]
    s = page.get_by_role("group", name=spec.label, exact=True).get_by_role("slider")
    if await s.count() == 0 or not await s.first.is_visible():
        summary = page.locator('[data-testid="stExpander"] summary')
        await summary.filter(has_text=ACTOR_NAMES[spec.actor]).first.click()
    await s.first.wait_for(state="visible")
    return s.first


async def session_loop(
    page: Page, phase: float, interval: float, until: float, samples: Samples
) -> None:
    s = await the_slider(page)
    value, key = 0.1, "ArrowRight"  # the scenario's value; 0.05 steps up to 1.0
    await asyncio.sleep(phase)
    while time.monotonic() < until:
        tick = time.monotonic()
        if value >= 1.0 - 1e-9:
            key = "ArrowLeft"
        elif value <= 1e-9:
            key = "ArrowRight"
        value += 0.05 if key == "ArrowRight" else -0.05
        before = await page.evaluate("() => window.__cuba62.finished")
        await s.focus()
        t0 = time.perf_counter()
        await s.press(key)
        try:
            await page.wait_for_function(
                REDRAWN_JS, arg=before, timeout=MOVE_TIMEOUT_S * 1000, polling=100
            )
            samples.moves.append(time.perf_counter() - t0)
            if await page.evaluate(FAILED_JS):
                samples.errors.append("the page shows an error")
        except Exception as error:  # noqa: BLE001 - a move that never redraws is an error
            samples.errors.append(f"not redrawn in {MOVE_TIMEOUT_S:.0f} s: {type(error).__name__}")
        await asyncio.sleep(max(0.0, tick + interval - time.monotonic()))


async def hostile_uploads(browser: Browser, base: str, samples: Samples) -> None:
    page = await open_session(browser, f"{base}/?scenario={SCENARIO}&runs=1000&seed=999")
    for name, data in hostile_files().items():
        box = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        t0, m0 = time.perf_counter(), time.monotonic()
        await box.set_input_files({"name": name, "mimeType": "application/toml", "buffer": data})
        await page.get_by_text("upload '", exact=False).first.wait_for(timeout=60_000)
        refused = time.perf_counter() - t0
        await asyncio.sleep(0.5)
        window = [s for t, s in samples.health if m0 <= t <= time.monotonic()]
        samples.uploads.append((name, len(data) / 1024, refused, max(window, default=0.0)))
        clear = page.locator('[data-testid="stFileUploaderDeleteBtn"] button')
        if await clear.count():
            await clear.first.click()
            await asyncio.sleep(1.0)


async def ws_session_loop(
    session: Any, phase: float, interval: float, until: float, samples: Samples
) -> None:
    from benchmarks.ws_client import ClientError
    from sim.params import SPECS

    spec = SPECS[PARAM]
    slider = session.widget(spec.label, "slider")
    value = opened = session.slider_value(slider)[0]
    step = float(slider.element.step) or 0.05
    up = True
    await asyncio.sleep(phase)
    while time.monotonic() < until:
        tick = time.monotonic()
        if value >= slider.element.max - 1e-9:
            up = False
        elif value <= slider.element.min + 1e-9:
            up = True
        value = round(value + (step if up else -step), 6)
        try:
            samples.moves.append(await session.move(slider, value, MOVE_TIMEOUT_S))
            # The link carries the value, or leaves it out when it is the scenario's own.
            if f"{PARAM}={value:g}" not in session.query_string.split("&") and not (
                value == opened and f"{PARAM}=" not in session.query_string
            ):
                samples.errors.append("a move the page's link does not show (dropped)")
        except ClientError as error:
            samples.errors.append(str(error)[:160])
        await asyncio.sleep(max(0.0, tick + interval - time.monotonic()))


async def open_ws_sessions(base: str, args: argparse.Namespace) -> list[Any]:
    from benchmarks.ws_client import Session

    sessions = []
    for i in range(args.sessions):  # opened one by one (not timed)
        session = Session(base, query_string=f"scenario={SCENARIO}&runs={args.runs}&seed={i}")
        await session.open(timeout=180)
        sessions.append(session)
        print(f"  session {i + 1}/{args.sessions} open", flush=True)
    return sessions


async def drive(base: str, args: argparse.Namespace, samples: Samples) -> float:
    from playwright.async_api import async_playwright

    exe = find_chromium()
    if exe is None:
        raise SystemExit("bench_load: chromium not found on PATH (apt-get install chromium)")
    async with async_playwright() as pw:
        # Started before the moves in both modes, so that its start-up is not in the figures.
        browser = await pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        sessions: list[Any] = []
        try:
            pages = []
            if args.client == "ws":
                sessions = await open_ws_sessions(base, args)
            else:
                for i in range(args.sessions):  # opened one by one (not timed)
                    url = f"{base}/?scenario={SCENARIO}&runs={args.runs}&seed={i}"
                    pages.append(await open_session(browser, url))
                    print(f"  session {i + 1}/{args.sessions} open", flush=True)
            start = time.monotonic()
            groups = trees(samples.server)
            cpu0 = [cpu_seconds(g) for g in groups]
            bytes0 = sum(s.received_bytes for s in sessions)
            until = start + args.seconds
            phases = [i * args.interval / args.sessions for i in range(args.sessions)]
            loops = (
                [
                    ws_session_loop(s, phase, args.interval, until, samples)
                    for s, phase in zip(sessions, phases, strict=True)
                ]
                if args.client == "ws"
                else [
                    session_loop(p, phase, args.interval, until, samples)
                    for p, phase in zip(pages, phases, strict=True)
                ]
            )

            async def hostile_late() -> None:
                await asyncio.sleep(max(0.0, args.seconds - 45))
                await hostile_uploads(browser, base, samples)

            await asyncio.gather(*loops, hostile_late())
            elapsed = time.monotonic() - start
            # The browser's processes now (the hostile page's renderer started after `groups`).
            groups = (*groups[:3], trees(samples.server)[3])
            used = [cpu_seconds(g) - c for g, c in zip(groups, cpu0, strict=True)]
            samples.cores = tuple(u / elapsed for u in used)
            samples.client_bytes = sum(s.received_bytes for s in sessions) - bytes0
            return elapsed
        finally:
            for session in sessions:
                await session.close()
            await browser.close()


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--client",
        choices=("ws", "browser"),
        default="ws",
        help="ws: Streamlit's websocket protocol, no rendering (default); browser: Chromium",
    )
    ap.add_argument("--sessions", type=int, default=30, help="sessions (default 30)")
    ap.add_argument("--seconds", type=float, default=180, help="duration of the moves (180)")
    ap.add_argument("--interval", type=float, default=10, help="seconds between moves (10)")
    ap.add_argument("--runs", type=int, default=5000, help="histories per run (5000)")
    ap.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = ap.parse_args([] if argv is None else argv)
    if args.sessions < 1 or args.seconds < 50 or args.interval <= 0:
        ap.error("--sessions >= 1, --seconds >= 50 (the hostile uploads run in the last 45 s)")

    print(
        f"bench_load: {args.sessions} {args.client} sessions, a move every {args.interval:g} s for "
        f"{args.seconds:g} s, {args.runs:,} histories; load average {load_averages()}"
    )
    samples = Samples()
    load_before = load_averages()
    stop = threading.Event()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_load-")))
        base = stack.enter_context(running_streamlit(tmp / "server.log"))
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        samples.server = pid
        threads = [threading.Thread(target=poll_health, args=(base, samples, stop), daemon=True)]
        if pid is not None:
            threads.append(
                threading.Thread(target=sample_rss, args=(pid, samples, stop), daemon=True)
            )
        for t in threads:
            t.start()
        try:
            elapsed = asyncio.run(drive(base, args, samples))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=5)
    load_after = load_averages()

    mb = 2**20
    moves = samples.moves
    health = [s for _, s in samples.health]
    lines = [
        "| client | sessions | s | moves redrawn | errors | p50 (s) | p95 (s) | max (s) "
        "| server RSS peak / end (MB) | with workers, peak / end (MB) | health max (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {args.client} | {args.sessions} | {elapsed:.0f} | {len(moves)} | {len(samples.errors)} "
        f"| {pct(moves, 0.5):.2f} | {pct(moves, 0.95):.2f} | {max(moves, default=0):.2f} "
        f"| {max(samples.rss_server, default=0) / mb:.0f} / "
        f"{(samples.rss_server or [0])[-1] / mb:.0f} "
        f"| {max(samples.rss_total, default=0) / mb:.0f} / "
        f"{(samples.rss_total or [0])[-1] / mb:.0f} | {max(health, default=0):.2f} |",
        "",
        "| hostile upload | KB | refused after (s) | longest health answer meanwhile (s) |",
        "|---|---:|---:|---:|",
        *(f"| {n} | {kb:.0f} | {r:.2f} | {h:.2f} |" for n, kb, r, h in samples.uploads),
    ]
    server_cores, worker_cores, client_cores, browser_cores = samples.cores
    if args.client == "ws":
        clients = (
            f"the websocket clients (all sessions, in the benchmark's process) {client_cores:.2f}, "
            f"the browser (the one hostile-upload page) {browser_cores:.2f}"
        )
    else:
        clients = f"the browser (all sessions) {browser_cores:.2f}"
    lines += [
        "",
        f"CPU used during the moves, in cores (of {os.cpu_count()}): Streamlit server "
        f"{server_cores:.2f}, its worker pool {worker_cores:.2f}, {clients}.",
    ]
    if args.client == "ws":
        lines[-1] += (
            f" The clients received {samples.client_bytes / 2**20:.1f} MB "
            f"({samples.client_bytes / max(1, len(moves)) / 1024:.0f} KB a move)."
        )
    if samples.errors:
        counts: dict[str, int] = {}
        for e in samples.errors:
            counts[e] = counts.get(e, 0) + 1
        lines += ["", "Errors: " + "; ".join(f"{e} ({n})" for e, n in sorted(counts.items()))]
    import streamlit

    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    p50, p95 = pct(moves, 0.5), pct(moves, 0.95)
    worst_health = max((h for *_, h in samples.uploads), default=0.0)
    verdict = (
        f"Targets: 0 errors ({len(samples.errors)}), p50 <= 1 s ({p50:.2f}), p95 <= 3 s "
        f"({p95:.2f}), health <= 1 s during hostile uploads ({worst_health:.2f}): "
        + (
            "met."
            if not samples.errors and p50 <= 1 and p95 <= 3 and worst_health <= 1
            else "NOT met."
        )
    )
    command = " ".join([".venv/bin/python benchmarks/bench_load.py", *(argv or [])])
    clients_text = (
        "websocket clients on loopback (`benchmarks/ws_client.py`: Streamlit's own protocol, no "
        "rendering) in the benchmark's process, one per session, and one headless Chromium page "
        "for the hostile uploads"
        if args.client == "ws"
        else "one headless Chromium on the same machine, one context per session"
    )
    section = (
        f"## {stamp}: {cpu_model()}, {os.cpu_count()} cores\n\n"
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}; {clients_text}; "
        f"`{SCENARIO}`, "
        f"{args.runs:,} histories, session i on seed i, one step up on `{PARAM}` every "
        f"{args.interval:g} s per session for {args.seconds:g} s. Load average (1/5/15 min) "
        f"before: {load_before}; after: {load_after} (other work on the machine and the clients "
        f"share the cores). Command: `{command}`.\n\n" + "\n".join(lines) + f"\n\n{verdict}\n"
    )
    print()
    print(section)
    if not args.no_write:
        append_section(RESULTS, "Load benchmark: a class on one server", "bench_load.py", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
