"""What open class pages cost the server while nobody answers: N student phones and the teacher's
projector open on one class (the share question posed), then the Streamlit server process's CPU
time (user + system, from /proc, its threads included) over an idle window, divided by the polls
the pages make in it (a phone every `class_student.POLL_S`, the projector's count every
`class_teacher.COUNT_S`).

Students join through the store (not through the page's form, which `bench_class.py` times) and
their pages are opened at their own `&student=` link, so the window starts once every page shows
its slider. Not part of `make bench`; prints one line and writes nothing.

    .venv/bin/python benchmarks/class_idle.py [--students 40] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import load_averages  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium, running_streamlit  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(base: str, pid: int, students: int, seconds: float) -> None:
    from playwright.async_api import async_playwright

    from classroom.store import Store
    from ui.components.class_student import POLL_S
    from ui.components.class_teacher import COUNT_S

    store = Store()
    teacher = store.create_class("real_consultation", ttl_hours=2)
    store.pose(teacher.code, teacher.teacher_key, "nuclear_war_share")
    store.set_stage(teacher.code, teacher.teacher_key, "predict")
    exe = find_chromium()
    if exe is None:
        raise SystemExit("class_idle: chromium not found on PATH")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        links = [f"{base}/class?code={teacher.code}&teacher={teacher.teacher_key}"]
        for i in range(students):
            token = store.join(teacher.code, f"student{i:02d}").student_token
            links.append(f"{base}/class?code={teacher.code}&student={token}")
        pages = []
        for link in links:
            page = await (await browser.new_context()).new_page()
            await page.goto(link)
            pages.append(page)
        for page in pages[1:]:
            await page.get_by_role("slider").wait_for(state="visible", timeout=300_000)
        await asyncio.sleep(5)
        c0, t0 = cpu_seconds(pid), time.perf_counter()
        await asyncio.sleep(seconds)
        c1, t1 = cpu_seconds(pid), time.perf_counter()
        await browser.close()
    polls = (students / POLL_S + 1 / COUNT_S) * (t1 - t0)
    load = load_averages()
    print(
        f"{students} phones + projector open, idle {t1 - t0:.0f} s: server CPU {c1 - c0:.2f} s "
        f"({100 * (c1 - c0) / (t1 - t0):.0f}% of a core), ~{polls:.0f} polls, "
        f"{1000 * (c1 - c0) / polls:.1f} ms per poll; load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    os.environ["CUBA62_DATA_DIR"] = tempfile.mkdtemp(prefix="cuba62-idle-")
    with running_streamlit(Path(os.environ["CUBA62_DATA_DIR"]) / "server.log") as base:
        port = base.rsplit(":", 1)[1]
        found = subprocess.run(
            ["pgrep", "-f", f"server.port {port}"], capture_output=True, text=True, check=False
        ).stdout.split()
        if not found:
            raise SystemExit("class_idle: could not find the server's process")
        asyncio.run(measure(base, int(found[0]), args.students, args.seconds))


if __name__ == "__main__":
    main()
