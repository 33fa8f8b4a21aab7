"""Every human wording of the model's ids, in one public module: the UI and reports import labels
from here only.

Each agent defines the wordings of its own actions and utility components beside its rule
(`ACTION_LABELS`, `COMPONENT_LABELS` in sim/agents/us.py, uk.py, ussr.py); this module puts them
together with the ladder and the Berlin track (`sim.world`), the concessions a deal can contain
and the outcomes (`sim.outcomes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.outcomes import DESCRIPTIONS, LABELS, NEGOTIATED, OUTCOMES, WAR_OUTCOMES
from sim.world import BERLIN_TRACK, CONCESSION_BIT, CONCESSIONS, LADDER

#: Outcome wordings under explicit names (`LABELS`/`DESCRIPTIONS` are the same dictionaries).
OUTCOME_LABELS = LABELS
OUTCOME_DESCRIPTIONS = DESCRIPTIONS

#: Who acts: the capitals (and "world" for what nobody chose).
ACTOR_LABELS: dict[str, str] = {
    "us": "Washington",
    "uk": "London",
    "ussr": "Moscow",
    "world": "World",
}
#: The escalation ladder, rung by rung (index = rung).
LADDER_LABELS: tuple[str, ...] = LADDER
#: The Berlin track, stage by stage (index = stage).
BERLIN_LABELS: tuple[str, ...] = BERLIN_TRACK
#: The concessions a deal can contain (ids of `sim.world.CONCESSIONS`), as a label ...
CONCESSION_LABELS: dict[str, str] = {
    "pledge": "No-invasion pledge",
    "secret_jupiters": "Secret Jupiter assurance",
    "public_jupiters": "Jupiters removed in public",
    "thor_immobilisation": "British Thors immobilised",
    "west_berlin_guarantee": "West Berlin under UN guarantee",
}
#: ... and as a phrase inside a sentence.
CONCESSION_PHRASES: dict[str, str] = {
    "pledge": "US no-invasion pledge",
    "secret_jupiters": "secret assurance on the Jupiters in Turkey",
    "public_jupiters": "public removal of the Jupiters",
    "thor_immobilisation": "British Thors immobilised",
    "west_berlin_guarantee": "a UN-guaranteed status for West Berlin (Ormsby-Gore's plan)",
}

__all__ = [
    "ACTIONS_BY_ACTOR",
    "ACTION_LABELS",
    "ACTOR_LABELS",
    "BERLIN_LABELS",
    "BERLIN_TRACK",
    "COMPONENTS_BY_ACTOR",
    "COMPONENT_LABELS",
    "DESCRIPTIONS",
    "LABELS",
    "CONCESSIONS",
    "CONCESSION_BIT",
    "CONCESSION_LABELS",
    "CONCESSION_PHRASES",
    "LADDER",
    "LADDER_LABELS",
    "NEGOTIATED",
    "OUTCOMES",
    "OUTCOME_DESCRIPTIONS",
    "OUTCOME_LABELS",
    "WAR_OUTCOMES",
]


if TYPE_CHECKING:
    #: Each actor's actions in words, by actor ("offer_pledge" -> "offers a no-invasion pledge").
    ACTIONS_BY_ACTOR: dict[str, dict[str, str]]
    #: Every action in words (action ids are unique across actors).
    ACTION_LABELS: dict[str, str]
    #: Each actor's utility components in words, by actor.
    COMPONENTS_BY_ACTOR: dict[str, dict[str, str]]
    #: Every utility component in words ("risk_of_war" -> "the risk of war"; "foreign office: the
    #: UN route" -> "Foreign Office — the UN route"). Actors that share a component name ("face",
    #: "risk_of_war") share its wording.
    COMPONENT_LABELS: dict[str, str]

#: The wordings defined beside the agents' rules, read from them on first use (PEP 562): the
#: agents import Mesa, which a reader of outcome or ladder labels (the app's server) never needs.
_FROM_AGENTS = ("ACTIONS_BY_ACTOR", "ACTION_LABELS", "COMPONENTS_BY_ACTOR", "COMPONENT_LABELS")


def _agent_wordings() -> dict[str, object]:
    from sim.agents import uk, us, ussr

    return {
        "ACTIONS_BY_ACTOR": {
            "us": us.ACTION_LABELS,
            "uk": uk.ACTION_LABELS,
            "ussr": ussr.ACTION_LABELS,
        },
        "ACTION_LABELS": {**us.ACTION_LABELS, **uk.ACTION_LABELS, **ussr.ACTION_LABELS},
        "COMPONENTS_BY_ACTOR": {
            "us": us.COMPONENT_LABELS,
            "uk": uk.COMPONENT_LABELS,
            "ussr": ussr.COMPONENT_LABELS,
        },
        "COMPONENT_LABELS": {
            **us.COMPONENT_LABELS,
            **uk.COMPONENT_LABELS,
            **ussr.COMPONENT_LABELS,
        },
    }


def __getattr__(name: str) -> object:
    if name in _FROM_AGENTS:
        found = _agent_wordings()
        globals().update(found)  # once: later reads are plain module attributes
        return found[name]
    raise AttributeError(f"module 'sim.labels' has no attribute {name!r}")
