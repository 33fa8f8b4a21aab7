"""Restarts lose nothing (issue 17): after `kill -9` of the server and a restart on the same port,
an open page's next slider move takes effect, and the killed server leaves no workers behind.

Why it used to fail: the page reconnects to the new server without rerunning (Streamlit only
reruns on reconnect when a run was in progress), so the first run of the new server session is
the slider move itself, carrying the browser's widget values. The app then filled the fresh
session from the link (`link.init_session`), which still held the old value, and overwrote the
slider's new value: the move was silently dropped.

Run with `.venv/bin/python -m pytest tests/test_restart.py -q`; needs Debian's chromium.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sim.params import SPECS
from tests.conftest import (
    APP,
    REPO_ROOT,
    STARTUP_TIMEOUT_S,
    free_port,
    goto,
    metric_values,
    param_slider,
    runs_finished,
    wait_for_app,
    wait_for_rerun,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PARAM = "uk.consultation"
#: True when the page waits for no run (no "queued"/"running" box).
NO_STATUS_JS = (
    '() => !document.querySelector(\'[class*="st-key-run-status"] [data-testid^="stAlert"]\')'
)


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    """`streamlit run ui/app.py` on 127.0.0.1:port, healthy."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    proc.kill()
    pytest.fail(f"streamlit not healthy on port {port}: {log.read_text()[-2000:]}")


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (the pool's fork server and workers)."""
    import psutil

    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def alive(pids: set[int]) -> set[int]:
    import psutil

    return {p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"}


def slider_value(page: Page) -> float:
    """The slider's value as the page shows it (the text on its thumb)."""
    s = param_slider(page, PARAM)
    group = page.get_by_role("group", name=SPECS[PARAM].label, exact=True)
    text = group.locator('[data-testid="stSliderThumbValue"]').first.inner_text()
    assert s.is_visible()
    return float(text)


def link_value(page: Page) -> float | None:
    """The value the page's link (the URL the app keeps in sync) carries."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
    return float(query[PARAM]) if PARAM in query else None


def move_and_wait(page: Page) -> None:
    s = param_slider(page, PARAM)
    finished = runs_finished(page)
    s.focus()
    s.press("ArrowRight")
    wait_for_rerun(page, finished, timeout_ms=90_000)
    page.wait_for_function(NO_STATUS_JS, timeout=90_000)
    wait_for_app(page)


def test_first_move_after_kill_and_restart_takes_effect(browser: Browser, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    server = start_server(port, log)
    second: subprocess.Popen[bytes] | None = None
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        from tests.conftest import TRACKER_JS

        context.add_init_script(TRACKER_JS)
        page = context.new_page()
        goto(page, f"http://127.0.0.1:{port}/?scenario=thor_immobilisation&runs=2000")
        move_and_wait(page)  # the pool's workers exist now
        before_value, before_metrics = slider_value(page), metric_values(page)
        assert link_value(page) == before_value
        workers = descendants(server.pid)
        assert workers, "the server should have started its worker pool"

        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')"
            "?.getAttribute('data-test-connection-state') !== 'CONNECTED'",
            timeout=30_000,
        )
        second = start_server(port, log)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')"
            "?.getAttribute('data-test-connection-state') === 'CONNECTED'",
            timeout=60_000,
        )
        # The open page still shows its own state.
        assert slider_value(page) == before_value

        move_and_wait(page)
        assert slider_value(page) == pytest.approx(before_value + 0.05)
        assert link_value(page) == pytest.approx(before_value + 0.05), page.url
        assert metric_values(page) != before_metrics, "the move must redraw the numbers"

        # The killed server's fork server and workers go too (they watch their parent).
        deadline = time.monotonic() + 15
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not alive(workers), f"workers left behind: {sorted(alive(workers))}"
    finally:
        context.close()
        for proc in (server, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
