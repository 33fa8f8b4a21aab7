"""`cuba62 sweep`, `cuba62 sensitivity` and `cuba62 discover`: what matters, from a terminal.

`register(app)` adds the three commands to a Typer app. Like every cuba62 command, bad input exits
with code 2 and one line on stderr starting "error: ", an internal failure exits 1 with one line
(CUBA62_DEBUG=1 shows the traceback), and nothing is left looking finished when it is not. The
commands check their own errors (`_guard`), so they behave the same on any app.

`sim.analysis` (numpy, the engine, SALib, Dask) is imported inside the commands, not here: the
help pages read their limits from `sim.limits`, so `cuba62 --help` starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim import limits
from sim.cli.errors import BadInput, error, internal_error, warn
from sim.cli.inputs import resolve_scenario
from sim.cli.options import (
    BackendChoice,
    BackendOpt,
    OutcomeOpt,
    ParamsOpt,
    PointRunsOpt,
    PointSeedOpt,
    ScenarioArg,
    ScenarioFileOpt,
    SchedulerOpt,
    TableOrJson,
    TableOrJsonOpt,
    WorkersOpt,
)
from sim.cli.progress import progress_hooks
from sim.cli.render import emit, json_text

if TYPE_CHECKING:
    from sim.analysis.backends import Backend as Runner

MAX_HISTORIES = limits.ANALYSIS_HISTORIES
DEFAULT_SAMPLES = limits.SENSITIVITY_DEFAULT_SAMPLES


class Method(StrEnum):
    morris = "morris"
    sobol = "sobol"


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
all (grid points x runs) and {limits.SWEEP_STEPS.high:,} values per --vary. One row per point: the
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
Morris: --samples trajectories (default {DEFAULT_SAMPLES["morris"]}), each p+1 points
for p parameters; mu_star = mean absolute effect of moving a parameter across its range.
Sobol: --samples N base samples, a power of two (default {DEFAULT_SAMPLES["sobol"]}),
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
    seed: PointSeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = BackendChoice.dask,
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
        from sim.analysis import sweep as sweeps
        from sim.cli.reports import workers_phrase
        from sim.histories_table import csv_text

        sc = resolve_scenario(scenario_id, scenario_file)
        axes = sweeps.parse_axes(vary or [])
        sweep = sweeps.Sweep(sc.id, sc.params(), axes, runs, seed)
        sweep.point_params()  # refuse impossible combinations before starting any worker
        with ExitStack() as held:
            if out is not None:
                out = sweeps.check_out(out)
                partial = sweeps.partial_path(out)
                held.enter_context(_exclusive(out))  # one sweep at a time on one --out
            with (
                progress_hooks() as (start_bar, advance),
                _backend(workers, scheduler, backend) as be,
            ):
                report = sweeps.run_sweep(
                    sweep,
                    be,
                    out,
                    progress=advance,
                    on_start=lambda todo, _: start_bar(todo * runs, f"Sweeping {todo:,} points"),
                )
        if report.path is None:
            emit(csv_text(report.header, report.rows), None)
            return
        points = len(sweep.combos)
        if report.already_complete:
            emit(f"{report.path} is already complete ({points:,} points): nothing to do\n", None)
            return
        resumed = f", {report.skipped:,} of them resumed from {partial}" if report.skipped else ""
        emit(
            f"wrote {report.path}: {points:,} points × {runs:,} runs "
            f"({points * runs:,} histories, seed {seed}, {be.name} on "
            f"{workers_phrase(be.workers)}{resumed})\n",
            None,
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
            help=f"Morris trajectories (default {DEFAULT_SAMPLES['morris']}) "
            "or Sobol base samples, a power of two (default "
            f"{DEFAULT_SAMPLES['sobol']}).",
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            "-n",
            metavar="N",
            help=f"Histories per sample point ({limits.RUNS.low} to {limits.RUNS.high:,}).",
        ),
    ] = 500,
    seed: PointSeedOpt = 0,
    params: ParamsOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = BackendChoice.dask,
    fmt: TableOrJsonOpt = TableOrJson.table,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Rank the number parameters by how much they move one outcome's share (Morris or Sobol)."""
    with _guard():
        from sim.analysis import sensitivity as sens
        from sim.analysis.evaluate import check_work
        from sim.analysis.space import check_outcome, float_specs, parse_names
        from sim.cli.reports import sensitivity_text

        sc = resolve_scenario(scenario_id, scenario_file)
        outcome = check_outcome(output)
        specs = float_specs(parse_names(params))
        k = samples if samples is not None else DEFAULT_SAMPLES[method.value]
        sens.check_samples(method.value, k)
        n_eval = sens.evaluations(method.value, k, len(specs))
        check_work(n_eval, runs, "model evaluations")
        with progress_hooks() as (start_bar, advance), _backend(workers, scheduler, backend) as be:
            start_bar(n_eval * runs, f"{method.value.title()}: {n_eval:,} points")
            result = sens.sensitivity(
                sc.params(), method.value, outcome, specs, k, runs, seed, be, progress=advance
            )
        for warning in result.warnings:
            warn(warning)
        if fmt == TableOrJson.json:
            emit(json_text(result.as_json(sc.id)), None)
        else:
            emit(sensitivity_text(sc.id, result, be.name, be.workers) + "\n", None)


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
            help=f"Parameter points to sample ({limits.DISCOVER_SAMPLES.low} to "
            f"{limits.DISCOVER_SAMPLES.high:,}).",
        ),
    ] = 200,
    runs: PointRunsOpt = 300,
    seed: PointSeedOpt = 0,
    params: ParamsOpt = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage",
            metavar="C",
            help="Smallest share of marked points the region must keep.",
        ),
    ] = limits.DISCOVER_DEFAULT_MIN_COVERAGE,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    backend: BackendOpt = BackendChoice.dask,
    fmt: TableOrJsonOpt = TableOrJson.table,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """When does an outcome happen? Find the parameter region where its share is above a
    threshold, stated as rules with coverage and density."""
    with _guard():
        from sim.analysis import discover as discovery
        from sim.analysis.evaluate import check_work
        from sim.analysis.space import check_outcome, float_specs, parse_names
        from sim.cli.reports import discovery_text

        sc = resolve_scenario(scenario_id, scenario_file)
        outcome = check_outcome(output)
        limit = discovery.parse_threshold(threshold)
        specs = float_specs(parse_names(params))
        discovery.check_samples(samples)
        discovery.check_coverage(min_coverage)
        check_work(samples, runs, "samples")
        with progress_hooks() as (start_bar, advance), _backend(workers, scheduler, backend) as be:
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
        if fmt == TableOrJson.json:
            emit(json_text(found.as_json(sc.id)), None)
        else:
            emit(discovery_text(sc.id, found, specs) + "\n", None)


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


