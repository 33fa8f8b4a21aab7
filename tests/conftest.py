"""Shared fixtures: a real Streamlit server and a real headless Chromium (via Playwright).

Nothing starts at import time; the server and browser are launched only when a test asks
for them, so this file is importable before ui/app.py exists.

The plain functions below (`running_streamlit`, `find_chromium`, `open_page`, `wait_for_app`,
`wait_for_rerun`, ...) are also used by benchmarks/bench_ui.py, which imports this module as
`tests.conftest`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.cli_runner import Cli, Result

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page
    from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "ui" / "app.py"
STARTUP_TIMEOUT_S = 60.0
#: Playwright's default wait for one page action or expectation, in milliseconds.
PAGE_TIMEOUT_MS = 45_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Injected into every page before Streamlit's own scripts run. Streamlit marks its root element
#: `[data-testid="stApp"]` with `data-test-script-state` (initial / running / notRunning / ...);
#: this observer counts the script runs that finish and remembers when the state last changed, so
#: a test can wait for "the rerun my key press caused has finished", not just "nothing is running"
#: (which is also true during the slider's debounce, before the rerun starts).
TRACKER_JS = """
(() => {
  if (window.__cuba62) return;
  const t = window.__cuba62 = {
    started: 0, finished: 0, state: null, changedAt: performance.now(),
    startedAt: null, finishedAt: null,
  };
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      const v = r.target.getAttribute('data-test-script-state');
      if (v === r.oldValue) continue;
      t.state = v;
      t.changedAt = performance.now();
      if (v === 'running') { t.started += 1; t.startedAt = t.changedAt; }
      if (v === 'notRunning') { t.finished += 1; t.finishedAt = t.changedAt; }
    }
  });
  const start = () => obs.observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state'],
  });
  start();
})();
"""

#: True when the app is connected, its script is not running, nothing on the page is stale from
#: an earlier run, the "Running..." status widget and the pool's "queued"/"running" box
#: (ui.components.cache) are gone, and every chart has drawn something.
IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  // A page whose run is still queued or running in the worker pool shows a status box.
  if (document.querySelector('[class*="st-key-run-status"] [data-testid^="stAlert"]')) {
    return false;
  }
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) {
    return false;
  }
  for (const c of document.querySelectorAll(
      '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]')) {
    const g = c.querySelector('canvas, svg.marks, svg');
    if (!g || g.getBoundingClientRect().width === 0) return false;
  }
  return true;
}
"""

#: Widths by which the page, or Streamlit's main scroll container, is wider than the window.
#: (Streamlit scrolls inside `section[data-testid="stMain"]`, not the document, so checking
#: only document.documentElement could never fail.)
OVERFLOW_JS = """
() => {
  const out = {};
  const de = document.documentElement;
  out['document'] = de.scrollWidth - de.clientWidth;
  out['body'] = document.body.scrollWidth - document.body.clientWidth;
  for (const id of ['stApp', 'stAppViewContainer', 'stMain']) {
    const e = document.querySelector(`[data-testid="${id}"]`);
    if (e) out[id] = e.scrollWidth - e.clientWidth;
  }
  return out;
}
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


_in_ci = in_ci  # old name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


_free_port = free_port  # old name


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def stop_server(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class ServerError(RuntimeError):
    """The Streamlit server did not start or did not become healthy."""


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    """`python -m streamlit run <app>` headless on 127.0.0.1:`port` (no file watcher)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def health_ok(base: str, timeout: float = 2.0) -> bool:
    """Whether the server at `base` answers its health endpoint with 'ok'."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=timeout) as resp:
            return bool(resp.read().strip() == b"ok")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def running_streamlit(
    log_path: Path, *, app: Path = APP, timeout: float = STARTUP_TIMEOUT_S
) -> Iterator[str]:
    """Run `streamlit run <app>` on a free 127.0.0.1 port; yield its base URL; stop it after."""
    if not app.exists():
        raise ServerError(f"{app} does not exist")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = streamlit_command(port, app)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group, so the whole tree can be killed
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise ServerError(
                    f"streamlit exited with code {proc.returncode} before becoming healthy; "
                    f"log {log_path}:\n{_tail(log_path)}"
                )
            if health_ok(base):
                break
            if time.monotonic() > deadline:
                raise ServerError(
                    f"streamlit not healthy after {timeout:.0f}s; "
                    f"log {log_path}:\n{_tail(log_path)}"
                )
            time.sleep(0.25)
        yield base
    finally:
        stop_server(proc)


def find_chromium() -> str | None:
    """The system Chromium (Debian package); never a Playwright-downloaded one."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def open_page(browser: Browser, width: int = 1280, height: int = 720) -> Iterator[Page]:
    """A page in a fresh browser context (no shared cookies or storage), with the run tracker."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(TRACKER_JS)
    try:
        yield context.new_page()
    finally:
        context.close()


def runs_finished(page: Page) -> int:
    """How many script runs have finished on this page since it was loaded."""
    n: int = page.evaluate("() => window.__cuba62 ? window.__cuba62.finished : 0")
    return n


def wait_for_app(page: Page, timeout_ms: float = PAGE_TIMEOUT_MS, quiet_ms: int = 300) -> None:
    """Wait until the app has finished its current run, and nothing has changed for quiet_ms."""
    page.wait_for_function(
        f"""() => ({IDLE_JS})() && window.__cuba62
                 && performance.now() - window.__cuba62.changedAt >= {quiet_ms}""",
        timeout=timeout_ms,
        polling=50,
    )


def wait_for_rerun(
    page: Page, finished_before: int, timeout_ms: float = PAGE_TIMEOUT_MS, quiet_ms: int = 0
) -> None:
    """Wait until a run that started after `finished_before` runs has finished and drawn."""
    page.wait_for_function(
        f"""() => window.__cuba62 && window.__cuba62.finished > {finished_before}
                 && ({IDLE_JS})()
                 && performance.now() - window.__cuba62.changedAt >= {quiet_ms}""",
        timeout=timeout_ms,
        polling="raf",
    )


def goto(page: Page, url: str) -> None:
    """Open url and wait for the app's first run to finish."""
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page)


