"""What the three actors share: a bounded-rationality (softmax) choice over named utilities.

Each agent builds, for every history and every action, a utility split into named components
("war_risk", "face", ...). Utilities are relative to the agent's do-nothing action, whose
components are all zero, so a component reads as "how much this reason pushes towards this action".
The choice is quantal response: P(a) ∝ exp(U(a) / noise), drawn with one uniform per history
from the step's fixed block of random numbers (common random numbers across scenarios).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sim.model import CrisisModel

Array = npt.NDArray[np.float64]
Choice = npt.NDArray[np.int8]
#: A human (or test) controller: given the step and the model, return one action index per
#: history, or -1 where the agent should decide for itself.
Controller = Callable[[int, "CrisisModel"], npt.NDArray[np.integer]]


@dataclass
class Decision:
    """One step's choice for all histories, with everything needed to explain it."""

    choice: Choice
    probabilities: Array  # (N, A)
    components: dict[str, Array]  # name -> (N, A)


def row_max(x: Array) -> Array:
    """`x.max(axis=1)`, column by column: numpy reduces a short last axis slowly, row by row."""
    out = x[:, 0].copy()
    for a in range(1, x.shape[1]):
        np.maximum(out, x[:, a], out=out)
    return out


def row_sum(x: Array) -> Array:
    """`x.sum(axis=1)` column by column, adding in the order numpy uses for a C-ordered array, so
    the sum is the same to the last bit, at a fraction of the cost of numpy's reduction over a short
    last axis: left to right below 8 columns, pairwise at exactly 8 (numpy's pairwise summation).
    """
    c = [x[:, a] for a in range(x.shape[1])]
    if len(c) == 8:
        out: Array = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]))
        return out
    if len(c) > 8:
        return x.sum(axis=1)
    out = c[0].copy()
    for column in c[1:]:
        out += column
    return out


def draw(probabilities: Array, u: Array) -> Choice:
    """The first action whose cumulative probability reaches `u` (one uniform per history).

    The cumulative sums are added column by column in the same order as `np.cumsum`, so the choice
    is the same to the last bit; the last action is what is left, even if rounding leaves the sum
    a hair below 1.
    """
    cumulative = probabilities[:, 0].copy()
    choice = (cumulative < u).astype(np.int8)
    for a in range(1, probabilities.shape[1] - 1):
        cumulative += probabilities[:, a]
        choice += cumulative < u
    return choice


class CrisisAgent(mesa.Agent):  # type: ignore[misc]
    """Base class: subclasses set `actor`, `actions`, and build utilities in `utilities()`."""

    actor: str = ""
    actions: tuple[str, ...] = ()
    random_column: int = 0

    model: CrisisModel

    def __init__(self, model: CrisisModel) -> None:
        super().__init__(model)
        self.last: Decision | None = None
        self._index = {action: i for i, action in enumerate(self.actions)}

    def index(self, action: str) -> int:
        return self._index[action]

    def zeros(self) -> Array:
        return np.zeros((self.model.world.n, len(self.actions)))

    def utilities(self) -> tuple[dict[str, Array], npt.NDArray[np.bool_]]:
        """Named utility components (N, A) and the legal-action mask (N, A)."""
        raise NotImplementedError

    def nothing_to_choose(self, legal: npt.NDArray[np.bool_]) -> bool:
        """Only doing nothing is allowed, in every history, and no log is kept: `utilities` can
        skip its components (they would explain a choice nobody makes)."""
        return not (self.model.record or legal[:, 1:].any())

    def decide(self) -> Decision:
        """Quantal-response choice, replaced where a controller (a human player) says so."""
        components, legal = self.utilities()
        legal[:, 0] = True  # doing nothing is always possible
        if legal[:, 1:].any():
            probabilities = self.probabilities(components, legal)
            choice = draw(probabilities, self.model.uniform(self.random_column))
        else:  # nothing but doing nothing is allowed anywhere (before the crisis is public)
            probabilities = np.zeros(legal.shape)
            probabilities[:, 0] = 1.0
            choice = np.zeros(len(legal), dtype=np.int8)
        controller = self.model.controllers.get(self.actor)
        if controller is not None:
            forced = np.asarray(controller(self.model.step_index, self.model))
            if forced.shape != choice.shape or (forced >= len(self.actions)).any():
                raise ValueError(
                    f"{self.actor}: a controller must give one action per history, each -1 or "
                    f"0 to {len(self.actions) - 1} ({', '.join(self.actions)})"
                )
            mine = forced >= 0
            rows = np.nonzero(mine & self.model.world.active)[0]
            if rows.size and not legal[rows, forced[rows]].all():
                bad = int(forced[rows][~legal[rows, forced[rows]]][0])
                raise ValueError(
                    f"{self.actor}: action '{self.actions[bad]}' is not allowed at this step; "
                    "allowed: "
                    + ", ".join(a for a, ok in zip(self.actions, legal[rows[0]], strict=True) if ok)
                )
            choice = np.where(mine, forced, choice).astype(np.int8)
        self.last = Decision(choice, probabilities, components)
        return self.last

    def probabilities(self, components: dict[str, Array], legal: npt.NDArray[np.bool_]) -> Array:
        """Softmax of the summed components over the legal actions, at the decision noise."""
        total = self.zeros()
        for component in components.values():  # in place, in the order of the components
            total += component
        noise = self.model.params.f("world.decision_noise")
        scaled = np.where(legal, total / noise, -np.inf)
        scaled -= row_max(scaled)[:, None]
        # exp(-inf) takes numpy's slow path: exponentiate 0 for illegal actions, then zero them.
        weights = np.exp(np.where(legal, scaled, 0.0))
        weights *= legal
        probabilities: Array = weights / row_sum(weights)[:, None]
        return probabilities

    def chose(self, decision: Decision, action: str) -> npt.NDArray[np.bool_]:
        """Histories (still running) in which this agent chose `action`."""
        rows: npt.NDArray[np.bool_] = (
            decision.choice == self.index(action)
        ) & self.model.world.active
        return rows

    def apply(self, decision: Decision) -> None:
        """Write the consequences of `decision` into the world."""
        raise NotImplementedError

    def step(self) -> None:
        """Mesa's hook: agents act through `CrisisModel.step`, which orders them explicitly."""
