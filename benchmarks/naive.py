"""A naive reference: the same crisis written the ordinary Mesa way, one model per history.

This is what the engine in `sim/` would look like without vectorisation: a `mesa.Model` per
history, three `mesa.Agent`s with scalar state (Python floats, ints and bools), random numbers drawn
one at a time from the model's own `self.rng`, a `DataCollector`, and `running` switched off when
the history ends, so `mesa.batch_run` can drive it. It exists for two reasons:

- `tests/test_naive_equivalence.py` checks that it and `sim.ensemble` give the same outcome
  distribution (an independent re-implementation of the model, line by line from sim/);
- `benchmarks/bench_engine.py` measures how much faster the vectorised engine is.

Every weight and constant is imported from `sim` (agent `Preferences` and module constants,
`sim.world`, `sim.incidents`, `sim.model`), so a recalibration cannot make the two drift apart
silently. The danger ladder is repeated here (tests/test_naive_equivalence.py checks it).

Random numbers are not the engine's common random numbers: only the distributions can be compared,
not individual histories.
"""

from __future__ import annotations

import math
from typing import Any

import mesa

from sim import calendar
from sim import incidents as inc
from sim import world as w
from sim.agents.uk import ADVICE_MEMORY, ADVICE_TARGET, UnitedKingdom
from sim.agents.uk import Preferences as UKPreferences
from sim.agents.us import FIRST_MOVE_TEMPERATURE, PUBLIC_TRADE_COHESION_COST, UnitedStates, heard
from sim.agents.us import Preferences as USPreferences
from sim.agents.ussr import Preferences as USSRPreferences
from sim.agents.ussr import SovietUnion
from sim.model import STRIKE_AUTONOMY, TURN_BACK_RATE
from sim.outcomes import (
    AIR_STRIKE,
    BERLIN_CLASH,
    CLIMBDOWN,
    INVASION,
    MISSILES_STAY,
    NEGOTIATED,
    NUCLEAR,
    OUTCOMES,
    UNRESOLVED,
)
from sim.params import Params, defaults
from sim.randomness import COLUMNS

#: How close to war the crisis feels, by rung (as `sim.world.danger`).
DANGER_LEVEL = (0.0, 0.2, 0.5, 1.2, 1.5, 1.8, 2.0)
#: Messages a side can send: which world field records when each was sent.
MESSAGES = (
    "us_pledge",
    "us_secret_jupiters",
    "us_public_jupiters",
    "uk_thor",
    "uk_berlin",
    "ussr_offer",
    "ussr_turkey",
    "ussr_berlin",
    "shipments_halted",
)

Utilities = dict[str, float]


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def softmax_choice(utilities: Utilities, noise: float, u: float) -> str:
    """Quantal response over the legal actions (the keys of `utilities`), with one uniform `u`."""
    actions = list(utilities)
    if len(actions) == 1:
        return actions[0]
    top = max(utilities.values())
    weights = [math.exp((utilities[a] - top) / noise) for a in actions]
    total = sum(weights)
    cumulative = 0.0
    for action, weight in zip(actions, weights, strict=True):
        cumulative += weight / total
        if u <= cumulative:
            return action
    return actions[-1]


class NaiveAgent(mesa.Agent):  # type: ignore[misc]
    """One actor of one history: `decide` returns an action name, `apply` acts on the model."""

    actor = ""
    actions: tuple[str, ...] = ()
    model: NaiveCrisis

    def components(self) -> tuple[dict[str, Utilities], list[str]]:
        """Named utility components {name: {action: value}} and the legal actions."""
        raise NotImplementedError

    def decide(self) -> str:
        components, legal = self.components()
        totals = {a: sum(c.get(a, 0.0) for c in components.values()) for a in legal}
        return softmax_choice(totals, self.model.noise, self.model.draw(self.actor + "_choice"))

    def apply(self, action: str) -> None:
        raise NotImplementedError


