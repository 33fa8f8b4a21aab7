"""What the three actors share: a bounded-rationality (softmax) choice over named utilities.

Each agent builds, for every history and every action, a utility split into named components
("war_risk", "face", ...). Utilities are relative to the agent's do-nothing action, whose
components are all zero, so a component reads as "how much this reason pushes towards this action".
The choice is quantal response: P(a) ∝ exp(U(a) / noise), drawn with one uniform per history
from the step's fixed block of random numbers (common random numbers across scenarios).

A step costs a fixed few hundred small numpy calls whatever the number of histories, so the agents
write only what is there: a component names the actions it touches ({action index: value}, every
other action 0) and the legal mask is one entry per action (an (N,) mask, or True/False for all
histories). The softmax then runs over the actions legal somewhere, one column at a time. Full
(N, actions) arrays are made only when someone reads them (the event log, tests, the UI), through
`CrisisAgent.utilities` and the `Decision` properties; the arithmetic is the dense one, in the same
order, so every result is the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import mesa
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sim.model import CrisisModel

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Choice = npt.NDArray[np.int8]
#: One action's column: a value per history, or one value for all of them.
Column = Array | float
#: A utility component by action: {action index: utility}; actions it does not name get 0.
Component = dict[int, Column]
#: Where each action is legal: one entry per action, a mask over histories or True/False for all.
Legal = list[Mask | bool]
#: A human (or test) controller: given the step and the model, return one action index per
#: history, or -1 where the agent should decide for itself.
Controller = Callable[[int, "CrisisModel"], npt.NDArray[np.integer]]


def anywhere(allowed: Mask | bool) -> bool:
    """Is an action legal in at least one history?"""
    return allowed if isinstance(allowed, bool) else bool(np.count_nonzero(allowed))


def dense(columns: dict[int, Column], n: int, actions: int) -> Array:
    """The (n, actions) array of a column dictionary (absent columns 0)."""
    out = np.zeros((n, actions))
    for a, value in columns.items():
        out[:, a] = value
    return out


@dataclass
class Decision:
    """One step's choice for all histories, with everything needed to explain it.

    `probabilities` and `components` are (N, A) arrays built on first reading from the columns
    the agent computed (`columns`: probability by action, absent ones 0; `reasons`: components).
    """

    choice: Choice
    columns: dict[int, Column]
    reasons: dict[str, Component]
    n: int
    actions: int

    @cached_property
    def probabilities(self) -> Array:  # (N, A)
        return dense(self.columns, self.n, self.actions)

    @cached_property
    def counts(self) -> list[int]:
        """How many histories (running or not) chose each action: one call tells `chose` which
        actions nobody chose, most of them in most steps."""
        counts: list[int] = np.bincount(self.choice, minlength=self.actions).tolist()
        return counts

    @cached_property
    def components(self) -> dict[str, Array]:  # name -> (N, A)
        return {name: dense(c, self.n, self.actions) for name, c in self.reasons.items()}


def _pairwise(c: list[Array | None]) -> Array | None:
    """The sum of `c` (None: a column of zeros) in numpy's pairwise order for 8 columns."""

    def add(x: Array | None, y: Array | None) -> Array | None:
        # x + 0 is x to the last bit (the weights are never -0), so a zero column is skipped.
        if x is None:
            return y
        if y is None:
            return x
        out: Array = x + y
        return out

    return add(add(add(c[0], c[1]), add(c[2], c[3])), add(add(c[4], c[5]), add(c[6], c[7])))


def column_sum(c: list[Array | None]) -> Array:
    """`x.sum(axis=1)` of the array with columns `c` (None: zeros), adding in the order numpy uses
    for a C-ordered array, so the sum is the same to the last bit, at a fraction of the cost of
    numpy's reduction over a short last axis: left to right below 8 columns, pairwise at exactly 8
    (numpy's pairwise summation). Adding a zero column changes nothing, so it is skipped.
    """
    if len(c) == 8:
        total = _pairwise(c)
    elif len(c) > 8:
        raise ValueError("more than 8 actions: numpy sums them in blocks; not supported")
    else:
        total = None
        for column in c:
            if column is not None:
                total = column if total is None else total + column
    assert total is not None  # doing nothing always has a weight
    return total


def draw_columns(probabilities: list[Array | None], u: Array) -> Choice:
    """The first action whose cumulative probability reaches `u` (one uniform per history).

    The cumulative sums are added column by column in the same order as `np.cumsum`, so the choice
    is the same to the last bit; the last action is what is left, even if rounding leaves the sum
    a hair below 1. A column of zeros (None) leaves the cumulative sum as it is.
    """
    first = probabilities[0]
    assert first is not None
    u = np.ascontiguousarray(u)  # a column of the step's draws: compared several times below
    cumulative = first
    below = cumulative < u
    choice = below.astype(np.int8)
    for p in probabilities[1:-1]:
        if p is not None:
            cumulative = cumulative + p
            below = cumulative < u
        choice += below.view(np.int8)  # True is 1: the same count, without a cast
    return choice


#: The scaled utility of an illegal entry. Doing nothing is always legal and worth >= 0, so the
#: peak is >= 0 and an illegal entry weighs at most exp(-400) ~ 2e-174 beside a total weight >= 1
#: (the peak's own exp(0)): too small to change any sum it joins, so every legal probability and
#: every choice is what -inf (weight exactly 0) would give. Unlike -inf, or a value whose exp
#: underflows, it keeps numpy's exp on its fast path: a third of the cost of a mostly-illegal
#: column. Modelling-neutral (checked by benchmarks/fingerprint.py).
ILLEGAL = -400.0


