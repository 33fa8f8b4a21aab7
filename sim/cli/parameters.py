"""`cuba62 params`: every parameter a scenario or --set may change, and the hazard presets.

`sim.params` (pydantic) is imported inside the functions, so that `cuba62 --help` does not pay
for it (benchmarks/bench_cli.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim import calendar
from sim.cli.errors import BadInput
from sim.cli.inputs import claim_out
from sim.cli.options import OutOpt, TableOrJson
from sim.cli.render import emit, json_text, render, table, width_for, wrap

if TYPE_CHECKING:
    from sim.params import ParamSpec, Value

ACTOR_SHORT = {"us": "US", "uk": "UK", "ussr": "USSR", "world": "World"}

PARAMS_EPILOG = """\b
Examples:
  cuba62 params                            # every parameter and the hazard presets
  cuba62 params uk.thor_offer              # one parameter in full
  cuba62 params --format json > params.json
  cuba62 run baseline --set uk.consultation=0.8 --set world.escalation_risk=kennedy
"""


def params_command(
    name: Annotated[
        str | None,
        typer.Argument(metavar="NAME", help="Show one parameter in full.", show_default=False),
    ] = None,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="table or json.")
    ] = TableOrJson.table,
    out: OutOpt = None,
) -> None:
    """Every parameter you can change with --set or in a scenario file: default, range, unit,
    actor and source (a FACTS.md key or "modelling assumption"), plus the hazard presets."""
    from sim.params import SCHEMA, SPECS, unknown_name_message

    specs: Sequence[ParamSpec] = SCHEMA
    if name is not None:
        if name not in SPECS:
            raise BadInput(unknown_name_message(name, SPECS, "parameter"))
        specs = [SPECS[name]]
    with claim_out(out) as out:
        _params_output(specs, name, fmt, out)


def _params_output(
    specs: Sequence[ParamSpec], name: str | None, fmt: TableOrJson, out: Path | None
) -> None:
    from sim.params import SPECS, format_value
    from sim.presets import ordered as ordered_presets

    if fmt == TableOrJson.json:
        emit(json_text([_param_json(s) for s in specs]), out)
        return
    if name is not None:
        emit(render([_param_detail(SPECS[name], width_for(out))]), out)
        return
    overview = table("name", "default", "min", "max", "unit", "actor")
    sourced = table("name", "source")
    for s in specs:
        lo, hi = _param_range(s, compact=True)
        overview.add_row(
            s.name,
            format_value(s.default),
            _text(lo),
            _text(hi),
            _param_unit(s, short=True),
            ACTOR_SHORT[s.actor],
        )
        sourced.add_row(s.name, s.source)
    for column in (0, 1, 2, 3, 5):
        overview.columns[column].no_wrap = True
    sourced.columns[0].no_wrap = True
    presets = table("preset", "estimate", "world.escalation_risk", "source")
    for p in ordered_presets():
        presets.add_row(
            p.name,
            p.estimate,
            format_value(p.escalation_risk),
            f"{p.source}; confidence {p.confidence}",
        )
    presets.columns[0].no_wrap = presets.columns[1].no_wrap = presets.columns[2].no_wrap = True
    emit(
        render(
            [
                overview,
                "",
                "Where each parameter comes from (a FACTS.md key, or a modelling assumption)",
                sourced,
                "",
                "Escalation presets: --preset ID, or a name as the value of "
                "world.escalation_risk (--set world.escalation_risk=kennedy). What each measures "
                "and what the model gives there: cuba62 presets",
                presets,
                "",
                "One parameter in full: cuba62 params NAME",
            ]
        ),
        out,
    )


def register(app: typer.Typer) -> None:
    """Add `params` (and `parameters`, hidden: sim.params' error messages point there)."""
    app.command(
        "params",
        short_help="List the parameters you can change with --set.",
        epilog=PARAMS_EPILOG,
    )(params_command)
    app.command("parameters", hidden=True)(params_command)


def typed_value(name: str, value: Value) -> str:
    """A parameter value as typed, with the timezone for date-times."""
    from sim.params import SPECS, format_value

    spec = SPECS[name]
    return format_value(value) + (f" {spec.timezone}" if spec.kind == "datetime" else "")


def _text(value: object) -> str:
    return "—" if value is None else str(value)


def _param_range(
    s: ParamSpec, compact: bool = False
) -> tuple[float | str | None, float | str | None]:
    """(min, max): numbers for floats, date-times in the parameter's timezone, None otherwise."""
    from sim.params import format_value

    if s.kind == "float":
        if compact:
            assert s.minimum is not None and s.maximum is not None
            return format_value(s.minimum), format_value(s.maximum)
        return s.minimum, s.maximum
    if s.kind == "datetime":
        first, last = s.time_range()  # the one statement of the range (sim.params)
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


def _param_json(s: ParamSpec) -> dict[str, Any]:
    from sim.params import format_value

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
    from sim.params import ACTOR_NAMES, format_value

    rows = [
        f"{s.name}: {s.label}",
        wrap(s.meaning, width, "  "),
        f"  actor:   {ACTOR_NAMES[s.actor]}",
        f"  default: {format_value(s.default)}",
        wrap(f"allowed: {s.allowed()}", width, "  ", "           "),
        wrap(f"source:  {s.source}", width, "  ", "           "),
        f"  example: cuba62 run baseline --set {s.name}={_example_value(s)}",
    ]
    return "\n".join(rows)


def _example_value(s: ParamSpec) -> str:
    from sim.params import HAZARD_PRESETS, format_value

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
