"""The arguments and options that several `cuba62` commands share, as Typer annotated types.

An option used by one command only is written out at that command.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.limits import RUNS
from sim.outcomes import OUTCOMES

#: Histories `run`, `compare` and `history --outcome` play unless told otherwise.
DEFAULT_RUNS = 5000


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class BackendChoice(StrEnum):
    dask = "dask"
    processes = "processes"


# --- the scenario: every command that runs one ---------------------------------------------------

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


# --- run, compare and history -------------------------------------------------------------------

RunsOpt = Annotated[
    int,
    typer.Option(
        "--runs",
        "-n",
        metavar="N",
        help=f"How many histories to play ({RUNS.low} to {RUNS.high:,}); more runs, narrower "
        "intervals.",
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        metavar="S",
        help="Random seed: the same seed, scenario and settings give exactly the same result.",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="NAME=VALUE",
        help="Change one parameter on top of the scenario (repeatable); see `cuba62 params`.",
        show_default=False,
    ),
]
PresetOpt = Annotated[
    str | None,
    typer.Option(
        "--preset",
        metavar="ID",
        help="Play at a published estimate of the danger of war (see `cuba62 presets`): sets "
        "world.escalation_risk to the preset's solved value.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table (for people), json (one document) or csv (one row per history).",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="FILE",
        help="Write the output to FILE instead of the screen (only if everything succeeded).",
        dir_okay=True,
        show_default=False,
    ),
]


# --- sweep, sensitivity and discover ------------------------------------------------------------

PointSeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        metavar="S",
        help="Random seed, shared by every point (common random "
        "numbers): the same command gives exactly the same numbers on any workers.",
    ),
]
PointRunsOpt = Annotated[
    int,
    typer.Option(
        "--runs", "-n", metavar="N", help=f"Histories per point ({RUNS.low} to {RUNS.high:,})."
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        metavar="K",
        show_default=False,
        help="Run on K local worker processes (a Dask LocalCluster, or see --backend).",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        show_default=False,
        help="Run on a Dask cluster, e.g. tcp://SCHEDULER_HOST:8786 (see docs/SWEEPS.md).",
    ),
]
BackendOpt = Annotated[
    BackendChoice,
    typer.Option(
        "--backend",
        help="What runs --workers: a Dask LocalCluster or a plain process pool (no Dask needed).",
    ),
]
OutcomeOpt = Annotated[
    str,
    typer.Option(
        "--output",
        metavar="OUTCOME_ID",
        help="The outcome whose share is studied: " + ", ".join(OUTCOMES) + ".",
    ),
]
ParamsOpt = Annotated[
    str | None,
    typer.Option(
        "--params",
        metavar="A,B,...",
        show_default=False,
        help="Number parameters to vary (default: all of them; see `cuba62 params`).",
    ),
]
TableOrJsonOpt = Annotated[
    TableOrJson, typer.Option("--format", "-f", help="table (for people) or json.")
]
