"""A class in one room, in real browsers: one teacher and three students through the whole
sequence (join, answer, lock, reveal, debrief, CSV export), with a server restart (`kill -9`, then
a new server on the same SQLite file) in the middle that loses nothing.

What it relies on: the class lives in the database and the URL (`code`, `teacher`, `student`), so
after the restart the open pages reload themselves (ui/views/class_room.py) and show the same
class; the projector's count and the phones' polling continue without anyone reloading. With
UPDATE_SCREENSHOTS=1 it writes docs/screenshots/class_teacher_1280.png, class_teacher_375.png,
class_student_1280.png and class_student_375.png.

Run with `.venv/bin/python -m pytest tests/test_browser_class.py -q`; needs Debian's chromium.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import (
    REPO_ROOT,
    TRACKER_JS,
    axe_findings,
    free_port,
    full_page_screenshot,
    horizontal_overflow,
    wait_for_app,
)
from tests.test_restart import start_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
SCENARIO_TITLE = "Britain really consulted"
NICKNAMES = ("Ada", "*Bo*", "Cy")
#: Slider moves (0.5 points each, from 10%) of each student's first answer; the third changes
#: their answer after the restart to END (100%).
MOVES = (4, -8, 0)
STATE_JS = (
    "() => document.querySelector('[data-testid=\"stApp\"]')"
    "?.getAttribute('data-test-connection-state')"
)


#: The elements that stick out to the right of the window (to say what makes a page scroll).
WIDE_JS = """() => Array.from(document.querySelectorAll('[data-testid=stMain] *'))
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map((e) => (e.getAttribute('data-testid') || e.tagName) + ' '
    + Math.round(e.getBoundingClientRect().right))"""


def connected(page: Page, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(f"() => ({STATE_JS})() === 'CONNECTED'", timeout=timeout_ms)


def text_appears(page: Page, text: str, timeout_ms: int = 60_000) -> None:
    """Wait until `text` is on the page (the page updates itself: no reload by the test)."""
    try:
        page.wait_for_function(
            "(t) => document.body.innerText.includes(t)", arg=text, timeout=timeout_ms, polling=200
        )
    except Exception as error:  # say what the page showed instead
        shown = page.evaluate("() => document.body.innerText")[-1500:]
        message = f"{text!r} never appeared on {page.url}; it shows:\n{shown}"
        raise AssertionError(message) from error


def text_gone(page: Page, text: str, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(
        "(t) => !document.body.innerText.includes(t)", arg=text, timeout=timeout_ms, polling=200
    )


def new_context(browser: Browser, width: int, height: int = 720) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(60_000)
    context.add_init_script(TRACKER_JS)
    return context


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test server's database: a SQLite file in a temporary folder."""
    folder = tmp_path / "data"
    monkeypatch.delenv("CUBA62_DATABASE_URL", raising=False)
    monkeypatch.setenv("CUBA62_DATA_DIR", str(folder))
    yield folder


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def shoot(page: Page, name: str, width: int, tmp_path: Path) -> Path:
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    path = folder / f"{name}_{width}.png"
    size = page.viewport_size or {"width": 1280, "height": 720}
    page.set_viewport_size({"width": width, "height": 720})
    try:
        wait_for_app(page)
        try:  # charts drawn at the old width redraw themselves a moment after a resize
            page.wait_for_function(f"() => !({WIDE_JS})().length", timeout=15_000, polling=200)
        except Exception:  # noqa: BLE001 - reported by the assertion below
            pass
        wide = page.evaluate(WIDE_JS)
        assert max(horizontal_overflow(page).values()) <= 1, f"{name} at {width}: {wide}"
        found = axe_findings(page)
        assert not found, f"axe on {name} at {width}px (not in docs/ACCESSIBILITY.md): {found}"
        full_page_screenshot(page, path)
    finally:
        page.set_viewport_size(size)
    return path


