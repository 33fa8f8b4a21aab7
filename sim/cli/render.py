"""Text for people and files: plain tables and wrapped paragraphs, JSON, and `emit`, which
prints the text or writes it to --out atomically.

Output is plain (no colour, no terminal codes) and, off a terminal, of fixed width, so the same
command gives the same bytes on screen, in a pipe or in a file.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim import outfiles
from sim.cli.errors import BadInput, one_line, printable, say

if TYPE_CHECKING:  # rich is imported when something is rendered: `cuba62 --help` needs none
    from rich.console import RenderableType
    from rich.table import Table

    from sim.scenario import Scenario

#: Width of tables written to files or pipes: fixed, so the same command gives the same bytes.
FILE_WIDTH = 100


def width_for(out: Path | None) -> int:
    """The width to render for: the terminal's (60 to 140) on screen, else FILE_WIDTH."""
    if out is None and sys.stdout.isatty():
        return max(60, min(shutil.get_terminal_size((FILE_WIDTH, 24)).columns, 140))
    return FILE_WIDTH


def render(parts: Sequence[RenderableType], width: int | None = None) -> str:
    """Plain text (no colour, no terminal codes): the same bytes on screen, in a pipe or a file."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or width_for(None),
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    for part in parts:
        console.print(part)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def table(*headers: str) -> Table:
    """A rich table with a rule under the header and no frame; long cells fold."""
    from rich import box
    from rich.table import Table

    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for name in headers:
        t.add_column(name, overflow="fold")
    return t


def columns(header: Sequence[str], rows: Sequence[Sequence[str]], text: int = 1) -> list[str]:
    """A plain aligned table: the first `text` columns left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[j])) for r in [header, *rows]) for j in range(len(header))]
    lines = []
    for n, row in enumerate([header, *rows]):
        cells = [
            str(c).ljust(w) if j < text else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def wrap(
    text: str, width: int = FILE_WIDTH, indent: str = "", subsequent: str | None = None
) -> str:
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
    )


def paragraphs(text: str, width: int, indent: str = "  ") -> str:
    """Wrapped text that keeps the blank lines between paragraphs."""
    found = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n\n".join(wrap(one_line(p), width, indent) for p in found)


def items(entries: Sequence[str], width: int) -> list[str]:
    """A bulleted list, or "(none)"."""
    return [wrap(one_line(e), width, "  - ", "    ") for e in entries] or ["  (none)"]


def json_text(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def scenario_ref(sc: Scenario, path: Path | None) -> str:
    """How to name the scenario again on a command line: its id, or --scenario-file FILE."""
    return f"--scenario-file {path}" if path is not None else sc.id


def sets_ref(sets: Sequence[str]) -> str:
    """The --set options again, for a command line."""
    return "".join(f" --set {s.strip()}" for s in sets)


def emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it to `out` atomically (a temporary file, then a rename); either
    way without terminal control characters (`errors.printable`)."""
    text = printable(text)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        outfiles.write_atomic(out, text.encode("utf-8"))
    except OSError as e:
        raise BadInput(f"--out {out}: cannot write: {e.strerror or e}") from None
    say(f"wrote {out}")
