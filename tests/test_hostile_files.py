"""Hostile scenario files (issue 17): the shapes that made the TOML parser or the citation reader
slow, deep or memory-hungry, and paths that are not regular files, each end in one line, quickly.

On the code before the fix, a 60 KB dotted key took gigabytes and ~48 s and ended in
RecursionError; deep brackets ended in RecursionError; long runs of spaces or nested parentheses
in a citation bracket held the citation reader for seconds (quadratic); a FIFO blocked forever.
Each in-process check runs in a daemon thread with a timeout, so a regression fails rather than
hangs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sim import scenario as scenario_module
from sim.scenario import (
    MAX_BYTES,
    MAX_KEY_CHARS,
    MAX_KEY_PARTS,
    MAX_KEYS,
    MAX_LINE_CHARS,
    MAX_NESTING,
    Scenario,
    ScenarioError,
    check_shape,
    load_file,
    parse_scenario,
    scenario_ids,
)

REPO = Path(__file__).resolve().parent.parent
BASE = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
#: Generous: the machine is shared and noisy; the quadratic cases took 10-50 s.
FAST_S = 2.0
#: A thread still running after this long has failed (and is left behind as a daemon).
GIVE_UP_S = 30.0
#: Peak resident memory of one `cuba62 validate` (the imports alone take about 200 MB here).
MAX_RSS_KB = 300_000


# --- shapes ------------------------------------------------------------------------------------


def with_basis(body: str) -> str:
    """The baseline scenario with `body` as its historical basis (a multi-line literal string)."""
    assert "'''" not in body
    text = re.sub(
        r'historical_basis = """.*?"""',
        lambda _: f"historical_basis = '''\n{body}\n'''",
        BASE,
        count=1,
        flags=re.DOTALL,
    )
    assert text != BASE
    return text


def lines_of(unit: str, total: int, width: int = 1_900) -> str:
    """`total` characters of `unit` repeated, in lines of `width` (under the line limit)."""
    text = unit * (total // len(unit))
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _distinct_words(count: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = (
        "A" + letters[i % 26] + letters[i // 26 % 26] + letters[i // 676 % 26] for i in range(count)
    )
    return ",\n".join(", ".join(chunk) for chunk in _chunks(list(words), 300))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


#: Files refused before the parser runs, or by the parser, each with a word of the message.
BAD_TOML: dict[str, tuple[str, str]] = {
    "dotted_key_60k": (BASE + "a." * 30_000 + "a = 1\n", "too long"),
    "dotted_key_one_line": (BASE + ".".join(["a"] * 1_900) + " = 1\n", "dotted parts"),
    "dotted_key_spaced": (BASE + "a . " * 900 + "a = 1\n", "dotted parts"),
    "long_bare_key": (BASE + "k" * 3_000 + " = 1\n", "characters is too long"),
    "long_quoted_key": (BASE + '"' + "k" * 3_000 + '" = 1\n', "characters is too long"),
    "deep_array_20k": ("a = " + "[" * 20_000 + "]" * 20_000 + "\n", "too long"),
    "deep_array_lines": ("a = " + "[\n" * 15_000 + "]\n" * 15_000, "nested more than"),
    "deep_array_in_parameters": (
        BASE + "uk.consultation = " + "[" * 1_000 + "]" * 1_000 + "\n",
        "nested more than",
    ),
    "deep_inline_table": ("x = " + "{a=" * 900 + "1" + "}" * 900 + "\n", "nested more than"),
    "deep_inline_table_long": ("x = " + "{a=" * 10_000 + "1" + "}" * 10_000 + "\n", "too long"),
    "deep_table_header": ("[" + ".".join(["t"] * 1_900) + "]\n", "dotted parts"),
    "many_keys": (BASE + "".join(f"k{i} = {i}\n" for i in range(MAX_KEYS + 1)), "keys"),
    "basis_brackets_spaces_one_line": (
        with_basis("[" * 20_000 + " " * 20_000 + "]"),
        "too long",
    ),
    "huge_integer": ("x = " + "1" * 5_000 + "\n", "too long"),
}

#: Valid TOML with absurd text in a text field: read through the citation checks to the end (the
#: last citation is unknown, so each is refused only after the whole text has been read).
BAD_TEXT: dict[str, tuple[str, str]] = {
    "basis_spaces_in_brackets": (
        with_basis("[" + lines_of(" ", 55_000) + "] [Nonexistent]"),
        "Nonexistent",
    ),
    "basis_brackets_then_spaces": (
        with_basis(lines_of("[", 27_000) + "\n" + lines_of(" ", 27_000) + "] [Nonexistent]"),
        "Nonexistent",
    ),
    "basis_nested_parentheses": (
        with_basis("[" + lines_of("(", 27_000) + "x" + lines_of(")", 27_000) + "] [Nonexistent]"),
        "Nonexistent",
    ),
    "basis_nested_spaced_parentheses": (
        with_basis("[" + lines_of("( ", 27_000) + "x" + lines_of(") ", 27_000) + "] [Nonexistent]"),
        "Nonexistent",
    ),
    "basis_many_distinct_words": (with_basis("[" + _distinct_words(9_000) + "]"), "Aaaa"),
    "basis_years_and_spaces": (
        with_basis("[Sagan" + lines_of(" (1993)" + " " * 50, 54_000) + "; Nonexistent]"),
        "Nonexistent",
    ),
    "huge_seed_line": (
        BASE.replace('sources = ["OH"', 'sources = ["""S:\\\n' + "1\\\n" * 9_000 + '""", "OH"'),
        "not a seed line",
    ),
}

ALL_SHAPES = {**BAD_TOML, **BAD_TEXT}


def test_shapes_fit_the_size_limit() -> None:
    for name, (text, _) in ALL_SHAPES.items():
        assert len(text.encode()) <= MAX_BYTES, name


# --- helpers -----------------------------------------------------------------------------------


def within(seconds: float, action: Callable[[], object]) -> tuple[object, float]:
    """(what `action` returned or raised, seconds taken); fails if it runs past `seconds`."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # noqa: B036 - RecursionError, MemoryError: all reported
            outcome.append(error)

    start = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    elapsed = time.perf_counter() - start
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome[0], elapsed