class CrisisAgent(mesa.Agent):  # type: ignore[misc]
    """Base class: subclasses set `actor`, `actions`, and build utilities in `reasons()`."""

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

    def nothing_legal(self) -> Legal:
        """A legal mask with no action allowed yet (doing nothing is added by `decide`)."""
        return [False] * len(self.actions)

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        """Named utility components by action, and where each action is legal."""
        raise NotImplementedError

    def utilities(self) -> tuple[dict[str, Array], Mask]:
        """Named utility components (N, A) and the legal-action mask (N, A), as full arrays."""
        reasons, legal = self.reasons()
        n, a = self.model.world.n, len(self.actions)
        return {name: dense(c, n, a) for name, c in reasons.items()}, self.legal_mask(legal)

    def nothing_to_choose(self, legal: Legal) -> bool:
        """Only doing nothing is allowed, in every history, and no log is kept: `reasons` can
        skip its components (they would explain a choice nobody makes)."""
        return not (self.model.record or any(anywhere(x) for x in legal[1:]))

    def decide(self) -> Decision:
        """Quantal-response choice, replaced where a controller (a human player) says so."""
        reasons, legal = self.reasons()
        legal[0] = True  # doing nothing is always possible
        # Actions legal in at least one history; the others have probability 0 everywhere.
        live = [anywhere(x) for x in legal]
        n = self.model.world.n
        columns: dict[int, Column]
        if any(live[1:]):
            weights = self.probabilities(reasons, legal, live)
            choice = draw_columns(
                [weights.get(a) for a in range(len(self.actions))],
                self.model.uniform(self.random_column),
            )
            columns = dict(weights)
        else:  # nothing but doing nothing is allowed anywhere (before the crisis is public)
            columns = {0: 1.0}
            choice = np.zeros(n, dtype=np.int8)
        controller = self.model.controllers.get(self.actor)
        if controller is not None:
            mask = self.legal_mask(legal)
            forced = np.asarray(controller(self.model.step_index, self.model))
            if forced.shape != choice.shape or (forced >= len(self.actions)).any():
                raise ValueError(
                    f"{self.actor}: a controller must give one action per history, each -1 or "
                    f"0 to {len(self.actions) - 1} ({', '.join(self.actions)})"
                )
            mine = forced >= 0
            rows = np.nonzero(mine & self.model.world.active)[0]
            if rows.size and not mask[rows, forced[rows]].all():
                bad = int(forced[rows][~mask[rows, forced[rows]]][0])
                raise ValueError(
                    f"{self.actor}: action '{self.actions[bad]}' is not allowed at this step; "
                    "allowed: "
                    + ", ".join(a for a, ok in zip(self.actions, mask[rows[0]], strict=True) if ok)
                )
            choice = np.where(mine, forced, choice).astype(np.int8)
        self.last = Decision(choice, columns, reasons, n, len(self.actions))
        return self.last

    def legal_mask(self, legal: Legal) -> Mask:
        """The (N, A) array of a legal mask."""
        mask = np.zeros((self.model.world.n, len(self.actions)), dtype=bool)
        for i, allowed in enumerate(legal):
            mask[:, i] = allowed
        return mask

    def probabilities(
        self, reasons: dict[str, Component], legal: Legal, live: list[bool]
    ) -> dict[int, Array]:
        """Softmax of the summed components over the legal actions, at the decision noise.

        Column by column over the actions legal somewhere (`live`), with the arithmetic of the
        (N, A) version: the components added in their order (an absent 0 changes nothing; the sign
        of a zero total cannot matter below). Actions legal nowhere have probability 0 and are
        left out; illegal entries of the others are ILLEGAL (see there).
        """
        n = self.model.world.n
        noise = self.model.params.f("world.decision_noise")
        scaled: dict[int, Column] = {}
        for a, is_live in enumerate(live):
            if not is_live:
                continue
            total: Column | None = None
            for component in reasons.values():  # in the order of the components
                if a in component:
                    total = component[a] if total is None else total + component[a]
            s = (0.0 if total is None else total) / noise
            if legal[a] is not True:  # not legal in every history
                s = np.where(legal[a], s, ILLEGAL)
            scaled[a] = s
        # From here on every array is new, so the arithmetic can write in place (out=): the same
        # numbers, without allocating.
        values = iter(scaled.values())
        peak = np.maximum(next(values), next(values))
        if not isinstance(peak, np.ndarray):  # both the same in every history
            peak = np.full(n, peak)
        for s in values:
            np.maximum(peak, s, out=peak)
        weights: dict[int, Array] = {}
        for a, s in scaled.items():
            if isinstance(s, np.ndarray):
                x = np.subtract(s, peak, out=s)
            else:  # the same in every history: exp of an array anyway
                x = np.full(n, s) - peak
            weights[a] = np.exp(x, out=x)
        total_weight = column_sum([weights.get(a) for a in range(len(live))])
        return {a: np.divide(w, total_weight, out=w) for a, w in weights.items()}

    def chose(self, decision: Decision, action: str) -> Mask | None:
        """Histories (still running) in which this agent chose `action`; None if there are none
        (most actions, most steps: then the caller has nothing to do)."""
        a = self.index(action)
        if not decision.counts[a]:
            return None
        rows: Mask = (decision.choice == a) & self.model.world.active
        return rows if np.count_nonzero(rows) else None

    def apply(self, decision: Decision) -> None:
        """Write the consequences of `decision` into the world."""
        raise NotImplementedError

    def step(self) -> None:
        """Mesa's hook: agents act through `CrisisModel.step`, which orders them explicitly."""
