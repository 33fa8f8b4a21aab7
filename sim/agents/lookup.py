"""Choice by table lookup: the same numbers as an agent's general rule, worked out once per state.

An agent whose utilities depend on the world through a few small-valued fields only (say, the rung
of the ladder and three yes/no facts) can decide by table: number every combination of those
fields (its *state code*), work out the softmax weights of every code once with the agent's own
`reasons` and `weights`, and look each history's weights up by its code. The result is the same
to the bit, at a fraction of the cost.

The speed-up is only correct under two declarations the agent makes, both checked by tests
(tests/test_lookup.py, tests/test_agents.py):

- `State`: ONE list of the fields its choice depends on, each with its number of values, how to
  read it from the world and how to write it into a world; the state code (`State.encode`) and
  its inverse (`State.decode`) are both built from that list;
- a *regime* function of the step: the table is valid for every step with the same regime (the
  utilities depend on the step only through it), and None means "decide by the general rule".

Logging and human controllers always take the general rule, which explains each choice.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim import world as w
from sim.agents.base import CrisisAgent, Decision, draw
from sim.agents.view import Controller, CrisisView, Floats, Mask
from sim.params import Params

Values = npt.NDArray[np.int16] | Mask
Code = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Field:
    """One part of the state a choice depends on: `values` possible values, 0 to values - 1."""

    name: str
    values: int
    #: This field of every history of the model's world (ints, or booleans for two values).
    read: Callable[[CrisisView], Values]
    #: Set a world's arrays so that `read` gives these values (the inverse of `read`).
    write: Callable[[w.World, npt.NDArray[np.int64]], None]


@dataclass(frozen=True)
class State:
    """What a choice depends on: fields, the first one the most significant digit of the code."""

    fields: tuple[Field, ...]

    @property
    def size(self) -> int:
        """How many state codes there are."""
        return int(np.prod([f.values for f in self.fields]))

    def encode(self, view: CrisisView) -> Code:
        """Each history's state code: its fields as the digits of a mixed-radix number."""
        first, *rest = self.fields
        code: Code = first.read(view).astype(np.int16)  # a new array: written in place below
        for f in rest:
            code *= f.values
            code += f.read(view)
        return code

    def decode(self, codes: npt.NDArray[np.int64]) -> w.World:
        """A world with one history per code whose fields read as that code (the inverse of
        `encode`); every other array keeps its starting value."""
        world = w.World(codes.size)
        rest = codes.copy()
        for f in reversed(self.fields):
            f.write(world, rest % f.values)
            rest //= f.values
        return world


def write_ints(name: str) -> Callable[[w.World, npt.NDArray[np.int64]], None]:
    """A `Field.write` for an integer array of the world."""

    def write(world: w.World, values: npt.NDArray[np.int64]) -> None:
        setattr(world, name, values.astype(np.int16))

    return write


def write_flags(name: str) -> Callable[[w.World, npt.NDArray[np.int64]], None]:
    """A `Field.write` for a yes/no array of the world (1: yes)."""

    def write(world: w.World, values: npt.NDArray[np.int64]) -> None:
        setattr(world, name, values == 1)

    return write


@functools.cache
def every_state(state: State) -> w.World:
    """A read-only world with one history for every state code, in code order (one per process
    and declaration; agents only read the world they decide on)."""
    world = state.decode(np.arange(state.size))
    for array in vars(world).values():
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return world


class Hypothetical:
    """The model as an agent would see it in another `world`: same parameters and step, no log,
    no controllers. For working out a choice rule only: nothing can be drawn or written."""

    def __init__(self, model: CrisisView, world: w.World) -> None:
        self.world = world
        self.params: Params = model.params
        self.step_index = model.step_index
        self.delay_steps = model.delay_steps
        self.record = False
        self.controllers: Mapping[str, Controller] = {}

    def at_war(self) -> Mask:
        at_war: Mask = self.world.escalation >= w.STRIKE  # as CrisisModel.at_war
        return at_war

    def danger(self) -> Floats:
        return w.danger(self.world)  # as CrisisModel.danger

    def uniform(self, column: int) -> Floats:
        raise RuntimeError("a hypothetical world has no random numbers")

    def finish(self, rows: Mask | None, outcome: int) -> None:
        raise RuntimeError("a hypothetical world cannot be changed")

    def start_war(self, rows: Mask | None, rung: int, text: str) -> None:
        raise RuntimeError("a hypothetical world cannot be changed")

    def end_war(self, rows: Mask) -> None:
        raise RuntimeError("a hypothetical world cannot be changed")

    def note_messages(self, rows: Mask, actor: str, action: str) -> None:
        raise RuntimeError("a hypothetical world cannot be changed")


def considering(agent: CrisisAgent, world: w.World) -> CrisisAgent:
    """A copy of `agent` that sees `world` instead of its model's (to run its general rule on
    states that are not in the run); the agent itself and its model are untouched."""
    other = copy.copy(agent)
    other.model = Hypothetical(agent.model, world)
    return other


class Lookup:
    """Decide for `agent` by table where its declarations allow it (see the module docstring)."""

    def __init__(
        self, agent: CrisisAgent, state: State, regime: Callable[[int], Hashable | None]
    ) -> None:
        self.agent, self.state, self.regime = agent, state, regime
        self._tables: dict[Hashable, Floats] = {}  # per model: the weights read the parameters

    def decide(self) -> Decision | None:
        """The agent's decision by table, or None where the general rule must decide (an event
        log is kept, a controller may override, or the regime says so)."""
        agent, model = self.agent, self.agent.model
        if model.record or model.controllers:
            return None
        regime = self.regime(model.step_index)
        if regime is None:
            return None
        table = self._tables.get(regime)
        if table is None:
            table = self._tables[regime] = self.table()
        weights = table.take(self.state.encode(model), axis=1)
        choice, total = draw(list(weights), model.uniform(agent.random_column))
        actions = len(agent.actions)
        return Decision(choice, dict(enumerate(weights)), total, {}, model.world.n, actions)

    def table(self) -> Floats:
        """Softmax weights (actions, state codes) at this step, by the agent's general rule."""
        hypothetical = considering(self.agent, every_state(self.state))
        reasons, legal = hypothetical.reasons()
        legal[0] = True
        live = [True] * len(self.agent.actions)  # illegal entries get (next to) no weight
        weights = hypothetical.weights(reasons, legal, live)
        table = np.empty((len(self.agent.actions), self.state.size))
        for a in range(len(self.agent.actions)):
            table[a] = weights[a]  # a weight the same for every code is one number
        return table
