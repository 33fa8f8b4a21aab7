"""The Soviet Union: Khrushchev and the Presidium.

Aims: deter an invasion of Cuba and offset US missiles near the USSR [OH]. Khrushchev ordered the
ships back but denounced the blockade (24 Oct), offered withdrawal for a no-invasion pledge
(26 Oct), added the Jupiters in Turkey (27 Oct) and accepted on 28 Oct [OH]. Whether he ties Cuba
to Berlin is a scenario switch (`ussr.berlin_linkage`). Local commanders and Castro act on their
own through the incident hazard and `ussr.local_autonomy` (handled in the model).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim import world as w
from sim.agents.base import Array, Component, CrisisAgent, Decision, Legal, Mask
from sim.agents.view import CrisisView
from sim.outcomes import CLIMBDOWN, NEGOTIATED
from sim.randomness import COLUMN


class Preferences:
    """Weights of the Soviet utility components (relative to waiting); signs from the sources."""

    fear_of_war = 2.2  # scaled by (1 - risk acceptance); ships turned back 24 Oct [OH]
    halt_when_blockaded = 1.2  # IRBM ships ordered home 23 Oct [Patch, Dobbs]
    halt_base = -2.4
    halt_fear_floor = 0.3  # some fear of war even before any incident; modelling assumption
    halt_after_steps = 2  # the order home came the day after the speech [Patch, Dobbs]
    un_appeal = 0.6  # U Thant's channel to keep ships away [FRUS-XI-74, Aval-87]
    offer_base = -2.1  # first letter, 26 Oct [OH]
    offer_pressure_per_day = 0.6  # the quarantine and the strike threat bite over days
    offer_pressure_days_max = 6.0
    demand_turkey = 1.2  # second letter adds Turkey, 27 Oct [OH, WHP]
    demand_berlin = 1.5  # linkage scenario
    accept_base = -1.4  # withdrawing is a loss of face in itself
    gain_pledge = 1.2  # Cuba safe from invasion: the first aim [OH]
    gain_secret_jupiters = 0.9
    gain_public_jupiters = 1.4
    # The Thor offer was a *temporary* answer to the Cuba-for-Turkey demand via U Thant
    # (S:46–48, FACTS §1.4): it is worth something only once Turkey has been demanded, and then
    # only as this share of what Moscow expects for Turkey — it offsets part of that demand and
    # replaces neither the Jupiters nor Washington's own assurance. The Thors were being run down
    # anyway [MilHist-Emily], so a standstill of them is worth less. Shares: modelling assumption.
    thor_share_public = 0.25  # a visible Western missile standstill via the UN [S:46]
    thor_share_private = 0.1
    # Ormsby-Gore's plan (S:83–86: Cuba used "as a pawn" for a better West Berlin status — no
    # offensive weapons there, UN verification, UN observers) asks Moscow to give something in
    # Berlin: a Western gain and a cost to Moscow, never a gain, and it meets no Soviet Berlin
    # demand (`demand_berlin`, a separate thing). Level: modelling assumption.
    cost_west_berlin_plan = 0.4
    # Having asked for Turkey in a letter broadcast on Moscow radio (27 Oct [OH]), less is a
    # public shortfall; Khrushchev accepted only after the RFK–Dobrynin assurance [OH].
    expect_turkey = 1.8
    # Offsetting the US missiles near the USSR was an aim from the start [OH]: a pledge alone
    # falls short even before the 27 Oct letter asks for Turkey, and Khrushchev accepted only
    # after the RFK–Dobrynin assurance [OH]. Level: modelling assumption.
    expect_turkey_aim = 0.6
    expect_berlin = 1.8
    expect_tankers = 0.6  # a wider blockade hardens Moscow [S:56–58]
    shortfall = 2.6  # scaled by resolve
    climb_down_base = -5.0
    climb_down_resolve = 2.0  # face lost by climbing down, per unit of resolve
    berlin_base = -3.0
    berlin_linkage = 2.6
    berlin_weak_alliance = 2.0  # a divided NATO invites pressure on Berlin
    berlin_at_war = 1.5  # a war over Cuba invites a riposte in Berlin [FRUS-mS364]
    berlin_fear = 0.5  # share of the fear of war that pressure on Berlin adds
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

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        """The Presidium's reasons, once the crisis is public (or at war).

        The fear of war, as the crisis grows dangerous, scaled down by risk acceptance: it turned
        the ships back and brought the letters [OH]; the pressure of the quarantine over the days
        [Patch, Dobbs] and U Thant's appeal [FRUS-XI-74, Aval-87]; what a deal gives against what
        Moscow has asked for, the shortfall weighed by resolve [OH, WHP]; face; finishing the
        sites; and Berlin, where linkage and a divided NATO invite pressure.
        """
        model, world, params, prefs = self.model, self.model.world, self.model.params, self.prefs
        step, delay, index = model.step_index, model.delay_steps, self.index
        at_war = model.at_war()
        if step < w.SPEECH_STEP and not (model.record or np.count_nonzero(at_war)):
            return {}, self.nothing_legal()  # Moscow does not know it is found out; no war yet
        public = world.course_quarantine if step >= w.SPEECH_STEP else np.zeros(world.n, bool)
        # Public and not at war, or at war; in running histories only (an action legal only in
        # finished ones need not be weighed: `decide`).
        calm = public & ~at_war & world.active
        war = at_war & world.active
        blockade = calm if step >= w.QUARANTINE_STEP else np.zeros(world.n, dtype=bool)
        linkage = params.b("ussr.berlin_linkage")
        halt, offer, accept = index("halt_ships"), index("offer_withdrawal"), index("accept")
        turkey, berlin = index("demand_turkey"), index("demand_berlin")
        climb_down, press_berlin = index("climb_down"), index("press_berlin")
        legal = self.nothing_legal()
        legal[halt] = calm & world.unsent(world.shipments_halted)
        legal[offer] = blockade & world.unsent(world.ussr_offer)
        offered = blockade & world.sent(world.ussr_offer)
        legal[turkey] = offered & world.unsent(world.ussr_turkey)
        if linkage:  # Berlin is on the table only in the linkage scenario
            legal[berlin] = offered & world.unsent(world.ussr_berlin)
        # Something to accept: a pledge known in Moscow, in the quarantine or in a war [OH].
        legal[accept] = (blockade | war) & world.known(world.us_pledge, step, delay)
        legal[climb_down] = blockade
        legal[press_berlin] = (calm | war) & (world.berlin < 2)  # public or at war
        if self.nothing_to_choose(legal):
            return {}, legal

        fear = prefs.fear_of_war * (1.0 - params.f("ussr.risk_acceptance"))
        resolve = params.f("ussr.resolve")
        danger = model.danger()
        days_blockade = max(0, step - w.QUARANTINE_STEP) / 4.0
        # What Moscow expects for withdrawing: a pledge, plus whatever it has publicly demanded.
        expected = (
            prefs.gain_pledge
            + prefs.expect_turkey_aim
            + (prefs.expect_turkey - prefs.expect_turkey_aim) * world.sent(world.ussr_turkey)
        )
        if linkage:  # (else no Berlin demand is ever made: `__init__`)
            expected = expected + prefs.expect_berlin * world.sent(world.ussr_berlin)
        if self.tankers:  # (else no tanker is ever stopped)
            expected = expected + prefs.expect_tankers * world.tankers
        gains = self.gains()

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        c: dict[str, Component] = {}
        fear_danger = fear * danger
        c["risk_of_war"] = {
            halt: fear * (prefs.halt_fear_floor + danger),
            offer: fear_danger,
            accept: fear * (danger + at_war),
            climb_down: fear_danger,
            press_berlin: -prefs.berlin_fear * fear * (1.0 + danger),
        }
        c["quarantine_pressure"] = {
            halt: (
                prefs.halt_base
                + prefs.halt_when_blockaded * (step >= w.SPEECH_STEP + prefs.halt_after_steps)
                + prefs.un_appeal * (step >= w.UN_APPEAL_STEP)
            ),
            offer: prefs.offer_base
            + prefs.offer_pressure_per_day * min(days_blockade, prefs.offer_pressure_days_max),
        }
        shortfall = np.maximum(expected - gains, 0.0)
        deal = prefs.accept_base + gains
        if self.berlin_offered:  # (else the plan costs nothing anywhere: `__init__`)
            deal = deal - self.west_berlin_cost()
        c["what_the_deal_gives"] = {
            accept: deal - prefs.shortfall * resolve * shortfall,
            turkey: prefs.demand_turkey + resolve,
            berlin: prefs.demand_berlin,
        }
        c["face"] = {
            climb_down: prefs.climb_down_base - prefs.climb_down_resolve * resolve,
            halt: -resolve,
            offer: -resolve,
        }
        c["keep_building_the_sites"] = {
            0: prefs.keep_building * resolve * (1.0 - world.missiles_operational)
        }
        c["berlin"] = {
            press_berlin: (
                prefs.berlin_base
                + prefs.berlin_linkage * linkage
                + prefs.berlin_weak_alliance * (1.0 - world.cohesion)
                + prefs.berlin_at_war * at_war
            )
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        """Halt the ships, send offers and demands, press on Berlin; accept or climb down."""
        model, world = self.model, self.model.world
        self.mark(decision, "halt_ships", "shipments_halted")  # an order, not a message
        for action, message in (
            ("offer_withdrawal", "ussr_offer"),
            ("demand_turkey", "ussr_turkey"),
            ("demand_berlin", "ussr_berlin"),
        ):
            self.send(decision, action, message)
        press = self.chose(decision, "press_berlin")
        if press is not None:
            np.putmask(world.berlin, press, np.minimum(world.berlin + 1, 2))
        accept = self.chose(decision, "accept")
        if accept is None:
            model.finish(self.chose(decision, "climb_down"), CLIMBDOWN)
            return
        at_war = world.escalation >= w.STRIKE
        model.end_war(accept & at_war)
        deal = accept & ~at_war
        if np.count_nonzero(deal):
            world.concessions = np.where(deal, self.terms(), world.concessions)
            model.finish(deal, NEGOTIATED)
        model.finish(self.chose(decision, "climb_down"), CLIMBDOWN)

    def __init__(self, model: CrisisView) -> None:
        super().__init__(model)
        prefs, params = self.prefs, model.params
        #: What a British offer is worth to Moscow: set by the parameters, so once per run.
        public = params.s("uk.thor_offer") == "public"
        share = prefs.thor_share_public if public else prefs.thor_share_private
        self.thor_value = share * prefs.expect_turkey  # only against a Turkey demand: `gains`
        self.berlin_cost = prefs.cost_west_berlin_plan  # a cost, linkage or not (S:83–86)
        # Whether Britain makes either offer, Washington widens the quarantine to tankers, and its
        # Jupiter assurance is public or secret, in this run: a term for what cannot happen is 0
        # everywhere and is left out (adding 0 to these sums of terms >= 0 changes no bit; the
        # step's reasons cost fewer calls).
        self.thor_offered = params.s("uk.thor_offer") != "none"
        self.berlin_offered = params.b("uk.berlin_proposal")
        self.tankers = params.b("us.widen_to_tankers")
        self.public_trade = params.b("us.public_jupiter_trade")

    def gains(self) -> Array:
        """Value to Moscow of the concessions to it that are on the table and known in Moscow."""
        model, world, prefs = self.model, self.model.world, self.prefs
        step, delay = model.step_index, model.delay_steps
        # Only one of the two Jupiter assurances can be given in a run (`__init__`).
        if self.public_trade:
            jupiters, gain = world.us_public_jupiters, prefs.gain_public_jupiters
        else:
            jupiters, gain = world.us_secret_jupiters, prefs.gain_secret_jupiters
        gains: Array = prefs.gain_pledge * world.known(world.us_pledge, step, delay) + (
            gain * world.known(jupiters, step, delay)
        )
        if self.thor_offered:
            thor = world.known(world.uk_thor, step, delay) & world.sent(world.ussr_turkey)
            gains = gains + self.thor_value * thor
        return gains

    def west_berlin_cost(self) -> Array:
        """What Ormsby-Gore's plan, once known in Moscow, asks of it (S:83–86): a price of the
        deal, not a shortfall against Moscow's own demands (so it is not counted twice)."""
        model, world = self.model, self.model.world
        known = world.known(world.uk_berlin, model.step_index, model.delay_steps)
        cost: Array = np.where(known, self.berlin_cost, 0.0)
        return cost

    def terms(self) -> npt.NDArray[np.uint8]:
        """What a deal accepted now contains, as bits (`sim.world.CONCESSION_BIT`): the offers
        known in Moscow. The Thors only where they answer a Turkey demand (S:46); Ormsby-Gore's
        plan, if on the table, is accepted with the rest (a counterfactual: modelling assumption).
        No UN inspection: none was agreed [HC-12Nov]."""
        model, world = self.model, self.model.world
        step, delay = model.step_index, model.delay_steps
        terms = np.zeros(world.n, dtype=np.uint8)
        known: dict[str, Mask] = {}
        for message, concession in (
            ("us_pledge", "pledge"),
            ("us_secret_jupiters", "secret_jupiters"),
            ("us_public_jupiters", "public_jupiters"),
            ("uk_thor", "thor_immobilisation"),
            ("uk_berlin", "west_berlin_guarantee"),
        ):
            known[concession] = world.known(getattr(world, message), step, delay)
            if concession == "thor_immobilisation":
                known[concession] &= world.sent(world.ussr_turkey)
            # (a masked ufunc: cheaper than `terms[mask] |= bit`, a gather and a scatter)
            np.bitwise_or(terms, w.CONCESSION_BIT[concession], out=terms, where=known[concession])
        return terms


#: What each Soviet choice means, in words (sim.labels).
ACTION_LABELS: dict[str, str] = {
    "wait": "waits; site construction goes on",
    "halt_ships": "orders the ships carrying arms to turn back",
    "offer_withdrawal": "offers to withdraw the missiles for a no-invasion pledge",
    "demand_turkey": "demands the Jupiters in Turkey as well",
    "demand_berlin": "demands concessions over West Berlin for withdrawing",
    "accept": "accepts: the missiles will be withdrawn",
    "climb_down": "withdraws the missiles without conditions",
    "press_berlin": "raises the pressure on West Berlin",
}
#: The reasons of `reasons`, in words.
COMPONENT_LABELS: dict[str, str] = {
    "risk_of_war": "the risk of war",
    "quarantine_pressure": "the pressure of the quarantine",
    "what_the_deal_gives": "what the deal gives",
    "face": "saving face",
    "keep_building_the_sites": "finishing the missile sites",
    "berlin": "Berlin",
}