def assert_one_line_error(outcome: object, *words: str) -> str:
    assert isinstance(outcome, ScenarioError), repr(outcome)[:300]
    message = str(outcome)
    assert message and "\n" not in message and "Traceback" not in message
    assert len(message) < 500, message[:300]
    for word in words:
        assert word in message, message
    return message


def cuba62_command() -> list[str]:
    script = Path(sys.executable).parent / "cuba62"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]


#: Runs one command in a fresh child and reports its exit code, output and peak memory: the
#: runner's RUSAGE_CHILDREN then holds that one command only.
RUNNER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
    code, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired:
    code, out, err = "timeout", "", ""
print(json.dumps({
    "code": code, "out": out, "err": err, "seconds": time.perf_counter() - start,
    "max_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def run_measured(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *cuba62_command(), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


# --- the parser's input ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL_SHAPES))
def test_hostile_text_is_one_line_error_quickly(name: str) -> None:
    text, word = ALL_SHAPES[name]
    origin = f"upload '{name}.toml'"
    for data in (text, text.encode("utf-8")):  # as from a file, and as an upload
        outcome, seconds = within(GIVE_UP_S, lambda data=data: parse_scenario(data, origin))
        message = assert_one_line_error(outcome, origin, word)
        assert seconds < FAST_S, f"{name}: {seconds:.1f} s ({message})"


@pytest.mark.parametrize("name", ["dotted_key_60k", "deep_array_lines", "basis_spaces_in_brackets"])
def test_hostile_file_is_one_line_error_quickly(tmp_path: Path, name: str) -> None:
    text, word = ALL_SHAPES[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    outcome, seconds = within(GIVE_UP_S, lambda: load_file(path))
    assert_one_line_error(outcome, str(path), word)
    assert seconds < FAST_S


def test_messages_name_the_limits() -> None:
    def error(text: str) -> str:
        with pytest.raises(ScenarioError) as caught:
            check_shape(text, "f.toml")
        return str(caught.value)

    assert error("a = 1\n" + "x" * (MAX_LINE_CHARS + 1)) == (
        f"f.toml: line 2 is too long ({MAX_LINE_CHARS + 1:,} characters; "
        f"the limit is {MAX_LINE_CHARS:,})"
    )
    assert error("k" * (MAX_KEY_CHARS + 1) + " = 1") == (
        f"f.toml: line 1: a key of {MAX_KEY_CHARS + 1:,} characters is too long; "
        f"use 1 to {MAX_KEY_CHARS} characters"
    )
    assert f"use 1 to {MAX_KEY_PARTS} parts" in error("\n" + ".".join("a" * 9) + " = 1")
    assert error("\n\na = " + "[" * (MAX_NESTING + 1)).startswith(
        f"f.toml: line 3: brackets nested more than {MAX_NESTING} deep"
    )
    assert f"more than {MAX_KEYS} keys" in error("".join(f"k{i} = 1\n" for i in range(600)))


def test_limits_allow_what_scenarios_use() -> None:
    """At the limits, and with brackets, quotes and '#' inside strings and comments: not refused
    here (whether it is a valid scenario is for the parser and the validator)."""
    parts = ".".join(["a"] * MAX_KEY_PARTS)
    nested = "[" * MAX_NESTING + "]" * MAX_NESTING
    lines = [
        f"{'k' * MAX_KEY_CHARS} = 1",
        f'"{"q" * MAX_KEY_CHARS}" = 1',
        f"{parts} = 1",
        f"[{'.'.join(['t'] * MAX_KEY_PARTS)}]",
        f"n = {nested}",
        "s = 'x" + "[" * 1_000 + "'",
        's = "\\"' + "{" * 1_000 + '"',
        "m = '''" + "[\n" * 1_000 + "'''",
        'b = """\\"""' + "[{" * 1_000 + '"""""',
        "# " + "[" * 1_000 + " a.b.c.d.e.f.g = 1",
        'inline = { "uk.thor_offer" = "public", us = { x = [1, [2, {y = 3}]] } }',
        "[[table]]",
        "c = [ # [[[[[[[[[[[[",
        "  1, # {{{{{{{{{{{{{{",
        "]",
        "long = '" + "x" * (MAX_LINE_CHARS - 9) + "'",
    ]
    check_shape("\n".join(lines) + "\n", "f.toml")
    check_shape("".join(f"k{i} = 1\n" for i in range(MAX_KEYS)), "f.toml")


@pytest.mark.parametrize("scenario_id", scenario_ids())
def test_shipped_scenarios_are_far_inside_the_limits(scenario_id: str) -> None:
    text = (REPO / "scenarios" / f"{scenario_id}.toml").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) * 10 < MAX_LINE_CHARS
    check_shape(text, scenario_id)
    assert isinstance(parse_scenario(text, scenario_id), Scenario)


@pytest.mark.parametrize(
    "failure",
    [RecursionError("maximum recursion depth exceeded"), MemoryError(), ValueError("x\ny")],
    ids=["RecursionError", "MemoryError", "ValueError"],
)
def test_any_parser_failure_is_one_line(
    monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    def broken(text: str) -> dict[str, object]:
        raise failure

    monkeypatch.setattr(scenario_module.tomllib, "loads", broken)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE, "upload 'x.toml'")
    assert_one_line_error(caught.value, "upload 'x.toml'")


# --- what a path is ----------------------------------------------------------------------------


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    outcome, seconds = within(10, lambda: load_file(fifo))
    assert_one_line_error(outcome, str(fifo), "named pipe (FIFO), not a scenario file")
    assert seconds < FAST_S
    # Also when the FIFO has a writer that never finishes (a plain read would wait forever).
    writer = os.open(fifo, os.O_RDWR)
    try:
        outcome, _ = within(10, lambda: load_file(fifo))
        assert_one_line_error(outcome, "named pipe")
    finally:
        os.close(writer)
    link = tmp_path / "link.toml"
    link.symlink_to(fifo)
    outcome, _ = within(10, lambda: load_file(link))
    assert_one_line_error(outcome, "named pipe")


def test_directory_device_and_socket_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    outcome, _ = within(10, lambda: load_file(folder))
    assert_one_line_error(outcome, "is a directory, not a scenario file")
    for device in ("/dev/null", "/dev/zero"):
        if Path(device).exists() and stat.S_ISCHR(os.stat(device).st_mode):
            outcome, seconds = within(10, lambda device=device: load_file(Path(device)))
            assert_one_line_error(outcome, device, "character device, not a scenario file")
            assert seconds < FAST_S
    short = tmp_path / "s.sock"
    if len(str(short)) > 100:  # socket paths are limited to about 100 bytes
        short = Path(f"/tmp/cuba62-{os.getpid()}.sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(short))
        try:
            outcome, _ = within(10, lambda: load_file(short))
            assert_one_line_error(outcome, "socket, not a scenario file")
        finally:
            short.unlink()


# --- the command line --------------------------------------------------------------------------


def _assert_cli_refused(result: dict[str, object], paths: list[Path]) -> None:
    assert result["code"] == 2, result
    err = str(result["err"])
    lines = err.splitlines()
    assert len(lines) == len(paths), err[:1000]
    assert "Traceback" not in err and "internal error" not in err
    for line, path in zip(lines, paths, strict=True):
        assert line.startswith("error: ") and path.name in line, line[:300]
    rss = result["max_rss_kb"]
    assert isinstance(rss, int) and rss < MAX_RSS_KB, f"peak RSS {rss} KB"


def test_cli_validate_refuses_hostile_files_in_bounded_memory(tmp_path: Path) -> None:
    names = ["dotted_key_60k", "deep_array_lines", "deep_inline_table", "basis_spaces_in_brackets"]
    paths = []
    for name in names:
        path = tmp_path / f"{name}.toml"
        path.write_text(ALL_SHAPES[name][0], encoding="utf-8")
        paths.append(path)
    result = run_measured("validate", *map(str, paths))
    _assert_cli_refused(result, paths)


def test_cli_validate_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result = run_measured("validate", str(fifo))
    _assert_cli_refused(result, [fifo])
    assert "named pipe" in str(result["err"])