class NaiveUS(NaiveAgent):
    actor = "us"
    actions = UnitedStates.actions
    prefs = USPreferences()

    def first_move(self) -> bool:
        """20 Oct: True for the quarantine, False for the air strike (sim.agents.us.first_move)."""
        m, p = self.model, self.model.params
        forced = p.s("us.first_move")
        if forced != "decide":
            return forced == "quarantine"
        pr = self.prefs
        strike = (
            pr.first_strike_base
            + pr.first_strike_hawks * p.f("us.hawkishness")
            + pr.first_strike_domestic * p.f("us.domestic_pressure")
        )
        strike -= p.f("uk.consultation") * pr.british_advice * pr.first_strike_british_advice
        p_strike = logistic(strike / FIRST_MOVE_TEMPERATURE)
        return m.draw("us_first_move") >= p_strike

    def consents(self, purpose: str) -> bool:
        """Does Washington let a British initiative go forward? (sim.agents.us.consents)"""
        p, pr = self.model.params, self.prefs
        c, allies = p.f("uk.consultation"), p.f("us.weight_on_allies")
        u = pr.consent_base + pr.consent_consultation * c + pr.consent_allies * allies * c
        if purpose == "us_consents_thor":  # the FO's UN route (Dean, S:46)
            u += pr.consent_un_route * c * p.f("uk.foreign_office_weight")
        return self.model.draw(purpose) < logistic(u)

    def widens_to_tankers(self) -> bool:
        """Unless the FO is heard (sim.agents.us.widens_to_tankers, S:56–58)."""
        p = self.model.params
        refrain = (
            heard(p.f("uk.consultation"))
            * p.f("uk.foreign_office_weight")
            * self.prefs.heed_fo_on_tankers
        )
        return self.model.draw("us_widens_tankers") >= refrain

    def components(self) -> tuple[dict[str, Utilities], list[str]]:
        m, p, pr, t = self.model, self.model.params, self.prefs, self.model.t
        at_war = m.escalation >= w.STRIKE
        in_crisis = m.course_quarantine and t >= w.SPEECH_STEP and not at_war
        quarantine_on = in_crisis and t >= w.QUARANTINE_STEP
        turkey_demand = m.knows("ussr_turkey")
        public_trade = p.b("us.public_jupiter_trade")
        striking = m.active and m.escalation == w.STRIKE
        legal = ["hold"]
        if (in_crisis or striking) and not m.has_sent("us_pledge"):
            legal.append("offer_pledge")
        if in_crisis and turkey_demand:  # secret, or public where Washington will trade publicly
            if not public_trade and not m.has_sent("us_secret_jupiters"):
                legal.append("offer_secret_jupiters")
            if public_trade and not m.has_sent("us_public_jupiters"):
                legal.append("offer_public_jupiters")
        if quarantine_on:
            legal.append("air_strike")
        if in_crisis and t >= w.INVASION_READY_STEP:
            legal.append("invade")  # the force must be assembled; after a strike: scheduled
        if quarantine_on:
            legal.append("back_down")

        hawk = p.f("us.hawkishness")
        allies = p.f("us.weight_on_allies") * m.cohesion
        days_quarantine = max(0, t - w.QUARANTINE_STEP) / 4.0
        mo = m.missiles_operational
        danger = m.danger()
        weight = heard(p.f("uk.consultation")) * pr.british_advice  # restraint: for offers,
        restraint = weight * max(-m.uk_advice, 0.0)  # firmness against a trade
        firmness = weight * max(m.uk_advice, 0.0)
        no_trade = firmness * (m.knows("ussr_berlin") or m.berlin >= 1)
        now = calendar.step_time(t)
        days_to_election = max(0.0, (w.ELECTION - now).total_seconds() / 86400.0)
        domestic = p.f("us.domestic_pressure") * (
            1.0 + 1.0 / (1.0 + days_to_election / pr.election_days_scale)
        )
        offers = ("offer_pledge", "offer_secret_jupiters", "offer_public_jupiters")
        days = min(days_quarantine, pr.clock_days_max)
        clock = pr.missile_clock * mo * days / pr.clock_days_scale
        c: dict[str, Utilities] = {
            "hawks_vs_doves": {
                "offer_pledge": -pr.pledge_at_war * striking,
                "air_strike": pr.strike_base + pr.hawks_strike * hawk,
                "invade": pr.invade_base + pr.hawks_invade * hawk,
            },
            "missiles_becoming_operational": {"air_strike": clock, "invade": clock},
            "risk_of_war": {
                "air_strike": -pr.war_risk_strike * (pr.war_risk_floor + mo),
                "invade": -pr.war_risk_invade * (pr.war_risk_floor + mo),
                **{o: pr.danger_to_talk * danger for o in offers},
                "back_down": danger,
            },
            "face": {
                "offer_pledge": -pr.pledge_face,
                "offer_secret_jupiters": -pr.secret_jupiter_face,
                "offer_public_jupiters": -(
                    pr.secret_jupiter_face if public_trade else pr.public_jupiter_face
                ),
                "back_down": -pr.back_down_face,
            },
            "allies": {
                "offer_public_jupiters": -pr.allies_public_jupiters * allies,
                "air_strike": -pr.allies_strike * allies,
                "invade": -pr.allies_strike * pr.allies_invade_factor * allies,
                "back_down": -allies,
            },
            "british_advice": {
                "offer_pledge": restraint,
                "offer_secret_jupiters": restraint - no_trade,
                "offer_public_jupiters": restraint - firmness - no_trade,
                "air_strike": -restraint,
                "invade": -restraint,
                "back_down": -firmness,
            },
            "domestic_politics": {
                "air_strike": pr.domestic_strike * domestic,
                "invade": pr.domestic_strike * domestic,
                **{o: -pr.domestic_concession * domestic for o in offers},
                "back_down": -pr.back_down_domestic * domestic,
            },
            "answers_moscow": {
                "offer_pledge": pr.answer_offer if m.knows("ussr_offer") else pr.unprompted_offer,
                "offer_secret_jupiters": pr.answer_offer * pr.answer_secret_share,
                "offer_public_jupiters": pr.answer_offer * pr.answer_public_share,
            },
        }
        return c, legal

    def apply(self, action: str) -> None:
        m = self.model
        if not m.active:
            return
        if action in ("offer_pledge", "offer_secret_jupiters", "offer_public_jupiters"):
            m.send("us_" + action.removeprefix("offer_"))
            if action == "offer_public_jupiters":
                m.cohesion -= PUBLIC_TRADE_COHESION_COST
            if action != "offer_pledge" and not m.has_sent("us_pledge"):
                m.send("us_pledge")  # any Jupiter assurance comes with the pledge
        elif action == "air_strike":
            m.start_war(w.STRIKE)
        elif action == "invade":
            m.start_war(w.INVASION)
        elif action == "back_down":
            m.finish(MISSILES_STAY)


