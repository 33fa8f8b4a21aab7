"""`cuba62 scenarios`, `cuba62 show` and `cuba62 validate`: the what-ifs, explained and checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.errors import BadInput, error, one_line
from sim.cli.inputs import all_scenarios, baseline_params, load_file, resolve_scenario
from sim.cli.options import ScenarioArg, ScenarioFileOpt
from sim.cli.parameters import typed_value
from sim.cli.render import (
    emit,
    items,
    paragraphs,
    render,
    scenario_ref,
    table,
    width_for,
    wrap,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from sim.lessons import Expectation
    from sim.scenario import Scenario

#: "[OH, S:46]" in a scenario's historical basis.
CITATION = re.compile(r"\[([^\[\]]+)\]")

SCENARIOS_EPILOG = """\b
Examples:
  cuba62 scenarios
  cuba62 show thor_immobilisation       # then read one in full
"""

SHOW_EPILOG = """\b
Examples:
  cuba62 show thor_immobilisation
  cuba62 show --scenario-file my_what_if.toml
"""

VALIDATE_EPILOG = """\b
Examples:
  cuba62 validate my_what_if.toml
  cuba62 validate scenarios/*.toml

\b
A scenario file is TOML: copy one from scenarios/ and change it. Parameter names and allowed
values are listed by `cuba62 params`.
"""


def scenarios_command() -> None:
    """List the shipped scenarios: id, title and the question each one asks."""
    listing = table("id", "title", "question")
    for sc in all_scenarios():
        listing.add_row(sc.id, sc.title, one_line(sc.question))
    listing.columns[0].no_wrap = listing.columns[1].no_wrap = True
    emit(render([listing, "", "Read one: cuba62 show ID    Run one: cuba62 run ID"]), None)


def show_command(
    scenario_id: ScenarioArg = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Explain a scenario: its question, historical basis, sources, what to notice, what to try,
    its debrief questions, and the parameters it changes from the baseline."""
    from sim.params import SPECS

    sc = resolve_scenario(scenario_id, scenario_file)
    width = width_for(None)
    parts: list[RenderableType] = [f"{sc.title}  ({sc.id})", ""]
    for heading, value in (
        ("Question", sc.question),
        ("Historical basis", sc.historical_basis),
        ("Lesson", sc.lesson),
    ):
        if value:
            parts += [heading, paragraphs(value, width), ""]
    if sc.expect:
        parts += [
            "What the model must show for this lesson (checked by tests/test_lessons.py)",
            *items([expectation_text(e) for e in sc.expect], width),
            "",
        ]
    parts += ["Sources"]
    citations = _citations(sc)
    if citations:
        parts += [wrap(f"[{c}] {_reference(c)}", width, "  ", "      ") for c in citations]
    else:
        parts += ["  (none cited)"]
    parts += [""]
    for heading, entries in (
        ("What to notice", sc.what_to_notice),
        ("Things to try", sc.things_to_try),
        ("Questions for the debrief", sc.discussion),
    ):
        if not entries:
            continue
        parts += [heading, *items(entries, width), ""]
    base = baseline_params()
    changed = sc.params().differences(base)
    if changed:
        parts += ["Parameters changed from the baseline"]
        diff = table("parameter", "value", "baseline", "meaning")
        for name, new in changed.items():
            diff.add_row(
                name, typed_value(name, new), typed_value(name, base[name]), SPECS[name].meaning
            )
        parts += [diff]
    else:
        parts += ["Parameters changed from the baseline: none (this is the historical baseline)."]
    parts += ["", f"Run it: cuba62 run {scenario_ref(sc, scenario_file)}"]
    emit(render(parts), None)


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
            load_file(path)
        except BadInput as e:
            failed += 1
            error(str(e))
        else:
            emit(f"{path}: ok\n", None)
    if failed:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add `scenarios` and `show` (`validate` comes later in the help: see `register_validate`)."""
    app.command(
        "scenarios", short_help="List the what-if scenarios you can run.", epilog=SCENARIOS_EPILOG
    )(scenarios_command)
    app.command(
        "show",
        short_help="Explain one scenario: question, sources, what to try.",
        epilog=SHOW_EPILOG,
    )(show_command)


def register_validate(app: typer.Typer) -> None:
    app.command("validate", short_help="Check scenario files you wrote.", epilog=VALIDATE_EPILOG)(
        validate_command
    )


def expectation_text(e: Expectation) -> str:
    """One `expect` entry in words: 'British Thors immobilised in the deal: more often than in
    the baseline (beyond chance)'."""
    from sim import lessons, summary
    from sim.labels import CONCESSION_PHRASES, OUTCOME_LABELS

    if e.measure == lessons.ANY_WAR:
        name = "any fighting"
    elif e.measure in OUTCOME_LABELS:
        name = summary.in_sentence(OUTCOME_LABELS[e.measure])
    else:
        name = f"{CONCESSION_PHRASES.get(e.measure, e.measure)} in the deal"
    return {
        "up": f"{name}: more often than in the baseline (beyond chance)",
        "down": f"{name}: less often than in the baseline (beyond chance)",
        "none": f"{name}: practically as often as in the baseline (within 0.5 points or chance)",
        "most_common": f"{name}: the most common outcome",
    }[e.direction]


def _citations(sc: Scenario) -> list[str]:
    """The scenario's sources, then any other citation in its historical basis, lesson and
    discussion questions, each once."""
    from sim import sources

    found = list(sc.sources)
    prose = "\n".join([sc.historical_basis, sc.lesson, *sc.discussion])
    for bracket in CITATION.findall(prose):
        found += sources.citations_in(bracket, strict=True)
    return list(dict.fromkeys(c.strip() for c in found))


def _reference(citation: str) -> str:
    from sim import sources

    try:
        return sources.resolve(citation)
    except sources.SourceError as e:
        return f"(not found: {e})"
