"""The Soviet Union: Khrushchev and the Presidium.

Aims: deter an invasion of Cuba and offset US missiles near the USSR [OH]. Khrushchev ordered the
ships back but denounced the blockade (24 Oct), offered withdrawal for a no-invasion pledge
(26 Oct), added the Jupiters in Turkey (27 Oct) and accepted on 28 Oct [OH]. Whether he ties Cuba
to Berlin is a scenario switch (`ussr.berlin_linkage`). Local commanders and Castro act on their
own through the incident hazard and `ussr.local_autonomy` (handled in the model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import world as w
from sim.agents.base import Array, Component, CrisisAgent, Decision, Legal, Mask
from sim.outcomes import CLIMBDOWN, NEGOTIATED
from sim.randomness import COLUMN

if TYPE_CHECKING:
    from sim.model import CrisisModel


class Preferences:
    """Weights of the Soviet utility components (relative to waiting); signs from the sources."""

    fear_of_war = 2.2  # scaled by (1 - risk acceptance); ships turned back 24 Oct [OH]
    halt_when_blockaded = 1.2  # IRBM ships ordered home 23 Oct [Patch, Dobbs]
    halt_base = -2.4
    un_appeal = 0.6  # U Thant's channel to keep ships away [FRUS-XI-74, Aval-87]
    offer_base = -2.1  # first letter, 26 Oct [OH]
    offer_pressure_per_day = 0.6  # the quarantine and the strike threat bite over days
    demand_turkey = 1.2  # second letter adds Turkey, 27 Oct [OH, WHP]
    demand_berlin = 1.5  # linkage scenario
    accept_base = -1.4  # withdrawing is a loss of face in itself
    gain_pledge = 1.2  # Cuba safe from invasion: the first aim [OH]
    gain_secret_jupiters = 0.9
    gain_public_jupiters = 1.4
    gain_thor_public = 0.5  # a visible Western missile standstill via the UN [S:46]
    gain_thor_private = 0.15
    gain_berlin_terms = 0.4
    expect_turkey = 0.9  # having asked for Turkey, less is a shortfall
    expect_berlin = 1.8
    shortfall = 2.6  # scaled by resolve
    climb_down_base = -5.0
    berlin_base = -3.0
    berlin_linkage = 2.6
    berlin_weak_alliance = 2.0  # a divided NATO invites pressure on Berlin
    keep_building = 0.4  # scaled by resolve


class SovietUnion(CrisisAgent):
    actor = "ussr"
    actions = (
        "wait",
        "halt_ships",
        "offer_withdrawal",
        "demand_turkey",
        "demand_berlin",
        "accept",
        "climb_down",
        "press_berlin",
    )
    random_column = COLUMN["ussr_choice"]
    prefs = Preferences()

    def __init__(self, model: CrisisModel) -> None:
        super().__init__(model)
        pr, p = self.prefs, model.params
        #: What a British offer is worth to Moscow: set by the parameters, so once per run.
        self.thor_value = (
            pr.gain_thor_public if p.s("uk.thor_offer") == "public" else pr.gain_thor_private
        )
        linkage = p.b("ussr.berlin_linkage")
        self.berlin_value = pr.gain_berlin_terms * (3.0 if linkage else 1.0)

    def gains(self) -> Array:
        """Value to Moscow of what is on the table and known in Moscow."""
        m, wd, pr = self.model, self.model.world, self.prefs
        t, d = m.step_index, m.delay_steps
        thor_value, berlin_value = self.thor_value, self.berlin_value
        gains: Array = (
            pr.gain_pledge * wd.known(wd.us_pledge, t, d)
            + pr.gain_secret_jupiters * wd.known(wd.us_secret_jupiters, t, d)
            + pr.gain_public_jupiters * wd.known(wd.us_public_jupiters, t, d)
            + thor_value * wd.known(wd.uk_thor, t, d)
            + berlin_value * wd.known(wd.uk_berlin, t, d)
        )
        return gains

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        m, wd, p, pr = self.model, self.model.world, self.model.params, self.prefs
        t, d, ix = m.step_index, m.delay_steps, self.index
        at_war = m.at_war()
        if t < w.SPEECH_STEP and not (m.record or np.count_nonzero(at_war)):
            return {}, self.nothing_legal()  # Moscow does not know it is found out; no war yet
        public = wd.course_quarantine if t >= w.SPEECH_STEP else np.zeros(wd.n, dtype=bool)
        calm = public > at_war  # public and not at war (a & ~b in one call)
        blockade = calm if t >= w.QUARANTINE_STEP else np.zeros(wd.n, dtype=bool)
        linkage = p.b("ussr.berlin_linkage")
        legal = self.nothing_legal()
        legal[ix("halt_ships")] = calm & wd.unsent(wd.shipments_halted)
        legal[ix("offer_withdrawal")] = blockade & wd.unsent(wd.ussr_offer)
        offered = blockade & wd.sent(wd.ussr_offer)
        legal[ix("demand_turkey")] = offered & wd.unsent(wd.ussr_turkey)
        if linkage:  # Berlin is on the table only in the linkage scenario
            legal[ix("demand_berlin")] = offered & wd.unsent(wd.ussr_berlin)
        legal[ix("accept")] = (blockade & wd.known(wd.us_pledge, t, d)) | at_war
        legal[ix("climb_down")] = blockade
        legal[ix("press_berlin")] = (public | at_war) & (wd.berlin < 2)
        if self.nothing_to_choose(legal):
            return {}, legal

        fear = pr.fear_of_war * (1.0 - p.f("ussr.risk_acceptance"))
        resolve = p.f("ussr.resolve")
        danger = m.danger()
        days_blockade = max(0, t - w.QUARANTINE_STEP) / 4.0
        # What Moscow expects for withdrawing: a pledge, plus whatever it has publicly demanded.
        expected = (
            pr.gain_pledge
            + pr.expect_turkey * wd.sent(wd.ussr_turkey)
            + pr.expect_berlin * wd.sent(wd.ussr_berlin)
            + 0.6 * wd.tankers  # a wider blockade hardens Moscow [S:56–58]
        )
        gains = self.gains()

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        halt, offer, accept = ix("halt_ships"), ix("offer_withdrawal"), ix("accept")
        climb_down, press_berlin = ix("climb_down"), ix("press_berlin")
        c: dict[str, Component] = {}
        fear_danger = fear * danger
        c["risk_of_war"] = {
            halt: fear * (0.3 + danger),
            offer: fear_danger,
            accept: fear * (danger + at_war),
            climb_down: fear_danger,
            press_berlin: -0.5 * fear * (1.0 + danger),
        }
        c["quarantine_pressure"] = {
            halt: (
                pr.halt_base
                + pr.halt_when_blockaded * (t >= w.SPEECH_STEP + 2)
                + pr.un_appeal * (t >= w.UN_APPEAL_STEP)
            ),
            offer: pr.offer_base + pr.offer_pressure_per_day * min(days_blockade, 6.0),
        }
        c["what_the_deal_gives"] = {
            accept: (
                pr.accept_base + gains - pr.shortfall * resolve * np.maximum(expected - gains, 0.0)
            ),
            ix("demand_turkey"): pr.demand_turkey + resolve,
            ix("demand_berlin"): pr.demand_berlin,
        }
        c["face"] = {
            climb_down: pr.climb_down_base - 2.0 * resolve,
            halt: -resolve,
            offer: -resolve,
        }
        c["keep_building_the_sites"] = {
            0: pr.keep_building * resolve * (1.0 - wd.missiles_operational)
        }
        c["berlin"] = {
            press_berlin: (
                pr.berlin_base
                + pr.berlin_linkage * linkage
                + pr.berlin_weak_alliance * (1.0 - wd.cohesion)
                + 1.5 * at_war
            )
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        m, wd, t = self.model, self.model.world, self.model.step_index
        d = m.delay_steps
        for action, sent in (
            ("halt_ships", "shipments_halted"),
            ("offer_withdrawal", "ussr_offer"),
            ("demand_turkey", "ussr_turkey"),
            ("demand_berlin", "ussr_berlin"),
        ):
            rows = self.chose(decision, action)
            if rows is None:
                continue
            setattr(wd, sent, np.where(rows, t, getattr(wd, sent)).astype(np.int16))
            if action != "halt_ships":
                m.note_messages(rows, "ussr", action)
        press = self.chose(decision, "press_berlin")
        if press is not None:
            wd.berlin = np.where(press, np.minimum(wd.berlin + 1, 2), wd.berlin).astype(np.int16)
        accept = self.chose(decision, "accept")
        if accept is None:
            m.finish(self.chose(decision, "climb_down"), CLIMBDOWN)
            return
        at_war = wd.escalation >= w.STRIKE
        m.end_war(accept & at_war)
        deal = accept & ~at_war
        if np.count_nonzero(deal):
            bits = np.zeros(wd.n, dtype=np.uint8)
            known: dict[str, Mask] = {}
            for sent_step, name in (
                (wd.us_pledge, "pledge"),
                (wd.us_secret_jupiters, "secret_jupiters"),
                (wd.us_public_jupiters, "public_jupiters"),
                (wd.uk_thor, "thor_immobilisation"),
                (wd.uk_berlin, "berlin_terms"),
            ):
                known[name] = wd.known(sent_step, t, d)
                bits |= known[name].view(np.uint8) * np.uint8(w.CONCESSION_BIT[name])  # 0 or bit
            un = known["thor_immobilisation"] | known["berlin_terms"]
            bits |= un.view(np.uint8) * np.uint8(w.CONCESSION_BIT["un_inspection"])
            wd.concessions = np.where(deal, bits, wd.concessions)
            m.finish(deal, NEGOTIATED)
        m.finish(self.chose(decision, "climb_down"), CLIMBDOWN)
