"""`cuba62 run`, `cuba62 compare` and `cuba62 history`: play a scenario, set it beside a
baseline, or tell one of its histories.

The engine (Mesa, numpy) and the reports are imported inside the commands, not here, so that
`cuba62 --help` and the light commands start fast (docs/PERFORMANCE.md, benchmarks/bench_cli.py).
"""

from __future__ import annotations

import textwrap
from enum import StrEnum
from typing import Annotated

import typer

from sim import limits
from sim.cli.errors import BadInput
from sim.cli.inputs import apply_sets, check_runs, check_seed, claim_out, resolve_scenario
from sim.cli.options import (
    DEFAULT_RUNS,
    Format,
    FormatOpt,
    OutOpt,
    PresetOpt,
    RunsOpt,
    ScenarioArg,
    ScenarioFileOpt,
    SeedOpt,
    SetOpt,
)
from sim.cli.presets import apply_preset, shown_sets
from sim.cli.progress import progress
from sim.cli.render import emit, json_text, render, scenario_ref, sets_ref, width_for, wrap
from sim.outcomes import OUTCOMES

RUN_EPILOG = """\b
Examples:
  cuba62 run baseline                                   # 5,000 histories, seed 0
  cuba62 run thor_immobilisation --runs 20000 --seed 7
  cuba62 run baseline --set uk.consultation=0.8 --set ussr.berlin_linkage=true
  cuba62 run baseline --preset kennedy                  # at Kennedy's estimate of war
  cuba62 run oil_tankers --format json --out oil.json
  cuba62 run baseline --format csv --out histories.csv  # one row per history
  cuba62 run --scenario-file my_what_if.toml

\b
CSV columns: history, outcome, resolved (YYYY-MM-DD HH:MM Washington time, empty if
unresolved), concessions (semicolon-separated), peak_escalation (rung 0-6), incidents.
"""

COMPARE_EPILOG = """\b
Examples:
  cuba62 compare thor_immobilisation                    # against the historical baseline
  cuba62 compare oil_tankers --runs 20000 --seed 7
  cuba62 compare baseline --set uk.consultation=0.9     # what if London had a real say?
  cuba62 compare oil_tankers --preset participants_low  # both sides at another estimate
  cuba62 compare oil_tankers --format json --out oil_vs_baseline.json
  cuba62 compare oil_tankers --format csv-summary       # one row per outcome and concession

\b
Both sides play the same numbered histories with the same random numbers, so a difference
is the changed decision, not luck. --set changes the scenario side; --baseline-set changes
the baseline side (use both to compare under, say, another escalation risk). --preset sets the
escalation risk of both sides (see `cuba62 presets`).

\b
Concessions are compared as the share of all histories whose deal contains each one. When no
outcome share moves by more than 0.5 points beyond chance, "What changed" says so and gives the
scenario's lesson. csv-summary columns: kind (outcome, any_war, concession), id, label, scenario,
baseline and difference (fractions), each with _lo and _hi (95% interval), moves (true when the
difference is over 0.5 points and beyond chance).
"""


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    csv_summary = "csv-summary"


HISTORY_EPILOG = (
    """\b
Examples:
  cuba62 history baseline --index 3                  # history 3 of `cuba62 run baseline`
  cuba62 history baseline --outcome nuclear_war      # the first one ending in nuclear war
  cuba62 history thor_immobilisation --seed 7 --index 12 --verbose

\b
Outcome ids (for --outcome):
"""
    + textwrap.fill(", ".join(OUTCOMES), 88, initial_indent="  ", subsequent_indent="  ")
    + """

\b
History I of a run is the same history whatever --runs is, so you can look inside any
run's results: use the same scenario, --seed and --set values.
"""
)


