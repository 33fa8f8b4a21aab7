"""`cuba62 play`: take London's chair, step by step, in one seeded history; then the debrief.

Interactive by default (one prompt per British decision step); `--choices` plays a whole game
without prompts and prints the debrief. The engine is imported inside the command so that
`cuba62 --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim import limits
from sim.cli.errors import BadInput
from sim.cli.inputs import apply_sets, check_seed, claim_out, resolve_scenario
from sim.cli.options import ScenarioArg, ScenarioFileOpt, SeedOpt, SetOpt
from sim.cli.render import emit, wrap

if TYPE_CHECKING:
    from sim.play import Choice, Played

EPILOG = """\b
Examples:
  cuba62 play                                   # interactive: baseline, seed 0, history 0
  cuba62 play baseline --seed 3 --index 7       # another history
  cuba62 play --choices "21:restraint,27:thor,30:alert"    # a whole game, then the debrief
  cuba62 play --choices 21R27T30A --html debrief.html      # the same game, compact form

\b
A choice is STEP:MOVE. Steps are 6 hours (step 21 = 21 Oct 18:00 Washington, 23:00 London, when
London was told); a line (S support, R advise restraint, F press firmness) holds until you change
it; A raises the alert once; T / P offer the Thors via Dean in private / public, B is
Ormsby-Gore's Berlin proposal (once each, from step 26 = 23 Oct London). The US and the USSR
are the model, on the same random numbers as history --index of `cuba62 run`.
"""

HELP_MOVES = (
    "Moves: S support quietly, R advise restraint (the UN route), F press firmness (no Berlin "
    "trade), A raise the alert (once); add T / P (Thors via Dean, private / public) or B "
    "(Berlin proposal) with '+', e.g. 'R+T'. Enter keeps your line; 'end' keeps it to the end."
)


def play_command(
    scenario_id: ScenarioArg = None,
    seed: SeedOpt = 0,
    index: Annotated[
        int,
        typer.Option("--index", "-i", metavar="I", help="Which history to play (default 0)."),
    ] = 0,
    choices: Annotated[
        str | None,
        typer.Option(
            "--choices",
            "-c",
            metavar="STEP:MOVE,...",
            help="Play without prompts: e.g. '21:restraint,27:thor' or '21R27T'.",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option("--runs", "-n", metavar="N", help="Histories in the debrief's replay."),
    ] = 5000,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Also write the one-page debrief.", show_default=False
        ),
    ] = None,
    sets: SetOpt = None,
    scenario_file: ScenarioFileOpt = None,
) -> None:
    """Play as Britain: choose London's line at each step, seeing only what London knew; then
    see your policy replayed over thousands of paired histories."""
    from sim import play

    if scenario_id is None and scenario_file is None:
        scenario_id = "baseline"
    sc = resolve_scenario(scenario_id, scenario_file)
    check_seed(seed)
    problem = limits.HISTORY.error(index, field="--index") or limits.RUNS.error(runs, "--runs")
    if problem:
        raise BadInput(problem)
    params = apply_sets(sc.params(), sets)
    if choices is not None:
        played = play.play(params, seed, index, choices)
        if played.warning:
            raise BadInput(f"--choices: {played.warning}")
    else:
        played = interactive(play.play(params, seed, index))
    with claim_out(html_out) as out:
        emit(debrief_text(played, sc.id, runs, out), None)


def interactive(played: Played) -> Played:
    """Prompt for London's move at each decision step, showing what London knew then."""
    from sim import london, play, voices

    shown = 0
    typer.echo(wrap(HELP_MOVES, 100))
    step = play.FIRST_STEP
    fo = played.game.params.f("uk.foreign_office_weight")
    while step <= played.end_step:
        news = london.briefing(played.history, step)
        typer.echo(f"\n== Step {step}: {play.when(step)} ==")
        for item in news[shown:]:
            typer.echo(wrap(f"{item.heard} ({item.channel}): {item.text}", 100, "  ", "    "))
        shown = len(news)
        alert = next((c.step for c in played.game.choices if c.move == "raise_alert"), None)
        for line in london.alert_state(played.history, step, alert):
            typer.echo(wrap("Alert: " + line, 100, "  ", "    "))
        advice = voices.advice(played.seen[step], fo)
        for v in advice.voices:
            typer.echo(wrap(v.sentence, 100, "  ", "    "))
        line = play.MOVES[played.line_at(step)].label
        answer = typer.prompt(f"Your move (line now: {line})", default="", show_default=False)
        new, to_end = read_answer(answer, step, played)
        if new is None:
            typer.echo("  " + HELP_MOVES)
            continue
        g = played.game
        tried = play.play(g.params, g.seed, g.index, new)
        if tried.warning:  # keep the game as it was
            typer.echo(f"  not allowed: {tried.warning}")
            continue
        played = tried
        step = played.end_step + 1 if to_end else step + 1
    return played


def read_answer(answer: str, step: int, played: Played) -> tuple[tuple[Choice, ...] | None, bool]:
    """The game's choices after this answer (None: unreadable), and whether to run to the end."""
    from sim import play

    words = answer.strip()
    to_end = words.lower() == "end"
    if not words or to_end:
        return played.game.choices, to_end
    new: list[Choice] = []
    for part in words.replace(" ", "").split("+"):
        move = play.move_id(part)
        if move is None:
            return None, False
        if move != played.line_at(step) or move == "raise_alert":  # no need to repeat a line
            new.append(play.Choice(step, move))
    new.sort(key=lambda c: play.MOVES[c.move].initiative)  # the line first, then initiatives
    return played.game.choices + tuple(new), False


def debrief_text(played: Played, scenario: str, runs: int, html_out: Path | None) -> str:
    """The debrief for the terminal (and the one-page HTML to `html_out`)."""
    from sim import debrief
    from sim.history import narrative

    d = debrief.debrief(played, runs)
    g = played.game
    lines = [
        f"Debrief: scenario {scenario}, seed {g.seed}, history {g.index}; choices "
        f"{g.code or '(none: quiet support throughout)'}",
        "",
        *(wrap(s, 100) for s in d.sentences()),
        "",
        "Your choices (London time):",
        *(f"  {c}" for c in debrief.choices_text(played)),
        "",
        f"Outcomes over {d.runs:,} paired histories (yours | the model's Britain):",
        *(
            f"  {label}: {debrief.interval(a)} | {debrief.interval(b)}"
            for label, a, b in d.outcome_rows()
        ),
        "",
        "Your history (Washington / London time):",
        *(
            wrap(x, 100, "  ", "      ")
            for x in debrief.player_narrative(played.history).split("\n")
        ),
        "",
        "The same history with the model's Britain:",
        *(wrap(x, 100, "  ", "      ") for x in narrative(d.model_history).split("\n")),
        "",
        f"Replay this game: cuba62 play {scenario} --seed {g.seed} --index {g.index} "
        f"--choices '{g.code}'",
    ]
    if html_out is not None:
        emit(debrief.as_html(d, scenario), html_out)
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add `play`."""
    app.command("play", short_help="Play as Britain, step by step; then a debrief.", epilog=EPILOG)(
        play_command
    )
