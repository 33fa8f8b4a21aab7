"""The `cuba62` command: list, explain, run and compare scenarios from a terminal.

Every command reads the engine's public API only (params, scenario, ensemble, summary, history).
Bad input never produces a traceback: it exits with code 2 and one line on stderr starting
"error: ". Output files are written atomically, and only after everything has succeeded.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.console import Console, RenderableType
from rich.table import Table

from sim import calendar, ensemble, history, sources, summary
from sim import scenario as scenario_files
from sim.cli_analysis import register as register_analysis
from sim.cli_common import BadInput, ScenarioArg, ScenarioFileOpt, csv_text, progress_hooks
from sim.cli_common import all_scenarios as _all_scenarios
from sim.cli_common import load_file as _load_file
from sim.cli_common import resolve_scenario as _scenario
from sim.outcomes import LABELS, OUTCOMES, WAR_OUTCOMES
from sim.params import (
    ACTOR_NAMES,
    HAZARD_PRESETS,
    SCHEMA,
    SPECS,
    ParameterError,
    Params,
    ParamSpec,
    Value,
    coerce,
    format_value,
    make_params,
    unknown_name_message,
)
from sim.scenario import Scenario, ScenarioError
from sim.world import CONCESSIONS

DEFAULT_RUNS = 5000
#: Seeds are any whole number that fits in 64 bits, so every tool downstream can store them.
MAX_SEED = 2**63 - 1
#: Show a progress bar when a command simulates at least this many histories (about 1 s here).
PROGRESS_MIN = 20_000
#: Width of tables written to files or pipes: fixed, so the same command gives the same bytes.
FILE_WIDTH = 100
#: "[OH, S:46]" in a scenario's historical basis.
CITATION = re.compile(r"\[([^\[\]]+)\]")

ACTOR_SHORT = {"us": "US", "uk": "UK", "ussr": "USSR", "world": "World"}
#: Plain-English names of the concessions a deal can contain (ids from sim.world.CONCESSIONS).
CONCESSION_LABELS: dict[str, str] = {
    "pledge": "US no-invasion pledge",
    "secret_jupiters": "secret assurance on the Jupiters in Turkey",
    "public_jupiters": "public removal of the Jupiters",
    "thor_immobilisation": "British Thors immobilised",
    "un_inspection": "UN inspection",
    "berlin_terms": "terms over West Berlin",
}

QUICK_START = """\
Play the Cuban missile crisis of October 1962 thousands of times, with Britain as a real actor,
and see how one changed decision shifts the odds of a deal, a climb-down or a war.

\b
Quick start:
  cuba62 scenarios                        # the what-ifs you can run
  cuba62 run thor_immobilisation          # play one what-if 5,000 times
  cuba62 compare thor_immobilisation      # ...and set it beside the real history
"""

EPILOG = """\
\b
More:
  cuba62 show thor_immobilisation         # what a scenario asks, its sources, what to try
  cuba62 params                           # every setting you can change with --set
  cuba62 history baseline --index 3       # read one simulated history, day by day
  cuba62 COMMAND --help                   # examples for each command

\b
Exit codes:
  0  success
  2  bad input: a usage mistake or an invalid value or file (one line on stderr: "error: ...")
  1  internal error (set CUBA62_DEBUG=1 to see the traceback)
  130  interrupted (Ctrl-C)
"""

app = typer.Typer(
    name="cuba62",
    help=QUICK_START,
    epilog=EPILOG,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ParamsFormat(StrEnum):
    table = "table"
    json = "json"


# --- options shared by several commands ---------------------------------------------------------

RunsOpt = Annotated[
    int,
    typer.Option(
        "--runs",
        "-n",
        metavar="N",
        help=f"How many histories to play (1 to {ensemble.MAX_RUNS:,}); more runs, narrower "
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


# --- commands -----------------------------------------------------------------------------------


@app.command(
    "scenarios",
    short_help="List the what-if scenarios you can run.",
    epilog="""\b