class NaiveUK(NaiveAgent):
    actor = "uk"
    actions = UnitedKingdom.actions
    prefs = UKPreferences()

    def components(self) -> tuple[dict[str, Utilities], list[str]]:
        m, p, pr, t = self.model, self.model.params, self.prefs, self.model.t
        legal = ["support"]
        if t >= w.UK_TOLD_STEP:
            legal += ["advise_restraint", "press_firmness"]
            if not m.uk_alert:
                legal.append("raise_alert")
        fo = p.f("uk.foreign_office_weight")
        cab = 1.0 - fo
        berlin_demand = m.knows("ussr_berlin") or m.berlin >= 1
        danger = m.danger()
        un_appeal = float(t >= w.UN_APPEAL_STEP)
        c: dict[str, Utilities] = {
            "cabinet: be seen to be consulted": {
                "advise_restraint": cab * pr.cabinet_prestige,
                "press_firmness": cab * pr.cabinet_prestige * pr.cabinet_prestige_firmness,
            },
            "cabinet: fear of a Cuba–Berlin trade": {
                "press_firmness": cab
                * (pr.cabinet_berlin_fear if berlin_demand else pr.cabinet_no_berlin_threat),
            },
            "cabinet: readiness vs no visible mobilisation": {
                "raise_alert": cab
                * (
                    -pr.cabinet_avoid_mobilisation
                    + pr.cabinet_alert_when_dangerous * max(danger - pr.alert_danger_threshold, 0.0)
                ),
            },
            "foreign office: no provocative alerts": {"raise_alert": -fo * pr.fo_no_provocation},
            "foreign office: legality of the quarantine": {
                "advise_restraint": fo
                * (pr.fo_legality * (m.escalation >= w.QUARANTINE) + pr.fo_tankers * m.tankers),
            },
            "foreign office: the UN route": {"advise_restraint": fo * pr.fo_un_route * un_appeal},
            "foreign office: realism about influence": {
                "advise_restraint": -fo * pr.fo_realism * (1.0 - p.f("uk.consultation")),
                "press_firmness": -fo * pr.fo_realism,
            },
        }
        return c, legal

    def apply(self, action: str) -> None:
        m = self.model
        if not m.active:
            return
        if m.t >= w.UK_TOLD_STEP:
            m.uk_advice = ADVICE_MEMORY * m.uk_advice + (1 - ADVICE_MEMORY) * ADVICE_TARGET[action]
        if action == "raise_alert":
            m.uk_alert = True


