"""The Mesa model: N crisis histories advanced together, one 6-hour step at a time.

Each step reads like the schedule: scheduled events (20 Oct decision, 22 Oct speech, 24 Oct
quarantine, U Thant's appeal, British initiatives), then the three agents choose on what they know
(offers travel with a delay), then their choices take effect, then incidents nobody chose, then
wars and finished histories are settled. Histories that have ended are masked, not removed, so
every array keeps its shape and every history keeps its random numbers.
"""

from __future__ import annotations

import datetime as dt
import math

import mesa
import numpy as np
import numpy.typing as npt

from sim import calendar, eventlog
from sim import world as w
from sim.agents import SovietUnion, UnitedKingdom, UnitedStates
from sim.agents.base import Controller, CrisisAgent
from sim.compaction import Finished
from sim.eventlog import Event as Event  # re-exported: the log is the model's
from sim.incidents import Incidents
from sim.outcomes import AIR_STRIKE, BERLIN_CLASH, INVASION, NUCLEAR, UNRESOLVED
from sim.params import SPECS, Params, defaults
from sim.randomness import COLUMN, N_COLUMNS, RandomBlocks

Mask = npt.NDArray[np.bool_]


def strike_response(params: Params) -> float:
    """Chance of a nuclear answer to a strike with every missile operational: the parameter, times
    (STRIKE_AUTONOMY + local autonomy) / (STRIKE_AUTONOMY + its default), at most 1. Who held
    the tactical warheads' release mattered [Dobbs]; modelling assumption."""
    autonomy = params.f("ussr.local_autonomy")
    default = defaults().f("ussr.local_autonomy")
    factor = (STRIKE_AUTONOMY + autonomy) / (STRIKE_AUTONOMY + default)
    return min(1.0, params.f("ussr.strike_response") * factor)


#: See `strike_response`.
STRIKE_AUTONOMY = 0.5
#: Share of the Soviet ships still en route that turn back in each step after the halt order.
TURN_BACK_RATE = 0.25
#: NATO cohesion lost where the quarantine is widened to tankers: the FO and allies objected
#: [S:56–58]; level: modelling assumption.
TANKER_COHESION_COST = 0.1
#: ... where Britain tables the Thor offer without Washington's consent, by kind of offer, and its
#: Berlin proposal (a public standstill costs more); modelling assumption.
THOR_COHESION_COST: dict[str, float] = {"public": 0.1, "private": 0.03}
BERLIN_COHESION_COST = 0.05


