"""`cuba62 presets`: the published estimates of the danger of war, what each measures, and what
the model gives at each (`--solve` measures that again); and `--preset ID` for run and compare.

Only the light `sim.presets` is imported here; the solver (numpy, the engine) only for `--solve`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim import presets
from sim.cli.errors import BadInput, say
from sim.cli.inputs import check_out
from sim.cli.options import OutOpt, TableOrJson
from sim.cli.progress import progress_hooks
from sim.cli.render import emit, json_text, render, table, width_for, wrap

if TYPE_CHECKING:
    from sim.params import Params

PRESETS_EPILOG = f"""\b
Examples:
  cuba62 presets                                   # each estimate beside what the model gives
  cuba62 presets --format json
  cuba62 run baseline --preset kennedy             # the baseline at Kennedy's estimate
  cuba62 compare thor_immobilisation --preset participants_low
  cuba62 presets --solve                           # measure again (maintainers; under a minute)

\b
A preset sets {presets.PARAMETER}: the chance that an incident or a strike is not
contained, which no record shows. Each is solved so that the baseline's share of what the
estimate measures lies inside its range, on seeds {{seeds}} x {presets.SOLVE_RUNS:,} histories.
""".replace("{seeds}", ", ".join(map(str, presets.SOLVE_SEEDS)))


def preset_json(p: presets.Preset) -> dict[str, Any]:
    """A preset with its solved value and what the model gives there (None before a solve)."""
    doc = p.as_json()
    found = presets.solved(p.id)
    doc["parameter"] = presets.PARAMETER
    doc["value"] = None if found is None else found.value
    if found is None:
        doc["model"] = None
        return doc

    def share(m: presets.Measured) -> dict[str, Any]:
        return {"share": m.share, "ci95": [m.lo, m.hi]}

    doc["model"] = {
        "measured": share(found.measured),
        "inside_range": found.inside(p),
        "centre_unreachable": found.at_bound(p) or None,
        "per_seed": {str(s): share(m) for s, m in found.per_seed.items()},
        "nuclear_war": share(found.nuclear_war),
        "any_war": share(found.any_war),
        "scenario": presets.SCENARIO,
        "runs": found.runs,
        "seeds": list(found.seeds),
    }
    return doc


def presets_command(
    fmt: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="table or json.")
    ] = TableOrJson.table,
    out: OutOpt = None,
    solve: Annotated[
        bool,
        typer.Option(
            "--solve",
            help=f"Solve every preset again and rewrite {presets.SOLVED_FILE.name} and the tables "
            "in docs/MODEL.md (under a minute here; run after any change to the model or the "
            "baseline).",
        ),
    ] = False,
    runs: Annotated[
        int,
        typer.Option("--runs", "-n", metavar="N", help="With --solve: histories per seed."),
    ] = presets.SOLVE_RUNS,
    data_file: Annotated[
        Path | None, typer.Option("--data-file", hidden=True, metavar="FILE")
    ] = None,
    only: Annotated[list[str] | None, typer.Option("--only", hidden=True, metavar="ID")] = None,
) -> None:
    """Published estimates of the danger of war over the crisis, what each measures, its range,
    source and confidence, and what the model's baseline gives at the preset's setting."""
    if solve:
        solve_and_write(runs, data_file or presets.SOLVED_FILE, only)
        return
    from sim.params import format_value

    out = check_out(out)
    listed = presets.ordered()
    if fmt == TableOrJson.json:
        emit(json_text([preset_json(p) for p in listed]), out)
        return
    t = table("preset", "the estimate", "conf.", "escalation risk", "the model gives [95%]")
    notes = []
    for p in listed:
        found = presets.solved(p.id)
        gives = "not solved"
        if found is not None:
            gives = found.measured.text() + ("" if found.inside(p) else " OUTSIDE the range")
        t.add_row(
            p.id,
            p.estimate,
            p.confidence,
            "—" if found is None else format_value(found.value),
            gives,
        )
        note = f"{p.id}: {p.label}. Measures {p.note}. Source: {p.source}."
        if found is not None and found.at_bound(p):
            note += f" Solved at the bound: {found.at_bound(p)}."
        notes.append(note)
    for column in (0, 2, 3):
        t.columns[column].no_wrap = True
    size = next((s.run_size for p in listed if (s := presets.solved(p.id))), None)
    width = width_for(out)
    foot = (
        f"The model's shares: {size}, 95% intervals. Presets in order of {presets.PARAMETER}."
        if size
        else f"No preset is solved yet: run `{presets.SOLVE_COMMAND}`."
    )
    emit(
        render(
            [
                t,
                "",
                wrap(foot, width),
                "",
                *(wrap(n, width, "", "  ") for n in notes),
                "",
                wrap(
                    f"Use one: cuba62 run baseline --preset ID (sets {presets.PARAMETER} to the "
                    "value above).",
                    width,
                ),
            ],
            width,
        ),
        out,
    )


def solve_and_write(runs: int, path: Path, only: Sequence[str] | None) -> None:
    """Run the solver with a progress bar, write the data file, and exit 1 if a check fails."""
    from sim import presets_solver  # the engine: only when solving

    if not 100 <= runs <= 200_000:
        raise BadInput(f"--runs {runs} is out of range for --solve: allowed 100 to 200,000")
    for pid in only or []:
        check_preset(pid)
    ids = list(only) if only else list(presets.PRESETS)
    say(
        f"solving {len(ids)} presets on {presets.PARAMETER}: baseline, seeds "
        f"{', '.join(map(str, presets.SOLVE_SEEDS))} x {runs:,} histories per evaluation"
    )
    per_eval = runs * len(presets.SOLVE_SEEDS)
    with progress_hooks() as (start, advance):

        def tick(label: str, n: int) -> None:
            # One bar per evaluation (all seeds at one value); the solved lines go to stderr.
            if advance is None:
                return
            if n == 0:
                start(per_eval, "Solving: " + label)
            else:
                advance(n)

        document = presets_solver.solve(
            ids, runs=runs, progress=tick, done=lambda pid, e: say(presets_solver.describe(pid, e))
        )
    presets_solver.write(document, path)
    presets.solved_document.cache_clear()
    say(f"wrote {path} ({document['evaluations']} evaluations)")
    if path == presets.SOLVED_FILE:
        # docs/MODEL.md's preset table and the parameter default come from the file: regenerate
        # them in a fresh process (this one's schema was built from the old file).
        import subprocess
        import sys

        done = subprocess.run(
            [sys.executable, "-m", "sim.docgen"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            say("warning: could not regenerate docs/MODEL.md: run `python -m sim.docgen`")
        elif done.stdout.strip():
            say(done.stdout.strip() + " (docs/MODEL.md: the preset table and the default)")
    if document["problems"]:
        for problem in document["problems"]:
            say("problem: " + problem)
        raise typer.Exit(1)


def check_preset(preset_id: str) -> presets.Preset:
    try:
        return presets.get(preset_id)
    except ValueError as e:
        raise BadInput(str(e)) from None


def apply_preset(
    params: Params, preset_id: str | None, sets: Sequence[str] | None, option: str = "--set"
) -> Params:
    """`params` with the preset's solved value of PARAMETER; an explicit `--set` of the same
    parameter alongside `--preset` is refused (one line), since one of them would be ignored."""
    if preset_id is None:
        return params
    p = check_preset(preset_id)
    for item in sets or []:
        if item.partition("=")[0].strip() == presets.PARAMETER:
            raise BadInput(
                f"give --preset {preset_id} or {option} {presets.PARAMETER}=..., not both "
                f"(--preset sets {presets.PARAMETER})"
            )
    from sim.params import ParameterError, make_params

    try:
        return make_params({presets.PARAMETER: presets.value(p.id)}, base=params)
    except ParameterError as e:
        raise BadInput(str(e)) from None


def shown_sets(preset_id: str | None, sets: Sequence[str] | None) -> list[str]:
    """The --set list that reproduces a run with --preset exactly (the solved value, by number,
    so that a later re-solve does not change what the printed command gives)."""
    from sim.params import format_value

    shown = list(sets or [])
    if preset_id is not None:
        shown.append(f"{presets.PARAMETER}={format_value(presets.value(preset_id))}")
    return shown


def register(app: typer.Typer) -> None:
    """Add `presets`."""
    app.command(
        "presets",
        short_help="Published estimates of the danger of war, and what the model gives.",
        epilog=PRESETS_EPILOG,
    )(presets_command)
