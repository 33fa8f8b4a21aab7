"""The event log of one history (history `start` of a model run with `record`): its lines, and
the lines the model writes for choices and for letters read in the other capital."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim import calendar
from sim import world as w
from sim.labels import CONCESSION_PHRASES

if TYPE_CHECKING:  # the agents import Mesa, which a reader of an event log does not need
    from sim.agents.base import CrisisAgent, Decision


@dataclass
class Event:
    """One line of a history's log."""

    step: int
    actor: str  # "us", "uk", "ussr" or "world"
    kind: str  # "choice", "message_sent", "message_received", "incident", "scheduled", "outcome"
    text: str
    details: dict[str, float] = field(default_factory=dict)
    #: The exact Washington time of a scheduled event (the speech at 19:00, not its step's 18:00).
    at: dt.datetime | None = None
    #: For a choice, its wording when the bare action label would say too little (an acceptance
    #: names what was on the table).
    note: str = ""

    @property
    def when(self) -> dt.datetime:
        return self.at if self.at is not None else calendar.step_time(self.step)


#: Messages as the other capital reads them: (world field, who reads it, what the log says).
RECEIVED: tuple[tuple[str, str, str], ...] = (
    ("us_pledge", "ussr", "reads the US no-invasion pledge"),
    ("us_secret_jupiters", "ussr", "receives the secret Jupiter assurance"),
    ("us_public_jupiters", "ussr", "receives the public Jupiter offer"),
    ("uk_thor", "ussr", "learns of the British Thor offer at the UN"),
    ("uk_berlin", "ussr", "receives the Berlin proposal"),
    ("ussr_offer", "us", "reads Khrushchev's offer: withdrawal for a pledge"),
    ("ussr_turkey", "us", "reads the demand for the Jupiters in Turkey"),
    ("ussr_berlin", "us", "reads the demand over Berlin"),
)


def choice(step: int, agent: CrisisAgent, decision: Decision, note: str = "") -> Event:
    """History 0's choice, with the utility components behind it and its probability."""
    a = int(decision.choice[0])
    details = {name: float(comp[0, a]) for name, comp in decision.components.items()}
    details["probability"] = float(decision.probabilities[0, a])
    return Event(step, agent.actor, "choice", agent.actions[a], details, note=note)


def acceptance(terms: int, at_war: bool) -> str:
    """What a Soviet acceptance accepts: the concessions on the table (bits of `terms`), or, at
    war with nothing on offer, that Moscow gives in rather than accepts."""
    offered = [CONCESSION_PHRASES[c] for c in w.CONCESSIONS if terms & w.CONCESSION_BIT[c]]
    if offered:
        head = "accepts a ceasefire and the deal on the table" if at_war else "accepts the deal"
        return f"{head}: the missiles will be withdrawn in return for: {'; '.join(offered)}"
    return "gives in under attack: the missiles will be withdrawn, with nothing offered in return"


def received(world: w.World, step: int, delay: int) -> list[Event]:
    """The letters history 0's capitals read at `step` (sent `delay` steps ago)."""
    if not world.active[0]:
        return []
    return [
        Event(step, actor, "message_received", text)
        for field_name, actor, text in RECEIVED
        if 0 <= int(getattr(world, field_name)[0]) == step - delay
    ]
