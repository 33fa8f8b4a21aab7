"""Reading a user's scenario file safely, before any TOML parser sees it.

Scenario files come from users (uploads, `--scenario-file`, `cuba62 validate`), so reading one must
never block, stream forever, or let a parser use quadratic memory or recurse until it fails: only
regular files are opened (non-blocking, re-checked after the open), at most MAX_BYTES + 1 bytes are
read, and `check_shape` refuses in one linear pass what no scenario needs (very long lines, long or
deeply dotted keys, deep brackets, thousands of keys). `sim.scenario` then parses and validates.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NoReturn

from sim.outfiles import special_kind

#: Largest scenario file accepted (uploads included).
MAX_BYTES = 65_536
#: Limits checked before the TOML parser runs (`check_shape`), far above what any scenario needs
#: (shipped files: lines of at most 235 characters, keys of at most 2 parts and 29 characters, one
#: level of brackets, 14 keys) and far below what makes a parser slow, deep or memory-hungry (a
#: 60 KB dotted key took Python's tomllib gigabytes; deep brackets end in RecursionError).
MAX_LINE_CHARS = 4_000
MAX_KEY_CHARS = 100
MAX_KEY_PARTS = 5
MAX_NESTING = 10
MAX_KEYS = 500


class ScenarioError(ValueError):
    """A scenario that cannot be used: the message is one line naming file, key, value and fix."""


def _require_regular(mode: int, origin: str) -> None:
    kind = special_kind(mode, "a special file")
    if kind:
        raise ScenarioError(f"{origin} is {kind}, not a scenario file: give a regular .toml file")


def read_regular_file(path: Path, origin: str) -> tuple[bytes, int]:
    """At most MAX_BYTES + 1 bytes of a regular file, and its size. Anything else (a FIFO, a
    device, a socket, a directory) is refused before it is read, so nothing can block or stream
    forever; the open is non-blocking and re-checked, in case the path changed in between."""
    try:
        _require_regular(os.stat(path).st_mode, origin)
        descriptor = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        )
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            _require_regular(info.st_mode, origin)
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{origin} is a directory, not a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"{origin} cannot be read: {error.strerror or error}") from None
    return data, max(info.st_size, len(data))


# --- parsing and validating ---------------------------------------------------------------------


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: Where a basic string ("...", with backslash escapes) may end or escape, and a literal one.
_BASIC_STOP = re.compile(r'["\\\n]')
_MULTILINE_BASIC_STOP = re.compile(r'["\\]')
_LITERAL_STOP = re.compile(r"['\n]")


def check_shape(text: str, origin: str) -> None:
    """Refuse, before any TOML parser sees it, what no scenario needs and what makes parsers slow,
    deep or memory-hungry: lines over MAX_LINE_CHARS characters, keys over MAX_KEY_CHARS
    characters or MAX_KEY_PARTS dotted parts, brackets nested over MAX_NESTING deep, over MAX_KEYS
    keys. One linear pass that knows TOML strings and comments; anything else that is not TOML is
    left for the parser to report."""

    def fail(at: int, problem: str) -> NoReturn:
        raise ScenarioError(f"{origin}: line {text.count(chr(10), 0, at) + 1}: {problem}")

    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ScenarioError(
                f"{origin}: line {number} is too long ({len(line):,} characters; "
                f"the limit is {MAX_LINE_CHARS:,})"
            )

    end = len(text)
    pos = 0
    brackets: list[str] = []  # the open "[" and "{" of values
    expect_key = True
    keys = 0
    while pos < end:
        char = text[pos]
        if char == "\n":
            expect_key = expect_key or not brackets
            pos += 1
        elif char in " \t\r":
            pos += 1
        elif char == "#":
            newline = text.find("\n", pos)
            pos = end if newline < 0 else newline
        elif expect_key:
            if not brackets and char == "[":  # a [table] or [[array of tables]] header
                pos += 2 if text.startswith("[[", pos) else 1
            parts = 0
            while True:  # a key: bare or quoted parts joined by dots
                while pos < end and text[pos] in " \t":
                    pos += 1
                part = pos
                if pos < end and text[pos] in "\"'":
                    pos = _string_end(text, pos)
                    length = pos - part - 2
                else:
                    while pos < end and text[pos] in _BARE_KEY:
                        pos += 1
                    length = pos - part
                    if length == 0:
                        break  # no key here: the value branch or the parser deals with it
                if length > MAX_KEY_CHARS:
                    fail(
                        part,
                        f"a key of {length:,} characters is too long; use 1 to "
                        f"{MAX_KEY_CHARS} characters",
                    )
                parts += 1
                if parts > MAX_KEY_PARTS:
                    fail(
                        part,
                        f"a key with more than {MAX_KEY_PARTS} dotted parts; use 1 to "
                        f"{MAX_KEY_PARTS} parts, e.g. uk.thor_offer",
                    )
                while pos < end and text[pos] in " \t":
                    pos += 1
                if not text.startswith(".", pos):
                    break
                pos += 1
            if parts:
                keys += 1
                if keys > MAX_KEYS:
                    fail(pos, f"more than {MAX_KEYS} keys; a scenario has at most {MAX_KEYS}")
            expect_key = False
        elif char in "\"'":
            pos = _string_end(text, pos)
        elif char in "[{":
            brackets.append(char)
            if len(brackets) > MAX_NESTING:
                fail(
                    pos,
                    f"brackets nested more than {MAX_NESTING} deep; use at most "
                    f"{MAX_NESTING} levels of [ ] and {{ }}",
                )
            expect_key = char == "{"
            pos += 1
        elif char in "]}":
            if brackets:
                brackets.pop()
            pos += 1
        else:
            if char == ",":
                expect_key = brackets[-1:] == ["{"]
            pos += 1


def _string_end(text: str, pos: int) -> int:
    """Where the TOML string starting at `pos` ends (just after its closing quotes); at the line
    end or the text end if it is not closed (the parser reports that)."""
    quote = text[pos]
    if text.startswith(quote * 3, pos):
        if quote == "'":
            close = text.find("'''", pos + 3)
        else:
            close, at = -1, pos + 3
            while (stop := _MULTILINE_BASIC_STOP.search(text, at)) is not None:
                if stop.group() == "\\":
                    at = stop.end() + 1
                elif text.startswith('"""', stop.start()):
                    close = stop.start()
                    break
                else:
                    at = stop.end()
        if close < 0:
            return len(text)
        after = close + 3
        while after < len(text) and after < close + 5 and text[after] == quote:
            after += 1  # up to two quotes just before the closing three belong to the string
        return after
    pattern = _LITERAL_STOP if quote == "'" else _BASIC_STOP
    at = pos + 1
    while (stop := pattern.search(text, at)) is not None:
        if stop.group() == "\\":
            at = stop.end() + 1
        elif stop.group() == "\n":
            return stop.start()
        else:
            return stop.end()
    return len(text)
