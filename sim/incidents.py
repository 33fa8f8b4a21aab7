"""Incidents nobody chose: Schelling's threat that leaves something to chance.

Every step, each running history may have an incident (a U-2 lost, a submarine forced up, a false
alarm), at a rate set by the hazard parameter, the rung of the ladder and local autonomy. Both
sides may step back; if either does not, the crisis climbs a rung (a clash, a strike, an invasion)
or, in a war, goes nuclear. Where Moscow presses on Berlin hard enough, a clash there may follow.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim import calendar
from sim import world as w
from sim.agents.view import CrisisView
from sim.outcomes import NUCLEAR
from sim.params import Params
from sim.randomness import COLUMN

#: Incidents per day at DEFCON 2 at `world.incident_rate` 1 (provisional).
BASE_HAZARD = 0.0170184
#: Incident hazard relative to DEFCON 2, by rung of the ladder (Schelling: risk rises with the
#: rung). The quiet rungs are low because nobody was yet on alert. Modelling assumption.
LEVEL_HAZARD = (0.05, 0.4, 1.0, 3.0, 10.0, 16.0, 0.0)
#: Incidents nobody chose, by rung where they can happen, for the event log [FACTS §7].
INCIDENT_KINDS = (
    "a U-2 is shot down over Cuba (Dobbs; OH)",
    "a Soviet submarine is forced to surface by practice depth charges (FACTS §7: B-59)",
    "a U-2 strays over Soviet airspace and MiGs scramble (Dobbs; Sagan)",
    "a false alarm sends nuclear-armed interceptors taxiing (Sagan: Duluth)",
    "a Soviet ship refuses to stop at the quarantine line",
    "a Thor or Jupiter alert goes wrong (FACTS §7)",
)
#: Local autonomy multiplies the rate by AUTONOMY_BASE + AUTONOMY_WEIGHT x autonomy: commanders
#: and Castro acting on their own (modelling assumption).
AUTONOMY_BASE = 0.6
AUTONOMY_WEIGHT = 1.3
#: The British alert adds this share to the rate (Thors at readiness [V2S]; assumption).
ALERT_RATE = 0.15
#: At the quarantine line: ships that keep sailing must be stopped at sea, and tankers kept
#: sailing [FRUS-XI-74]; shares added to the rate (modelling assumption).
SHIPS_SAILING_RATE = 0.5
TANKERS_RATE = 1.5
#: Each side steps back after an incident with probability STEP_BACK - STEP_BACK_RESOLVE x its
#: hawkishness (US) or risk acceptance (USSR) (modelling assumption).
STEP_BACK = 0.95
STEP_BACK_RESOLVE = 0.4
#: In a war, an incident that neither side steps back from goes nuclear with probability
#: NUCLEAR_IN_WAR + NUCLEAR_IN_WAR_AUTONOMY x local autonomy: local commanders hold tactical
#: weapons [Dobbs].
NUCLEAR_IN_WAR = 0.2
NUCLEAR_IN_WAR_AUTONOMY = 0.6
#: Berlin under pressure: incidents at BERLIN_RATE times the hazard, of which BERLIN_CLASH become
#: an armed clash (modelling assumption).
BERLIN_RATE = 6.0
BERLIN_CLASH = 0.6


class IncidentModel(CrisisView, Protocol):
    """What incidents need of the model: the agents' view, and the event log."""

    def event(self, actor: str, kind: str, text: str) -> None:
        """Add a line to the log of history `start`."""


