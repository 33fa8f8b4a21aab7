"""The world state of N crisis histories at once: every field is a numpy array of shape (N,).

The agents read it (through what each side knows) and write their choices into it; the model
advances it. Nothing here draws random numbers: randomness enters through `sim.ensemble`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim import calendar

Bool = npt.NDArray[np.bool_]
Float = npt.NDArray[np.float64]
Int = npt.NDArray[np.int16]

#: The escalation ladder. Nuclear use is absorbing.
LADDER: tuple[str, ...] = (
    "secret crisis",  # 0: ExComm deliberates, the world does not know
    "public crisis, DEFCON 3",  # 1: after Kennedy's speech, 22 Oct [OH]
    # 2: from 24 Oct [FRUS-VI-62]; only Strategic Air Command went to DEFCON 2 [Schl, OH]
    "quarantine in force, SAC at DEFCON 2",
    "armed clash (shots fired, a plane lost)",  # 3
    "US air strike on Cuba",  # 4
    "invasion of Cuba",  # 5
    "nuclear weapons used",  # 6
)
SECRET, PUBLIC, QUARANTINE, CLASH, STRIKE, INVASION, NUCLEAR = range(7)

#: The Berlin track: normal, harassment, access cut, armed clash (terminal).
BERLIN_TRACK: tuple[str, ...] = ("normal", "harassment", "access cut", "armed clash")

#: What a deal can contain, as bits of one uint8 per history: concessions to Moscow (the pledge,
#: the Jupiters, the British Thors) and one to the West, Ormsby-Gore's West Berlin plan (S:83–86).
#: No UN on-site inspection was ever agreed (Castro refused [HC-12Nov]), so there is no such term.
CONCESSIONS: tuple[str, ...] = (
    "pledge",
    "secret_jupiters",
    "public_jupiters",
    "thor_immobilisation",
    "west_berlin_guarantee",
)
CONCESSION_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(CONCESSIONS)}

#: Scheduled dates (Washington time), as steps.
DECISION_STEP = calendar.step_of(dt.datetime(1962, 10, 20, 12, 0))  # [Ginsberg]
UK_TOLD_STEP = calendar.step_of(dt.datetime(1962, 10, 21, 18, 0))  # [Bbg, TNA-msg]
#: ... and their exact hours, for narratives (a step starts at 00, 06, 12 or 18 h).
SPEECH_TIME = dt.datetime(1962, 10, 22, 19, 0)  # 19:00 EDT = midnight London [OH]
QUARANTINE_TIME = dt.datetime(1962, 10, 24, 10, 0)  # [FRUS-VI-62]
UN_APPEAL_TIME = dt.datetime(1962, 10, 24, 18, 0)  # [UN-SG1353, RT60s]
SPEECH_STEP = calendar.step_of(SPEECH_TIME)
QUARANTINE_STEP = calendar.step_of(QUARANTINE_TIME)
UN_APPEAL_STEP = calendar.step_of(UN_APPEAL_TIME)
ELECTION = dt.datetime(1962, 11, 6, 12, 0)  # US mid-term elections
#: Strike planned on 20 Oct would come after two days of preparation (modelling assumption).
STRIKE_PREPARATION_STEPS = 8
#: An invasion force needed about ten days to assemble (modelling assumption).
INVASION_READY_STEP = calendar.step_of(dt.datetime(1962, 10, 30, 12, 0))
#: The Joint Chiefs' plan: at least a day of air strikes before the landing (modelling assumption).
STRIKES_BEFORE_INVASION = 4
#: Soviet ships en route when the quarantine was announced: ~25 [RT60s].
SHIPS_EN_ROUTE = 25.0
#: Share of the MRBM sites operational, by date, while construction goes on: none on 16 Oct
#: (sites under construction); 2 of 6 "possibly operational" on 21 Oct [TNA-msg]; all by 28 Oct
#: (modelling assumption); linear in between (`readiness`).
READINESS_DATES: tuple[tuple[dt.datetime, float], ...] = (
    (dt.datetime(1962, 10, 16, 12, 0), 0.0),
    (dt.datetime(1962, 10, 21, 12, 0), 1.0 / 3.0),
    (dt.datetime(1962, 10, 28, 12, 0), 1.0),
)
MISSILES_AT_START = READINESS_DATES[0][1]
#: An invasion, once launched, runs its course in this many steps (two days of fighting in which
#: nuclear use may come) and ends as an invasion; modelling assumption.
WAR_PHASE_STEPS = 8

NO_STEP = -1
#: The offers and demands: when each was sent (NO_STEP: never); the other side reads it after the
#: message delay (`World.known`).
MESSAGES = (
    "us_pledge",
    "us_secret_jupiters",
    "us_public_jupiters",
    "uk_thor",
    "uk_berlin",
    "ussr_offer",
    "ussr_turkey",
    "ussr_berlin",
)


def _ints(n: int, fill: int = NO_STEP) -> Int:
    return np.full(n, fill, dtype=np.int16)


@dataclass
class World:
    """State of N histories. Offers and demands record *when* they were sent (-1: never)."""

    n: int
    active: Bool = field(init=False)
    escalation: Int = field(init=False)
    peak: Int = field(init=False)
    berlin: Int = field(init=False)
    missiles_operational: Float = field(init=False)
    ships_en_route: Float = field(init=False)
    ships_turned_back: Float = field(init=False)
    turnback_step: Int = field(init=False)
    shipments_halted: Int = field(init=False)
    course_quarantine: Bool = field(init=False)
    strike_planned: Int = field(init=False)
    strike_step: Int = field(init=False)
    invasion_step: Int = field(init=False)
    tankers: Bool = field(init=False)
    cohesion: Float = field(init=False)
    uk_advice: Float = field(init=False)
    uk_alert: Bool = field(init=False)
    # messages: when each was sent (-1 never)
    us_pledge: Int = field(init=False)
    us_secret_jupiters: Int = field(init=False)
    us_public_jupiters: Int = field(init=False)
    uk_thor: Int = field(init=False)
    uk_berlin: Int = field(init=False)
    ussr_offer: Int = field(init=False)
    ussr_turkey: Int = field(init=False)
    ussr_berlin: Int = field(init=False)
    # bookkeeping
    incidents: Int = field(init=False)
    incidents_week: Int = field(init=False)  # those of 22–28 Oct (FACTS §7 counts that week)
    outcome: npt.NDArray[np.int8] = field(init=False)
    resolved_step: Int = field(init=False)
    concessions: npt.NDArray[np.uint8] = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        self.active = np.ones(n, dtype=bool)
        for name in ("escalation", "peak", "berlin", "incidents", "incidents_week"):
            setattr(self, name, _ints(n, 0))
        self.missiles_operational = np.full(n, MISSILES_AT_START)
        self.ships_en_route = np.full(n, SHIPS_EN_ROUTE)
        self.ships_turned_back = np.zeros(n)
        for name in (
            "turnback_step",
            "shipments_halted",
            "strike_planned",
            "strike_step",
            "invasion_step",
            *MESSAGES,
            "resolved_step",
        ):
            setattr(self, name, _ints(n))
        self.course_quarantine = np.zeros(n, dtype=bool)
        self.tankers = np.zeros(n, dtype=bool)
        self.cohesion = np.ones(n)
        self.uk_advice = np.zeros(n)
        self.uk_alert = np.zeros(n, dtype=bool)
        self.outcome = np.full(n, -1, dtype=np.int8)
        self.concessions = np.zeros(n, dtype=np.uint8)

    def known(self, sent: Int, step: int, delay: int) -> Bool:
        """Has a message sent at `sent` reached the other capital by `step`?

        That is `(sent >= 0) & (sent + delay <= step)` in one comparison instead of four calls:
        read as unsigned, "never sent" (-1) is 65535, later than any step.
        """
        if step < delay:
            return np.zeros(self.n, dtype=bool)
        known: Bool = sent.view(np.uint16) <= step - delay
        return known

    def sent(self, sent: Int) -> Bool:
        return sent >= 0

    def unsent(self, sent: Int) -> Bool:
        """Not sent (yet): `~sent(...)` in one call."""
        return sent < 0


def readiness(step: int) -> float:
    """Share of the MRBM sites operational at the end of `step` if construction went on
    (`READINESS_DATES`, interpolated by date)."""
    steps = [calendar.step_of(when) for when, _ in READINESS_DATES]
    shares = [share for _, share in READINESS_DATES]
    return float(np.interp(step + 1, steps, shares))


#: `readiness` of every step, worked out once.
READINESS = tuple(readiness(step) for step in range(calendar.N_STEPS))


#: How close to war each rung of the ladder feels (see `danger`).
DANGER_LEVEL = np.asarray((0.0, 0.2, 0.5, 1.2, 1.5, 1.8, 2.0))


#: Each incident so far adds this much to the danger felt, up to INCIDENTS_FELT incidents (Black
#: Saturday: a week of about six incidents [FACTS §7] felt like the brink); modelling assumption.
INCIDENT_DANGER = 0.05
INCIDENTS_FELT = 4


def danger(wd: World) -> Float:
    """How close to war the crisis feels: the ladder plus recent incidents (Black Saturday)."""
    level = DANGER_LEVEL.take(wd.escalation)
    result: Float = level + INCIDENT_DANGER * np.minimum(wd.incidents, INCIDENTS_FELT)
    return result
