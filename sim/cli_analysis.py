"""`cuba62 sweep`, `cuba62 sensitivity` and `cuba62 discover`: what matters, from a terminal.

`register(app)` adds the three commands to the main Typer app. Like every cuba62 command, bad input
exits with code 2 and one line on stderr starting "error: ", an internal failure exits 1 with one
line (CUBA62_DEBUG=1 shows the traceback), and nothing is left looking finished when it is not.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.analysis import discover as discovery
from sim.analysis import sensitivity as sens
from sim.analysis import sweep as sweeps
from sim.analysis.backends import Backend as Runner
from sim.analysis.backends import BackendError, open_backend
from sim.analysis.evaluate import MAX_HISTORIES, AnalysisError, check_work
from sim.analysis.space import check_outcome, float_specs, parse_names
from sim.cli_common import BadInput, ScenarioArg, ScenarioFileOpt, csv_text
from sim.cli_common import progress_hooks as _progress
from sim.cli_common import resolve_scenario as _scenario
from sim.ensemble import MAX_RUNS
from sim.outcomes import LABELS, OUTCOMES
from sim.params import ParameterError, ParamSpec
from sim.scenario import ScenarioError

WIDTH = 100
LEGEND = {
    "morris": "mu_star: how far the share moves, on average, when one parameter moves across its "
    "whole range (0.10 = 10 percentage points); sigma: how much that effect depends on the other "
    "parameters (interactions or non-linearity).",
    "sobol": "ST: the part of the variation in the share due to a parameter, interactions "
    "included; S1: due to the parameter alone. Both run from 0 (no effect) to 1 (everything).",
}


class Method(StrEnum):
    morris = "morris"
    sobol = "sobol"


class Backend(StrEnum):
    dask = "dask"
    processes = "processes"


class Format(StrEnum):
    table = "table"
    json = "json"


# --- options shared by the three commands -------------------------------------------------------

SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        metavar="S",
        help="Random seed, shared by every point (common random "
        "numbers): the same command gives exactly the same numbers on any workers.",
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
    Backend,
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
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table (for people) or json.")]
PointRunsOpt = Annotated[
    int,
    typer.Option("--runs", "-n", metavar="N", help=f"Histories per point (1 to {MAX_RUNS:,})."),
]

SWEEP_EPILOG = f"""\b
Examples:
  cuba62 sweep baseline --vary us.hawkishness=0:1:5 --runs 2000 --out hawks.csv
  cuba62 sweep baseline --vary ussr.risk_acceptance=0:1:6 --vary uk.thor_offer=none,public
  cuba62 sweep baseline --vary uk.consultation=0:1:11 --workers 2 --out consult.parquet
  cuba62 sweep baseline --vary us.hawkishness=0:1:21 --scheduler tcp://HOST:8786 --out big.csv

\b
--vary NAME=START:STOP:STEPS gives STEPS evenly spaced values from START to STOP (inclusive);
--vary NAME=A,B,... lists values (any parameter). The grid is every combination; each point
plays the same numbered histories with the same seed. At most {MAX_HISTORIES:,} histories in
all (grid points x runs) and {sweeps.MAX_STEPS:,} values per --vary. One row per point: the
varied values, then for every outcome its share and 95% interval (columns OUTCOME.share,
OUTCOME.ci95_lo, OUTCOME.ci95_hi).

\b
With --out, finished points go to FILE.partial as they complete; FILE appears only when all
are done. Interrupted? Run the same command again: it skips the points already saved.
Without --out the table is printed as CSV when the sweep ends.
"""

SENSITIVITY_EPILOG = f"""\b
Examples:
  cuba62 sensitivity baseline --method morris --output nuclear_war
  cuba62 sensitivity baseline --method sobol --output air_strike --samples 256 --runs 300
  cuba62 sensitivity berlin_linkage --method morris --output berlin_clash \\
      --params ussr.risk_acceptance,us.hawkishness,uk.consultation --format json

