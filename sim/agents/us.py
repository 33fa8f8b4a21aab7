"""The United States: Kennedy and ExComm.

Objective: the missiles out without general war [OH]. ExComm chose the quarantine as the middle
course between an air strike or invasion and mere warnings [OH, Ginsberg]; the Joint Chiefs pressed
for military action [OH]. Kennedy answered Khrushchev's first letter with a no-invasion pledge and
gave a secret Jupiter assurance, refusing any public trade [OH]. He informed Macmillan but decided
alone [TNA-msg]; he saw no advantage in the British Thor idea (S:48, UPI93).
"""

from __future__ import annotations

import functools

import numpy as np

from sim import calendar
from sim import world as w
from sim.agents.base import Component, CrisisAgent, Decision, Legal
from sim.agents.view import Mask
from sim.outcomes import MISSILES_STAY
from sim.randomness import COLUMN


class Preferences:
    """Weights of the US utility components (relative to holding the quarantine).

    Levels are modelling assumptions calibrated to the baseline pattern in FACTS §2 (quarantine,
    pledge and secret Jupiters, acceptance 28 Oct); the *signs* follow the sources named.
    """

    strike_base = -1.8  # a surprise strike kills Soviets and risks war [OH]; assumption
    invade_base = -2.6
    hawks_strike = 2.2  # Joint Chiefs' pressure [OH]
    hawks_invade = 1.8
    pledge_at_war = 1.5  # once bombing, the Joint Chiefs' plan is the invasion [OH]; assumption
    missile_clock = 1.1  # operational missiles make waiting costlier [TNA-msg: 2 of 6 sites ready]
    war_risk_strike = 1.6  # fear of nuclear response from operational missiles [FAS12, Dobbs]
    war_risk_invade = 2.4
    danger_to_talk = 1.2  # danger pushes towards offers (Black Saturday) [OH]
    pledge_face = 0.3  # a pledge costs little: no invasion was planned anyway [OH]
    secret_jupiter_face = 0.5  # obsolete, secret [OH, NSA-Jup]
    public_jupiter_face = 1.6  # a public trade was refused [OH]
    back_down_face = 4.5
    allies_public_jupiters = 2.5  # Turkey and NATO [OH, NSA-Jup]
    allies_strike = 0.8  # a strike without allies risks a Berlin riposte [FRUS-mS364]
    british_advice = 2.0  # how strongly British advice could move ExComm, scaled by consultation
    domestic_strike = 0.6  # mid-term elections [modelling assumption]
    domestic_concession = 0.5
    answer_offer = 2.4  # a pledge answers Moscow's first letter [OH]
    unprompted_offer = -2.4
    answer_secret_share = 0.8  # a Jupiter assurance answers the second letter, less fully
    answer_public_share = 0.6
    war_risk_floor = 0.5  # a strike risks war even before any missile is operational [Dobbs]
    allies_invade_factor = 1.5  # an invasion worries the allies more than a strike
    back_down_domestic = 2.0  # backing down before the elections [modelling assumption]
    clock_days_max = 6.0  # the missile clock stops growing after six days of quarantine
    clock_days_scale = 3.0
    election_days_scale = 3.0  # domestic pressure doubles as the elections come close
    # 20 Oct, the strike against the quarantine (`first_move`) [OH, Ginsberg]; levels: assumption
    first_strike_base = -2.2  # "Pearl Harbor in reverse"
    first_strike_hawks = 2.2  # the Joint Chiefs
    first_strike_domestic = 0.25
    first_strike_british_advice = 0.5  # share of British advice heard on 20 Oct [UPI93]
    # Consent to a British initiative (`consents`): history says no (S:48); levels: assumption
    consent_base = -3.0
    consent_consultation = 4.0
    consent_allies = 2.0  # times consultation
    # The Foreign Office's standing positions, heard where London is consulted (times
    # consultation and `uk.foreign_office_weight`); levels: modelling assumption.
    consent_un_route = 2.0  # the FO's UN route: Dean to U Thant (S:46, S:64)
    heed_fo_on_tankers = 0.8  # chance of not widening: oil is no offensive weapon (S:56–58)


#: NATO cohesion lost where a public Jupiter trade is offered: Turkey and NATO see a deal over their
#: heads [OH]; modelling assumption.
PUBLIC_TRADE_COHESION_COST = 0.2


