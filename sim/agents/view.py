"""The agent–model contract: everything an agent may read or call on the model it belongs to.

Agents are written against `CrisisView`, never against the model class `CrisisModel` (which
imports the agents): they read the world and the parameters, draw from their own random column,
and change the world only through the calls listed here. mypy checks the members' types where the
model hands itself to its agents; tests/test_lookup.py checks that the model has every member.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sim.params import Params
from sim.world import World

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


@runtime_checkable
class CrisisView(Protocol):
    """What agents see of the model: N histories at one step."""

    @property
    def world(self) -> World:
        """The state arrays of the histories (agents write their choices into them)."""

    @property
    def params(self) -> Params:
        """The run's validated parameters."""

    @property
    def step_index(self) -> int:
        """The current 6-hour step (0: 16 Oct, 00:00)."""

    @property
    def delay_steps(self) -> int:
        """How many steps a message takes to be read in the other capital."""

    @property
    def record(self) -> bool:
        """Is an event log kept (for history `start`)? Then choices must be explained."""

    @property
    def controllers(self) -> Mapping[str, Controller]:
        """Actor -> human controller replacing that agent's policy (usually none)."""

    def uniform(self, column: int) -> Floats:
        """This step's uniforms for one purpose: `sim.randomness.COLUMN[purpose]`."""
        ...

    def at_war(self) -> Mask:
        """Histories at war (an air strike or more)."""
        ...

    def danger(self) -> Floats:
        """How close to war each history feels (`sim.world.danger`)."""
        ...

    def finish(self, rows: Mask | None, outcome: int) -> None:
        """End `rows` (None: no history) with `outcome` (`sim.outcomes`)."""

    def start_war(self, rows: Mask | None, rung: int, text: str) -> None:
        """Raise `rows` (None: no history) to the war rung `rung`; `text` is logged."""

    def end_war(self, rows: Mask) -> None:
        """A war stops short of nuclear use in `rows`."""

    def note_messages(self, rows: Mask, actor: str, action: str) -> None:
        """Log that `actor`'s message (`action`) left in `rows`."""


#: A human (or test) controller: given the step and the model, return one action index per
#: history, or -1 where the agent should decide for itself.
Controller = Callable[[int, CrisisView], npt.NDArray[np.integer]]