\b
Morris: --samples trajectories (default {sens.DEFAULT_SAMPLES["morris"]}), each p+1 points
for p parameters; mu_star = mean absolute effect of moving a parameter across its range.
Sobol: --samples N base samples, a power of two (default {sens.DEFAULT_SAMPLES["sobol"]}),
N(p+2) points; S1 = share of variance due to a parameter alone, ST = including interactions.
Every point plays --runs histories. At most {MAX_HISTORIES:,} histories in all.
"""

DISCOVER_EPILOG = f"""\b
Examples:
  cuba62 discover baseline --output nuclear_war --threshold 2%
  cuba62 discover baseline --output air_strike --threshold 0.3 --samples 400 --runs 300
  cuba62 discover berlin_linkage --output berlin_clash --threshold 1% \\
      --params ussr.risk_acceptance,us.weight_on_allies,uk.consultation

\b
Samples --samples points of the number parameters (Latin hypercube), plays --runs histories at
each, marks points where OUTCOME's share is above --threshold, and finds the region of the
parameters where marked points concentrate (PRIM, as in the EMA Workbench). Coverage: the share
of marked points inside the region. Density: the share of points inside the region that are
marked. At most {MAX_HISTORIES:,} histories in all.
"""


# --- commands -----------------------------------------------------------------------------------


def sweep_command(
    scenario_id: ScenarioArg = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            metavar="NAME=START:STOP:STEPS",
            show_default=False,
            help="A parameter to vary (repeatable), or NAME=A,B,... for a list.",
        ),
    ] = None,
    runs: PointRunsOpt = 1000,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = Backend.dask,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write the table to FILE.csv or FILE.parquet (resumable).",
        ),
    ] = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Run a full-factorial parameter sweep: one row of outcome shares per grid point."""
    partial: Path | None = None
    with _guard(lambda: partial):
        sc = _scenario(scenario_id, scenario_file)
        axes = sweeps.parse_axes(vary or [])
        sweep = sweeps.Sweep(sc.id, sc.params(), axes, runs, seed)
        sweep.point_params()  # refuse impossible combinations before starting any worker
        if out is not None:
            out = sweeps.check_out(out)
            partial = sweeps.partial_path(out)
        with _progress() as (start_bar, advance), _backend(workers, scheduler, backend) as be:
            report = sweeps.run_sweep(
                sweep,
                be,
                out,
                progress=advance,
                on_start=lambda todo, _: start_bar(todo * runs, f"Sweeping {todo:,} points"),
            )
        if report.path is None:
            sys.stdout.write(csv_text(report.header, report.rows))
            return
        points = len(sweep.combos)
        if report.already_complete:
            typer.echo(f"{report.path} is already complete ({points:,} points): nothing to do")
            return
        resumed = f", {report.skipped:,} of them resumed from {partial}" if report.skipped else ""
        typer.echo(
            f"wrote {report.path}: {points:,} points × {runs:,} runs "
            f"({points * runs:,} histories, seed {seed}, {be.name} on {be.workers} "
            f"worker{'s' if be.workers != 1 else ''}{resumed})"
        )


def sensitivity_command(
    scenario_id: ScenarioArg = None,
    method: Annotated[
        Method,
        typer.Option(
            "--method", help="morris (screening, cheap) or sobol (variance shares, costly)."
        ),
    ] = Method.morris,
    output: OutcomeOpt = "nuclear_war",
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            metavar="K",
            show_default=False,
            help="Morris trajectories (default 10) or Sobol base samples, a power of "
            "two (default 64).",
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", "-n", metavar="N", help=f"Histories per sample point (1 to {MAX_RUNS:,})."
        ),
    ] = 500,
    seed: SeedOpt = 0,
    params: ParamsOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = Backend.dask,
    fmt: FormatOpt = Format.table,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Rank the number parameters by how much they move one outcome's share (Morris or Sobol)."""
    with _guard():
        sc = _scenario(scenario_id, scenario_file)
        outcome = check_outcome(output)
        specs = float_specs(parse_names(params))
        k = samples if samples is not None else sens.DEFAULT_SAMPLES[method.value]
        sens.check_samples(method.value, k)
        n_eval = sens.evaluations(method.value, k, len(specs))
        check_work(n_eval, runs, "model evaluations")
        with _progress() as (start_bar, advance), _backend(workers, scheduler, backend) as be:
            start_bar(n_eval * runs, f"{method.value.title()}: {n_eval:,} points")
            result = sens.sensitivity(
                sc.params(), method.value, outcome, specs, k, runs, seed, be, progress=advance
            )
        for warning in result.warnings:
            _warn(warning)
        if fmt == Format.json:
            typer.echo(json.dumps(result.as_json(sc.id), indent=2, ensure_ascii=False))
        else:
            typer.echo(_sensitivity_table(sc.id, result, be.name, be.workers))