def metric_values(page: Page) -> dict[str, str]:
    """Every st.metric on the page: label -> displayed value (in page order)."""
    pairs: list[list[str]] = page.evaluate(
        """() => {
             const text = (m, id) => {
               const e = m.querySelector(`[data-testid="${id}"]`);
               return e ? e.innerText.trim() : '';
             };
             return Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
               .map((m) => [text(m, 'stMetricLabel'), text(m, 'stMetricValue')]);
           }"""
    )
    return {label: value for label, value in pairs}


def param_slider(page: Page, name: str) -> Locator:
    """The slider of parameter `name` (labelled with its schema label), opening its actor's
    expander or tab first if it is hidden."""
    from sim.params import ACTOR_NAMES, SPECS

    spec = SPECS[name]
    # Inside its labelled group: Streamlit's accessible name for the slider itself repeats the
    # label ("X X"), so an exact name match on the slider would fail.
    s = page.get_by_role("group", name=spec.label, exact=True).get_by_role("slider")
    if s.count() == 0 or not s.first.is_visible():
        group = ACTOR_NAMES[spec.actor]
        tab = page.get_by_role("tab", name=group, exact=True)
        if tab.count() > 0:
            tab.first.click()
        else:
            page.locator('[data-testid="stExpander"] summary', has_text=group).first.click()
    s.first.wait_for(state="visible")
    return s.first


def horizontal_overflow(page: Page) -> dict[str, int]:
    """Pixels by which the document or Streamlit's main container is wider than the viewport."""
    out: dict[str, int] = page.evaluate(OVERFLOW_JS)
    return out


def page_text(page: Page) -> str:
    """All text on the page, including text Streamlit keeps in hidden accessible tables."""
    text: str = page.evaluate("() => document.body.innerText + '\\n' + document.body.textContent")
    return text


def full_page_screenshot(page: Page, path: Path) -> None:
    """Screenshot the whole app. Streamlit scrolls inside stMain, so the window is first made as
    tall as the content (otherwise a "full page" shot would only show the first screen)."""
    size = page.viewport_size or {"width": 1280, "height": 720}
    height: int = page.evaluate(
        """() => {
             const m = document.querySelector('[data-testid="stMain"]');
             return Math.max(m ? m.scrollHeight : 0, document.documentElement.scrollHeight);
           }"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        wait_for_app(page)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run `streamlit run ui/app.py` on a free 127.0.0.1 port; yield its base URL."""
    if not APP.exists():
        pytest.fail(f"{APP} does not exist")
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        with running_streamlit(log_path) as base:
            yield base
    except ServerError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless system Chromium (Debian package), driven by Playwright."""
    exe = find_chromium()
    if exe is None:
        msg = "chromium not found on PATH (install it with: apt-get install chromium)"
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context, 1280x720."""
    with open_page(browser, 1280, 720) as p:
        yield p


@pytest.fixture
def cuba62(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `cuba62 ARGS...` in this process, through the console script's `main`."""
    from sim import cli

    def invoke(*args: str) -> Result:
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def shown_link(at: AppTest, index: int = 0) -> str:
    """The share link the page shows (a Markdown link in code type; see link.show)."""
    return shown_links(at)[index]


def shown_links(at: AppTest) -> list[str]:
    """Every shown share link: its text (in code type) is its target."""
    found = []
    for m in at.markdown:
        shown = re.fullmatch(r"\[`([^`]*)`\]\(([^)]*)\)", m.value)
        if shown and "scenario=" in shown[1]:
            assert shown[1] == shown[2]
            found.append(shown[1])
    assert found, "no share link on the page"
    return found


#: Moderate axe findings accepted, with the reason in docs/ACCESSIBILITY.md: (rule, element).
AXE_ACCEPTED = {("presentation-role-conflict", '[data-testid="stFileUploaderDropzone"]')}


def axe_findings(page: Page) -> list[tuple[str, str, list[str], str]]:
    """axe-core's serious, critical and moderate findings on the page as it is now, less those
    accepted (`AXE_ACCEPTED`): (rule, impact, target, element's HTML)."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page).response["violations"]:
        for node in v["nodes"]:
            html = node["html"]
            if any(rule == v["id"] and sel.strip("[]") in html for rule, sel in AXE_ACCEPTED):
                continue
            if v["impact"] in ("serious", "critical", "moderate"):
                found.append((v["id"], v["impact"], node["target"], html[:120]))
    return found