FIRST_MOVES = ("quarantine", "air_strike")
#: The temperature of the 20 Oct choice: at the default hawkishness about 1 in 25 histories choose
#: the strike, at 1 (the Joint Chiefs' view) about 7 in 10 (modelling assumption; ExComm debated
#: the strike for days and chose the quarantine [OH, Ginsberg]).
FIRST_MOVE_TEMPERATURE = 0.35


def heard(consultation: float) -> float:
    """How much of London's running advice ExComm hears: the square of `uk.consultation`, so a
    London only informed (0.1, history [R95, TNA-msg]) is hardly heard at all (0.01) — Rawnsley's
    point — while a London really consulted (0.8) is heard at 0.64. Modelling assumption."""
    return consultation * consultation


@functools.cache
def days_to_election(step: int) -> float:
    """Days from the start of `step` to the mid-term elections (0 after them)."""
    return max(0.0, (w.ELECTION - calendar.step_time(step)).total_seconds() / 86400.0)


class UnitedStates(CrisisAgent):
    actor = "us"
    actions = (
        "hold",
        "offer_pledge",
        "offer_secret_jupiters",
        "offer_public_jupiters",
        "air_strike",
        "invade",
        "back_down",
    )
    random_column = COLUMN["us_choice"]
    prefs = Preferences()

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        """ExComm's reasons, once the crisis is public (or at war after a strike).

        Hawks against doves (the Joint Chiefs pressed for force [OH]); the missiles becoming
        operational, which makes waiting costlier [TNA-msg]; the risk of war, which pushes towards
        offers and against force [OH, FAS12, Dobbs]; face (a pledge costs little, a public trade
        was refused [OH, NSA-Jup]); the allies (Turkey, NATO, Berlin [OH, FRUS-mS364]); British
        advice, in proportion to consultation [UPI93, Aval-87]; the mid-term elections (modelling
        assumption); and whether an offer answers one from Moscow [OH].
        """
        model, world, params, prefs = self.model, self.model.world, self.model.params, self.prefs
        step, delay, index = model.step_index, model.delay_steps, self.index
        legal = self.nothing_legal()
        at_war = model.at_war()
        if step < w.SPEECH_STEP and not (model.record or np.count_nonzero(at_war)):
            return {}, legal  # before the speech only a war (the strike course) leaves a choice
        no_one = np.zeros(world.n, dtype=bool)
        # On the quarantine course, public, not at war; in running histories only (an action
        # legal only in finished ones need not be weighed: `decide`).
        in_crisis = (
            world.course_quarantine & ~at_war & world.active if step >= w.SPEECH_STEP else no_one
        )
        quarantine_on = in_crisis if step >= w.QUARANTINE_STEP else no_one
        soviet_offer = world.known(world.ussr_offer, step, delay)
        turkey_demand = world.known(world.ussr_turkey, step, delay)
        pledge, secret = index("offer_pledge"), index("offer_secret_jupiters")
        public, strike = index("offer_public_jupiters"), index("air_strike")
        invade, back_down = index("invade"), index("back_down")
        # In a war (strikes, before any landing) the pledge is the way to a deal [OH: the pledge
        # answered Moscow's aim of deterring an invasion].
        striking = world.active & (world.escalation == w.STRIKE)
        legal[pledge] = (in_crisis | striking) & world.unsent(world.us_pledge)
        # Which of the two Jupiter assurances exists is a parameter: secret, or public (a trade).
        public_trade = bool(params.b("us.public_jupiter_trade"))
        jupiters = in_crisis & turkey_demand
        if public_trade:
            legal[public] = jupiters & world.unsent(world.us_public_jupiters)
        else:
            legal[secret] = jupiters & world.unsent(world.us_secret_jupiters)
        legal[strike] = quarantine_on
        # An invasion needs its force assembled; after a strike it follows the Joint Chiefs' plan
        # (scheduled in the model), not a choice here.
        legal[invade] = in_crisis if step >= w.INVASION_READY_STEP else False
        legal[back_down] = quarantine_on
        if self.nothing_to_choose(legal):
            return {}, legal

        hawk = params.f("us.hawkishness")
        allies = params.f("us.weight_on_allies") * world.cohesion
        days_quarantine = max(0, step - w.QUARANTINE_STEP) / 4.0
        operational = world.missiles_operational
        danger = model.danger()
        # British advice counts as far as it is heard (`heard`), and pushes either way. Restraint
        # (the Foreign Office's UN route and legality, S:56–72; Macmillan's neutral guarantee,
        # Aval-87) argues for offers and against force [UPI93]. Firmness (the Cabinet's fear of a
        # Cuba–Berlin trade [UPI93, Tel-Horne]) argues against backing down, against a public
        # trade of NATO missiles, and, while Berlin is in play (a Soviet Berlin demand read here,
        # or pressure on the city), against any Jupiter assurance: no trade with Berlin at stake.
        # It never argues for war: the Cabinet also shunned visible mobilisation [Reddit-AH].
        weight = heard(params.f("uk.consultation")) * prefs.british_advice
        restraint = weight * np.maximum(-world.uk_advice, 0.0)
        firmness = weight * np.maximum(world.uk_advice, 0.0)
        berlin_in_play = world.known(world.ussr_berlin, step, delay) | (world.berlin >= 1)
        no_trade = firmness * berlin_in_play
        domestic = params.f("us.domestic_pressure") * (
            1.0 + 1.0 / (1.0 + days_to_election(step) / prefs.election_days_scale)
        )

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        c: dict[str, Component] = {}
        c["hawks_vs_doves"] = {
            pledge: -prefs.pledge_at_war * striking,
            strike: prefs.strike_base + prefs.hawks_strike * hawk,
            invade: prefs.invade_base + prefs.hawks_invade * hawk,
        }
        clock = (
            prefs.missile_clock
            * operational
            * min(days_quarantine, prefs.clock_days_max)
            / prefs.clock_days_scale
        )
        c["missiles_becoming_operational"] = {strike: clock, invade: clock}
        talk = prefs.danger_to_talk * danger
        exposure = prefs.war_risk_floor + operational
        c["risk_of_war"] = {
            pledge: talk,
            secret: talk,
            public: talk,
            strike: -prefs.war_risk_strike * exposure,
            invade: -prefs.war_risk_invade * exposure,
            back_down: danger,
        }
        c["face"] = {
            pledge: -prefs.pledge_face,
            secret: -prefs.secret_jupiter_face,
            # Where Washington has decided on a public trade (the scenario), it has accepted that
            # face cost already; what remains is the allies' reaction, below, and NATO cohesion.
            public: -(prefs.secret_jupiter_face if public_trade else prefs.public_jupiter_face),
            back_down: -prefs.back_down_face,
        }
        c["allies"] = {
            public: -prefs.allies_public_jupiters * allies,
            strike: -prefs.allies_strike * allies,
            invade: -prefs.allies_strike * prefs.allies_invade_factor * allies,
            back_down: -allies,
        }
        against = -restraint
        c["british_advice"] = {
            pledge: restraint,
            secret: restraint - no_trade,
            public: restraint - firmness - no_trade,
            strike: against,
            invade: against,
            back_down: -firmness,
        }
        concession = -prefs.domestic_concession * domestic
        c["domestic_politics"] = {
            pledge: concession,
            secret: concession,
            public: concession,
            strike: prefs.domestic_strike * domestic,
            invade: prefs.domestic_strike * domestic,
            back_down: -prefs.back_down_domestic * domestic,
        }
        c["answers_moscow"] = {
            pledge: np.where(soviet_offer, prefs.answer_offer, prefs.unprompted_offer),
            secret: prefs.answer_offer * prefs.answer_secret_share,
            public: prefs.answer_offer * prefs.answer_public_share,
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        """Send this step's offers; start a war or back down where that was the choice."""
        model, world, step = self.model, self.model.world, self.model.step_index
        for action, message in (
            ("offer_pledge", "us_pledge"),
            ("offer_secret_jupiters", "us_secret_jupiters"),
            ("offer_public_jupiters", "us_public_jupiters"),
        ):
            rows = self.send(decision, action, message)
            if rows is None:
                continue
            if action == "offer_public_jupiters":
                world.cohesion[rows] -= PUBLIC_TRADE_COHESION_COST
            # Any Jupiter assurance came with the pledge, as on the evening of 27 Oct [OH].
            if action != "offer_pledge":
                np.putmask(world.us_pledge, rows & (world.us_pledge < 0), step)
        model.start_war(
            self.chose(decision, "air_strike"), w.STRIKE, "US air strike on the missile sites"
        )
        model.start_war(self.chose(decision, "invade"), w.INVASION, "US invasion of Cuba begins")
        model.finish(self.chose(decision, "back_down"), MISSILES_STAY)

    def first_move(self) -> Mask:
        """20 Oct: quarantine or air strike. Returns True where ExComm picks the quarantine.

        The utility of the strike relative to the quarantine: hawks for, war risk and the "Pearl
        Harbor in reverse" objection against [OH, Ginsberg], Ormsby-Gore's advice in proportion
        to consultation [UPI93]. Its own calibrated temperature, not `world.decision_noise`:
        one choice, made once after a week of deliberation, should not hinge on how erratic
        day-to-day choices are.
        """
        params, prefs = self.model.params, self.prefs
        forced = params.s("us.first_move")
        if forced != "decide":
            return np.full(self.model.world.n, forced == "quarantine")
        strike = (
            prefs.first_strike_base
            + prefs.first_strike_hawks * params.f("us.hawkishness")
            + prefs.first_strike_domestic * params.f("us.domestic_pressure")
        )
        strike -= (
            params.f("uk.consultation") * prefs.british_advice * prefs.first_strike_british_advice
        )
        p_strike = 1.0 / (1.0 + np.exp(-strike / FIRST_MOVE_TEMPERATURE))
        quarantine: Mask = self.model.uniform(COLUMN["us_first_move"]) >= p_strike
        return quarantine

    def consents(self, column: int, via_un: bool = False) -> Mask:
        """Does Washington let a British initiative go forward? History: no (S:48). More likely
        the more London is consulted, and the more Washington weighs its allies; for an offer
        through U Thant (`via_un`, the Thors), the more the Foreign Office, whose UN route it was
        (Dean, S:46; S:64), prevails in London."""
        params, prefs = self.model.params, self.prefs
        consultation, allies = params.f("uk.consultation"), params.f("us.weight_on_allies")
        u = (
            prefs.consent_base
            + prefs.consent_consultation * consultation
            + prefs.consent_allies * allies * consultation
        )
        if via_un:
            u += prefs.consent_un_route * consultation * params.f("uk.foreign_office_weight")
        consent: Mask = self.model.uniform(column) < 1.0 / (1.0 + np.exp(-u))
        return consent

    def widens_to_tankers(self) -> Mask:
        """Where the scenario widens the quarantine to tankers: does Washington go ahead? Yes,
        unless, consulted, it heeds the Foreign Office's objection that oil is not an offensive
        weapon and stopping it undercuts the quarantine's moral basis (S:56–58). The chance of
        holding back is `heard(consultation)` x Foreign Office weight x `heed_fo_on_tankers`: the
        Cabinet raised no such objection (Macmillan found British shipping "fairly satisfactory"
        under the arms-only quarantine, S:57–58)."""
        params = self.model.params
        refrain = (
            heard(params.f("uk.consultation"))
            * params.f("uk.foreign_office_weight")
            * self.prefs.heed_fo_on_tankers
        )
        widen: Mask = self.model.uniform(COLUMN["us_widens_tankers"]) >= refrain
        return widen


#: What each US choice means, in words (sim.labels).
ACTION_LABELS: dict[str, str] = {
    "hold": "holds the quarantine and waits",
    "offer_pledge": "offers a no-invasion pledge",
    "offer_secret_jupiters": "gives a secret assurance on the Jupiters in Turkey (with the pledge)",
    "offer_public_jupiters": "offers to remove the Jupiters publicly (with the pledge)",
    "air_strike": "orders an air strike on the missile sites",
    "invade": "orders the invasion of Cuba",
    "back_down": "lifts the quarantine: the missiles stay",
}
#: The reasons of `reasons`, in words.
COMPONENT_LABELS: dict[str, str] = {
    "hawks_vs_doves": "hawks vs doves",
    "missiles_becoming_operational": "the missiles becoming operational",
    "risk_of_war": "the risk of war",
    "face": "saving face",
    "allies": "the allies' reaction",
    "british_advice": "British advice",
    "domestic_politics": "domestic politics",
    "answers_moscow": "answering Moscow",
}
