"""`sim.labels`: a wording for every id the model shows (actions, utility components, ladder,
Berlin track, concessions, outcomes), defined beside what it names."""

from __future__ import annotations

import numpy as np

from sim import labels
from sim import world as w
from sim.model import CrisisModel
from sim.outcomes import OUTCOMES
from sim.params import defaults
from tests.test_agents import crisis, randomise_world


def test_every_action_of_every_agent_has_a_wording() -> None:
    m = CrisisModel(defaults())
    for agent in (m.us, m.uk, m.ussr):
        assert set(labels.ACTIONS_BY_ACTOR[agent.actor]) == set(agent.actions), agent.actor
    assert len(labels.ACTION_LABELS) == sum(len(a.actions) for a in (m.us, m.uk, m.ussr))


def test_every_utility_component_has_a_wording() -> None:
    """On random worlds at a late step, every agent names all its components."""
    m = crisis(500, {"ussr.berlin_linkage": True}, t=w.UN_APPEAL_STEP + 20)
    randomise_world(m, np.random.default_rng(0))
    m.world.course_quarantine[:] = True
    for agent in (m.us, m.uk, m.ussr):
        named = set(agent.utilities()[0])
        assert named == set(labels.COMPONENTS_BY_ACTOR[agent.actor]), agent.actor
        assert named <= set(labels.COMPONENT_LABELS)


def test_the_other_tables_cover_their_ids() -> None:
    assert set(labels.CONCESSION_LABELS) == set(w.CONCESSIONS) == set(labels.CONCESSION_PHRASES)
    assert set(labels.OUTCOME_LABELS) == set(OUTCOMES) == set(labels.OUTCOME_DESCRIPTIONS)
    assert len(labels.LADDER_LABELS) == 7 and len(labels.BERLIN_LABELS) == 4
    assert set(labels.ACTOR_LABELS) == {"us", "uk", "ussr", "world"}
