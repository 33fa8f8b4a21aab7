"""The United Kingdom: two voices in one agent, the Prime Minister's Cabinet and the Foreign Office.

Rawnsley (1995) reads the Cabinet as prestige-driven — keen to be seen as consulted, fearful of a
Cuba–Berlin trade, wary of visible mobilisation — and the Foreign Office as the realists: worried
about the quarantine's legality, keen on the UN route, sober about British influence [R95; S:49;
S:56–72; S:97]. `uk.foreign_office_weight` sets which voice prevails. The British can advise, raise
the alert, and (scheduled by parameters, handled in the model) offer the Thors or a Berlin deal.
How much the advice counts in Washington is `uk.consultation`, applied in the US agent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sim import world as w
from sim.agents.base import Component, CrisisAgent, Decision, Legal, draw
from sim.randomness import COLUMN

if TYPE_CHECKING:
    from sim.model import CrisisModel


class Preferences:
    """Weights of each British voice (relative to quiet public support); signs from the sources."""

    cabinet_prestige = (
        0.5  # Macmillan guarded the image of influence; nightly calls [S:94, Tel-Horne]
    )
    cabinet_berlin_fear = 1.6  # feared a Cuba–Berlin trade [UPI93, Tel-Horne]
    cabinet_avoid_mobilisation = 1.4  # the 1914 analogy: no visible mobilisation [Reddit-AH]
    cabinet_alert_when_dangerous = 1.6  # yet Alert Condition 3 on 27 Oct [V2S]
    fo_legality = 0.9  # doubts about the quarantine's legal basis [S:56–72]
    fo_tankers = 1.2  # oil is not an offensive weapon [S:56–58]
    fo_un_route = 0.5  # wanted action legitimised through the UN [S:64, S:76]
    fo_realism = 0.6  # advice is not asked for; do not spend credit [R95, S:31]
    fo_no_provocation = 0.5  # the measured line of the FO [S:97]; level: modelling assumption


#: Where each choice moves the British line, from -1 (restrain) to +1 (stand firm).
ADVICE_TARGET = {
    "support": 0.0,
    "advise_restraint": -1.0,
    "press_firmness": 1.0,
    "raise_alert": 0.3,
}
ADVICE_MEMORY = 0.7
#: See `UnitedKingdom._state_of_code`.
_EVERY_CODE: w.World | None = None


class UnitedKingdom(CrisisAgent):
    actor = "uk"
    actions = ("support", "advise_restraint", "press_firmness", "raise_alert")
    random_column = COLUMN["uk_choice"]
    prefs = Preferences()
    targets = np.asarray([ADVICE_TARGET[a] for a in actions])
    #: How many values each part of a history's state code takes (see `state_code`).
    CODES = len(w.DANGER_LEVEL) * 5 * 8

    def __init__(self, model: CrisisModel) -> None:
        super().__init__(model)
        self._tables: dict[bool, npt.NDArray[np.float64]] = {}

    def state_code(self) -> npt.NDArray[np.int16]:
        """What London's choice depends on, once it has been told, as one number per history.

        Rung of the ladder and incidents so far (up to 4: together they are `danger`), whether
        Moscow has tied Cuba to Berlin (demand known, or pressure on Berlin), whether tankers are
        stopped, and whether the British alert is already raised (then it cannot be raised again).
        The rung also says whether the quarantine is on. Everything else in `reasons` is the same
        in every history of a step. `tests/test_agents.py` checks that nothing else is read.
        """
        m, wd = self.model, self.model.world
        berlin_demand = wd.known(wd.ussr_berlin, m.step_index, m.delay_steps)
        berlin_demand |= wd.berlin >= 1
        bits = berlin_demand.view(np.uint8) << 2  # bools as 0/1 bytes, without a cast
        bits |= wd.tankers.view(np.uint8) << 1
        bits |= wd.uk_alert.view(np.uint8)
        code = np.minimum(wd.incidents, 4)
        code += wd.escalation * 5
        code <<= 3
        code |= bits
        return code

    def _state_of_code(self) -> w.World:
        """A world with one history for every state code (the inverse of `state_code`); built
        once per process and read-only (agents only read the world they decide on)."""
        global _EVERY_CODE
        if _EVERY_CODE is None:
            codes = np.arange(self.CODES)
            wd = w.World(self.CODES)
            wd.escalation = (codes // 40).astype(np.int16)
            wd.incidents = (codes // 8 % 5).astype(np.int16)
            wd.berlin = (codes // 4 % 2).astype(np.int16)
            wd.tankers = codes // 2 % 2 == 1
            wd.uk_alert = codes % 2 == 1
            for array in vars(wd).values():
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False
            _EVERY_CODE = wd
        return _EVERY_CODE

    def decide(self) -> Decision:
        """Once London is told, the softmax weights of every state code are worked out once (per
        run, and again when U Thant appeals) and looked up: the same numbers as `reasons` and the
        weights history by history, at a fraction of the cost. Logging and controllers take the
        general path, which explains each choice.
        """
        m = self.model
        if m.record or m.controllers or m.step_index < w.UK_TOLD_STEP:
            return super().decide()
        regime = m.step_index >= w.UN_APPEAL_STEP
        table = self._tables.get(regime)
        if table is None:
            table = self._tables[regime] = self._table()
        weights = table.take(self.state_code(), axis=1)
        choice, total = draw(list(weights), m.uniform(self.random_column))
        n, a = m.world.n, len(self.actions)
        self.last = Decision(choice, dict(enumerate(weights)), total, {}, n, a)
        return self.last

    def _table(self) -> npt.NDArray[np.float64]:
        """Softmax weights (actions, CODES) of this step's regime, by the general rule."""
        with self.model.considering(self._state_of_code()):
            reasons, legal = self.reasons()
            legal[0] = True
            live = [True] * len(self.actions)  # illegal entries get (next to) no weight below
            weights = self.weights(reasons, legal, live)
        table = np.empty((len(self.actions), self.CODES))
        for a in range(len(self.actions)):
            table[a] = weights[a]  # a weight the same for every code is one number
        return table

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        m, wd, p, pr = self.model, self.model.world, self.model.params, self.prefs
        t, ix = m.step_index, self.index
        told = t >= w.UK_TOLD_STEP
        legal = self.nothing_legal()
        legal[ix("advise_restraint")] = legal[ix("press_firmness")] = told
        legal[ix("raise_alert")] = told & ~wd.uk_alert
        if self.nothing_to_choose(legal):
            return {}, legal
        fo = p.f("uk.foreign_office_weight")
        cab = 1.0 - fo
        berlin_demand = wd.known(wd.ussr_berlin, t, m.delay_steps) | (wd.berlin >= 1)
        danger = m.danger()
        un_appeal = float(t >= w.UN_APPEAL_STEP)

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        restraint, firmness, alert = ix("advise_restraint"), ix("press_firmness"), ix("raise_alert")
        c: dict[str, Component] = {}
        c["cabinet: be seen to be consulted"] = {
            restraint: cab * pr.cabinet_prestige,
            firmness: cab * pr.cabinet_prestige * 0.5,
        }
        c["cabinet: fear of a Cuba–Berlin trade"] = {
            firmness: cab * np.where(berlin_demand, pr.cabinet_berlin_fear, -0.8)
        }
        c["cabinet: readiness vs no visible mobilisation"] = {
            alert: cab
            * (
                -pr.cabinet_avoid_mobilisation
                + pr.cabinet_alert_when_dangerous * np.maximum(danger - 0.5, 0)
            )
        }
        c["foreign office: no provocative alerts"] = {alert: -fo * pr.fo_no_provocation}
        c["foreign office: legality of the quarantine"] = {
            restraint: fo
            * (pr.fo_legality * (wd.escalation >= w.QUARANTINE) + pr.fo_tankers * wd.tankers)
        }
        c["foreign office: the UN route"] = {restraint: fo * pr.fo_un_route * un_appeal}
        c["foreign office: realism about influence"] = {
            restraint: -fo * pr.fo_realism * (1.0 - p.f("uk.consultation")),
            firmness: -fo * pr.fo_realism,
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        """Move the British line towards this step's choice and, perhaps, raise the alert."""
        wd = self.model.world
        if self.model.step_index < w.UK_TOLD_STEP:  # London does not know yet: nothing moves
            return
        target = self.targets.take(decision.choice)
        wd.uk_advice = np.where(
            wd.active, ADVICE_MEMORY * wd.uk_advice + (1 - ADVICE_MEMORY) * target, wd.uk_advice
        )
        alert = self.chose(decision, "raise_alert")
        if alert is not None:
            wd.uk_alert |= alert
