"""What the three actors share: a bounded-rationality (softmax) choice over named utilities.

Each agent builds, for every history and every action, a utility split into named components
("war_risk", "face", ...). Utilities are relative to the agent's do-nothing action, whose
components are all zero, so a component reads as "how much this reason pushes towards this action".
The choice is quantal response: P(a) ∝ exp(U(a) / noise), drawn with one uniform per history
from the step's fixed block of random numbers (common random numbers across scenarios).

A step costs a fixed few hundred small numpy calls whatever the number of histories, so the agents
write only what is there: a component names the actions it touches ({action index: value}, every
other action 0) and the legal mask is one entry per action (an (N,) mask, or True/False for all
histories). The softmax then runs over the actions legal somewhere, one column at a time, and
draws without normalising: an action is chosen where the uniform times the total weight falls in
its share of the cumulative weights. Full (N, actions) arrays are made only when someone reads
them (the event log, tests, the UI), through `CrisisAgent.utilities` and the `Decision`
properties. Rounding may differ from a textbook softmax in the last bit of a probability; a choice
could differ only if a uniform fell within that last bit of a boundary (about 1e-16), so outcomes
are the same (benchmarks/fingerprint.py hashes them for 75,000 histories).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.view import Controller as Controller  # re-exported: where agents are
from sim.agents.view import CrisisView

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Choice = npt.NDArray[np.int8]
#: One action's column: a value per history, or one value for all of them.
Column = Array | float
#: A utility component by action: {action index: utility}; actions it does not name get 0.
Component = dict[int, Column]
#: Where each action is legal: one entry per action, a mask over histories or True/False for all.
Legal = list[Mask | bool]


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
    the agent computed (`columns`: weight by action, absent ones 0, over `total`, the sum of the
    weights; `reasons`: components).
    """

    choice: Choice
    columns: dict[int, Column]
    total: Column
    reasons: dict[str, Component]
    n: int
    actions: int

    @cached_property
    def probabilities(self) -> Array:  # (N, A)
        total = np.asarray(self.total, dtype=float).reshape(-1, 1)  # one per history, or one
        out: Array = dense(self.columns, self.n, self.actions) / total
        return out

    @cached_property
    def counts(self) -> list[int]:
        """How many histories (running or not) chose each action: one call tells `chose` which
        actions nobody chose, most of them in most steps."""
        counts: list[int] = np.bincount(self.choice, minlength=self.actions).tolist()
        return counts

    @cached_property
    def components(self) -> dict[str, Array]:  # name -> (N, A)
        return {name: dense(c, self.n, self.actions) for name, c in self.reasons.items()}


def draw(weights: list[Column | None], u: Array) -> tuple[Choice, Column]:
    """Choose in proportion to `weights` (by action, None: 0) with one uniform per history.

    The choice is the first action whose cumulative weight exceeds u times the total; the last
    action takes what is left. Comparing with u x total instead of dividing every weight by the
    total saves a division per action. Returns the choice and the total weight.
    """
    first = weights[0]
    assert first is not None  # doing nothing always has a weight
    cumulative: list[Column | None] = [first]
    running = first
    for w in weights[1:]:
        if w is None:
            cumulative.append(None)  # the same as the sum before it
        else:
            running = running + w
            cumulative.append(running)
    threshold = u * running
    below = np.less(first, threshold)
    choice = below.astype(np.int8)
    for c in cumulative[1:-1]:
        if c is not None:
            below = np.less(c, threshold)
        choice += below.view(np.int8)  # True is 1: the same count, without a cast
    return choice, running


#: The scaled utility of an illegal entry. Doing nothing is always legal and worth >= 0, so the
#: total weight is >= exp(0) = 1 and an illegal entry's weight, exp(-400) ~ 2e-174, is too small
#: to change any sum it joins: every choice is what -inf (weight exactly 0) would give. Unlike
#: -inf, or a value whose exp underflows, it keeps numpy's exp on its fast path: a third of the
#: cost of a mostly-illegal column. Utilities are a few units and the noise is >= 0.05 (the
#: schema), so exp never overflows and no maximum needs subtracting first.
ILLEGAL = -400.0


class CrisisAgent(mesa.Agent):  # type: ignore[misc]
    """Base class: subclasses set `actor`, `actions`, and build utilities in `reasons()`."""

    actor: str = ""
    actions: tuple[str, ...] = ()
    random_column: int = 0

    model: CrisisView

    def __init__(self, model: CrisisView) -> None:
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
            columns = self.weights(reasons, legal, live)
            choice, total = draw(
                [columns.get(a) for a in range(len(self.actions))],
                self.model.uniform(self.random_column),
            )
        else:  # nothing but doing nothing is allowed anywhere (before the crisis is public)
            columns, total = {0: 1.0}, 1.0
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
        self.last = Decision(choice, columns, total, reasons, n, len(self.actions))
        return self.last

    def legal_mask(self, legal: Legal) -> Mask:
        """The (N, A) array of a legal mask."""
        mask = np.zeros((self.model.world.n, len(self.actions)), dtype=bool)
        for i, allowed in enumerate(legal):
            mask[:, i] = allowed
        return mask

    def weights(
        self, reasons: dict[str, Component], legal: Legal, live: list[bool]
    ) -> dict[int, Column]:
        """exp(utility / noise) of the actions legal somewhere (`live`): the softmax's weights.

        Column by column: each action's components added in their order (absent ones are 0),
        illegal entries ILLEGAL (see there). A weight the same in every history stays one number.
        """
        noise = self.model.params.f("world.decision_noise")
        weights: dict[int, Column] = {}
        totals: dict[int, Column] = {}
        for component in reasons.values():  # each action's components in their order
            for a, value in component.items():
                if live[a]:
                    totals[a] = totals[a] + value if a in totals else value
        for a, is_live in enumerate(live):
            if not is_live:
                continue
            s = totals.get(a, 0.0) / noise
            if legal[a] is not True:  # not legal in every history
                s = np.where(legal[a], s, ILLEGAL)
            # The arrays here are new (a sum, a quotient or np.where), so exp can write in place.
            weights[a] = np.exp(s, out=s) if isinstance(s, np.ndarray) else math.exp(s)
        return weights

    def chose(self, decision: Decision, action: str) -> Mask | None:
        """Histories (still running) in which this agent chose `action`; None if there are none
        (most actions, most steps: then the caller has nothing to do)."""
        a = self.index(action)
        if not decision.counts[a]:
            return None
        rows: Mask = (decision.choice == a) & self.model.world.active
        return rows if np.count_nonzero(rows) else None

    def mark(self, decision: Decision, action: str, field: str) -> Mask | None:
        """Where this agent chose `action`, write this step into the world's `field` (when it
        happened; -1: never). Returns those histories, None if there are none."""
        rows = self.chose(decision, action)
        if rows is None:
            return None
        np.putmask(getattr(self.model.world, field), rows, self.model.step_index)
        return rows

    def send(self, decision: Decision, action: str, message: str) -> Mask | None:
        """Where this agent chose `action`, its message leaves now: the step goes into the world's
        `message` field (`sim.world.MESSAGES`) and the log notes it. Returns those histories, None
        if there are none."""
        rows = self.mark(decision, action, message)
        if rows is not None:
            self.model.note_messages(rows, self.actor, action)
        return rows

    def apply(self, decision: Decision) -> None:
        """Write the consequences of `decision` into the world."""
        raise NotImplementedError

    def step(self) -> None:
        """Mesa's hook: agents act through `CrisisModel.step`, which orders them explicitly."""
