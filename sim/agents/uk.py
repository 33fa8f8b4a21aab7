"""The United Kingdom: two voices in one agent, the Prime Minister's Cabinet and the Foreign Office.

Rawnsley (1995) reads the Cabinet as prestige-driven — keen to be seen as consulted, fearful of a
Cuba–Berlin trade, wary of visible mobilisation — and the Foreign Office as the realists: worried
about the quarantine's legality, keen on the UN route, sober about British influence [R95; S:49;
S:56–72; S:97]. `uk.foreign_office_weight` sets which voice prevails. The British can advise, raise
the alert, and (scheduled by parameters, handled in the model) offer the Thors or a Berlin deal.
How much the advice counts in Washington is `uk.consultation`, applied in the US agent.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import numpy.typing as npt

from sim import world as w
from sim.agents.base import Component, CrisisAgent, Decision, Legal
from sim.agents.lookup import Field, Lookup, State, write_flags, write_ints
from sim.agents.view import CrisisView
from sim.randomness import COLUMN


class Preferences:
    """Weights of each British voice (relative to quiet public support); signs from the sources."""

    cabinet_prestige = (
        0.5  # Macmillan guarded the image of influence; nightly calls [S:94, Tel-Horne]
    )
    cabinet_prestige_firmness = 0.5  # share of it won by urging firmness; modelling assumption
    cabinet_berlin_fear = 1.6  # feared a Cuba–Berlin trade [UPI93, Tel-Horne]
    cabinet_no_berlin_threat = -0.8  # no Berlin demand: firmness only annoys; modelling assumption
    cabinet_avoid_mobilisation = 1.4  # the 1914 analogy: no visible mobilisation [Reddit-AH]
    cabinet_alert_when_dangerous = 1.6  # yet Alert Condition 3 on 27 Oct [V2S]
    alert_danger_threshold = 0.5  # danger above a public crisis; modelling assumption
    fo_legality = 0.9  # doubts about the quarantine's legal basis [S:56–72]
    fo_tankers = 1.2  # oil is not an offensive weapon [S:56–58]
    fo_un_route = 0.5  # wanted action legitimised through the UN [S:64, S:76]
    fo_realism = 0.6  # advice is not asked for; do not spend credit [R95, S:31]
    # The measured line of the FO [S:97]: at least as firm against a visible alert as the Cabinet
    # (else, drawn every six hours, the FO would raise it more often than the Cabinet did: a
    # defect found by measuring). Level: modelling assumption.
    fo_no_provocation = 1.8


#: Where each choice moves the British line, from -1 (restrain) to +1 (stand firm).
ADVICE_TARGET = {
    "support": 0.0,
    "advise_restraint": -1.0,
    "press_firmness": 1.0,
    "raise_alert": 0.3,
}
#: Share of the previous line kept at each step (modelling assumption).
ADVICE_MEMORY = 0.7


class UnitedKingdom(CrisisAgent):
    actor = "uk"
    actions = ("support", "advise_restraint", "press_firmness", "raise_alert")
    random_column = COLUMN["uk_choice"]
    prefs = Preferences()
    targets = np.asarray([ADVICE_TARGET[a] for a in actions])

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        """London's reasons, once it has been told (21 Oct evening [Bbg, TNA-msg]).

        The Cabinet (weight 1 - `uk.foreign_office_weight`) wants to be seen to be consulted,
        fears a Cuba–Berlin trade once Moscow links them [UPI93, Tel-Horne], and avoids visible
        mobilisation unless danger is high [Reddit-AH; V2S]. The Foreign Office doubts the
        quarantine's legality, the more so with tankers stopped [S:56–72], wants the UN route
        once U Thant appeals [S:64, S:76], does not spend credit on unasked advice [R95, S:31]
        and avoids provocative alerts [S:97]. The alert can be raised once.

        Besides the parameters, this reads only the fields of `STATE` (the rung, incidents, the
        Berlin link, tankers, the alert) and the step only through `regime`: `Lookup` relies on it.
        """
        model, world, params, prefs = self.model, self.model.world, self.model.params, self.prefs
        step, index = model.step_index, self.index
        told = step >= w.UK_TOLD_STEP
        legal = self.nothing_legal()
        restraint, firmness, alert = (
            index("advise_restraint"),
            index("press_firmness"),
            index("raise_alert"),
        )
        legal[restraint] = legal[firmness] = told
        legal[alert] = told & ~world.uk_alert
        if self.nothing_to_choose(legal):
            return {}, legal
        foreign_office = params.f("uk.foreign_office_weight")
        cabinet = 1.0 - foreign_office
        berlin_threat = berlin_linked(model)
        danger = model.danger()
        un_appeal = float(step >= w.UN_APPEAL_STEP)

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        c: dict[str, Component] = {}
        c["cabinet: be seen to be consulted"] = {
            restraint: cabinet * prefs.cabinet_prestige,
            firmness: cabinet * prefs.cabinet_prestige * prefs.cabinet_prestige_firmness,
        }
        c["cabinet: fear of a Cuba–Berlin trade"] = {
            firmness: cabinet
            * np.where(berlin_threat, prefs.cabinet_berlin_fear, prefs.cabinet_no_berlin_threat)
        }
        c["cabinet: readiness vs no visible mobilisation"] = {
            alert: cabinet
            * (
                -prefs.cabinet_avoid_mobilisation
                + prefs.cabinet_alert_when_dangerous
                * np.maximum(danger - prefs.alert_danger_threshold, 0)
            )
        }
        c["foreign office: no provocative alerts"] = {
            alert: -foreign_office * prefs.fo_no_provocation
        }
        c["foreign office: legality of the quarantine"] = {
            restraint: foreign_office
            * (
                prefs.fo_legality * (world.escalation >= w.QUARANTINE)
                + prefs.fo_tankers * world.tankers
            )
        }
        c["foreign office: the UN route"] = {
            restraint: foreign_office * prefs.fo_un_route * un_appeal
        }
        c["foreign office: realism about influence"] = {
            restraint: -foreign_office * prefs.fo_realism * (1.0 - params.f("uk.consultation")),
            firmness: -foreign_office * prefs.fo_realism,
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        """Move the British line towards this step's choice and, perhaps, raise the alert."""
        world = self.model.world
        if self.model.step_index < w.UK_TOLD_STEP:  # London does not know yet: nothing moves
            return
        target = self.targets.take(decision.choice)
        np.putmask(
            world.uk_advice,
            world.active,
            ADVICE_MEMORY * world.uk_advice + (1 - ADVICE_MEMORY) * target,
        )
        alert = self.chose(decision, "raise_alert")
        if alert is not None:
            world.uk_alert |= alert

    def __init__(self, model: CrisisView) -> None:
        super().__init__(model)
        self.lookup = Lookup(self, STATE, regime)

    def decide(self) -> Decision:
        """By table where `Lookup` allows (see `STATE` and `regime`): the same choice as the
        general rule at a fraction of the cost."""
        decision = self.lookup.decide()
        if decision is None:
            return super().decide()
        self.last = decision
        return decision