def test_a_class_through_the_whole_sequence_with_a_restart(
    browser: Browser, data_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    server: subprocess.Popen[bytes] | None = start_server(port, log)
    contexts: list[BrowserContext] = []
    try:
        # --- the teacher starts a class ------------------------------------------------------
        tctx = new_context(browser, 1280)
        contexts.append(tctx)
        teacher = tctx.new_page()
        teacher.goto(f"{base}/class", wait_until="domcontentloaded")
        wait_for_app(teacher)
        teacher.get_by_role("button", name="Start a class").click()
        text_appears(teacher, "Keep this teacher link")
        wait_for_app(teacher)
        code = teacher.get_by_test_id("class-code").inner_text().strip()
        assert len(code) == 6, code
        assert "teacher=" in teacher.url
        assert teacher.locator(".cuba62-qr img[src^='data:image/svg+xml']").count() == 1, (
            "the QR code is on the projector"
        )
        teacher.get_by_role("button", name="I have kept it").click()
        text_gone(teacher, "Keep this teacher link")

        # --- three students join on their own devices -----------------------------------------
        students: list[Page] = []
        for i, nickname in enumerate(NICKNAMES):
            ctx = new_context(browser, 375 if i == 0 else 1280, 812 if i == 0 else 720)
            contexts.append(ctx)
            page = ctx.new_page()
            page.goto(f"{base}/class?code={code.lower()}", wait_until="domcontentloaded")
            wait_for_app(page)
            page.get_by_label("Nickname (no real names needed)").fill(nickname)
            page.get_by_role("button", name="Join").click()
            page.get_by_test_id("class-nickname").wait_for()
            assert page.get_by_test_id("class-nickname").inner_text() == nickname  # escaped
            assert "student=" in page.url and "teacher=" not in page.url
            students.append(page)
        # The projector counts them without being reloaded.
        teacher.wait_for_function(
            "() => document.querySelector('[data-testid=\"class-joined\"]')?.innerText === '3'",
            timeout=30_000,
        )

        # --- baseline → what-if → predict: pose the share question ----------------------------
        for stage in ("Baseline", "What-if", "Predict"):
            teacher.get_by_role("radio", name=stage, exact=True).click()  # the stage control
            wait_for_app(teacher, timeout_ms=120_000)
            if stage == "Baseline":  # the model's outcomes as a chart, for the back of the room
                assert teacher.locator('[data-testid="stVegaLiteChart"]').count() == 1
                found = axe_findings(teacher)
                assert not found, f"axe on the Baseline stage: {found}"
        teacher.get_by_role("button", name="Pose this question").click()
        text_appears(teacher, "have answered")

        for page, moves in zip(students, MOVES, strict=True):
            text_appears(page, "Send my answer")  # the phone noticed the question by itself
            slider = page.get_by_role("slider")
            slider.focus()
            for _ in range(abs(moves)):
                slider.press("ArrowRight" if moves > 0 else "ArrowLeft")
            page.get_by_role("button", name="Send my answer").click()
            text_appears(page, "Saved")
        expected = {NICKNAMES[0]: 0.12, NICKNAMES[1]: 0.06, NICKNAMES[2]: 0.10}
        teacher.wait_for_function(
            "() => document.querySelector('[data-testid=\"class-answered\"]')?.innerText"
            " === '3 of 3'",
            timeout=30_000,
        )
        assert shoot(teacher, "class_teacher", 1280, tmp_path).exists()
        assert shoot(students[0], "class_student", 375, tmp_path).exists()

        # --- the server is killed and restarted on the same database ---------------------------
        for page in (teacher, *students):  # gone once the page has reloaded itself (RECONNECT_JS)
            page.evaluate("() => { window.__beforeRestart = true; }")
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        for page in (teacher, *students):
            page.wait_for_function(f"() => ({STATE_JS})() !== 'CONNECTED'", timeout=30_000)
        server = start_server(port, log)
        for page in (teacher, *students):
            # Wait for the reload, not only the reconnection: keys pressed on the page before it
            # reloads itself are lost with it.
            page.wait_for_function("() => !window.__beforeRestart", timeout=60_000)
            connected(page)
        # Nothing lost: the projector still counts 3 of 3, the phones still show the question,
        # and a student can still change their answer.
        teacher.wait_for_function(
            "() => document.querySelector('[data-testid=\"class-answered\"]')?.innerText"
            " === '3 of 3'",
            timeout=60_000,
        )
        third = students[2]
        text_appears(third, "Send my answer")
        wait_for_app(third)
        third.get_by_role("slider").focus()
        third.get_by_role("slider").press("End")
        third.get_by_role("button", name="Send my answer").click()
        text_appears(third, "Your answer: 100.0%")
        expected[NICKNAMES[2]] = 1.0

        # --- lock: the phones notice; a late answer is refused --------------------------------
        teacher.get_by_role("button", name="Lock answers").click()
        text_appears(teacher, "Answers are locked")
        for page in students:
            text_appears(page, "Answers are locked")
            wait_for_app(page)
            assert page.get_by_role("button", name="Send my answer").count() == 0

        # --- reveal ----------------------------------------------------------------------------
        teacher.get_by_role("button", name="Reveal", exact=True).click()
        text_appears(teacher, "The model:")
        wait_for_app(teacher, timeout_ms=120_000)
        closest = teacher.get_by_test_id("class-closest").inner_text()
        assert NICKNAMES[1] in closest  # escaped: shown as text, not as bold markup
        assert teacher.locator('[data-testid="stVegaLiteChart"]').count() >= 1
        for page in students:
            text_appears(page, "The model:")
        assert shoot(teacher, "class_teacher", 1280, tmp_path).exists()
        assert shoot(teacher, "class_teacher", 375, tmp_path).exists()
        assert shoot(students[0], "class_student", 375, tmp_path).exists()
        assert shoot(students[1], "class_student", 1280, tmp_path).exists()

        # --- discuss → debrief, and the CSV ----------------------------------------------------
        teacher.get_by_role("radio", name="Debrief", exact=True).click()
        text_appears(teacher, "What happened in 1962")
        wait_for_app(teacher, timeout_ms=120_000)
        with teacher.expect_download() as download:
            teacher.get_by_role("button", name="Download answers (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        got = {r["nickname"]: r for r in rows}
        assert set(got) == set(NICKNAMES), rows
        for nickname, share in expected.items():
            assert float(got[nickname]["answer"]) == pytest.approx(share), got[nickname]
        wait_for_app(teacher)
        with teacher.expect_download() as summary:
            teacher.get_by_role("button", name="Download one-page summary (HTML)").click()
        page_html = Path(summary.value.path()).read_text()
        assert SCENARIO_TITLE in page_html and "<script" not in page_html
        assert "@media print" in page_html
    finally:
        for ctx in contexts:
            ctx.close()
        stop(server)