@contextmanager
def _guard(partial: Callable[[], Path | None] = lambda: None) -> Iterator[None]:
    """Bad input: one line, exit 2. Interrupt: say what was kept, exit 130. Else: exit 1."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except BadInput as e:
        error(str(e))
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        kept = partial()
        note = ""
        if kept is not None and kept.exists():
            note = f"; finished points are kept in {kept}: run the same command again to resume"
        error("interrupted" + note)
        raise typer.Exit(130) from None
    except Exception as e:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if _analysis_input_error(e):
            error(str(e))
            raise typer.Exit(2) from None
        internal_error(e)
        raise typer.Exit(1) from None


def _analysis_input_error(e: Exception) -> bool:
    """Is `e` a bad-input error of sim.analysis, sim.params or sim.scenario (imported only now:
    see the module's docstring)?"""
    from sim.analysis.backends import BackendError
    from sim.analysis.evaluate import AnalysisError
    from sim.params import ParameterError
    from sim.scenario import ScenarioError

    return isinstance(e, (AnalysisError, BackendError, ParameterError, ScenarioError))


@contextmanager
def _exclusive(out: Path) -> Iterator[Path]:
    """Hold --out's lock file (`sim.outfiles.exclusive`), its trouble as `BadInput`."""
    from sim.outfiles import OutFileError, exclusive

    try:
        with exclusive(out) as held:
            yield held
    except OutFileError as e:
        raise BadInput(str(e)) from None


@contextmanager
def _backend(workers: int | None, scheduler: str | None, kind: BackendChoice) -> Iterator[Runner]:
    from sim.analysis.backends import open_backend

    with open_backend(workers, scheduler, kind.value) as backend:
        yield backend