def run_command(
    scenario_id: ScenarioArg = None,
    runs: RunsOpt = DEFAULT_RUNS,
    seed: SeedOpt = 0,
    sets: SetOpt = None,
    preset: PresetOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Play a scenario many times and show how often each outcome happens, with 95% intervals."""
    from sim import ensemble, summary
    from sim.cli.reports import run_table
    from sim.histories_table import histories_csv

    sc = resolve_scenario(scenario_id, scenario_file)
    check_runs(runs)
    check_seed(seed)
    params = apply_preset(apply_sets(sc.params(), sets), preset, sets)
    with claim_out(out) as out:
        with progress(runs, f"Playing {runs:,} histories") as advance:
            results = ensemble.run(params, runs, seed, progress=advance)
        if fmt == Format.json:
            text = json_text(summary.as_json(results, sc.id))
        elif fmt == Format.csv:
            text = histories_csv(results)
        else:
            text = render(
                run_table(sc, results, shown_sets(preset, sets), scenario_file, width_for(out))
            )
        emit(text, out)


def compare_command(
    scenario_id: ScenarioArg = None,
    baseline: Annotated[
        str, typer.Option("--baseline", "-b", metavar="ID", help="The scenario to compare against.")
    ] = "baseline",
    runs: RunsOpt = DEFAULT_RUNS,
    seed: SeedOpt = 0,
    sets: SetOpt = None,
    baseline_sets: Annotated[
        list[str] | None,
        typer.Option(
            "--baseline-set",
            metavar="NAME=VALUE",
            help="Change one parameter of the baseline side (repeatable).",
            show_default=False,
        ),
    ] = None,
    preset: PresetOpt = None,
    fmt: Annotated[
        CompareFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (for people), json (one document), csv (one row per history) or "
            "csv-summary (one row per outcome and concession, with differences).",
        ),
    ] = CompareFormat.table,
    out: OutOpt = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Play a scenario and a baseline on the same histories and show what the change did: to
    the outcomes and to what the deals contain."""
    from sim import ensemble, summary
    from sim.cli.reports import compare_table
    from sim.histories_table import csv_text, histories_csv

    sc = resolve_scenario(scenario_id, scenario_file)
    base = resolve_scenario(baseline, None, what="--baseline")
    check_runs(runs)
    check_seed(seed)
    params = apply_preset(apply_sets(sc.params(), sets), preset, sets)
    base_params = apply_preset(
        apply_sets(base.params(), baseline_sets, option="--baseline-set"),
        preset,
        baseline_sets,
        option="--baseline-set",
    )
    total = runs if params == base_params else 2 * runs
    with claim_out(out) as out:
        with progress(total, f"Playing {runs:,} histories on each side") as advance:
            paired = ensemble.run_paired(params, base_params, runs, seed, progress=advance)
        if fmt == CompareFormat.json:
            text = json_text(summary.compare_json(paired, sc.id, base.id, sc.lesson))
        elif fmt == CompareFormat.csv:
            text = histories_csv(paired)
        elif fmt == CompareFormat.csv_summary:
            text = csv_text(summary.COMPARE_ROWS_HEADER, summary.compare_rows(paired))
        else:
            text = render(compare_table(sc, base, paired, width_for(out)))
        emit(text, out)


def history_command(
    scenario_id: ScenarioArg = None,
    seed: SeedOpt = 0,
    index: Annotated[
        int | None,
        typer.Option(
            "--index",
            "-i",
            metavar="I",
            help=f"Which history ({limits.HISTORY.low} to {limits.HISTORY.high:,}); default 0.",
            show_default=False,
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            metavar="OUTCOME",
            help="Instead of --index: show the first history that ended this way.",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", "-n", metavar="N", help="With --outcome: how many histories to search."
        ),
    ] = DEFAULT_RUNS,
    sets: SetOpt = None,
    preset: PresetOpt = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show quiet turns and repeated choices.")
    ] = False,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Tell one simulated history day by day (Washington and London time), with the reasons
    behind each choice."""
    from sim import ensemble, history
    from sim.params import unknown_name_message

    sc = resolve_scenario(scenario_id, scenario_file)
    check_seed(seed)
    params = apply_preset(apply_sets(sc.params(), sets), preset, sets)
    if index is not None and outcome is not None:
        raise BadInput("give either --index or --outcome, not both")
    if outcome is not None:
        if outcome not in OUTCOMES:
            raise BadInput(
                unknown_name_message(outcome, list(OUTCOMES), "outcome")
                + f" (allowed: {', '.join(OUTCOMES)})"
            )
        check_runs(runs)
        with progress(runs, f"Searching {runs:,} histories") as advance:
            results = ensemble.run(params, runs, seed, progress=advance)
        found = history.find(results, outcome)
        if found is None:
            raise BadInput(
                f"no history among the first {runs:,} (seed {seed}) ended in '{outcome}'; "
                f"try a larger --runs (up to {limits.RUNS.high:,}) or another --seed"
            )
        index = found
    index = 0 if index is None else index
    problem = limits.HISTORY.error(index, field="--index")
    if problem:
        raise BadInput(problem)
    h = history.replay(params, seed, index)
    ref = scenario_ref(sc, scenario_file) + sets_ref(shown_sets(preset, sets)) + f" --seed {seed}"
    width = width_for(None)
    lines = [
        f"History {index} of `cuba62 run {ref}`: {h.outcome_label}",
        wrap(
            "Times are Washington / London (five hours ahead). In brackets: what pushed hardest "
            "for each choice, and how likely that choice was.",
            width,
        ),
        "",
        *(wrap(line, width, "", "    ") for line in history.narrative(h, verbose).splitlines()),
    ]
    emit("\n".join(lines) + "\n", None)


def register(app: typer.Typer) -> None:
    """Add `run`, `compare` and `history`."""
    app.command(
        "run",
        short_help="Play a scenario many times: how often each outcome happens.",
        epilog=RUN_EPILOG,
    )(run_command)
    app.command(
        "compare",
        short_help="Set a scenario beside the baseline, history by history.",
        epilog=COMPARE_EPILOG,
    )(compare_command)
    app.command(
        "history", short_help="Tell one simulated history, day by day.", epilog=HISTORY_EPILOG
    )(history_command)