def berlin_linked(model: CrisisView) -> npt.NDArray[np.bool_]:
    """Has Moscow tied Cuba to Berlin, as London sees it: a demand over Berlin read in
    Washington, or pressure on Berlin itself."""
    world = model.world
    linked: npt.NDArray[np.bool_] = world.known(
        world.ussr_berlin, model.step_index, model.delay_steps
    ) | (world.berlin >= 1)
    return linked


#: What London's choice depends on, besides the parameters and the step: `reasons` reads nothing
#: else of the world (tests/test_agents.py checks it on random worlds). The rung also says whether
#: the quarantine is on; incidents count up to 4, as in `sim.world.danger`.
STATE = State(
    (
        Field(
            "rung", len(w.LADDER), lambda model: model.world.escalation, write_ints("escalation")
        ),
        Field(
            "incidents",
            5,
            lambda model: np.minimum(model.world.incidents, 4),
            write_ints("incidents"),
        ),
        Field("Berlin linked", 2, berlin_linked, write_ints("berlin")),  # pressure on Berlin: 1
        Field("tankers stopped", 2, lambda model: model.world.tankers, write_flags("tankers")),
        Field("alert raised", 2, lambda model: model.world.uk_alert, write_flags("uk_alert")),
    )
)


def regime(step: int) -> Hashable | None:
    """Which table serves at `step`: none before London is told (nothing to choose but support);
    after that the British utilities change with the step only when U Thant appeals (`un_appeal`
    in `reasons`). A new step-dependent term in `reasons` must be added here: tests/test_agents.py
    compares the table with the general rule at every step."""
    if step < w.UK_TOLD_STEP:
        return None
    return step >= w.UN_APPEAL_STEP


#: What each British choice means, in words (sim.labels).
ACTION_LABELS: dict[str, str] = {
    "support": "supports Washington in public",
    "advise_restraint": "advises restraint and the UN route",
    "press_firmness": "urges firmness: no trade over Berlin",
    "raise_alert": "raises the alert (Thors to readiness, Bomber Command Alert Condition 3)",
}
#: The reasons of `reasons`, in words: who inside the government speaks, and for what.
COMPONENT_LABELS: dict[str, str] = {
    "cabinet: be seen to be consulted": "Cabinet — be seen to be consulted",
    "cabinet: fear of a Cuba–Berlin trade": "Cabinet — fear of a Cuba–Berlin trade",
    "cabinet: readiness vs no visible mobilisation": (
        "Cabinet — readiness vs no visible mobilisation"
    ),
    "foreign office: no provocative alerts": "Foreign Office — no provocative alerts",
    "foreign office: legality of the quarantine": "Foreign Office — legality of the quarantine",
    "foreign office: the UN route": "Foreign Office — the UN route",
    "foreign office: realism about influence": "Foreign Office — realism about influence",
}
