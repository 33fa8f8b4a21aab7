"""A progress bar on stderr for long commands; nothing at all when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Show a progress bar when a command simulates at least this many histories (about 1 s here).
PROGRESS_MIN = 20_000

ProgressHooks = tuple[Callable[[int, str], None], Callable[[int], None] | None]


@contextmanager
def progress_hooks() -> Iterator[ProgressHooks]:
    """(start(total, label), advance(n)) for a rich progress bar on stderr; inert off a terminal."""
    if not sys.stderr.isatty():
        yield (lambda total, label: None), None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("Starting", total=None)

        def start(total: int, label: str) -> None:
            bar.update(task, total=total, completed=0, description=label)

        yield start, lambda n: bar.advance(task, n)


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """`advance(n)` for a bar of `total` histories, or None for short runs or off a terminal."""
    if total < PROGRESS_MIN:
        yield None
        return
    with progress_hooks() as (start, advance):
        if advance is not None:
            start(total, label)
        yield advance