Examples:
  cuba62 scenarios
  cuba62 show thor_immobilisation       # then read one in full
""",
)
def scenarios_command() -> None:
    """List the shipped scenarios: id, title and the question each one asks."""
    table = _table("id", "title", "question")
    for sc in _all_scenarios():
        table.add_row(sc.id, sc.title, _plain(sc.question))
    table.columns[0].no_wrap = table.columns[1].no_wrap = True
    _emit(_render([table, "", "Read one: cuba62 show ID    Run one: cuba62 run ID"]), None)


@app.command(
    "show",
    short_help="Explain one scenario: question, sources, what to try.",
    epilog="""\b
Examples:
  cuba62 show thor_immobilisation
  cuba62 show --scenario-file my_what_if.toml
""",
)
def show_command(
    scenario_id: ScenarioArg = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Explain a scenario: its question, historical basis, sources, what to notice, what to try,
    and the parameters it changes from the baseline."""
    sc = _scenario(scenario_id, scenario_file)
    width = _width(None)
    parts: list[RenderableType] = [f"{sc.title}  ({sc.id})", ""]
    for heading, value in (
        ("Question", sc.question),
        ("Historical basis", sc.historical_basis),
    ):
        parts += [heading, _paragraphs(value, width), ""]
    parts += ["Sources"]
    citations = _citations(sc)
    if citations:
        parts += [_wrap(f"[{c}] {_reference(c)}", width, "  ", "      ") for c in citations]
    else:
        parts += ["  (none cited)"]
    parts += [""]
    for heading, items in (
        ("What to notice", sc.what_to_notice),
        ("Things to try", sc.things_to_try),
    ):
        parts += [heading, *_items(items, width), ""]
    base = _baseline_params()
    changed = sc.params().differences(base)
    if changed:
        parts += ["Parameters changed from the baseline"]
        table = _table("parameter", "value", "baseline", "meaning")
        for name, new in changed.items():
            table.add_row(name, _value(name, new), _value(name, base[name]), SPECS[name].meaning)
        parts += [table]
    else:
        parts += ["Parameters changed from the baseline: none (this is the historical baseline)."]
    parts += ["", f"Run it: cuba62 run {_cli_ref(sc, scenario_file)}"]
    _emit(_render(parts), None)


