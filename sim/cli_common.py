"""What the `cuba62` commands (sim.cli and sim.cli_analysis) share: scenario lookup, the progress
bar and CSV text.

One place decides what a scenario argument may be: an id from scenarios/ (never a path) or a user
file given with --scenario-file, with one-line errors and a 'did you mean'.
"""

from __future__ import annotations

import csv
import difflib
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sim import scenario as scenario_files
from sim.params import ParameterError
from sim.scenario import Scenario, ScenarioError

# The scenario argument and option every command that runs a scenario takes.
ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        metavar="ID",
        help="A scenario id from `cuba62 scenarios`, e.g. thor_immobilisation.",
        show_default=False,
    ),
]
ScenarioFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--scenario-file",
        metavar="FILE",
        help="Use your own scenario TOML file instead of an ID (check it with `cuba62 validate`).",
        dir_okay=True,
        show_default=False,
    ),
]


class BadInput(Exception):
    """Something the user typed or wrote is wrong: exit 2 with this one-line message."""


def all_scenarios() -> list[Scenario]:
    try:
        return list(scenario_files.list_scenarios())
    except ScenarioError as e:
        raise BadInput(str(e)) from None


def resolve_scenario(
    scenario_id: str | None, path: Path | None, what: str = "scenario"
) -> Scenario:
    """The scenario named by an id (never a path) or by --scenario-file."""
    if path is not None:
        if scenario_id is not None:
            raise BadInput(
                f"give a scenario ID or --scenario-file, not both (got '{scenario_id}' and "
                f"'{path}')"
            )
        return load_file(path)
    if scenario_id is None or not scenario_id.strip():
        raise BadInput("give a scenario ID (see `cuba62 scenarios`) or --scenario-file FILE")
    looks_like_a_path = any(c in scenario_id for c in "/\\.") or scenario_id.startswith("~")
    if looks_like_a_path:
        raise BadInput(
            f"{what} '{scenario_id}' is not a scenario id (ids are like thor_immobilisation; see "
            "`cuba62 scenarios`); to use your own file, pass --scenario-file FILE"
        )
    ids = [sc.id for sc in all_scenarios()]
    if scenario_id not in ids or not scenario_files.ID_PATTERN.fullmatch(scenario_id):
        raise BadInput(unknown_scenario(scenario_id, ids, what))
    try:
        return scenario_files.load_scenario(scenario_id)
    except (ScenarioError, ParameterError) as e:
        raise BadInput(str(e)) from None


def unknown_scenario(name: str, ids: list[str], what: str) -> str:
    key = name.strip().lower()
    close = [i for i in ids if i == key] or [i for i in ids if key and key in i]
    close = close or difflib.get_close_matches(key, ids, n=1, cutoff=0.6)
    hint = ""
    if len(close) == 1:
        hint = f"; did you mean '{close[0]}'?"
    elif close:
        hint = "; did you mean one of: " + ", ".join(close) + "?"
    label = "scenario" if what == "scenario" else f"{what} scenario"
    return f"unknown {label} '{name}'{hint} (see `cuba62 scenarios`)"


def load_file(path: Path) -> Scenario:
    try:
        return scenario_files.load_file(path)
    except (ScenarioError, ParameterError) as e:
        message = str(e)
        raise BadInput(message if path.name in message else f"{path}: {message}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a UTF-8 text file") from None
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None


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


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text (Unix line ends), for the screen or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
