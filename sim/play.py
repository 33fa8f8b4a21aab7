"""Play as Britain: a player takes London's chair in one seeded history; the US and USSR stay the
model.

A game is (the scenario's parameters, seed, history index, the player's choices). A choice is
(step, move): from that step London's line is the move (support, advise restraint, press
firmness), until the next one; raising the alert is a one-off at its step, after which the line
before it resumes; before any choice London supports quietly. The two British initiatives (the
Thor offer via Dean at the UN, private or public; Ormsby-Gore's Berlin proposal) are made at most
once, at the step chosen, by setting their schema parameters (`uk.thor_offer_time`, ...) to that
step's London time; the player's game has neither unless the player makes it.

The game replays deterministically: the UK agent's choice is replaced by the player's through the
model's controller hook (`CrisisModel(controllers={"uk": ...})`) and everything else draws the
same common random numbers as history `index` of the ensemble. The same controller applied to N
histories is the player's *policy* (`run_policy`), paired history by history with the model's
Britain. London's information is in `sim.london`, the two voices' advice in `sim.voices`, the
debrief in `sim.debrief`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from sim import calendar
from sim import world as w
from sim.agents.uk import UnitedKingdom
from sim.agents.view import CrisisView
from sim.ensemble import DEFAULT_CHUNK, Results, check_runs, chunks, combine, run_chunk
from sim.history import History, replay
from sim.params import SPECS, Params

#: London's lines: the UK agent's actions, in its order (index = action index).
LINES: tuple[str, ...] = UnitedKingdom.actions
#: The one-off British initiatives, made by parameters.
INITIATIVES: tuple[str, ...] = ("thor_private", "thor_public", "berlin")
#: The first step London has a choice: the evening it was told (21 Oct [Bbg, TNA-msg]).
FIRST_STEP = w.UK_TOLD_STEP
LAST_STEP = calendar.N_STEPS - 1
#: The longest list a game can hold: one line per decision step, plus two initiatives.
MAX_CHOICES = LAST_STEP - FIRST_STEP + 1 + 2
#: The longest text of choices read (longer: refused unread).
MAX_TEXT = 20 * MAX_CHOICES


@dataclass(frozen=True)
class Move:
    """One thing London can do: its id, one-letter code (for links), label, meaning, source."""

    id: str
    code: str
    label: str
    meaning: str
    source: str

    @property
    def initiative(self) -> bool:
        return self.id in INITIATIVES


MOVES: dict[str, Move] = {
    m.id: m
    for m in (
        Move(
            "support",
            "S",
            "Support Washington quietly",
            "Back Kennedy in public and offer no advice: Macmillan's public line.",
            "HL-25Oct; R95",
        ),
        Move(
            "advise_restraint",
            "R",
            "Advise restraint: the UN route",
            "Urge Washington to go slowly and through the UN: the Foreign Office's line (the "
            "quarantine's legal basis, U Thant's appeal).",
            "S:56–58; S:60–63; S:64; Aval-87",
        ),
        Move(
            "press_firmness",
            "F",
            "Press firmness: no Berlin trade",
            "Urge Washington to trade nothing over Berlin: the Cabinet's fear of a Cuba–Berlin "
            "bargain.",
            "UPI93; Tel-Horne",
        ),
        Move(
            "raise_alert",
            "A",
            "Raise the alert (once)",
            "Thors to readiness and Bomber Command to Alert Condition 3, without dispersal, as "
            "on 27 Oct; it stays raised.",
            "V2S; Emily-W",
        ),
        Move(
            "thor_private",
            "T",
            "Offer the Thors via Dean, in private",
            "Tell Sir Patrick Dean to let U Thant know Britain would immobilise its 60 Thors if "
            "asked: an answer to the Turkey demand.",
            "S:46; UPI93; Emily-W",
        ),
        Move(
            "thor_public",
            "P",
            "Offer the Thors via Dean, in public",
            "The same offer made openly at the UN: louder, and harder on the alliance (cost: "
            "modelling assumption).",
            "S:46; UPI93",
        ),
        Move(
            "berlin",
            "B",
            "Ormsby-Gore's Berlin proposal",
            "Use Cuba 'as a pawn' for West Berlin: no offensive weapons there, UN verification "
            "and UN observers.",
            "S:83–86",
        ),
    )
}
BY_CODE: dict[str, str] = {m.code: m.id for m in MOVES.values()}
#: Short names accepted on the command line besides ids and codes.
ALIASES: dict[str, str] = {"restraint": "advise_restraint", "firmness": "press_firmness"}
ALIASES.update({"alert": "raise_alert", "thor": "thor_private"})


def initiative_steps(move: str) -> tuple[int, ...]:
    """The steps an initiative may be made at: its time parameter's allowed range."""
    name = "uk.berlin_proposal_time" if move == "berlin" else "uk.thor_offer_time"
    return SPECS[name].time_steps()


def when(step: int) -> str:
    """'23 Oct 05:00 London' — the start of a step, as London's clock read it."""
    return calendar.fmt(calendar.london(calendar.step_time(step))) + " London"