def discover_command(
    scenario_id: ScenarioArg = None,
    output: OutcomeOpt = "nuclear_war",
    threshold: Annotated[
        str,
        typer.Option(
            "--threshold", metavar="X", help="Share that counts as 'happens': 0.02 or 2%."
        ),
    ] = "2%",
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            metavar="K",
            help=f"Parameter points to sample (10 to {discovery.MAX_POINTS:,}).",
        ),
    ] = 200,
    runs: PointRunsOpt = 300,
    seed: SeedOpt = 0,
    params: ParamsOpt = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage",
            metavar="C",
            help="Smallest share of marked points the region must keep.",
        ),
    ] = discovery.DEFAULT_MIN_COVERAGE,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = Backend.dask,
    fmt: FormatOpt = Format.table,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """When does an outcome happen? Find the parameter region where its share is above a
    threshold, stated as rules with coverage and density."""
    with _guard():
        sc = _scenario(scenario_id, scenario_file)
        outcome = check_outcome(output)
        limit = discovery.parse_threshold(threshold)
        specs = float_specs(parse_names(params))
        discovery.check_samples(samples)
        discovery.check_coverage(min_coverage)
        check_work(samples, runs, "samples")
        with _progress() as (start_bar, advance), _backend(workers, scheduler, backend) as be:
            start_bar(samples * runs, f"Discovery: {samples:,} points")
            found = discovery.discover(
                sc.params(),
                outcome,
                limit,
                specs,
                samples,
                runs,
                seed,
                be,
                progress=advance,
                min_coverage=min_coverage,
            )
        if fmt == Format.json:
            typer.echo(json.dumps(found.as_json(sc.id), indent=2, ensure_ascii=False))
        else:
            typer.echo(_discovery_table(sc.id, found, specs))


def register(app: typer.Typer) -> None:
    """Add `sweep`, `sensitivity` and `discover` to the main `cuba62` app."""
    app.command(
        "sweep", epilog=SWEEP_EPILOG, short_help="Sweep a grid of settings: shares at each point."
    )(sweep_command)
    app.command(
        "sensitivity",
        epilog=SENSITIVITY_EPILOG,
        short_help="Rank the settings by how much they move one outcome.",
    )(sensitivity_command)
    app.command(
        "discover", epilog=DISCOVER_EPILOG, short_help="Find when an outcome happens, as rules."
    )(discover_command)


# --- helpers ------------------------------------------------------------------------------------


def _error(message: str) -> None:
    text = " ".join(message.split())
    sys.stderr.write(f"error: {text}\n")


def _warn(message: str) -> None:
    sys.stderr.write("warning: " + " ".join(message.split()) + "\n")


