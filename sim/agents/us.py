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
import numpy.typing as npt

from sim import calendar
from sim import world as w
from sim.agents.base import Component, CrisisAgent, Decision, Legal
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


FIRST_MOVES = ("quarantine", "air_strike")


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

    def first_move(self) -> npt.NDArray[np.bool_]:
        """20 Oct: quarantine or air strike. Returns True where ExComm picks the quarantine."""
        forced = self.model.params.s("us.first_move")
        if forced != "decide":
            return np.full(self.model.world.n, forced == "quarantine")
        p = self.model.params
        hawk = p.f("us.hawkishness")
        # Utility of the strike relative to the quarantine on 20 Oct: hawks for, war risk and the
        # "Pearl Harbor in reverse" objection against [OH, Ginsberg]; noise as for every choice.
        strike = -1.9 + 2.2 * hawk + 0.5 * p.f("us.domestic_pressure") * 0.5
        strike -= p.f("uk.consultation") * self.prefs.british_advice * 0.5  # Ormsby-Gore [UPI93]
        p_strike = 1.0 / (1.0 + np.exp(-strike / p.f("world.decision_noise")))
        quarantine: npt.NDArray[np.bool_] = self.model.uniform(COLUMN["us_first_move"]) >= p_strike
        return quarantine

    def consents(self, column: int) -> npt.NDArray[np.bool_]:
        """Does Washington let a British initiative go forward? History: no (S:48)."""
        p = self.model.params
        c, allies = p.f("uk.consultation"), p.f("us.weight_on_allies")
        u = -3.0 + 4.0 * c + 2.0 * allies * c
        consent: npt.NDArray[np.bool_] = self.model.uniform(column) < 1.0 / (1.0 + np.exp(-u))
        return consent

    def reasons(self) -> tuple[dict[str, Component], Legal]:
        m, wd, p, pr = self.model, self.model.world, self.model.params, self.prefs
        t, delay = m.step_index, m.delay_steps
        ix = self.index
        legal = self.nothing_legal()
        at_war = m.at_war()
        if t < w.SPEECH_STEP and not (m.record or np.count_nonzero(at_war)):
            return {}, legal  # before the speech only a war (the strike course) leaves a choice
        # On the quarantine course, public, not at war (a & ~b is a > b for booleans: one call).
        in_crisis = wd.course_quarantine > at_war if t >= w.SPEECH_STEP else np.zeros(wd.n, bool)
        quarantine_on = in_crisis if t >= w.QUARANTINE_STEP else np.zeros(wd.n, bool)
        soviet_offer = wd.known(wd.ussr_offer, t, delay)
        turkey_demand = wd.known(wd.ussr_turkey, t, delay)
        legal[ix("offer_pledge")] = in_crisis & wd.unsent(wd.us_pledge)
        # Which of the two Jupiter assurances exists is a parameter: secret, or public (a trade).
        public_trade = bool(p.b("us.public_jupiter_trade"))
        jupiters = in_crisis & turkey_demand
        if public_trade:
            legal[ix("offer_public_jupiters")] = jupiters & wd.unsent(wd.us_public_jupiters)
        else:
            legal[ix("offer_secret_jupiters")] = jupiters & wd.unsent(wd.us_secret_jupiters)
        legal[ix("air_strike")] = quarantine_on
        # An invasion needs its force assembled, unless it follows a strike (OPLAN 316 logic).
        legal[ix("invade")] = (in_crisis & (t >= w.INVASION_READY_STEP)) | (
            wd.active & (wd.escalation == w.STRIKE)
        )
        legal[ix("back_down")] = quarantine_on
        if self.nothing_to_choose(legal):
            return {}, legal

        hawk = p.f("us.hawkishness")
        allies = p.f("us.weight_on_allies") * wd.cohesion
        days_quarantine = max(0, t - w.QUARANTINE_STEP) / 4.0
        mo = wd.missiles_operational
        danger = m.danger()
        # British advice counts in proportion to consultation. Restraint (the UN route, a deal)
        # argues for offers and against force [UPI93, Aval-87]; firmness (Macmillan's fear of a
        # Cuba–Berlin trade) argues only against a public trade of NATO missiles, never for war.
        weight = p.f("uk.consultation") * pr.british_advice
        restraint = weight * np.maximum(-wd.uk_advice, 0.0)
        firmness = weight * np.maximum(wd.uk_advice, 0.0)
        domestic = p.f("us.domestic_pressure") * (1.0 + 1.0 / (1.0 + days_to_election(t) / 3.0))

        # Each component names the actions it pushes towards (+) or away from (-); 0 elsewhere.
        strike, invade, back_down = ix("air_strike"), ix("invade"), ix("back_down")
        pledge, secret = ix("offer_pledge"), ix("offer_secret_jupiters")
        public = ix("offer_public_jupiters")
        c: dict[str, Component] = {}
        c["hawks_vs_doves"] = {
            strike: pr.strike_base + pr.hawks_strike * hawk,
            invade: pr.invade_base + pr.hawks_invade * hawk,
        }
        clock = pr.missile_clock * mo * min(days_quarantine, 6.0) / 3.0
        c["missiles_becoming_operational"] = {strike: clock, invade: clock}
        talk = pr.danger_to_talk * danger
        half_plus_mo = 0.5 + mo
        c["risk_of_war"] = {
            pledge: talk,
            secret: talk,
            public: talk,
            strike: -pr.war_risk_strike * half_plus_mo,
            invade: -pr.war_risk_invade * half_plus_mo,
            back_down: danger,
        }
        c["face"] = {
            pledge: -pr.pledge_face,
            secret: -pr.secret_jupiter_face,
            # Where Washington has decided on a public trade (the scenario), it has accepted that
            # face cost already; what remains is the allies' reaction, below, and NATO cohesion.
            public: -(pr.secret_jupiter_face if public_trade else pr.public_jupiter_face),
            back_down: -pr.back_down_face,
        }
        c["allies"] = {
            public: -pr.allies_public_jupiters * allies,
            strike: -pr.allies_strike * allies,
            invade: -pr.allies_strike * 1.5 * allies,
            back_down: -allies,
        }
        against = -restraint
        c["british_advice"] = {
            pledge: restraint,
            secret: restraint,
            public: restraint - firmness,
            strike: against,
            invade: against,
        }
        concession = -pr.domestic_concession * domestic
        c["domestic_politics"] = {
            pledge: concession,
            secret: concession,
            public: concession,
            strike: pr.domestic_strike * domestic,
            invade: pr.domestic_strike * domestic,
            back_down: -2.0 * domestic,
        }
        c["answers_moscow"] = {
            pledge: np.where(soviet_offer, pr.answer_offer, pr.unprompted_offer),
            secret: pr.answer_offer * 0.8,
            public: pr.answer_offer * 0.6,
        }
        return c, legal

    def apply(self, decision: Decision) -> None:
        m, wd, t = self.model, self.model.world, self.model.step_index
        for action, sent in (
            ("offer_pledge", "us_pledge"),
            ("offer_secret_jupiters", "us_secret_jupiters"),
            ("offer_public_jupiters", "us_public_jupiters"),
        ):
            rows = self.chose(decision, action)
            if rows is None:
                continue
            setattr(wd, sent, np.where(rows, t, getattr(wd, sent)).astype(np.int16))
            m.note_messages(rows, "us", action)
            # Any Jupiter assurance came with the pledge, as on the evening of 27 Oct [OH].
            if action == "offer_public_jupiters":
                wd.cohesion[rows] -= 0.2  # Turkey and NATO see a deal over their heads [OH]
            if action != "offer_pledge":
                wd.us_pledge = np.where(rows & (wd.us_pledge < 0), t, wd.us_pledge).astype(np.int16)
        m.start_war(
            self.chose(decision, "air_strike"), w.STRIKE, "US air strike on the missile sites"
        )
        m.start_war(self.chose(decision, "invade"), w.INVASION, "US invasion of Cuba begins")
        m.finish(self.chose(decision, "back_down"), MISSILES_STAY)