class Incidents:
    """The incident process of one run: its rates are set by the parameters once."""

    def __init__(self, params: Params) -> None:
        #: Incident hazard per step, and by rung of the ladder times local autonomy: the first
        #: factors of the incident rate, which do not change during a run.
        self.hazard = BASE_HAZARD * params.f("world.incident_rate") * calendar.STEP_HOURS / 24.0
        local = AUTONOMY_BASE + AUTONOMY_WEIGHT * params.f("ussr.local_autonomy")
        self.rate_by_rung = self.hazard * np.asarray(LEVEL_HAZARD) * local
        risk = params.f("world.escalation_risk") / 0.1
        us_back = STEP_BACK - STEP_BACK_RESOLVE * params.f("us.hawkishness")
        ussr_back = STEP_BACK - STEP_BACK_RESOLVE * params.f("ussr.risk_acceptance")
        self.us_steps_back = max(0.0, 1.0 - (1.0 - us_back) * risk)
        self.ussr_steps_back = max(0.0, 1.0 - (1.0 - ussr_back) * risk)
        self.nuclear_in_war = NUCLEAR_IN_WAR + NUCLEAR_IN_WAR_AUTONOMY * params.f(
            "ussr.local_autonomy"
        )

    def step(self, model: IncidentModel) -> None:
        """This step's incidents, then Berlin's."""
        world = model.world
        # hazard * level of the rung * local autonomy, looked up by rung (see __init__) ...
        rate = self.rate_by_rung.take(world.escalation)
        # ... times the British alert and ships at sea; a factor that is 1 everywhere is skipped
        # (x * 1.0 is x), which saves the arithmetic in most steps.
        if np.count_nonzero(world.uk_alert):
            rate = rate * (1.0 + ALERT_RATE * world.uk_alert)
        at_sea = world.escalation == w.QUARANTINE
        if np.count_nonzero(at_sea):
            factor = 1.0 + SHIPS_SAILING_RATE * (at_sea & world.unsent(world.shipments_halted))
            if np.count_nonzero(
                world.tankers
            ):  # (adding 0 where no tankers are stopped is skipped)
                factor = factor + TANKERS_RATE * (at_sea & world.tankers)
            rate = rate * factor
        occurs = world.active & (model.uniform(COLUMN["incident_occurs"]) < rate)
        if np.count_nonzero(occurs):
            self.escalate(model, occurs)
        self.berlin(model)

    def escalate(self, model: IncidentModel, occurs: w.Bool) -> None:
        """Incidents in `occurs`: both sides step back, or the crisis climbs."""
        world = model.world
        world.incidents[occurs] += 1
        us_back = model.uniform(COLUMN["us_steps_back"]) < self.us_steps_back
        ussr_back = model.uniform(COLUMN["ussr_steps_back"]) < self.ussr_steps_back
        at_war = world.escalation >= w.STRIKE
        war_restraint = model.uniform(COLUMN["nuclear_in_war"]) >= self.nuclear_in_war
        spiral = occurs & ~(us_back & ussr_back)
        nuclear = spiral & at_war & ~war_restraint
        if model.record and occurs[0]:
            kinds = len(INCIDENT_KINDS)
            drawn = int(model.uniform(COLUMN["incident_kind"])[0] * kinds)
            kind = INCIDENT_KINDS[min(drawn, kinds - 1)]
            outcome = "both sides step back" if not spiral[0] else "neither side steps back"
            model.event("world", "incident", f"Incident: {kind}; {outcome}")
        world.escalation[nuclear] = w.NUCLEAR
        np.maximum(world.peak, world.escalation, out=world.peak)
        model.finish(nuclear, NUCLEAR)
        retaliation = spiral & (world.escalation == w.CLASH)
        model.start_war(retaliation, w.STRIKE, "US retaliates: air strike")
        invade = spiral & at_war & war_restraint & (world.escalation == w.STRIKE)
        model.start_war(invade, w.INVASION, "The fighting spreads: US forces land in Cuba")
        low = spiral & (world.escalation < w.CLASH) & (world.escalation >= w.PUBLIC)
        world.escalation[low] = w.CLASH

    def berlin(self, model: IncidentModel) -> None:
        """Where access to Berlin is cut, a checkpoint incident may become an armed clash."""
        world = model.world
        tense = world.active & (world.berlin >= 2)
        if not np.count_nonzero(tense):
            return
        clash = (
            tense
            & (model.uniform(COLUMN["berlin_incident"]) < self.hazard * BERLIN_RATE)
            & (model.uniform(COLUMN["berlin_steps_back"]) < BERLIN_CLASH)
        )
        world.berlin[clash] = 3
        if model.record and clash[0]:
            model.event("world", "incident", "Berlin: shots at a checkpoint; an armed clash")