class NaiveUSSR(NaiveAgent):
    actor = "ussr"
    actions = SovietUnion.actions
    prefs = USSRPreferences()

    def gains(self) -> float:
        m, pr = self.model, self.prefs
        public = m.params.s("uk.thor_offer") == "public"
        thor = (pr.thor_share_public if public else pr.thor_share_private) * pr.expect_turkey
        return (
            pr.gain_pledge * m.knows("us_pledge")
            + pr.gain_secret_jupiters * m.knows("us_secret_jupiters")
            + pr.gain_public_jupiters * m.knows("us_public_jupiters")
            + thor * (m.knows("uk_thor") and m.has_sent("ussr_turkey"))
        )

    def components(self) -> tuple[dict[str, Utilities], list[str]]:
        m, p, pr, t = self.model, self.model.params, self.prefs, self.model.t
        public = m.course_quarantine and t >= w.SPEECH_STEP
        at_war = m.escalation >= w.STRIKE
        blockade = public and t >= w.QUARANTINE_STEP and not at_war
        linkage = p.b("ussr.berlin_linkage")
        offered = m.has_sent("ussr_offer")
        legal = ["wait"]
        if public and not m.has_sent("shipments_halted") and not at_war:
            legal.append("halt_ships")
        if blockade and not offered:
            legal.append("offer_withdrawal")
        if blockade and offered and not m.has_sent("ussr_turkey"):
            legal.append("demand_turkey")
        if blockade and offered and not m.has_sent("ussr_berlin") and linkage:
            legal.append("demand_berlin")
        if (blockade or at_war) and m.knows("us_pledge"):
            legal.append("accept")
        if blockade:
            legal.append("climb_down")
        if (public or at_war) and m.berlin < 2:
            legal.append("press_berlin")

        fear = pr.fear_of_war * (1.0 - p.f("ussr.risk_acceptance"))
        resolve = p.f("ussr.resolve")
        danger = m.danger()
        days_blockade = max(0, t - w.QUARANTINE_STEP) / 4.0
        expected = (
            pr.gain_pledge
            + pr.expect_turkey_aim
            + (pr.expect_turkey - pr.expect_turkey_aim) * m.has_sent("ussr_turkey")
            + pr.expect_berlin * m.has_sent("ussr_berlin")
            + pr.expect_tankers * m.tankers
        )
        gains = self.gains()
        c: dict[str, Utilities] = {
            "risk_of_war": {
                "halt_ships": fear * (pr.halt_fear_floor + danger),
                "offer_withdrawal": fear * danger,
                "accept": fear * (danger + at_war),
                "climb_down": fear * danger,
                "press_berlin": -pr.berlin_fear * fear * (1.0 + danger),
            },
            "quarantine_pressure": {
                "halt_ships": pr.halt_base
                + pr.halt_when_blockaded * (t >= w.SPEECH_STEP + pr.halt_after_steps)
                + pr.un_appeal * (t >= w.UN_APPEAL_STEP),
                "offer_withdrawal": pr.offer_base
                + pr.offer_pressure_per_day * min(days_blockade, pr.offer_pressure_days_max),
            },
            "what_the_deal_gives": {
                "accept": pr.accept_base
                + gains
                - pr.cost_west_berlin_plan * m.knows("uk_berlin")  # Ormsby-Gore: a cost (S:83–86)
                - pr.shortfall * resolve * max(expected - gains, 0.0),
                "demand_turkey": pr.demand_turkey + resolve,
                "demand_berlin": pr.demand_berlin,
            },
            "face": {
                "climb_down": pr.climb_down_base - pr.climb_down_resolve * resolve,
                "halt_ships": -resolve,
                "offer_withdrawal": -resolve,
            },
            "keep_building_the_sites": {
                "wait": pr.keep_building * resolve * (1.0 - m.missiles_operational),
            },
            "berlin": {
                "press_berlin": pr.berlin_base
                + pr.berlin_linkage * linkage
                + pr.berlin_weak_alliance * (1.0 - m.cohesion)
                + pr.berlin_at_war * at_war,
            },
        }
        return c, legal

    def apply(self, action: str) -> None:
        m = self.model
        if not m.active:
            return
        if action == "halt_ships":
            m.send("shipments_halted")
        elif action == "offer_withdrawal":
            m.send("ussr_offer")
        elif action in ("demand_turkey", "demand_berlin"):
            m.send("ussr_" + action.removeprefix("demand_"))
        elif action == "press_berlin":
            m.berlin = min(m.berlin + 1, 2)
        elif action == "accept":
            if m.escalation >= w.STRIKE:
                m.end_war()
            else:
                m.concessions = m.deal_terms()
                m.finish(NEGOTIATED)
        elif action == "climb_down":
            m.finish(CLIMBDOWN)