class CrisisModel(mesa.Model):  # type: ignore[misc]
    """The crisis for histories [start, stop) of a run.

    Attributes: `params` (validated parameters), `world` (state arrays of shape (N,)), `us`,
    `uk`, `ussr` (the agents), `step_index`, `delay_steps` (message delay in steps),
    `escalation_path` (T, N) int8, `log` (events of history `start`, if `record`), `controllers`
    (actor -> human controller replacing that agent's policy).
    """

    def __init__(
        self,
        params: Params | None = None,
        seed: int = 0,
        start: int = 0,
        stop: int = 1,
        record: bool = False,
        controllers: dict[str, Controller] | None = None,
    ) -> None:
        super().__init__(rng=seed)
        self.params = params if params is not None else defaults()
        self.seed = seed
        self.start = start
        self.world = w.World(stop - start)
        self.random_blocks = RandomBlocks(seed, start, stop)
        self.controllers = dict(controllers or {})
        self.delay_steps = math.ceil(
            self.params.f("world.message_delay_hours") / calendar.STEP_HOURS
        )
        self.step_index = 0
        self.escalation_path = np.zeros((calendar.N_STEPS, self.world.n), dtype=np.int8)
        self.record = record
        self.log: list[Event] = []
        self._u: npt.NDArray[np.float64] | None = np.zeros((self.world.n, N_COLUMNS))
        self.us = UnitedStates(self)
        self.uk = UnitedKingdom(self)
        self.ussr = SovietUnion(self)
        self._messages: list[tuple[str, str, str]] = []  # (actor, action, world field)
        # Finished histories moved out of `world` (never when recording or controlled).
        self._finished = Finished()
        # `danger()` while the agents decide (they all read the same state); None otherwise.
        self._deciding = False
        self._scheduled: dict[str, int] = {}
        self._danger: npt.NDArray[np.float64] | None = None
        self._at_war: Mask | None = None
        self.incidents = Incidents(self.params)
        self.strike_response = strike_response(self.params)

    # --- what agents call ----------------------------------------------------------------------
    @property
    def now(self) -> dt.datetime:
        return calendar.step_time(self.step_index)

    def scheduled(self, name: str) -> int:
        """A date parameter as a step, worked out once (parameters do not change in a run)."""
        step = self._scheduled.get(name)
        if step is None:
            step = self._scheduled[name] = self.params.step(name)
        return step

    def at_war(self) -> Mask:
        """Histories at war (a strike or more), computed once per step while agents decide."""
        if self._at_war is not None:
            return self._at_war
        at_war: Mask = self.world.escalation >= w.STRIKE
        if self._deciding:
            self._at_war = at_war
        return at_war

    def danger(self) -> npt.NDArray[np.float64]:
        """`sim.world.danger` of the current state, computed once per step while agents decide."""
        if self._danger is not None:
            return self._danger
        danger = w.danger(self.world)
        if self._deciding:
            self._danger = danger
        return danger

    def uniform(self, column: int) -> npt.NDArray[np.float64]:
        """This step's uniform draws for one purpose (see `sim.randomness.COLUMNS`)."""
        if self._u is None:  # the step's first call: its numbers are made now (see `step`)
            self._u = self.random_blocks.draw(self._finished.rows)
        return self._u[:, column]

    def finish(self, rows: Mask | None, outcome: int) -> None:
        """End `rows` (None: no history) with `outcome`."""
        if rows is None:
            return
        rows = rows & self.world.active
        if not np.count_nonzero(rows):
            return
        wd = self.world
        # putmask: a boolean-mask assignment cheaper than `a[rows] = x`
        np.putmask(wd.outcome, rows, outcome)
        np.putmask(wd.resolved_step, rows, self.step_index)
        np.putmask(wd.active, rows, False)
        if self.record and rows[0]:
            from sim.outcomes import LABELS, OUTCOMES

            self.event("world", "outcome", f"Outcome: {LABELS[OUTCOMES[outcome]]}")

    def start_war(self, rows: Mask | None, rung: int, text: str) -> None:
        """Raise `rows` (None: no history) to the war rung `rung`."""
        if rows is None:
            return
        rows = rows & self.world.active & (self.world.escalation < rung)
        if not np.count_nonzero(rows):  # the usual case: skip the arithmetic below
            return
        wd = self.world
        fresh = rows & (wd.escalation < w.STRIKE)
        np.putmask(wd.strike_step, fresh, self.step_index)
        # Kennedy's fear [OH]: Soviet forces in Cuba answer a strike or a landing with nuclear
        # weapons (MRBMs, and tactical FKR and Luna warheads [Dobbs, FAS12]), the more likely the
        # more of the missiles are operational and the more local commanders act on their own
        # (`ussr.strike_response` at the default autonomy; `STRIKE_AUTONOMY`).
        response = self.strike_response * wd.missiles_operational
        nuclear = rows & (self.uniform(COLUMN["strike_response"]) < response)
        np.putmask(wd.escalation, rows, rung)
        if rung == w.INVASION:
            np.putmask(wd.invasion_step, rows, self.step_index)
        if self.record and rows[0]:
            self.event("us", "scheduled", text)
        np.putmask(wd.escalation, nuclear, w.NUCLEAR)
        np.maximum(wd.peak, wd.escalation, out=wd.peak)
        if self.record and nuclear[0]:
            self.event("ussr", "incident", "Soviet forces in Cuba answer with nuclear weapons")
        self.finish(nuclear, NUCLEAR)  # absorbing: nothing after it can change the outcome

    def end_war(self, rows: Mask) -> None:
        """A war stops short of nuclear use: classify by the highest rung reached."""
        if not np.count_nonzero(rows):  # the usual case: skip the three classifications
            return
        wd = self.world
        self.finish(rows & (wd.escalation == w.NUCLEAR), NUCLEAR)
        self.finish(rows & (wd.escalation == w.INVASION), INVASION)
        self.finish(rows & (wd.escalation == w.STRIKE), AIR_STRIKE)

    def note_messages(self, rows: Mask, actor: str, action: str) -> None:
        """Log that a message left, and when the other capital will have read it."""
        if self.record and rows[0]:
            to = "Moscow" if actor == "us" else "Washington"
            arrives = calendar.fmt(calendar.step_time(self.step_index + self.delay_steps))
            self.event(
                actor,
                "message_sent",
                f"the message leaves for {to}; it will have been read there by {arrives} "
                f"Washington time ({self.params.f('world.message_delay_hours'):g} h delay)",
            )

    # --- the schedule --------------------------------------------------------------------------
    def step(self) -> None:
        self._u = None  # made on first use (`uniform`), skipped if none is (`_end_step`)
        if self.step_index < w.DECISION_STEP and not (self.record or self.controllers):
            # Before ExComm decides (20 Oct) nobody can act: only the sites grow and incidents
            # nobody chose are counted. Same numbers as the full schedule, at a third of the cost.
            self._ships_and_sites()
            self.incidents.step(self)
            self._end_step()
            return
        if self.record:  # letters arriving now are read before anyone decides
            self.log += eventlog.received(self.world, self.step_index, self.delay_steps)
        self._scheduled_events()
        agents: tuple[CrisisAgent, ...] = (self.us, self.uk, self.ussr)
        self._deciding = True
        decisions = [agent.decide() for agent in agents]
        self._deciding, self._danger, self._at_war = False, None, None
        if self.record:
            for agent, decision in zip(agents, decisions, strict=False):
                if self.world.active[0]:
                    note = ""
                    if agent is self.ussr and agent.actions[decision.choice[0]] == "accept":
                        at_war = bool(self.world.escalation[0] >= w.STRIKE)
                        note = eventlog.acceptance(int(self.ussr.terms()[0]), at_war)
                    self.log.append(eventlog.choice(self.step_index, agent, decision, note))
        for agent, decision in zip(agents, decisions, strict=False):
            agent.apply(decision)
        self._ships_and_sites()
        self.incidents.step(self)
        self._settle_wars()
        self._end_step()

    def _end_step(self) -> None:
        """Record the rung every history stands on, and move the clock."""
        if self._u is None:  # nothing drew this step's numbers: move past them all the same
            self.random_blocks.skip()
        wd = self.world
        if self._finished.rows is None:
            self.escalation_path[self.step_index] = wd.escalation
        else:
            self.escalation_path[self.step_index, self._finished.rows] = wd.escalation
        np.maximum(wd.peak, wd.escalation, out=wd.peak)
        self.step_index += 1

    def run(self) -> None:
        """Run to the horizon (or until every history has ended)."""
        compact = not (self.record or self.controllers)
        # The schedule itself, not Mesa's event-driven wrapper of `step` (an event popped and
        # rescheduled every step: ~4% of a run of 1,000 histories); Mesa's clock is not read.
        step = CrisisModel.step
        while self.step_index < calendar.N_STEPS and np.count_nonzero(self.world.active):
            step(self)
            if compact:
                self.world = self._finished.move_out(
                    self.world, self.escalation_path, self.step_index
                )
        self.world = self._finished.restore(self.world)
        wd = self.world
        if self.step_index < calendar.N_STEPS:  # all ended early: freeze the rest of the path
            self.escalation_path[self.step_index :] = wd.escalation
        at_war = wd.active & (wd.escalation >= w.STRIKE)
        self.step_index = calendar.N_STEPS - 1
        self.end_war(at_war)
        still = wd.active.copy()
        self.finish(still, UNRESOLVED)
        wd.resolved_step[still] = -1

    # --- submodels -----------------------------------------------------------------------------
    def _scheduled_events(self) -> None:
        t, wd, p = self.step_index, self.world, self.params
        active = wd.active
        if t == w.DECISION_STEP:
            wd.course_quarantine = self.us.first_move()
            strike = ~wd.course_quarantine
            wd.strike_planned[strike] = t + w.STRIKE_PREPARATION_STEPS
            if self.record:
                self.event(
                    "us",
                    "scheduled",
                    "ExComm chooses the quarantine (Ginsberg)"
                    if wd.course_quarantine[0]
                    else "ExComm chooses an air strike, to be launched in two days",
                )
        if t == w.DECISION_STEP + w.STRIKE_PREPARATION_STEPS:  # the only step a strike is set for
            self.start_war(wd.strike_planned == t, w.STRIKE, "US air strike on the missile sites")
        if t == w.SPEECH_STEP:
            rows = active & wd.course_quarantine
            wd.escalation[rows] = np.maximum(wd.escalation[rows], w.PUBLIC)
            text = "Kennedy's broadcast: quarantine announced, US forces to DEFCON 3 (OH)"
            self._event_if(rows, "us", "scheduled", text, at=w.SPEECH_TIME)
        if t == w.QUARANTINE_STEP:
            rows = active & wd.course_quarantine
            wd.escalation[rows] = np.maximum(wd.escalation[rows], w.QUARANTINE)
            text = (
                "Quarantine in force; Strategic Air Command to DEFCON 2, other US forces stay at "
                "DEFCON 3 (FRUS-VI-62; Schl, OH)"
            )
            self._event_if(rows, "us", "scheduled", text, at=w.QUARANTINE_TIME)
        if t == w.UN_APPEAL_STEP:
            self._event_if(
                active & wd.course_quarantine,
                "world",
                "scheduled",
                "U Thant appeals for a 2–3 week standstill (UN-SG1353)",
                at=w.UN_APPEAL_TIME,
            )
        if p.b("us.widen_to_tankers") and t == self.scheduled("us.tankers_time"):
            planned = active & wd.course_quarantine
            rows = planned & self.us.widens_to_tankers()  # unless the FO is heard [S:56–58]
            wd.tankers |= rows
            wd.cohesion[rows] -= TANKER_COHESION_COST  # the FO and allies objected [S:56–58]
            tankers_at = self._exact("us.tankers_time")
            self._event_if(
                rows, "us", "scheduled", "Quarantine widened to oil tankers", at=tankers_at
            )
            self._event_if(
                planned & ~rows,
                "us",
                "scheduled",
                "Washington holds back from stopping oil tankers: consulted, it heeds the Foreign "
                "Office (oil is not an offensive weapon, S:56–58)",
                at=tankers_at,
            )
        due = (self.scheduled("uk.thor_offer_time"), self.scheduled("uk.berlin_proposal_time"))
        if t not in due:  # neither British initiative is due (most steps)
            return
        self._british_initiative(
            "thor",
            p.s("uk.thor_offer") != "none",
            "uk.thor_offer_time",
            p.b("uk.thor_offer_us_consent"),
            column=COLUMN["us_consents_thor"],
            cohesion_cost=THOR_COHESION_COST.get(p.s("uk.thor_offer"), 0.0),
            via_un=True,
        )
        self._british_initiative(
            "berlin",
            p.b("uk.berlin_proposal"),
            "uk.berlin_proposal_time",
            p.b("uk.berlin_proposal_us_consent"),
            column=COLUMN["us_consents_berlin"],
            cohesion_cost=BERLIN_COHESION_COST,
        )

    def _british_initiative(
        self,
        what: str,
        made: bool,
        when: str,
        needs_consent: bool,
        column: int,
        cohesion_cost: float,
        via_un: bool = False,
    ) -> None:
        """Thor offer or Berlin proposal: tabled, unless it waits for a US that refuses."""
        if not made or self.step_index != self.scheduled(when):
            return
        wd = self.world
        rows = wd.active & wd.course_quarantine & (wd.escalation < w.STRIKE)
        consent = self.us.consents(column, via_un) if needs_consent else np.ones(wd.n, dtype=bool)
        tabled = rows & consent
        field_name = "uk_thor" if what == "thor" else "uk_berlin"
        getattr(wd, field_name)[tabled] = self.step_index
        wd.cohesion[tabled & ~np.asarray(needs_consent)] -= cohesion_cost
        label = "Thor immobilisation via the UN" if what == "thor" else "Berlin settlement"
        if self.record and rows[0]:
            text = f"Britain offers {label}" + (
                ""
                if tabled[0]
                else "; Washington sees no advantage and the idea is smothered (S:48)"
            )
            kind = "message_sent" if tabled[0] else "scheduled"
            self.event("uk", kind, text, at=self._exact(when))

    def _ships_and_sites(self) -> None:
        wd = self.world
        halted = wd.sent(wd.shipments_halted) & wd.active
        turning = halted & (wd.ships_en_route > 0.5)
        if np.count_nonzero(turning):
            self._turn_back(turning)
        # Construction goes on (FACTS §3 by date: `sim.world.READINESS`) until the sites are struck;
        # once the share stops changing (all ready, 28 Oct) there is nothing to write.
        t = self.step_index
        if t and w.READINESS[t] == w.READINESS[t - 1]:
            return
        building = wd.active & (wd.escalation < w.STRIKE)
        wd.missiles_operational = np.where(
            building, w.READINESS[self.step_index], wd.missiles_operational
        )

    def _turn_back(self, turning: Mask) -> None:
        """A share of the ships still en route turns back where the halt order holds."""
        wd, t = self.world, self.step_index
        turned = np.where(turning, wd.ships_en_route * TURN_BACK_RATE, 0.0)
        wd.ships_en_route -= turned
        wd.ships_turned_back += turned
        first = turning & (wd.turnback_step < 0)
        np.putmask(wd.turnback_step, first, t)

    def _settle_wars(self) -> None:
        wd, t = self.world, self.step_index
        at_war = wd.escalation >= w.STRIKE
        war_somewhere = np.count_nonzero(at_war) > 0  # if not, no nuclear use and no war to end
        if war_somewhere:
            self.finish(wd.escalation == w.NUCLEAR, NUCLEAR)
        if wd.berlin.max() >= 3:  # (rarely: a Berlin clash needs access cut first)
            self.finish(wd.berlin >= 3, BERLIN_CLASH)
        if war_somewhere and t >= w.INVASION_READY_STEP:  # no landing before the force is ready
            # The Joint Chiefs' plan: strikes go on until the invasion force is ready, then the
            # landing [OH], unless a no-invasion pledge has been given (a deal ends the war).
            invade = (
                wd.active
                & (wd.escalation == w.STRIKE)
                & (t - wd.strike_step >= w.STRIKES_BEFORE_INVASION)
                & wd.unsent(wd.us_pledge)
            )
            self.start_war(invade, w.INVASION, "The Joint Chiefs' plan: US forces land in Cuba")
            # An invasion runs its course; strikes alone go on until a deal, or the horizon.
            over = (wd.escalation == w.INVASION) & (t - wd.invasion_step >= w.WAR_PHASE_STEPS)
            self.end_war(over & wd.active)

    # --- the event log (history `start` only) --------------------------------------------------
    def event(
        self,
        actor: str,
        kind: str,
        text: str,
        details: dict[str, float] | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """Log a line for history `start`; `at` is the exact time of a scheduled event."""
        self.log.append(Event(self.step_index, actor, kind, text, details or {}, at=at))

    def _exact(self, name: str) -> dt.datetime:
        """A datetime parameter as exact Washington time (London = Washington + 5 h)."""
        value = self.params[name]
        assert isinstance(value, dt.datetime)
        tz = SPECS[name].timezone
        return value - calendar.LONDON_OFFSET if tz == "London" else value

    def _event_if(
        self, rows: Mask, actor: str, kind: str, text: str, at: dt.datetime | None = None
    ) -> None:
        if self.record and rows[0]:
            self.event(actor, kind, text, at=at)
