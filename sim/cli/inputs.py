"""What the user typed, checked before any work: scenarios, --runs, --seed, --set and --out.

One place decides what a scenario argument may be: an id from scenarios/ (never a path) or a user
file given with --scenario-file, with one-line errors and a 'did you mean'. Every check raises
`BadInput` with the line the user will read.

The scenario and parameter modules (pydantic) are imported by the checks that need them, not
here, so that `cuba62 --help` does not pay for them (benchmarks/bench_cli.py).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sim import limits, outfiles
from sim.cli.errors import BadInput

if TYPE_CHECKING:
    from sim.params import Params, Value
    from sim.scenario import Scenario

# --- scenarios ----------------------------------------------------------------------------------


def all_scenarios() -> list[Scenario]:
    from sim import scenario as scenario_files
    from sim.scenario import ScenarioError

    try:
        return list(scenario_files.list_scenarios())
    except ScenarioError as e:
        raise BadInput(str(e)) from None


def resolve_scenario(
    scenario_id: str | None, path: Path | None, what: str = "scenario"
) -> Scenario:
    """The scenario named by an id (never a path) or by --scenario-file."""
    from sim import scenario as scenario_files
    from sim.params import ParameterError
    from sim.scenario import ScenarioError

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
    from sim import scenario as scenario_files
    from sim.params import ParameterError
    from sim.scenario import ScenarioError

    try:
        return scenario_files.load_file(path)
    except (ScenarioError, ParameterError) as e:
        message = str(e)
        raise BadInput(message if path.name in message else f"{path}: {message}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a UTF-8 text file") from None
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None


def baseline_params() -> Params:
    from sim import scenario as scenario_files
    from sim.scenario import ScenarioError

    try:
        return scenario_files.load_scenario(scenario_files.BASELINE_ID).params()
    except ScenarioError as e:
        raise BadInput(str(e)) from None


# --- numbers and settings -----------------------------------------------------------------------


def check_runs(runs: int) -> None:
    """--runs within `sim.limits.RUNS` (the engine's range), with a friendlier line for too many."""
    high = limits.RUNS.high
    if isinstance(runs, int) and runs > high:
        raise BadInput(
            f"--runs {runs:,} is too many: the most in one go is {high:,} "
            f"(use --runs {high} or less)"
        )
    problem = limits.runs_error(runs, field="--runs")
    if problem:
        raise BadInput(problem)


def check_seed(seed: int) -> None:
    """--seed within `sim.limits.SEED`: the one seed range of the app, links and command line."""
    problem = limits.seed_error(seed, field="--seed")
    if problem:
        raise BadInput(problem)


def parse_sets(sets: Sequence[str] | None, option: str = "--set") -> dict[str, Value]:
    """NAME=VALUE pairs from the command line, checked against the schema."""
    from sim.params import ParameterError, coerce

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


def apply_sets(base: Params, sets: Sequence[str] | None, option: str = "--set") -> Params:
    from sim.params import ParameterError, make_params

    overrides = parse_sets(sets, option)
    try:
        return make_params(overrides, base=base)
    except ParameterError as e:
        raise BadInput(f"{option} {e}" if overrides else str(e)) from None


def check_out(out: Path | None) -> Path | None:
    """Fail before any work if --out cannot be written (the file itself is written at the end)."""
    if out is None:
        return None
    if str(out) == "-":
        return None
    try:
        outfiles.check_regular(out)  # a FIFO, device or directory would be replaced, not written
    except outfiles.OutFileError as e:
        raise BadInput(str(e)) from None
    folder = out.parent
    if not folder.is_dir():
        raise BadInput(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise BadInput(f"--out {out}: permission denied")
    return out


@contextmanager
def claim_out(out: Path | None) -> Iterator[Path | None]:
    """`check_out`, then hold --out's lock file until the block ends: a second run writing the
    same file at the same time gets one line, "in use by another run" (`sim.outfiles`)."""
    out = check_out(out)
    if out is None:
        yield None
        return
    try:
        with outfiles.exclusive(out) as held:
            yield held
    except outfiles.OutFileError as e:
        raise BadInput(str(e)) from None
