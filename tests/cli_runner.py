"""What the `cuba62` fixture (tests/conftest.py) returns: `cuba62 ARGS...` run in this process
through the console script's `main`, with its exit code and captured output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]
