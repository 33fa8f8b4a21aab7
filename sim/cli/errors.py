"""How a `cuba62` command reports trouble: one line on stderr, never a traceback.

Bad input (`BadInput`, and the engine's own value errors) exits 2 with "error: ..."; anything else
exits 1 with "error: internal error: ..." (CUBA62_DEBUG=1 also prints the traceback).
"""

from __future__ import annotations

import os
import sys
import traceback


class BadInput(Exception):
    """Something the user typed or wrote is wrong: exit 2 with this one-line message."""


def one_line(text: str) -> str:
    """`text` with every run of white space (newlines included) made one space."""
    return " ".join(text.split())


def say(text: str) -> None:
    """One line on stderr, as it is (e.g. "wrote FILE")."""
    sys.stderr.write(text + "\n")
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