@dataclass(frozen=True)
class Choice:
    """From `step` on, London's move is `move` (a line), or makes it (an initiative)."""

    step: int
    move: str

    @property
    def code(self) -> str:
        return f"{self.step}{MOVES[self.move].code}"

    @property
    def text(self) -> str:
        return f"{self.step}:{self.move}"


def encode(choices: Sequence[Choice]) -> str:
    """The compact form for links: '21R27T30A'."""
    return "".join(c.code for c in choices)


def move_id(word: str) -> str | None:
    word = word.strip()
    if word in MOVES:
        return word
    if word.upper() in BY_CODE and len(word) == 1:
        return BY_CODE[word.upper()]
    return ALIASES.get(word.lower())


def parse(text: str) -> tuple[tuple[Choice, ...], str]:
    """Choices from 'step:move,step:move' (ids, codes or short names) or the compact '21R27T';
    the choices read up to the first unreadable one, and a one-line error ('' if none)."""
    text = text.strip()
    if not text:
        return (), ""
    if len(text) > MAX_TEXT:
        return (), f"choices: {len(text):,} characters is too long (a game has at most " + (
            f"{MAX_CHOICES} choices)"
        )
    compact = re.fullmatch(r"(\d{1,3}[A-Za-z])+", text)
    parts = re.findall(r"\d{1,3}[A-Za-z]", text) if compact else text.split(",")
    out: list[Choice] = []
    for part in parts:
        if len(out) >= MAX_CHOICES:
            return tuple(out), f"choices: more than {MAX_CHOICES} (one line per step, plus 2 " + (
                "initiatives); the rest is ignored"
            )
        m = re.fullmatch(r"\s*(\d{1,3})\s*:?\s*([A-Za-z_]+)\s*", part)
        move = move_id(m.group(2)) if m else None
        if m is None or move is None:
            shown = part.strip()[:40]
            allowed = ", ".join(f"{c} ({i})" for c, i in BY_CODE.items())
            return tuple(out), f"choice '{shown}' is not 'step:move'; moves: {allowed}"
        out.append(Choice(int(m.group(1)), move))
    return tuple(out), ""


def check(choices: Sequence[Choice]) -> tuple[tuple[Choice, ...], str]:
    """The rules a list of choices must keep, in order: the valid prefix and the first broken
    rule in one line ('' if none). Whether a step is still in the crisis is checked by `play`."""
    valid: list[Choice] = []
    made: set[str] = set()
    for c in choices[:MAX_CHOICES]:
        problem = ""
        last = valid[-1].step if valid else FIRST_STEP
        line_here = any(v.step == c.step and not MOVES[v.move].initiative for v in valid)
        if c.move not in MOVES:
            problem = f"unknown move '{c.move}'; allowed: {', '.join(MOVES)}"
        elif not FIRST_STEP <= c.step <= LAST_STEP:
            problem = (
                f"step {c.step} is outside the game: London chooses from step {FIRST_STEP} "
                f"({when(FIRST_STEP)}) to step {LAST_STEP}"
            )
        elif c.step < last:
            problem = f"step {c.step} comes after step {last}: choices must be in time order"
        elif MOVES[c.move].initiative:
            kind = "thor" if c.move.startswith("thor") else "berlin"
            steps = initiative_steps(c.move)
            if kind in made:
                problem = f"{c.move}: the {'Thor offer' if kind == 'thor' else 'Berlin proposal'}"
                problem += " can be made only once"
            elif c.step not in steps:
                problem = (
                    f"{c.move} at step {c.step} is not allowed: from step {steps[0]} "
                    f"({when(steps[0])}) to step {steps[-1]}"
                )
            made.add(kind)
        elif line_here:
            problem = f"step {c.step}: London already has a line at this step; one per step"
        elif c.move == "raise_alert" and "alert" in made:
            problem = "raise_alert: the alert can be raised only once (it stays raised)"
        elif c.move == "raise_alert":
            made.add("alert")
        if problem:
            return tuple(valid), f"choice {c.text}: {problem}"
        valid.append(c)
    if len(choices) > MAX_CHOICES:
        return tuple(valid), f"choices: {len(choices)} is more than the {MAX_CHOICES} a game holds"
    return tuple(valid), ""


def line_at(choices: Sequence[Choice], step: int) -> str:
    """London's line at `step`: an alert raised at this step, else the latest line chosen at or
    before it (an alert does not stand), else quiet support."""
    line = "support"
    for c in choices:
        if c.step > step:
            break
        if c.move == "raise_alert":
            if c.step == step:
                return "raise_alert"
        elif not MOVES[c.move].initiative:
            line = c.move
    return line