@contextmanager
def _guard(partial: Callable[[], Path | None] = lambda: None) -> Iterator[None]:
    """Bad input: one line, exit 2. Interrupt: say what was kept, exit 130. Else: exit 1."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except (AnalysisError, BackendError, BadInput, ParameterError, ScenarioError) as error:
        _error(str(error))
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        kept = partial()
        note = ""
        if kept is not None and kept.exists():
            note = f"; finished points are kept in {kept}: run the same command again to resume"
        _error("interrupted" + note)
        raise typer.Exit(130) from None
    except Exception as error:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if os.environ.get("CUBA62_DEBUG", "").strip() not in ("", "0"):
            traceback.print_exc()
        _error(f"internal error: {type(error).__name__}: {error}")
        raise typer.Exit(1) from None


@contextmanager
def _backend(workers: int | None, scheduler: str | None, kind: Backend) -> Iterator[Runner]:
    with open_backend(workers, scheduler, kind.value) as backend:
        yield backend


def _columns(header: Sequence[str], rows: Sequence[Sequence[str]], text: int = 1) -> list[str]:
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


def _wrap(text: str) -> str:
    return textwrap.fill(text, WIDTH)


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def _sensitivity_table(scenario: str, r: sens.Sensitivity, backend: str, workers: int) -> str:
    label = LABELS[r.outcome]
    if r.method == "morris":
        head = ["parameter", "mu_star", "± 95%", "sigma"]
        rows = [
            [
                ix.label,
                _num(ix.values["mu_star"]),
                _num(ix.values["mu_star_conf"]),
                _num(ix.values["sigma"]),
            ]
            for ix in r.indices
        ]
        what = f"Morris screening, {r.samples} trajectories"
    else:
        head = ["parameter", "ST", "± 95%", "S1", "± 95%"]
        rows = [
            [
                ix.label,
                _num(ix.values["ST"]),
                _num(ix.values["ST_conf"]),
                _num(ix.values["S1"]),
                _num(ix.values["S1_conf"]),
            ]
            for ix in r.indices
        ]
        what = f"Sobol indices, N = {r.samples} base samples"
    lines = [
        _wrap(
            f"What moves the '{label}' share in scenario {scenario}? {what}: "
            f"{r.evaluations:,} parameter points × {r.runs:,} histories = "
            f"{r.evaluations * r.runs:,} histories (seed {r.seed}; {backend}, {workers} "
            f"worker{'s' if workers != 1 else ''})."
        ),
        "",
        *_columns(head, rows),
        "",
        _wrap(LEGEND[r.method]),
        "",
        _wrap(
            f"Across the sample the '{label}' share ranged from {r.output_range[0]:.1%} to "
            f"{r.output_range[1]:.1%} (mean {r.output_mean:.1%})."
        ),
        "",
        _wrap(r.summary),
    ]
    return "\n".join(lines)


def _discovery_table(scenario: str, d: discovery.Discovery, specs: Sequence[ParamSpec]) -> str:
    above = int((d.share > d.threshold).sum())
    lines = [
        _wrap(
            f"When is the '{LABELS[d.outcome]}' share above {d.threshold:.1%} in scenario "
            f"{scenario}? {d.samples:,} parameter points (Latin hypercube over "
            f"{len(specs)} parameters) × {d.runs:,} histories (seed {d.seed}): {above:,} points "
            "above the threshold."
        ),
        "",
        _wrap(d.rules),
    ]
    if d.box is not None and d.box.limits:
        rows = []
        by_name = {s.name: s for s in specs}
        for name, (lo, hi) in d.box.limits.items():
            s = by_name[name]
            rows.append(
                [
                    s.label,
                    name,
                    "" if lo is None else f"> {lo:.3g}",
                    "" if hi is None else f"< {hi:.3g}",
                    f"{s.minimum:g} to {s.maximum:g}",
                ]
            )
        lines += ["", *_columns(["parameter", "name", "from", "to", "full range"], rows, text=2)]
        lines += [
            "",
            f"coverage {d.box.coverage:.1%}, density {d.box.density:.1%}, "
            f"{d.box.inside:,} of {d.samples:,} points inside the region",
        ]
    lines += [
        "",
        _wrap(
            "Shares at each point come from a finite number of histories, so points "
            "near the threshold may be marked by chance: use more --runs to sharpen "
            "the rules."
        ),
    ]
    return "\n".join(lines)
