"""How a `cuba62` command reports trouble: one line on stderr, never a traceback.

Bad input (`BadInput`, and the engine's own value errors) exits 2 with "error: ..."; anything else
exits 1 with "error: internal error: ..." (CUBA62_DEBUG=1 also prints the traceback).
"""

from __future__ import annotations

import os
import re
import sys
import traceback


class BadInput(Exception):
    """Something the user typed or wrote is wrong: exit 2 with this one-line message."""


#: Terminal control in text a user wrote (a scenario title, a file name, an argument): escape
#: sequences (CSI "ESC [ ... X", OSC "ESC ] ... BEL"), the other C0 and C1 control characters
#: but tab and newline, and the bidirectional overrides that make text read other than it is.
#: Every part is a single character class or a run of one, so matching is linear in the text.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """`text` without terminal control characters: every line the CLI prints goes through here
    (`say` for stderr, `render.emit` for stdout and --out), so a scenario title or file name
    holding an escape sequence cannot recolour, move or clear the user's terminal."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`text` with every run of white space (newlines included) made one space."""
    return " ".join(text.split())


def say(text: str) -> None:
    """One line on stderr (e.g. "wrote FILE"), without terminal control characters."""
    sys.stderr.write(printable(text) + "\n")
    sys.stderr.flush()


def error(message: str) -> None:
    say("error: " + one_line(message))


def warn(message: str) -> None:
    say("warning: " + one_line(message))


def internal_error(e: BaseException) -> None:
    """Report a failure that is not the user's: one line, and the traceback with CUBA62_DEBUG=1."""
    if os.environ.get("CUBA62_DEBUG", "").strip() not in ("", "0"):
        traceback.print_exc()
    error(f"internal error: {type(e).__name__}: {e}")