def player_params(params: Params, choices: Sequence[Choice]) -> Params:
    """The scenario's parameters with the player's initiatives (and none of the scenario's own)."""
    sets: dict[str, object] = {"uk.thor_offer": "none", "uk.berlin_proposal": False}
    for c in choices:
        if c.move.startswith("thor"):
            sets["uk.thor_offer"] = "public" if c.move == "thor_public" else "private"
            sets["uk.thor_offer_time"] = SPECS["uk.thor_offer_time"].time_at(c.step)
        elif c.move == "berlin":
            sets["uk.berlin_proposal"] = True
            sets["uk.berlin_proposal_time"] = SPECS["uk.berlin_proposal_time"].time_at(c.step)
    return params.with_overrides(sets)


@dataclass(frozen=True)
class StepView:
    """What the UK agent's own rule made of one step in the played history: its utility
    components by action (history 0), which actions were legal, and its choice chances."""

    components: dict[str, tuple[float, ...]]
    legal: tuple[bool, ...]
    chances: tuple[float, ...]


class Policy:
    """The player's line as a controller: the same action in every history at each step from
    London's first choice on (-1, the agent's own rule, before it). With `watch`, it keeps what
    the UK agent's rule made of each step of history 0 (for the advice)."""

    def __init__(self, choices: Sequence[Choice], watch: bool = False) -> None:
        self.choices = tuple(choices)
        self.watch = watch
        self.seen: dict[int, StepView] = {}

    def __call__(self, step: int, view: CrisisView) -> npt.NDArray[np.int8]:
        n = view.world.n
        if step < FIRST_STEP:
            return np.full(n, -1, dtype=np.int8)
        if self.watch:
            self.seen[step] = _step_view(view)
        return np.full(n, LINES.index(line_at(self.choices, step)), dtype=np.int8)


def _step_view(view: CrisisView) -> StepView:
    """The UK agent's utilities and choice chances for history 0 at the current step."""
    uk = getattr(view, "uk", None)
    assert isinstance(uk, UnitedKingdom), "a game runs on the crisis model"
    components, legal = uk.utilities()
    legal = legal.copy()
    legal[:, 0] = True  # quiet support is always possible
    total = sum(components.values(), np.zeros(len(LINES)))[0]
    noise = view.params.f("world.decision_noise")
    weights = np.where(legal[0], np.exp((total - total[legal[0]].max()) / noise), 0.0)
    return StepView(
        {name: tuple(float(v) for v in comp[0]) for name, comp in components.items()},
        tuple(bool(x) for x in legal[0]),
        tuple(float(x) for x in weights / weights.sum()),
    )


@dataclass(frozen=True)
class Game:
    """A game: the scenario's parameters (the model's Britain plays by them), seed, history
    index and the player's choices (valid ones only: see `play`)."""

    params: Params
    seed: int
    index: int
    choices: tuple[Choice, ...] = ()

    @property
    def code(self) -> str:
        return encode(self.choices)

    def with_choice(self, *new: Choice) -> Game:
        return replace(self, choices=self.choices + tuple(new))


@dataclass(frozen=True)
class Played:
    """A game replayed: the history, its decision steps, what the UK rule made of each step,
    and a one-line warning if some choices had to be dropped."""

    game: Game
    history: History
    seen: dict[int, StepView] = field(repr=False)
    warning: str = ""

    @property
    def end_step(self) -> int:
        """The last step London decides at: the step the crisis ended, or the horizon."""
        r = self.history.resolved_step
        return LAST_STEP if r < 0 else r

    @property
    def decision_steps(self) -> range:
        return range(FIRST_STEP, self.end_step + 1)

    def line_at(self, step: int) -> str:
        return line_at(self.game.choices, step)


def play(params: Params, seed: int, index: int, choices: Sequence[Choice] | str = ()) -> Played:
    """Replay the game: invalid choices (and all after them) are dropped with a one-line warning,
    so the history is that of the valid prefix."""
    warning = ""
    if isinstance(choices, str):
        choices, warning = parse(choices)
    valid, problem = check(choices)
    warning = warning or problem
    while True:
        policy = Policy(valid, watch=True)
        h = replay(player_params(params, valid), seed, index, controllers={"uk": policy})
        end = LAST_STEP if h.resolved_step < 0 else h.resolved_step
        late = next((i for i, c in enumerate(valid) if c.step > end), None)
        if late is None:
            return Played(Game(params, seed, index, tuple(valid)), h, policy.seen, warning)
        c = valid[late]
        warning = warning or (
            f"choice {c.text}: the crisis had already ended at step {end} ({when(end)})"
        )
        valid = valid[:late]


def run_policy(
    params: Params,
    choices: Sequence[Choice],
    runs: int,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """`runs` histories with London playing the player's choices in every one (an action where
    the history still runs; initiatives by parameters): history i is the game (seed, i).
    Chunk-invariant like `sim.ensemble.run` (the policy depends on the step alone)."""
    check_runs(runs)
    p = player_params(params, choices)
    parts = []
    for start, stop in chunks(runs, chunk):
        parts.append(run_chunk(p, seed, start, stop, controllers={"uk": Policy(choices)}))
        if progress:
            progress(stop - start)
    return combine(parts)
