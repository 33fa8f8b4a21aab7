"""Hostile edges of the command line (issue 17 item 5): --out onto things that are not regular
files, two runs writing one --out at once, sweep grids too large to count in 64 bits,
--scheduler pointed at something that is not Dask, and terminal escape sequences in user text.

Every case must end with one line on stderr and exit 2, quickly, with nothing written.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sim.analysis import sweep as sweeps
from sim.analysis.backends import BackendError, probe_scheduler
from sim.analysis.space import float_specs
from sim.cli.errors import printable
from sim.outfiles import OutFileError, exclusive, lock_path
from tests.cli_runner import Cli, Result

REPO = Path(__file__).resolve().parent.parent
ESC = "\x1b[31m"


def one_error_line(result: Result) -> str:
    lines = result.err.splitlines()
    assert result.code == 2, (result.code, result.err)
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and "Traceback" not in result.err
    return lines[0]


# --- --out: regular files only -------------------------------------------------------------------


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["run", "baseline", "--runs", "10", "--format", "csv"],
        ["compare", "oil_tankers", "--runs", "10", "--format", "json"],
        ["params", "--format", "json"],
    ],
)
def test_out_onto_a_fifo_is_refused_and_the_fifo_stays(
    cuba62: Cli, tmp_path: Path, command: list[str]
) -> None:
    fifo = _fifo(tmp_path, "pipe.csv")
    line = one_error_line(cuba62(*command, "--out", str(fifo)))
    assert "FIFO" in line and "not a regular file" in line and str(fifo) in line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]  # no temp or lock file


def test_out_onto_a_device_is_refused(cuba62: Cli, tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:  # a private copy of /dev/null, so a regression cannot replace the real one
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    line = one_error_line(cuba62("run", "baseline", "--runs", "10", "--out", str(device)))
    assert "character device" in line
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_out_onto_a_directory_is_refused(cuba62: Cli, tmp_path: Path) -> None:
    line = one_error_line(cuba62("params", "--out", str(tmp_path)))
    assert "directory" in line


def test_sweep_out_onto_a_fifo_or_a_fifo_partial_is_refused(cuba62: Cli, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path, "grid.csv")
    args = ["sweep", "baseline", "--vary", "us.hawkishness=0:1:2", "--runs", "10"]
    assert "FIFO" in one_error_line(cuba62(*args, "--out", str(fifo)))
    _fifo(tmp_path, "other.csv.partial")  # reading a FIFO .partial to resume would hang
    assert "FIFO" in one_error_line(cuba62(*args, "--out", str(tmp_path / "other.csv")))


# --- --out: one writer at a time ----------------------------------------------------------------


def test_a_second_writer_of_one_out_is_refused_while_the_first_runs(
    cuba62: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "runs.csv"
    with exclusive(out):  # another run holds the file (flock: per open file, so this counts)
        line = one_error_line(cuba62("run", "baseline", "--runs", "10", "--out", str(out)))
        assert "in use by another run" in line
        with pytest.raises(OutFileError, match="in use by another run"):
            with exclusive(out):
                pass
    assert not out.exists() or out.stat().st_size == 0
    assert not lock_path(out).exists()  # released and removed
    assert cuba62("run", "baseline", "--runs", "10", "-f", "csv", "--out", str(out)).code == 0
    assert out.read_text().startswith("history,") and not lock_path(out).exists()


def test_a_lock_file_left_by_a_crash_does_not_block(cuba62: Cli, tmp_path: Path) -> None:
    out = tmp_path / "params.json"
    lock_path(out).write_text("")  # left behind; nobody holds it
    assert cuba62("params", "--format", "json", "--out", str(out)).code == 0
    assert out.read_text().startswith("[") and not lock_path(out).exists()


def test_two_sweeps_on_one_out_at_once(cuba62: Cli, tmp_path: Path) -> None:
    out = tmp_path / "grid.csv"
    args = ["sweep", "baseline", "--vary", "us.hawkishness=0:1:40", "--runs", "2000"]
    first = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args, "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not lock_path(out).exists() and first.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert first.poll() is None, first.communicate()
        line = one_error_line(cuba62(*args, "--out", str(out)))
        assert "in use by another run" in line
    finally:
        stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert out.exists() and len(out.read_text().splitlines()) == 41
    assert not lock_path(out).exists() and not sweeps.partial_path(out).exists()


# --- sweep grids too large for 64 bits ---------------------------------------------------------


def test_grid_size_is_exact_beyond_64_bits() -> None:
    names = [s.name for s in float_specs()][:5]
    axes = sweeps.parse_axes([f"{n}=0:1:8192" for n in names])
    assert sweeps.grid_size(axes) == 8192**5 == 2**65  # int64 wrapped this to 0


def test_cli_refuses_a_grid_over_the_cap_even_past_64_bits(cuba62: Cli) -> None:
    names = [s.name for s in float_specs()][:5]
    vary = [a for n in names for a in ("--vary", f"{n}=0:1:8192")]
    started = time.monotonic()
    line = one_error_line(cuba62("sweep", "baseline", *vary, "--runs", "1"))
    assert "over the cap" in line and f"{8192**5:,}" in line
    assert time.monotonic() - started < 30


# --- --scheduler that is not a Dask scheduler --------------------------------------------------


@contextmanager
def tcp_server(behaviour: Callable[[socket.socket], None]) -> Iterator[int]:
    """A local TCP service on a free port; `behaviour(conn)` runs for each connection."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)
            behaviour(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def _garbage(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" + b"\xff" * 64)


def _silent(conn: socket.socket) -> None:
    pass  # accepts and says nothing (the connection stays open)


@pytest.mark.parametrize(
    ("behaviour", "needle"), [(_garbage, "answered with something else"), (_silent, "said nothing")]
)
def test_scheduler_that_is_not_dask_fails_within_seconds(
    cuba62: Cli, behaviour: Callable[[socket.socket], None], needle: str
) -> None:
    pytest.importorskip("distributed")
    with tcp_server(behaviour) as port:
        started = time.monotonic()
        r = cuba62(
            "sweep",
            "baseline",
            "--vary",
            "us.hawkishness=0:1:2",
            "--runs",
            "10",
            "--scheduler",
            f"tcp://127.0.0.1:{port}",
        )
        elapsed = time.monotonic() - started
    line = one_error_line(r)
    assert f"tcp://127.0.0.1:{port} is not a Dask scheduler" in line and needle in line
    assert elapsed < 10


def test_probe_accepts_a_real_dask_scheduler() -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=50,
    )
    try:
        host, port = cluster.scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        probe_scheduler(host, int(port), cluster.scheduler_address)  # no error
    finally:
        cluster.close()
    with pytest.raises(BackendError, match="cannot reach"):
        probe_scheduler(host, int(port), cluster.scheduler_address, timeout=2)


# --- terminal control characters in user text --------------------------------------------------


def _scenario_file(tmp_path: Path, name: str = "mine.toml") -> Path:
    text = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
    text = text.replace('id = "baseline"', 'id = "mine"', 1)
    text = text.replace(
        'title = "What happened"', 'title = "Evil \\u001b[31mred\\u001b[2J\\u0007 title"', 1
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_show_strips_escape_sequences_from_a_scenario_title(cuba62: Cli, tmp_path: Path) -> None:
    r = cuba62("show", "--scenario-file", str(_scenario_file(tmp_path)))
    assert r.code == 0, r.err
    assert "\x1b" not in r.out and "\x07" not in r.out
    assert "Evil red title" in r.out


def test_validate_and_errors_strip_escape_sequences(cuba62: Cli, tmp_path: Path) -> None:
    path = _scenario_file(tmp_path, f"a{ESC}b.toml")
    r = cuba62("validate", str(path))
    assert r.code == 0 and "\x1b" not in r.out and "ab.toml: ok" in r.out
    r = cuba62("run", f"base{ESC}line\r")
    assert "\x1b" not in r.err and "\r" not in r.err
    one_error_line(r)
    r = cuba62("run", "baseline", "--set", f"uk.consultation={ESC}")
    assert "\x1b" not in one_error_line(r)


def test_printable_keeps_text_and_drops_control() -> None:
    assert printable("a\tb\nc – é “q”") == "a\tb\nc – é “q”"
    assert printable(f"x{ESC}y\x1b]0;title\x07z\x9b\u202eq\x00") == "xyzq"
    long = "\x1b[" + "1;" * 50_000 + "\x1b" * 50_000
    started = time.monotonic()
    assert printable(long) == ""
    assert time.monotonic() - started < 1  # linear, even for hostile text


def test_run_help_names_the_columns_of_the_shared_histories_table() -> None:
    from sim import histories_table
    from sim.cli import runs

    epilog = " ".join(runs.RUN_EPILOG.split())
    for column in histories_table.RUN_HEADER:
        assert column in epilog, column


def test_help_imports_neither_the_engine_nor_pydantic_nor_rich() -> None:
    # `cuba62 --help` < 0.5 s (issue 14) rests on these staying out of the CLI's import.
    code = (
        "import sys, sim.cli; heavy = ('mesa', 'numpy', 'pydantic', 'rich', 'sim.params', "
        "'sim.ensemble', 'SALib', 'distributed'); print([m for m in heavy if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_import_sim_ensemble_does_not_import_mesa() -> None:
    code = "import sys, sim.ensemble; print('mesa' in sys.modules, 'sim.model' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]