class NaiveCrisis(mesa.Model):  # type: ignore[misc]
    """One history of the crisis, stepped by Mesa (6-hour steps, as `sim.model.CrisisModel`)."""

    def __init__(self, params: Params | None = None, rng: Any = None) -> None:
        super().__init__(rng=rng)
        self.params = params if params is not None else defaults()
        p = self.params
        self.noise = p.f("world.decision_noise")
        self.delay = math.ceil(p.f("world.message_delay_hours") / calendar.STEP_HOURS)
        self.t = 0
        self.active = True
        self.outcome = -1
        self.resolved_step = -1
        self.escalation = w.SECRET
        self.peak = w.SECRET
        self.berlin = 0
        self.missiles_operational = w.MISSILES_AT_START
        self.ships_en_route = w.SHIPS_EN_ROUTE
        self.ships_turned_back = 0.0
        self.turnback_step = -1
        self.course_quarantine = False
        self.strike_planned = -1
        self.strike_step = -1
        self.invasion_step = -1
        self.tankers = False
        self.cohesion = 1.0
        self.uk_advice = 0.0
        self.uk_alert = False
        self.incidents = 0
        self.incidents_week = 0
        self.concessions = 0
        self.sent_at = dict.fromkeys(MESSAGES, -1)
        self.path: list[int] = []
        self.us = NaiveUS(self)
        self.uk = NaiveUK(self)
        self.ussr = NaiveUSSR(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "outcome": "outcome",
                "outcome_id": lambda m: OUTCOMES[m.outcome],
                "resolved_step": "resolved_step",
                "peak": "peak",
                "incidents": "incidents",
                "concessions": "concessions",
                "turnback_step": "turnback_step",
                "escalation_path": lambda m: tuple(m.path),
            }
        )
        self.running = True

    # --- what agents use ---------------------------------------------------------------------
    def draw(self, purpose: str) -> float:
        """A uniform random number; `purpose` says what for (as sim.randomness.COLUMNS)."""
        return float(self.rng.random())

    def has_sent(self, message: str) -> bool:
        return self.sent_at[message] >= 0

    def knows(self, message: str) -> bool:
        """Has the message reached the other capital by now (sent, plus the delay)?"""
        sent = self.sent_at[message]
        return sent >= 0 and sent + self.delay <= self.t

    def send(self, message: str) -> None:
        self.sent_at[message] = self.t

    def danger(self) -> float:
        return DANGER_LEVEL[self.escalation] + w.INCIDENT_DANGER * min(
            self.incidents, w.INCIDENTS_FELT)

    def finish(self, outcome: int) -> None:
        if self.active:
            self.outcome, self.resolved_step, self.active = outcome, self.t, False

    def start_war(self, rung: int) -> None:
        if not self.active or self.escalation >= rung:
            return
        p = self.params
        fresh = self.escalation < w.STRIKE
        if fresh:
            self.strike_step = self.t
        autonomy, default = p.f("ussr.local_autonomy"), defaults().f("ussr.local_autonomy")
        factor = (STRIKE_AUTONOMY + autonomy) / (STRIKE_AUTONOMY + default)
        response = min(1.0, p.f("ussr.strike_response") * factor) * self.missiles_operational
        self.escalation = rung
        if rung == w.INVASION:
            self.invasion_step = self.t
        if self.draw("strike_response") < response:
            self.escalation = w.NUCLEAR
            self.finish(NUCLEAR)

    def end_war(self) -> None:
        """A war ends: classified by the highest rung reached (as CrisisModel.end_war)."""
        if self.escalation == w.NUCLEAR:
            self.finish(NUCLEAR)
        elif self.escalation == w.INVASION:
            self.finish(INVASION)
        elif self.escalation == w.STRIKE:
            self.finish(AIR_STRIKE)

    def deal_terms(self) -> int:
        bits = 0
        for message, name in (
            ("us_pledge", "pledge"),
            ("us_secret_jupiters", "secret_jupiters"),
            ("us_public_jupiters", "public_jupiters"),
            ("uk_thor", "thor_immobilisation"),
            ("uk_berlin", "west_berlin_guarantee"),
        ):
            if message == "uk_thor" and not self.has_sent("ussr_turkey"):
                continue  # the Thors answer a Turkey demand only (S:46)
            if self.knows(message):
                bits |= w.CONCESSION_BIT[name]
        return bits

    # --- the schedule ------------------------------------------------------------------------
    def step(self) -> None:
        self.scheduled_events()
        choices = [(agent, agent.decide()) for agent in (self.us, self.uk, self.ussr)]
        for agent, action in choices:
            agent.apply(action)
        self.ships_and_sites()
        self.incidents_nobody_chose()
        self.settle_wars()
        self.path.append(self.escalation)
        self.peak = max(self.peak, self.escalation)
        self.t += 1
        if self.active and self.t >= calendar.N_STEPS:
            self.t = calendar.N_STEPS - 1
            if self.escalation >= w.STRIKE:
                self.end_war()
            if self.active:
                self.finish(UNRESOLVED)
                self.resolved_step = -1
        if not self.active:
            self.running = False
            self.datacollector.collect(self)

    def scheduled_events(self) -> None:
        t, p = self.t, self.params
        if t == w.DECISION_STEP:
            self.course_quarantine = self.us.first_move()
            if not self.course_quarantine:
                self.strike_planned = t + w.STRIKE_PREPARATION_STEPS
        if self.strike_planned == t:
            self.start_war(w.STRIKE)
        if t == w.SPEECH_STEP and self.course_quarantine:
            self.escalation = max(self.escalation, w.PUBLIC)
        if t == w.QUARANTINE_STEP and self.course_quarantine:
            self.escalation = max(self.escalation, w.QUARANTINE)
        if p.b("us.widen_to_tankers") and t == p.step("us.tankers_time") and self.course_quarantine:
            if self.us.widens_to_tankers():
                self.tankers = True
                self.cohesion -= 0.1
        thor = p.s("uk.thor_offer")
        if thor != "none" and t == p.step("uk.thor_offer_time"):
            self.british_initiative(
                "uk_thor",
                p.b("uk.thor_offer_us_consent"),
                0.1 if thor == "public" else 0.03,
                "us_consents_thor",
            )
        if p.b("uk.berlin_proposal") and t == p.step("uk.berlin_proposal_time"):
            self.british_initiative(
                "uk_berlin", p.b("uk.berlin_proposal_us_consent"), 0.05, "us_consents_berlin"
            )

    def british_initiative(
        self, message: str, needs_consent: bool, cohesion_cost: float, consent: str
    ) -> None:
        """Thor offer or Berlin proposal: tabled, unless it waits for a Washington that refuses."""
        if not (self.course_quarantine and self.escalation < w.STRIKE):
            return
        if needs_consent and not self.us.consents(consent):
            return
        self.send(message)
        if not needs_consent:
            self.cohesion -= cohesion_cost

    def ships_and_sites(self) -> None:
        if self.active and self.has_sent("shipments_halted") and self.ships_en_route > 0.5:
            turned = self.ships_en_route * TURN_BACK_RATE
            self.ships_en_route -= turned
            self.ships_turned_back += turned
            if self.turnback_step < 0:
                self.turnback_step = self.t
        if self.active and self.escalation < w.STRIKE:
            self.missiles_operational = w.readiness(self.t)

    def incidents_nobody_chose(self) -> None:
        """Incidents by kind, each where its precondition holds (as sim.incidents)."""
        p, t, e = self.params, self.t, self.escalation
        scale = p.f("world.incident_rate") * calendar.STEP_HOURS / 24.0
        if self.active:
            peace = w.PUBLIC <= e <= w.CLASH
            quarantine = peace and t >= w.QUARANTINE_STEP
            sailing = self.ships_en_route if self.ships_en_route > 0.5 else 0.0
            holds = {
                "defcon3": peace,
                "sac_defcon2": quarantine,
                "quarantine": quarantine,
                "sams": quarantine and t >= inc.SAMS_READY_STEP,
                "uk_alert": peace and self.uk_alert,
                "war": w.STRIKE <= e <= w.INVASION,
            }
            rates = []
            for kind in inc.INCIDENTS:
                if kind.needs == "ships":
                    share = sailing / w.SHIPS_EN_ROUTE + inc.TANKER_SHIPS * self.tankers
                    rates.append(share * (kind.per_day * scale) if quarantine else 0.0)
                else:
                    local = inc.local_factor(p) if kind.local else 1.0
                    rates.append(kind.per_day * scale * local if holds[kind.needs] else 0.0)
            total = sum(rates)
            if self.draw("incident_occurs") < total:
                u = self.draw("incident_kind") * total
                cumulative, chosen = 0.0, len(rates) - 1
                for i, r in enumerate(rates):
                    cumulative += r
                    if not cumulative < u:
                        chosen = i
                        break
                self.incident(p, inc.INCIDENTS[chosen])
        if self.active and self.berlin >= 2:
            risk = p.f("world.escalation_risk")
            log_contained = math.log(max(1.0 - risk, 1e-300))
            ussr = inc.side_factors(p)[1]
            contained = math.exp(
                log_contained * ussr * inc.BERLIN_SEVERITY / inc.ESCALATION_NORM
                * (1.0 + self.danger()))
            if (self.draw("berlin_incident") < inc.BERLIN_PER_DAY * scale
                    and self.draw("berlin_steps_back") >= contained):
                self.berlin = 3

    def incident(self, p: Params, kind: Any) -> None:
        """Each side contains it, or the crisis climbs a rung (in a war: nuclear use)."""
        log_contained = math.log(max(1.0 - p.f("world.escalation_risk"), 1e-300))
        us, ussr = inc.side_factors(p)
        x = kind.severity * (1.0 + self.danger())
        us_fails = self.draw("us_steps_back") >= math.exp(
            log_contained * us / inc.ESCALATION_NORM * x)
        ussr_fails = self.draw("ussr_steps_back") >= math.exp(
            log_contained * ussr / inc.ESCALATION_NORM * x)
        self.incidents += 1
        if inc.WEEK_FIRST_STEP <= self.t < inc.WEEK_END_STEP:
            self.incidents_week += 1
        if not (us_fails or ussr_fails):
            return
        if self.escalation >= w.STRIKE:
            self.escalation = w.NUCLEAR
            self.finish(NUCLEAR)
        if self.escalation == w.CLASH:
            self.start_war(w.STRIKE)
        if w.PUBLIC <= self.escalation < w.CLASH:
            self.escalation = w.CLASH

    def settle_wars(self) -> None:
        if self.escalation == w.NUCLEAR:
            self.finish(NUCLEAR)
        if self.berlin >= 3:
            self.finish(BERLIN_CLASH)
        if (  # the Joint Chiefs' plan: the landing once the force is ready, unless pledged
            self.active and self.escalation == w.STRIKE and self.t >= w.INVASION_READY_STEP
            and self.t - self.strike_step >= w.STRIKES_BEFORE_INVASION
            and not self.has_sent("us_pledge")
        ):
            self.start_war(w.INVASION)
        if (
            self.active and self.escalation == w.INVASION
            and self.t - self.invasion_step >= w.WAR_PHASE_STEPS
        ):
            self.end_war()


def run_naive(params: Params, runs: int, first_seed: int = 0) -> list[dict[str, Any]]:
    """`runs` histories, one model each, in a plain loop (what batch_run does with one process)."""
    rows = []
    for seed in range(first_seed, first_seed + runs):
        model = NaiveCrisis(params=params, rng=seed)
        while model.running and model.steps < calendar.N_STEPS:
            model.step()
        rows.append({k: v[-1] for k, v in model.datacollector.model_vars.items()})
    return rows


class CommonRandomCrisis(NaiveCrisis):
    """The naive model fed with the engine's random numbers for one history (for tests).

    `uniforms` has shape (steps, len(COLUMNS)): what `sim.randomness.RandomBlocks` gives that
    history. Both implementations then see the same draws, so they should tell the same story.
    """

    def __init__(self, uniforms: Any, params: Params | None = None) -> None:
        super().__init__(params=params, rng=0)
        self.uniforms = uniforms

    def draw(self, purpose: str) -> float:
        return float(self.uniforms[self.t, COLUMNS.index(purpose)])
