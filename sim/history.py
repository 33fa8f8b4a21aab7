"""One history, re-run deterministically from (parameters, seed, index) with its event log.

Nothing is stored during ensemble runs: history i draws its random numbers by its index alone
(`sim.randomness`), so re-running it alone reproduces exactly what happened in the ensemble, now
with every choice, the utility components behind it, incidents and messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim import calendar, labels
from sim.ensemble import Results
from sim.eventlog import Event
from sim.labels import ACTOR_LABELS
from sim.outcomes import LABELS, OUTCOMES
from sim.params import Params

if TYPE_CHECKING:
    from sim.agents.base import Controller

ACTOR_LABEL = ACTOR_LABELS
#: The do-nothing choice of each actor: shown only in verbose narratives.
QUIET = {"us": "hold", "uk": "support", "ussr": "wait"}


@dataclass(frozen=True)
class Line:
    """One dated line of a narrative."""

    step: int
    actor: str
    kind: str
    text: str
    reasons: str
    #: The reasons as data: (utility component, how hard it pushed towards this choice), strongest
    #: first, and the chance the actor had of making this choice (None for incidents).
    why: tuple[tuple[str, float], ...] = ()
    chance: float | None = None
    #: Exact Washington time of a scheduled event; None: the start of its step.
    at: dt.datetime | None = None

    @property
    def when(self) -> dt.datetime:
        """Washington time of the line (London = Washington + 5 h)."""
        return self.at if self.at is not None else calendar.step_time(self.step)

    @property
    def washington(self) -> str:
        return calendar.fmt(self.when)

    @property
    def london(self) -> str:
        return calendar.fmt(calendar.london(self.when))

    def render(self) -> str:
        head = f"{self.washington} Washington / {self.london} London — {ACTOR_LABEL[self.actor]}: "
        return head + self.text + (f" ({self.reasons})" if self.reasons else "")


@dataclass(frozen=True)
class History:
    index: int
    seed: int
    outcome: str
    resolved_step: int
    events: tuple[Event, ...]

    def lines(self, verbose: bool = False) -> list[Line]:
        out = []
        previous: dict[str, str] = {}
        for e in self.events:
            if e.kind == "choice":
                repeated = previous.get(e.actor) == e.text
                previous[e.actor] = e.text
                if not verbose and (e.text == QUIET.get(e.actor) or repeated):
                    continue
                out.append(
                    Line(
                        e.step,
                        e.actor,
                        e.kind,
                        e.note or labels.ACTION_LABELS.get(e.text, e.text),
                        reasons(e),
                        top_reasons(e),
                        e.details.get("probability"),
                    )
                )
            else:
                out.append(Line(e.step, e.actor, e.kind, e.text, "", at=e.at))
        # A scheduled event keeps its exact hour (the speech at 19:00), so it may fall after the
        # choices dated at its step's start: put the lines in time order (stable within a time).
        return sorted(out, key=lambda line: line.when)

    @property
    def outcome_label(self) -> str:
        return LABELS[self.outcome]


def top_reasons(e: Event) -> tuple[tuple[str, float], ...]:
    """The two or three utility components that pushed hardest (|value| >= 0.05), strongest first:
    positive pushed towards the choice made, negative against it."""
    comps = {k: v for k, v in e.details.items() if k != "probability" and abs(v) >= 0.05}
    return tuple(sorted(comps.items(), key=lambda kv: abs(kv[1]), reverse=True)[:3])


def reasons(e: Event) -> str:
    """'why': the two or three utility components that pushed hardest, and the choice's chance."""
    top = top_reasons(e)
    text = ", ".join(f"{k.replace('_', ' ')} {v:+.2f}" for k, v in top)
    p = e.details.get("probability")
    if p is not None:
        chance = "under 1%" if p < 0.01 else f"{p:.0%}"
        text = (text + "; " if text else "") + f"chance {chance}"
    return text


def replay(
    params: Params, seed: int, index: int, controllers: dict[str, Controller] | None = None
) -> History:
    """Re-run history `index` of the run (params, seed) with its full event log."""
    # The engine (and Mesa) only when a history is replayed: the app's server reads Histories
    # computed in its worker pool and never replays one itself.
    from sim.model import CrisisModel

    if index < 0:
        raise ValueError(f"index = {index} must be 0 or more")
    model = CrisisModel(
        params, seed=seed, start=index, stop=index + 1, record=True, controllers=controllers
    )
    model.run()
    wd = model.world
    return History(
        index=index,
        seed=seed,
        outcome=OUTCOMES[int(wd.outcome[0])],
        resolved_step=int(wd.resolved_step[0]),
        events=tuple(model.log),
    )


def find(results: Results, outcome: str, start: int = 0) -> int | None:
    """The first history index (from `start`) that ended in `outcome`, or None."""
    rows = np.nonzero(results.outcome[start:] == OUTCOMES.index(outcome))[0]
    return None if rows.size == 0 else int(rows[0]) + start


def divergence(a: History, b: History) -> int | None:
    """The first step at which two paired histories' logs differ (None if they never do)."""

    def key(e: Event) -> tuple[int, str, str, str]:
        return (e.step, e.actor, e.kind, e.text)

    for ea, eb in zip(a.events, b.events, strict=False):
        if key(ea) != key(eb):
            return min(ea.step, eb.step)
    if len(a.events) != len(b.events):
        shorter = min(len(a.events), len(b.events))
        longer = a.events if len(a.events) > shorter else b.events
        return longer[shorter].step
    return None


def narrative(h: History, verbose: bool = False) -> str:
    lines = [line.render() for line in h.lines(verbose)]
    end = f"Outcome: {h.outcome_label}" + (
        f", {calendar.fmt_step(h.resolved_step)}" if h.resolved_step >= 0 else ""
    )
    return "\n".join([*lines, end])