@app.command(
    "params",
    short_help="List the parameters you can change with --set.",
    epilog="""\b
Examples:
  cuba62 params                            # every parameter and the hazard presets
  cuba62 params uk.thor_offer              # one parameter in full
  cuba62 params --format json > params.json
  cuba62 run baseline --set uk.consultation=0.8 --set world.incident_hazard=kennedy
""",
)
def params_command(
    name: Annotated[
        str | None,
        typer.Argument(metavar="NAME", help="Show one parameter in full.", show_default=False),
    ] = None,
    fmt: Annotated[
        ParamsFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ParamsFormat.table,
    out: OutOpt = None,
) -> None:
    """Every parameter you can change with --set or in a scenario file: default, range, unit,
    actor and source (a FACTS.md key or "modelling assumption"), plus the hazard presets."""
    specs: Sequence[ParamSpec] = SCHEMA
    if name is not None:
        if name not in SPECS:
            raise BadInput(unknown_name_message(name, SPECS, "parameter"))
        specs = [SPECS[name]]
    out = _check_out(out)
    if fmt == ParamsFormat.json:
        _emit(_json([_param_json(s) for s in specs]), out)
        return
    if name is not None:
        _emit(_render([_param_detail(SPECS[name], _width(out))]), out)
        return
    table = _table("name", "default", "min", "max", "unit", "actor")
    sourced = _table("name", "source")
    for s in specs:
        lo, hi = _param_range(s, compact=True)
        table.add_row(
            s.name,
            format_value(s.default),
            _text(lo),
            _text(hi),
            _param_unit(s, short=True),
            ACTOR_SHORT[s.actor],
        )
        sourced.add_row(s.name, s.source)
    for column in (0, 1, 2, 3, 5):
        table.columns[column].no_wrap = True
    sourced.columns[0].no_wrap = True
    presets = _table(
        "preset", "estimate", "what it measures", "over the crisis", "per day", "source"
    )
    for p in HAZARD_PRESETS.values():
        presets.add_row(
            p.name,
            p.label,
            p.measures,
            f"{p.crisis_probability * 100:g}% ({p.low * 100:g}–{p.high * 100:g}%)",
            f"{p.per_day:.4f}",
            f"{p.source}; confidence {p.confidence}",
        )
    presets.columns[0].no_wrap = presets.columns[3].no_wrap = True
    _emit(
        _render(
            [
                table,
                "",
                "Where each parameter comes from (a FACTS.md key, or a modelling assumption)",
                sourced,
                "",
                "Hazard presets: use a name as the value of world.incident_hazard, e.g. "
                "--set world.incident_hazard=kennedy",
                presets,
                "",
                "One parameter in full: cuba62 params NAME",
            ]
        ),
        out,
    )


# `cuba62 parameters` works too: sim.params' error messages point there.
app.command("parameters", hidden=True)(params_command)


@app.command(
    "run",
    short_help="Play a scenario many times: how often each outcome happens.",
    epilog="""\b
Examples:
  cuba62 run baseline                                   # 5,000 histories, seed 0
  cuba62 run thor_immobilisation --runs 20000 --seed 7
  cuba62 run baseline --set uk.consultation=0.8 --set ussr.berlin_linkage=true
  cuba62 run oil_tankers --format json --out oil.json
  cuba62 run baseline --format csv --out histories.csv  # one row per history
  cuba62 run --scenario-file my_what_if.toml

\b
CSV columns: history, outcome, resolved (YYYY-MM-DD HH:MM Washington time, empty if
unresolved), concessions (semicolon-separated), peak_escalation (rung 0-6), incidents.
""",
)
def run_command(
    scenario_id: ScenarioArg = None,
    runs: RunsOpt = DEFAULT_RUNS,
    seed: SeedOpt = 0,
    sets: SetOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Play a scenario many times and show how often each outcome happens, with 95% intervals."""
    sc = _scenario(scenario_id, scenario_file)
    _check_runs(runs)
    _check_seed(seed)
    params = _apply_sets(sc.params(), sets)
    out = _check_out(out)
    with _progress(runs, f"Playing {runs:,} histories") as advance:
        results = ensemble.run(params, runs, seed, progress=advance)
    if fmt == Format.json:
        text = _json(summary.as_json(results, sc.id))
    elif fmt == Format.csv:
        text = _run_csv(results)
    else:
        text = _render(_run_table(sc, results, sets or [], scenario_file, _width(out)))
    _emit(text, out)


@app.command(
    "compare",
    short_help="Set a scenario beside the baseline, history by history.",
    epilog="""\b
Examples:
  cuba62 compare thor_immobilisation                    # against the historical baseline
  cuba62 compare oil_tankers --runs 20000 --seed 7
  cuba62 compare baseline --set uk.consultation=0.9     # what if London had a real say?
  cuba62 compare oil_tankers --format json --out oil_vs_baseline.json

\b
Both sides play the same numbered histories with the same random numbers, so a difference
is the changed decision, not luck. --set changes the scenario side; --baseline-set changes
the baseline side (use both to compare under, say, another incident hazard).
""",
)
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
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Play a scenario and a baseline on the same histories and show what the change did."""
    sc = _scenario(scenario_id, scenario_file)
    base = _scenario(baseline, None, what="--baseline")
    _check_runs(runs)
    _check_seed(seed)
    params = _apply_sets(sc.params(), sets)
    base_params = _apply_sets(base.params(), baseline_sets, option="--baseline-set")
    out = _check_out(out)
    total = runs if params == base_params else 2 * runs
    with _progress(total, f"Playing {runs:,} histories on each side") as advance:
        paired = ensemble.run_paired(params, base_params, runs, seed, progress=advance)
    if fmt == Format.json:
        text = _json(summary.compare_json(paired, sc.id, base.id))
    elif fmt == Format.csv:
        text = _compare_csv(paired)
    else:
        text = _render(_compare_table(sc, base, paired, _width(out)))
    _emit(text, out)


@app.command(
    "history",
    short_help="Tell one simulated history, day by day.",
    epilog="""\b
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
""",
)
def history_command(
    scenario_id: ScenarioArg = None,
    seed: SeedOpt = 0,
    index: Annotated[
        int | None,
        typer.Option(
            "--index",
            "-i",
            metavar="I",
            help=f"Which history (0 to {ensemble.MAX_RUNS - 1:,}); default 0.",
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
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show quiet turns and repeated choices.")
    ] = False,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Tell one simulated history day by day (Washington and London time), with the reasons
    behind each choice."""
    sc = _scenario(scenario_id, scenario_file)
    _check_seed(seed)
    params = _apply_sets(sc.params(), sets)
    if index is not None and outcome is not None:
        raise BadInput("give either --index or --outcome, not both")
    if outcome is not None:
        if outcome not in OUTCOMES:
            raise BadInput(
                unknown_name_message(outcome, list(OUTCOMES), "outcome")
                + f" (allowed: {', '.join(OUTCOMES)})"
            )
        _check_runs(runs)
        with _progress(runs, f"Searching {runs:,} histories") as advance:
            results = ensemble.run(params, runs, seed, progress=advance)
        found = history.find(results, outcome)
        if found is None:
            raise BadInput(
                f"no history among the first {runs:,} (seed {seed}) ended in '{outcome}'; "
                f"try a larger --runs (up to {ensemble.MAX_RUNS:,}) or another --seed"
            )
        index = found
    index = 0 if index is None else index
    if not 0 <= index < ensemble.MAX_RUNS:
        raise BadInput(f"--index {index} is out of range: allowed 0 to {ensemble.MAX_RUNS - 1:,}")
    h = history.replay(params, seed, index)
    ref = _cli_ref(sc, scenario_file) + _sets_ref(sets or []) + f" --seed {seed}"
    width = _width(None)
    lines = [
        f"History {index} of `cuba62 run {ref}`: {h.outcome_label}",
        _wrap(
            "Times are Washington / London (five hours ahead). In brackets: what pushed hardest "
            "for each choice, and how likely that choice was.",
            width,
        ),
        "",
        *(_wrap(line, width, "", "    ") for line in history.narrative(h, verbose).splitlines()),
    ]
    _emit("\n".join(lines) + "\n", None)


@app.command(
    "validate",
    short_help="Check scenario files you wrote.",
    epilog="""\b
Examples:
  cuba62 validate my_what_if.toml
  cuba62 validate scenarios/*.toml

\b
A scenario file is TOML: copy one from scenarios/ and change it. Parameter names and allowed
values are listed by `cuba62 params`.
""",
)
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="Scenario TOML files to check.", show_default=False),
    ],
) -> None:
    """Check scenario files you wrote: prints "FILE: ok" or the problem, one line per file."""
    failed = 0
    for path in files:
        try:
            _load_file(path)
        except BadInput as e:
            failed += 1
            _error(_one_line(str(e)))
        else:
            sys.stdout.write(f"{path}: ok\n")
    if failed:
        raise typer.Exit(2)


# Sweeps, sensitivity analysis and scenario discovery live in their own module.
register_analysis(app)


# --- entry point --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: run the command and turn every failure into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    if not args:
        args = ["--help"]
    try:
        result = command.main(args=args, prog_name="cuba62", standalone_mode=False)
    except BadInput as e:
        _error(_one_line(str(e)))
        return 2
    except typer.TyperException as e:
        # Typer's usage errors (unknown option, missing argument, not a number, ...): exit 2.
        ctx = getattr(e, "ctx", None)
        path = getattr(ctx, "command_path", "")
        hint = f" (see `{path} --help`)" if path else ""
        _error(_one_line(e.format_message()) + hint)
        code = getattr(e, "exit_code", 2)
        return code if isinstance(code, int) and code != 1 else 2
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as e:  # noqa: BLE001 - the top level promises one line, never a traceback
        if os.environ.get("CUBA62_DEBUG", "").strip() not in ("", "0"):
            traceback.print_exc()
        _error(_one_line(f"internal error: {type(e).__name__}: {e}"))
        return 1
    return result if isinstance(result, int) else 0


# --- input checks -------------------------------------------------------------------------------


def _check_runs(runs: int) -> None:
    if runs > ensemble.MAX_RUNS:
        raise BadInput(
            f"--runs {runs:,} is too many: the most in one go is {ensemble.MAX_RUNS:,} "
            f"(use --runs {ensemble.MAX_RUNS} or less)"
        )
    try:
        ensemble.check_runs(runs)
    except ValueError:
        raise BadInput(
            f"--runs {runs} is out of range: allowed 1 to {ensemble.MAX_RUNS:,}"
        ) from None


def _check_seed(seed: int) -> None:
    if not 0 <= seed <= MAX_SEED:
        raise BadInput(f"--seed {seed} is out of range: allowed 0 to {MAX_SEED} (2^63 - 1)")


def _parse_sets(sets: Sequence[str] | None, option: str = "--set") -> dict[str, Value]:
    """NAME=VALUE pairs from the command line, checked against the schema."""
    values: dict[str, Value] = {}
    for item in sets or []:
        name, sep, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise BadInput(f"{option} '{item}' needs the form NAME=VALUE, e.g. uk.consultation=0.8")
        if name in values:
            raise BadInput(f"{option} {name} is given twice; give each parameter once")
        try:
            values[name] = coerce(name, raw)
        except ParameterError as e:
            raise BadInput(f"{option} {e}") from None
    return values


def _apply_sets(base: Params, sets: Sequence[str] | None, option: str = "--set") -> Params:
    overrides = _parse_sets(sets, option)
    try:
        return make_params(overrides, base=base)
    except ParameterError as e:
        raise BadInput(f"{option} {e}" if overrides else str(e)) from None


def _check_out(out: Path | None) -> Path | None:
    """Fail before any work if --out cannot be written (the file itself is written at the end)."""
    if out is None:
        return None
    if str(out) == "-":
        return None
    if out.is_dir():
        raise BadInput(f"--out {out} is a directory; give a file name")
    folder = out.parent
    if not folder.is_dir():
        raise BadInput(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise BadInput(f"--out {out}: permission denied")
    return out


# --- output -------------------------------------------------------------------------------------


def _emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it to `out` atomically (a temporary file, then a rename)."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    folder = out.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
        tmp = None
    except OSError as e:
        raise BadInput(f"--out {out}: cannot write: {e.strerror or e}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    _error(f"wrote {out}", prefix="")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _error(message: str, prefix: str = "error: ") -> None:
    sys.stderr.write(prefix + message + "\n")
    sys.stderr.flush()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _json(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _width(out: Path | None) -> int:
    if out is None and sys.stdout.isatty():
        return max(60, min(shutil.get_terminal_size((FILE_WIDTH, 24)).columns, 140))
    return FILE_WIDTH


def _render(parts: Sequence[RenderableType], width: int | None = None) -> str:
    """Plain text (no colour, no terminal codes): the same bytes on screen, in a pipe or a file."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or _width(None),
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


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
    )


def _plain(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str, width: int, indent: str = "  ") -> str:
    """Wrapped text that keeps the blank lines between paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n\n".join(_wrap(_plain(p), width, indent) for p in paragraphs)


def _items(items: Sequence[str], width: int) -> list[str]:
    return [_wrap(_plain(item), width, "  - ", "    ") for item in items] or ["  (none)"]


def _text(value: object) -> str:
    return "—" if value is None else str(value)


def pct(x: float) -> str:
    """A share as a percentage with enough digits to tell small numbers from zero."""
    value = x * 100
    if abs(value) < 1e-9:
        return "0.0%"
    if abs(value) < 0.1:
        return f"{value:.2f}%"
    return f"{value:.1f}%"


def _interval(s: summary.Share) -> str:
    return f"{pct(s.lo)} – {pct(s.hi)}"


def _citations(sc: Scenario) -> list[str]:
    """The scenario's sources, then any other citation in its historical basis, each once."""
    found = list(sc.sources)
    for bracket in CITATION.findall(sc.historical_basis):
        found += sources.citations_in(bracket, strict=True)
    return list(dict.fromkeys(c.strip() for c in found))


def _reference(citation: str) -> str:
    try:
        return sources.resolve(citation)
    except sources.SourceError as e:
        return f"(not found: {e})"


def _baseline_params() -> Params:
    try:
        return scenario_files.load_scenario(scenario_files.BASELINE_ID).params()
    except ScenarioError as e:
        raise BadInput(str(e)) from None


def _cli_ref(sc: Scenario, path: Path | None) -> str:
    return f"--scenario-file {path}" if path is not None else sc.id


def _sets_ref(sets: Sequence[str]) -> str:
    return "".join(f" --set {s.strip()}" for s in sets)


# --- parameters ---------------------------------------------------------------------------------


def _param_range(
    s: ParamSpec, compact: bool = False
) -> tuple[float | str | None, float | str | None]:
    """(min, max): numbers for floats, date-times in the parameter's timezone, None otherwise."""
    if s.kind == "float":
        if compact:
            assert s.minimum is not None and s.maximum is not None
            return format_value(s.minimum), format_value(s.maximum)
        return s.minimum, s.maximum
    if s.kind == "datetime":
        first, last = calendar.START, calendar.END
        if s.timezone == "London":
            first, last = calendar.london(first), calendar.london(last)
        if compact:
            return calendar.fmt(first), calendar.fmt(last)
        return format_value(first), format_value(last)
    return None, None


def _param_unit(s: ParamSpec, short: bool = False) -> str:
    if s.kind == "datetime":
        return f"{s.timezone} time"
    if s.kind == "bool":
        return "true or false"
    if s.kind == "choice":
        return "one of: " + ", ".join(s.choices)
    if s.presets:
        presets = "see presets below" if short else ", ".join(s.presets)
        return f"{s.unit}; or a preset ({presets})"
    return s.unit


def _value(name: str, value: Value) -> str:
    """A parameter value as typed, with the timezone for date-times."""
    spec = SPECS[name]
    return format_value(value) + (f" {spec.timezone}" if spec.kind == "datetime" else "")


def _param_json(s: ParamSpec) -> dict[str, Any]:
    lo, hi = _param_range(s)
    default: object = format_value(s.default) if s.kind == "datetime" else s.default
    return {
        "name": s.name,
        "label": s.label,
        "kind": s.kind,
        "default": default,
        "min": lo,
        "max": hi,
        "unit": _param_unit(s) if s.kind != "float" else s.unit,
        "choices": list(s.choices),
        "actor": s.actor,
        "meaning": s.meaning,
        "source": s.source,
    }


def _param_detail(s: ParamSpec, width: int) -> str:
    rows = [
        f"{s.name}: {s.label}",
        _wrap(s.meaning, width, "  "),
        f"  actor:   {ACTOR_NAMES[s.actor]}",
        f"  default: {format_value(s.default)}",
        _wrap(f"allowed: {s.allowed()}", width, "  ", "           "),
        _wrap(f"source:  {s.source}", width, "  ", "           "),
        f"  example: cuba62 run baseline --set {s.name}={_example_value(s)}",
    ]
    return "\n".join(rows)


def _example_value(s: ParamSpec) -> str:
    if s.kind == "bool":
        return format_value(not s.default)
    if s.kind == "choice":
        return next(c for c in s.choices if c != s.default)
    if s.kind == "datetime":
        return f"'{format_value(s.default)}'"
    if s.presets:
        return next(iter(HAZARD_PRESETS))
    assert s.minimum is not None and s.maximum is not None
    return format_value(round((s.minimum + s.maximum) / 2, 3))


# --- run and compare output ---------------------------------------------------------------------


def _when(step: int) -> str:
    return format_value(calendar.step_time(step)) if step >= 0 else ""


def _concession_names(bits: int) -> str:
    return ";".join(c for i, c in enumerate(CONCESSIONS) if bits & (1 << i))


def _run_csv(r: ensemble.Results) -> str:
    outcome, resolved = r.outcome.tolist(), r.resolved_step.tolist()
    conc, peak, incidents = r.concessions.tolist(), r.peak_escalation.tolist(), r.incidents.tolist()
    rows = (
        (
            i,
            OUTCOMES[outcome[i]],
            _when(resolved[i]),
            _concession_names(conc[i]),
            peak[i],
            incidents[i],
        )
        for i in range(r.runs)
    )
    return csv_text(
        ("history", "outcome", "resolved", "concessions", "peak_escalation", "incidents"), rows
    )


def _compare_csv(p: ensemble.Paired) -> str:
    s, b = p.scenario, p.baseline
    so, bo = s.outcome.tolist(), b.outcome.tolist()
    sr, br = s.resolved_step.tolist(), b.resolved_step.tolist()
    sc, bc = s.concessions.tolist(), b.concessions.tolist()
    sp, bp = s.peak_escalation.tolist(), b.peak_escalation.tolist()
    si, bi = s.incidents.tolist(), b.incidents.tolist()
    rows = (
        (
            i,
            OUTCOMES[so[i]],
            OUTCOMES[bo[i]],
            format_value(so[i] != bo[i]),
            _when(sr[i]),
            _when(br[i]),
            _concession_names(sc[i]),
            _concession_names(bc[i]),
            sp[i],
            bp[i],
            si[i],
            bi[i],
        )
        for i in range(s.runs)
    )
    return csv_text(
        (
            "history",
            "outcome",
            "baseline_outcome",
            "changed",
            "resolved",
            "baseline_resolved",
            "concessions",
            "baseline_concessions",
            "peak_escalation",
            "baseline_peak_escalation",
            "incidents",
            "baseline_incidents",
        ),
        rows,
    )


def _run_table(
    sc: Scenario, r: ensemble.Results, sets: Sequence[str], path: Path | None, width: int
) -> list[RenderableType]:
    ref = f"{_cli_ref(sc, path)} --runs {r.runs} --seed {r.seed}{_sets_ref(sets)}"
    parts: list[RenderableType] = [
        f"{sc.title}  ({sc.id})",
        _wrap(
            f"{r.runs:,} simulated histories, seed {r.seed}. The 95% interval shows how much a "
            "share could move with more runs; it says nothing about whether the model is right.",
            width,
        ),
        "",
    ]
    shares = summary.outcome_shares(r)
    table = _table("outcome", "id", "share", "95% interval")
    for name in OUTCOMES:
        table.add_row(LABELS[name], name, pct(shares[name].share), _interval(shares[name]))
    table.columns[2].justify = "right"
    war = summary.war_share(r)
    parts += [
        table,
        f"Any fighting (air strike, invasion, Berlin clash or nuclear): {pct(war.share)} "
        f"({_interval(war)})",
        "",
    ]
    deals = int((r.outcome == OUTCOMES.index("negotiated_withdrawal")).sum())
    if deals:
        parts += [f"What the {deals:,} negotiated withdrawals contained"]
        conc = _table("concession", "id", "share of deals", "95% interval")
        for name, share in summary.concession_shares(r).items():
            label = CONCESSION_LABELS.get(name, name)
            conc.add_row(label, name, pct(share.share), _interval(share))
        conc.columns[2].justify = "right"
        parts += [conc]
        med = summary.median_resolution(r)
        if med is not None:
            parts += [
                f"Median date of a negotiated withdrawal: {calendar.fmt(med)} Washington / "
                f"{calendar.fmt(calendar.london(med))} London",
                "",
            ]
    parts += ["Highest rung of the escalation ladder each history reached"]
    peaks = _table("rung", "", "share of histories")
    for rung, (name, fraction) in enumerate(summary.peak_distribution(r).items()):
        peaks.add_row(str(rung), name, pct(fraction))
    peaks.columns[2].justify = "right"
    parts += [
        peaks,
        f"Incidents nobody chose (per history, on average): {float(r.incidents.mean()):.2f}",
        "",
        f"Same result again:   cuba62 run {ref}",
        f"Read one history:    cuba62 history {_cli_ref(sc, path)} --seed {r.seed}{_sets_ref(sets)}"
        f" {_history_pick(r)}",
        f"Against the history: cuba62 compare {_cli_ref(sc, path)} --runs {r.runs} --seed {r.seed}"
        f"{_sets_ref(sets)}",
    ]
    return parts


def _history_pick(r: ensemble.Results) -> str:
    """`--outcome X` for the gravest war outcome the run produced, else `--index 0`."""
    counts = np.bincount(r.outcome, minlength=len(OUTCOMES))
    for name in reversed(WAR_OUTCOMES):
        if counts[OUTCOMES.index(name)]:
            runs = f" --runs {r.runs}" if r.runs > DEFAULT_RUNS else ""
            return f"--outcome {name}{runs}"
    return "--index 0"


def _compare_table(
    sc: Scenario, base: Scenario, p: ensemble.Paired, width: int
) -> list[RenderableType]:
    s_shares, b_shares = summary.outcome_shares(p.scenario), summary.outcome_shares(p.baseline)
    diff = summary.paired_difference(p)
    parts: list[RenderableType] = [
        f"Scenario: {sc.title}  ({sc.id})",
        f"Baseline: {base.title}  ({base.id})",
        _wrap(
            f"{p.scenario.runs:,} paired histories, seed {p.scenario.seed}: both sides play the "
            "same histories with the same random numbers, so a difference is the changed decision, "
            "not luck. Differences are in percentage points; one whose interval includes 0 may be "
            "chance.",
            width,
        ),
        "",
    ]
    table = _table("outcome", "scenario", "baseline", "difference", "95% interval")
    for name in OUTCOMES:
        d = diff[name]
        table.add_row(
            LABELS[name],
            pct(s_shares[name].share),
            pct(b_shares[name].share),
            _signed(d.share),
            f"{_signed(d.lo)} to {_signed(d.hi)}",
        )
    for col in (1, 2, 3):
        table.columns[col].justify = "right"
    table.columns[0].no_wrap = table.columns[4].no_wrap = True
    infl = summary.influence(p)
    parts += [
        table,
        f"Histories that end differently: {pct(infl.share)} ({_interval(infl)})",
        "",
        "What changed",
        _wrap(summary.what_changed(p, sc.id, base.id), width, "  "),
    ]
    return parts


def _signed(x: float) -> str:
    """A difference of shares in percentage points, signed: '+4.1', '-0.05', '0.0'."""
    value = x * 100
    if abs(value) < 1e-9:
        return "0.0"
    if abs(value) < 0.05:
        return f"{value:+.2f}"
    return f"{value:+.1f}"


# --- progress -----------------------------------------------------------------------------------


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long runs; nothing if stderr is not a terminal."""
    if total < PROGRESS_MIN:
        yield None
        return
    with progress_hooks() as (start, advance):
        if advance is not None:
            start(total, label)
        yield advance


if __name__ == "__main__":
    sys.exit(main())
