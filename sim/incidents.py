"""Incidents nobody chose: Schelling's threat that leaves something to chance.

Two quantities, kept apart (docs/MODEL.md §7):

- **How often** dangerous incidents happen is observable. Each kind of incident (`INCIDENTS`) has
  a per-day rate and a precondition from the record (FACTS §7): no quarantine-line incident
  before the quarantine, no U-2 shot down before the SAMs are operational, and so on.
  `world.incident_rate` scales every rate; at 1 the baseline has about five incidents 22–28 Oct,
  as the real week had about six.
- **Whether an incident escalates** is not observable: that is what `world.escalation_risk` (the
  presets) sets. Each side may fail to contain an incident, more likely the more severe the
  incident, the more hawkish or risk-accepting the side, the more autonomous the local commanders
  and the more dangerous the moment. Not contained, it climbs the ladder: from the public crisis
  or the quarantine to an armed clash, from a clash to a US retaliatory strike, in a war to
  nuclear use. Where Moscow presses on Berlin, a checkpoint incident may become an armed clash.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim import calendar
from sim import world as w
from sim.agents.view import CrisisView
from sim.outcomes import NUCLEAR
from sim.params import Params
from sim.randomness import COLUMN

#: What an incident kind needs before it can happen (see `IncidentKind.needs`).
Needs = str


@dataclass(frozen=True)
class IncidentKind:
    """One kind of incident nobody chose: how often, how severe, when it can happen, and why.

    `needs` names the precondition: "defcon3" (US forces at DEFCON 3: the crisis public, after
    Kennedy's broadcast of 22 Oct), "sac_defcon2" (SAC at DEFCON 2, from the quarantine, 24 Oct),
    "quarantine" (the quarantine in force, its ships hunting submarines), "ships" (the quarantine
    in force and Soviet ships still en route, or tankers being stopped), "sams" (the quarantine
    in force and the SAM sites operational, `SAMS_READY_STEP`), "uk_alert" (the British alert
    raised) or "war" (a US strike or invasion under way).
    """

    id: str
    text: str
    per_day: float  # rate per day where its precondition holds; level: modelling assumption
    severity: float  # how hard it is to contain (1: a typical incident); modelling assumption
    needs: Needs
    source: str
    #: Set off by Soviet local commanders (or Castro): its rate scales with local autonomy,
    #: (ACTOR_BASE + autonomy) / (ACTOR_BASE + its default) — 1 at the default [Dobbs].
    local: bool = False


#: The kinds, in a fixed order (the kind of an incident is drawn in proportion to the rates).
#: Rates are set so that the baseline's week of 22–28 Oct has about five incidents, most histories
#: at least one, as the record has about six (FACTS §7); each rate alone is a modelling assumption.
INCIDENTS: tuple[IncidentKind, ...] = (
    IncidentKind(
        "false_alarm",
        "a false alarm sends nuclear-armed interceptors taxiing",
        0.24,
        0.6,
        "defcon3",
        "Sagan 1993 (Duluth, 25 Oct)",
    ),
    IncidentKind(
        "test_launch",
        "an ICBM test launch goes ahead in the middle of the crisis",
        0.17,
        0.5,
        "defcon3",
        "Sagan 1993 (Atlas from Vandenberg, 26 Oct)",
    ),
    IncidentKind(
        "radar_false_report",
        "a radar reports a missile launch that is not there",
        0.17,
        0.6,
        "defcon3",
        "Sagan 1993, unverified (Moorestown, 28 Oct)",
    ),
    IncidentKind(
        "u2_astray",
        "a U-2 strays over Soviet airspace and MiGs scramble",
        0.3,
        1.0,
        "sac_defcon2",
        "Dobbs 2008; Sagan 1993 (Maultsby over Chukotka, 27 Oct)",
    ),
    IncidentKind(
        "submarine",
        "a Soviet submarine is forced to surface by practice depth charges",
        0.4,
        1.5,
        "quarantine",
        "Savranskaya 2005; FACTS §7 (B-59, 27 Oct)",
        local=True,
    ),
    IncidentKind(
        "quarantine_line",
        "a Soviet ship refuses to stop at the quarantine line",
        0.5,
        1.0,
        "ships",
        "FRUS-XI-74 (ships at the line); modelling assumption",
    ),
    IncidentKind(
        "u2_shot_down",
        "a U-2 is shot down over Cuba",
        0.6,
        1.5,
        "sams",
        "Dobbs 2008; OH (Maj. Anderson, 27 Oct: fired without Moscow's order)",
        local=True,
    ),
    IncidentKind(
        "alert_mishap",
        "a Thor or Jupiter alert goes wrong",
        0.25,
        0.7,
        "uk_alert",
        "V2S; Twigge & Scott 2000 (Alert Condition 3 from 27 Oct)",
    ),
    IncidentKind(
        "fighting",
        "the fighting in and around Cuba spreads",
        0.6,
        0.3,
        "war",
        "modelling assumption",
    ),
)
KIND_INDEX: dict[str, int] = {k.id: i for i, k in enumerate(INCIDENTS)}
RATES = np.asarray([k.per_day for k in INCIDENTS])
SEVERITY = np.asarray([k.severity for k in INCIDENTS])

#: SAM sites operational from this time (Washington): no date in FACTS; the shoot-down of 27 Oct
#: [OH] shows they were by then. Modelling assumption.
SAMS_READY_STEP = calendar.step_of(dt.datetime(1962, 10, 26, 12, 0))
#: The week the record counts (FACTS §7): 22 Oct 00:00 to 29 Oct 00:00, Washington time.
WEEK_FIRST_STEP = calendar.step_of(dt.datetime(1962, 10, 22, 0, 0))
WEEK_END_STEP = calendar.step_of(dt.datetime(1962, 10, 29, 0, 0))
#: Tankers being stopped count as this many ship-loads still sailing to the line (FRUS-XI-74:
#: a tanker hailed and passed 25 Oct); modelling assumption.
TANKER_SHIPS = 1.0

#: A side fails to contain an incident with probability 1 − (1 − r)^(x × f): r is
#: `world.escalation_risk`, x = severity × (1 + danger) / ESCALATION_NORM the incident's weight
#: (1 for a typical incident in the quarantine), f the side's factor: the US one grows with
#: hawkishness, the Soviet one with risk acceptance and local autonomy (commanders and Castro
#: acting on their own: the U-2 of 27 Oct, B-59), both 1 at the defaults. So r is the chance one
#: side fails to contain a typical incident; at 0 every incident is contained, at 1 none is, and
#: the chance rises with r in between (docs/MODEL.md §7). Modelling assumption.
ESCALATION_NORM = 1.6
ACTOR_BASE = 0.5
#: Berlin under pressure: checkpoint incidents per day at access cut (× incident_rate), and their
#: severity (modelling assumption).
BERLIN_PER_DAY = 0.4
BERLIN_SEVERITY = 1.0


#: 1 + danger (`sim.world.danger`) by rung and number of incidents felt so far.
FELT = 1.0 + (
    w.DANGER_LEVEL[:, None] + w.INCIDENT_DANGER * np.arange(w.INCIDENTS_FELT + 1)[None, :]
)


class IncidentModel(CrisisView, Protocol):
    """What incidents need of the model: the agents' view, and the event log."""

    def event(
        self, actor: str, kind: str, text: str, details: dict[str, float] | None = None
    ) -> None:
        """Add a line to the log of history `start`."""


def side_factors(params: Params) -> tuple[float, float]:
    """(US, Soviet) factor of the chance of failing to contain an incident, 1 at the defaults."""
    from sim.params import defaults

    def us(p: Params) -> float:
        return ACTOR_BASE + p.f("us.hawkishness")

    def ussr(p: Params) -> float:
        return (ACTOR_BASE + p.f("ussr.risk_acceptance")) * (
            ACTOR_BASE + p.f("ussr.local_autonomy")
        )

    base = defaults()
    return us(params) / us(base), ussr(params) / ussr(base)


def local_factor(params: Params) -> float:
    """How much local autonomy scales the rate of `local` kinds (1 at the default)."""
    from sim.params import defaults

    default = defaults().f("ussr.local_autonomy")
    return (ACTOR_BASE + params.f("ussr.local_autonomy")) / (ACTOR_BASE + default)


def step_rates(step: int, scale: float, local: float = 1.0) -> np.ndarray:
    """Per-step chance of each kind by rung of the ladder (kinds, rungs) at `step`, from the
    preconditions that depend on the rung and the date only. "ships" and "uk_alert" kinds are
    0 here: they need a history's own state (see `Incidents.step`)."""
    table = np.zeros((len(INCIDENTS), len(w.LADDER)))
    peace = [w.PUBLIC, w.QUARANTINE, w.CLASH]  # the crisis public, not at war
    quarantine = step >= w.QUARANTINE_STEP
    for i, kind in enumerate(INCIDENTS):
        rate = kind.per_day * scale * (local if kind.local else 1.0)
        if kind.needs == "defcon3":
            table[i, peace] = rate
        elif kind.needs in ("sac_defcon2", "quarantine") and quarantine:
            table[i, peace] = rate
        elif kind.needs == "sams" and quarantine and step >= SAMS_READY_STEP:
            table[i, peace] = rate
        elif kind.needs == "war":
            table[i, [w.STRIKE, w.INVASION]] = rate
    return table


class Incidents:
    """The incident process of one run: its rates are set by the parameters once."""

    def __init__(self, params: Params) -> None:
        #: Rates per step (per day × incident_rate × 6/24).
        self.scale = params.f("world.incident_rate") * calendar.STEP_HOURS / 24.0
        # log(1 − r), finite even at r = 1 (then every incident escalates: (1 − r)^x ~ 0).
        log_contained = math.log(max(1.0 - params.f("world.escalation_risk"), 1e-300))
        us, ussr = side_factors(params)
        self.us_log = log_contained * us / ESCALATION_NORM
        self.ussr_log = log_contained * ussr / ESCALATION_NORM
        self.side_logs = np.asarray([self.us_log, self.ussr_log])
        self.berlin_rate = BERLIN_PER_DAY * self.scale
        self.berlin_log = log_contained * ussr * BERLIN_SEVERITY / ESCALATION_NORM
        self.local = local_factor(params)
        self.tankers = params.b("us.widen_to_tankers")
        self.sailing = True  # some ships may still sail to the line (see `extra_rates`)
        self.ships = KIND_INDEX["quarantine_line"]
        self.alert = KIND_INDEX["alert_mishap"]
        self._tables: dict[tuple[bool, bool], tuple[np.ndarray, np.ndarray]] = {}

    def tables(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """(kinds, rungs) chances and their sum over kinds, for the date's preconditions."""
        key = (step >= w.QUARANTINE_STEP, step >= SAMS_READY_STEP)
        found = self._tables.get(key)
        if found is None:
            table = step_rates(step, self.scale, self.local)
            found = self._tables[key] = (table, table.sum(axis=0))
        return found

    def step(self, model: IncidentModel) -> None:
        """This step's incidents, then Berlin's."""
        world, step = model.world, model.step_index
        if step >= w.SPEECH_STEP or np.count_nonzero(world.escalation):
            table, total_by_rung = self.tables(step)
            total = total_by_rung.take(world.escalation)
            extra = self.extra_rates(world, step)
            for _, rate in extra:  # usually none: ships stop sailing, the alert is rare
                total += rate  # (`total` is a new array: `take` made it)
            occurs = np.flatnonzero(
                world.active & (model.uniform(COLUMN["incident_occurs"]) < total)
            )
            if occurs.size:
                self.escalate(model, occurs, table, extra)
        self.berlin(model)

    def extra_rates(self, world: w.World, step: int) -> list[tuple[int, w.Float]]:
        """Chances of the kinds that need a history's own state, (kind, chances) for those that
        are not 0 everywhere: ships at the line (in proportion to the ships still sailing, or
        tankers stopped) and the British alert."""
        extra: list[tuple[int, w.Float]] = []
        line = step >= w.QUARANTINE_STEP and (self.sailing or self.tankers)
        alert = bool(np.count_nonzero(world.uk_alert))
        if not (line or alert):
            return extra
        e = world.escalation
        peace = (e >= w.PUBLIC) & (e <= w.CLASH)
        running = peace & world.active  # where a rate that is not 0 would matter
        ships = False
        if line:
            # After the quarantine starts no history enters the peaceful rungs and ships only
            # turn back: once no running history has ships sailing, none will (tankers aside).
            at_sea = world.ships_en_route > 0.5
            self.sailing = bool(np.count_nonzero(running & at_sea))
            ships = self.sailing or bool(np.count_nonzero(running & world.tankers))
        alert = alert and bool(np.count_nonzero(running & world.uk_alert))
        if ships:
            share = np.where(at_sea, world.ships_en_route, 0.0) / w.SHIPS_EN_ROUTE
            if self.tankers:  # (else no tanker is stopped anywhere: adding 0 changes nothing)
                share = share + TANKER_SHIPS * world.tankers
            rate = np.where(peace, share, 0.0) * (RATES[self.ships] * self.scale)
            extra.append((self.ships, rate))
        if alert:
            rate = np.where(peace & world.uk_alert, RATES[self.alert] * self.scale, 0.0)
            extra.append((self.alert, rate))
        return extra

    def escalate(
        self,
        model: IncidentModel,
        rows: np.ndarray,
        table: np.ndarray,
        extra: list[tuple[int, w.Float]],
    ) -> None:
        """Incidents in `rows` (positions): their kind, then each side contains it or not."""
        world = model.world
        e = world.escalation.take(rows)
        rates = table.take(e, axis=1)  # (kinds, m)
        for kind_index, rate in extra:
            rates[kind_index] = rate.take(rows)
        cumulative = rates.cumsum(axis=0)
        threshold = model.uniform(COLUMN["incident_kind"]).take(rows) * cumulative[-1]
        # u < 1, so u x total <= total: the count is at most the last kind's index.
        kind = (cumulative < threshold).sum(axis=0)
        # severity x (1 + danger), danger looked up by rung and incidents so far (`FELT`).
        so_far = world.incidents.take(rows)
        felt = np.minimum(so_far, w.INCIDENTS_FELT)
        x = SEVERITY.take(kind) * FELT[e, felt]
        # A side fails to contain it where its uniform is at least (1 − r)^(x f): both sides'
        # chances in one exp.
        contained = np.exp(np.multiply.outer(self.side_logs, x))
        fails = (model.uniform(COLUMN["us_steps_back"]).take(rows) >= contained[0]) | (
            model.uniform(COLUMN["ussr_steps_back"]).take(rows) >= contained[1]
        )  # not contained, by incident
        world.incidents.put(rows, so_far + 1)  # (`rows` are distinct)
        if WEEK_FIRST_STEP <= model.step_index < WEEK_END_STEP:
            world.incidents_week[rows] += 1
        if model.record and rows[0] == 0:
            k = int(kind[0])
            outcome = "not contained" if fails[0] else "both sides contain it"
            model.event(
                "world",
                "incident",
                f"Incident: {INCIDENTS[k].text} ({INCIDENTS[k].source}); {outcome}",
                {"incident_kind": float(k), "rung": float(e[0]), "contained": float(not fails[0])},
            )
        if not np.count_nonzero(fails):
            return
        # Not contained, by the rung it happened on: in a war, nuclear use; at a clash, the US
        # strikes back; in the public crisis or the quarantine, an armed clash.
        rung = e[fails]
        spiral = rows[fails]
        nuclear = spiral[rung >= w.STRIKE]
        if nuclear.size:
            world.escalation[nuclear] = w.NUCLEAR
            world.peak[nuclear] = w.NUCLEAR
            model.finish(self.mask(world.n, nuclear), NUCLEAR)
        retaliation = spiral[rung == w.CLASH]
        if retaliation.size:
            model.start_war(self.mask(world.n, retaliation), w.STRIKE, "US retaliates: air strike")
        world.escalation[spiral[rung < w.CLASH]] = w.CLASH  # every incident is public or later

    @staticmethod
    def mask(n: int, rows: np.ndarray) -> w.Bool:
        """A mask of `n` histories, true at positions `rows`."""
        out = np.zeros(n, dtype=bool)
        out[rows] = True
        return out

    def berlin(self, model: IncidentModel) -> None:
        """Where access to Berlin is cut, a checkpoint incident may become an armed clash."""
        world = model.world
        if world.berlin.max() < 2:  # the usual case: nowhere is access to Berlin cut
            return
        tense = world.active & (world.berlin >= 2)
        danger = w.danger(world)
        contained = np.exp(self.berlin_log * (1.0 + danger))
        clash = (
            tense
            & (model.uniform(COLUMN["berlin_incident"]) < self.berlin_rate)
            & (model.uniform(COLUMN["berlin_steps_back"]) >= contained)
        )
        world.berlin[clash] = 3
        if model.record and clash[0]:
            model.event("world", "incident", "Berlin: shots at a checkpoint; an armed clash")
