"""The public names of the model's states, for anything that shows them (the app, reports).

One import for the words: the escalation ladder, the Berlin track, the concessions a deal can
hold, and the outcomes. The values live beside the code that uses them (`sim.world`,
`sim.outcomes`) and are re-exported here, so a front end never reaches into the engine's
internals. Agent action and utility-component wordings will be re-exported here too
(`ACTION_LABELS`, `COMPONENT_LABELS`) once they sit beside each agent.
"""

from __future__ import annotations

from sim.outcomes import DESCRIPTIONS, LABELS, NEGOTIATED, OUTCOMES, WAR_OUTCOMES
from sim.world import BERLIN_TRACK, CONCESSION_BIT, CONCESSIONS, LADDER

__all__ = [
    "BERLIN_TRACK",
    "CONCESSIONS",
    "CONCESSION_BIT",
    "DESCRIPTIONS",
    "LABELS",
    "LADDER",
    "NEGOTIATED",
    "OUTCOMES",
    "WAR_OUTCOMES",
]
