"""`sim.agents.lookup`: the state code of one declaration, and the table that stands for a rule.

The British agent decides by table (`sim.agents.uk.STATE` and `regime`). Its state code must be
a numbering of the declared fields (encode and decode inverse to each other), and the table must
give the general rule's choice at every step: a step-dependent term in `UnitedKingdom.reasons`
that `regime` does not declare would fail here.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import calendar
from sim import world as w
from sim.agents.base import CrisisAgent
from sim.agents.lookup import Hypothetical, every_state
from sim.agents.uk import STATE, regime
from sim.model import CrisisModel
from sim.params import make_params
from tests.test_agents import crisis, randomise_world


def test_the_british_state_code_numbers_every_state_once() -> None:
    assert STATE.size == len(w.LADDER) * 5 * 2 * 2 * 2
    m = crisis(1)
    codes = np.arange(STATE.size)
    decoded = STATE.decode(codes)
    assert (STATE.encode(Hypothetical(m, decoded)) == codes).all()  # decode, then encode
    world = every_state(STATE)
    assert (STATE.encode(Hypothetical(m, world)) == codes).all()
    assert not world.escalation.flags.writeable  # shared by every model of the process


def test_encoding_a_random_world_and_decoding_it_gives_its_fields_back() -> None:
    m = crisis(2000)
    randomise_world(m, np.random.default_rng(5))
    decoded = STATE.decode(STATE.encode(m).astype(np.int64))
    again = Hypothetical(m, decoded)
    for f in STATE.fields:
        assert (np.asarray(f.read(again)) == np.asarray(f.read(m))).all(), f.name


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"uk.foreign_office_weight": 0.8, "ussr.berlin_linkage": True, "world.decision_noise": 0.5},
    ],
)
def test_the_british_table_gives_the_general_rule_at_every_step(
    overrides: dict[str, object],
) -> None:
    """One model walks through every step (so a table built at one step serves the later steps
    of its regime), on a new random world at each step."""
    n = 600
    m = CrisisModel(make_params(overrides), seed=0, start=0, stop=n)
    rng = np.random.default_rng(11)
    tabled = 0
    for t in range(calendar.N_STEPS):
        m.step_index = t
        m.world.course_quarantine[:] = True
        randomise_world(m, rng)
        m._u = rng.random((n, 16))
        looked_up = m.uk.lookup.decide()
        if regime(t) is None:
            assert looked_up is None
            continue
        assert looked_up is not None
        tabled += 1
        general = CrisisAgent.decide(m.uk)
        assert (looked_up.choice == general.choice).all(), t
        for a, column in general.columns.items():
            same = np.broadcast_to(looked_up.columns[a], (n,)) == np.broadcast_to(column, (n,))
            assert same.all(), (t, a)
    assert tabled > calendar.N_STEPS // 2
    assert len(m.uk.lookup._tables) == 2  # before and after U Thant's appeal


def test_a_hypothetical_world_draws_and_changes_nothing() -> None:
    m = crisis(3)
    view = Hypothetical(m, w.World(3))
    with pytest.raises(RuntimeError):
        view.uniform(0)
    with pytest.raises(RuntimeError):
        view.finish(None, 0)


def test_the_model_offers_everything_agents_may_use() -> None:
    """`CrisisView` is the whole contract: the model has every member (mypy checks their types),
    and the agents' modules do not import the model."""
    from pathlib import Path

    from sim.agents.view import CrisisView

    assert isinstance(crisis(1), CrisisView)
    for path in (Path(__file__).parents[1] / "sim" / "agents").glob("*.py"):
        assert "sim.model" not in path.read_text(), path
