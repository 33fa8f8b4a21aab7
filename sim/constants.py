"""Every hidden constant of the model, in one table: its value, its source and where it acts.

Parameters (sim/params.py) are what a user can change; the constants here are fixed in the code:
incident rates and severities, the escalation and containment factors, the danger ladder, the
war phases, the readiness dates, and every utility weight of the three actors. `CONSTANTS` names
each one by a dotted path into the code ("ussr.Preferences.fear_of_war",
"incidents.INCIDENTS.submarine.per_day") and reads its value from the live object at that path,
so the table shown on the Sources page and in docs/MODEL.md cannot drift from the code.
tests/test_constants.py fails when a numeric constant of the engine is neither listed here nor in
`NOT_LISTED` (with the reason), or when a source is neither a resolvable key nor exactly
"modelling assumption".

For a utility weight, the source backs the *direction* of the reason it weighs; its size is a
modelling assumption calibrated to the baseline pattern (FACTS §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from sim import calendar, incidents, model, world
from sim.agents import uk, us, ussr
from sim.sources import citations_in

ASSUMPTION = "modelling assumption"

#: The first part of a constant's name: the module it lives in, and the heading it is shown under.
MODULES: dict[str, tuple[ModuleType, str]] = {
    "us": (us, "United States (ExComm): utility weights"),
    "uk": (uk, "United Kingdom (Cabinet and Foreign Office): utility weights"),
    "ussr": (ussr, "Soviet Union (Presidium): utility weights"),
    "incidents": (incidents, "Incidents: rates, severities, containment"),
    "world": (world, "The danger ladder, war phases, ships and missile readiness"),
    "model": (model, "Strikes, ships turning back, alliance cohesion"),
}


@dataclass(frozen=True)
class Constant:
    """One constant: `name` is its dotted path in the code (module, then attributes, dictionary
    keys, tuple positions or incident-kind ids); `source` is one or more source keys separated by
    "; ", or exactly "modelling assumption"; `acts` says where it acts, in a few words; `shown`
    how the value reads ("number", "date": a step shown as its date, "steps": six-hour steps)."""

    name: str
    source: str
    acts: str
    shown: str = "number"

    @property
    def module(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def group(self) -> str:
        return MODULES[self.module][1]

    @property
    def value(self) -> Any:
        """The live value at `name`."""
        first, *path = self.name.split(".")
        obj: Any = MODULES[first][0]
        for part in path:
            if isinstance(obj, dict):
                obj = obj[part]
            elif isinstance(obj, tuple) and part.isdigit():
                obj = obj[int(part)]
            elif isinstance(obj, tuple):  # incident kinds, by id
                obj = next(item for item in obj if getattr(item, "id", None) == part)
            else:
                obj = getattr(obj, part)
        return obj

    def text(self) -> str:
        """The value as a reader wants it: '0.25', '26 Oct 12:00 Washington', '8 steps (48 h)'."""
        return value_text(self.value, self.shown)


def value_text(value: Any, shown: str = "number") -> str:
    if shown == "date":
        return f"{calendar.fmt(calendar.step_time(int(value)))} Washington"
    if shown == "steps":
        return f"{int(value)} steps ({int(value) * calendar.STEP_HOURS} h)"
    if isinstance(value, np.ndarray):
        return ", ".join(f"{x:g}" for x in value.tolist())
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dt.datetime):
        return f"{calendar.fmt(value[0])} Washington: {value[1]:.3g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _kinds() -> tuple[Constant, ...]:
    """Each incident kind's rate (sourced where the kind is: its level is set so that the
    baseline's week of 22–28 Oct has about as many incidents as the record, FACTS §7) and its
    severity (a modelling assumption)."""
    rows: list[Constant] = []
    for kind in incidents.INCIDENTS:
        keys = "; ".join(citations_in(kind.source)) or ASSUMPTION
        where = f"incidents: {kind.id.replace('_', ' ')} (needs {kind.needs})"
        rows.append(Constant(f"incidents.INCIDENTS.{kind.id}.per_day", keys, f"{where}, per day"))
        rows.append(Constant(f"incidents.INCIDENTS.{kind.id}.severity", ASSUMPTION, where))
    return tuple(rows)


A = ASSUMPTION
_US = "us.Preferences."
_UK = "uk.Preferences."
_SU = "ussr.Preferences."

CONSTANTS: tuple[Constant, ...] = (
    # --- United States ----------------------------------------------------------------------
    Constant(_US + "strike_base", "OH", "US choice: air strike"),
    Constant(_US + "invade_base", "OH", "US choice: invade"),
    Constant(_US + "hawks_strike", "OH", "US choice: air strike, × hawkishness"),
    Constant(_US + "hawks_invade", "OH", "US choice: invade, × hawkishness"),
    Constant(_US + "pledge_at_war", "OH", "US choice: no pledge while bombing"),
    Constant(_US + "missile_clock", "TNA-msg", "US choice: strike or invade as missiles get ready"),
    Constant(_US + "clock_days_max", A, "US choice: days the missile clock grows"),
    Constant(_US + "clock_days_scale", A, "US choice: missile clock, days per unit"),
    Constant(_US + "war_risk_strike", "FAS12; Dobbs", "US choice: against an air strike"),
    Constant(_US + "war_risk_invade", "FAS12; Dobbs", "US choice: against an invasion"),
    Constant(_US + "war_risk_floor", "Dobbs", "US choice: war risk with no missile ready"),
    Constant(_US + "danger_to_talk", "OH", "US choice: offers, × danger"),
    Constant(_US + "pledge_face", "OH", "US choice: cost of a pledge"),
    Constant(_US + "secret_jupiter_face", "OH; NSA-Jup", "US choice: cost of a secret assurance"),
    Constant(_US + "public_jupiter_face", "OH", "US choice: cost of a public Jupiter trade"),
    Constant(_US + "back_down_face", A, "US choice: against backing down"),
    Constant(_US + "allies_public_jupiters", "OH; NSA-Jup", "US choice: public trade, × allies"),
    Constant(_US + "allies_strike", "FRUS-mS364", "US choice: air strike, × allies"),
    Constant(_US + "allies_invade_factor", A, "US choice: invasion, allies × this"),
    Constant(_US + "british_advice", "UPI93", "US choice: British advice, × consultation²"),
    Constant(_US + "domestic_strike", A, "US choice: force, × domestic pressure"),
    Constant(_US + "domestic_concession", A, "US choice: against offers, × domestic pressure"),
    Constant(_US + "back_down_domestic", A, "US choice: against backing down, × domestic"),
    Constant(_US + "election_days_scale", A, "US choice: domestic pressure near the elections"),
    Constant(_US + "answer_offer", "OH", "US choice: pledge answering Moscow's offer"),
    Constant(_US + "unprompted_offer", "OH", "US choice: pledge with no Soviet offer"),
    Constant(_US + "answer_secret_share", A, "US choice: secret assurance answers Moscow"),
    Constant(_US + "answer_public_share", A, "US choice: public trade answers Moscow"),
    Constant(_US + "first_strike_base", "OH; Ginsberg", "20 Oct: strike instead of quarantine"),
    Constant(_US + "first_strike_hawks", "OH", "20 Oct: strike, × hawkishness"),
    Constant(_US + "first_strike_domestic", A, "20 Oct: strike, × domestic pressure"),
    Constant(_US + "first_strike_british_advice", "UPI93", "20 Oct: British advice heard"),
    Constant("us.FIRST_MOVE_TEMPERATURE", A, "20 Oct: how sharp ExComm's choice is"),
    Constant(_US + "consent_base", "S:48", "US consent to a British initiative"),
    Constant(_US + "consent_consultation", A, "US consent, × consultation"),
    Constant(_US + "consent_allies", A, "US consent, × allies × consultation"),
    Constant(_US + "consent_un_route", "S:46; S:64", "US consent to the Thor offer via U Thant"),
    Constant(_US + "heed_fo_on_tankers", "S:56–58", "US holds back from stopping tankers"),
    Constant("us.PUBLIC_TRADE_COHESION_COST", "OH", "NATO cohesion after a public trade"),
    # --- United Kingdom -----------------------------------------------------------------------
    Constant(_UK + "cabinet_prestige", "S:94; Tel-Horne", "Cabinet: advise (be seen consulted)"),
    Constant(_UK + "cabinet_prestige_firmness", A, "Cabinet: share of prestige won by firmness"),
    Constant(_UK + "cabinet_berlin_fear", "UPI93; Tel-Horne", "Cabinet: firmness, Berlin linked"),
    Constant(_UK + "cabinet_no_berlin_threat", A, "Cabinet: firmness, Berlin not linked"),
    Constant(_UK + "cabinet_avoid_mobilisation", "Reddit-AH", "Cabinet: against the alert"),
    Constant(_UK + "cabinet_alert_when_dangerous", "V2S", "Cabinet: alert, × danger"),
    Constant(_UK + "alert_danger_threshold", A, "Cabinet: danger above which alert appeals"),
    Constant(_UK + "fo_legality", "S:56–68; S:70–72", "Foreign Office: restraint (legality)"),
    Constant(_UK + "fo_tankers", "S:56–58", "Foreign Office: restraint, tankers stopped"),
    Constant(_UK + "fo_un_route", "S:64; S:76", "Foreign Office: restraint after U Thant"),
    Constant(_UK + "fo_realism", "R95; S:31", "Foreign Office: against unasked advice"),
    Constant(_UK + "fo_no_provocation", "S:97", "Foreign Office: against the alert"),
    Constant("uk.ADVICE_TARGET.support", A, "British line: support"),
    Constant("uk.ADVICE_TARGET.advise_restraint", A, "British line: restraint"),
    Constant("uk.ADVICE_TARGET.press_firmness", A, "British line: firmness"),
    Constant("uk.ADVICE_TARGET.raise_alert", A, "British line: after raising the alert"),
    Constant("uk.ADVICE_MEMORY", A, "British line: share kept each step"),
    # --- Soviet Union -------------------------------------------------------------------------
    Constant(_SU + "fear_of_war", "OH", "Soviet choices: fear of war, × (1 − risk acceptance)"),
    Constant(_SU + "halt_base", A, "Soviet choice: halt the ships"),
    Constant(_SU + "halt_when_blockaded", "Patch; Dobbs", "Soviet choice: halt, after the speech"),
    Constant(_SU + "halt_after_steps", "Patch; Dobbs", "Soviet choice: halt", "steps"),
    Constant(_SU + "halt_fear_floor", A, "Soviet choice: halt, fear before any incident"),
    Constant(_SU + "un_appeal", "FRUS-XI-74; Aval-87", "Soviet choice: halt, after U Thant"),
    Constant(_SU + "offer_base", "OH", "Soviet choice: offer withdrawal"),
    Constant(_SU + "offer_pressure_per_day", A, "Soviet choice: offer, per day of quarantine"),
    Constant(_SU + "offer_pressure_days_max", A, "Soviet choice: offer, days pressure grows"),
    Constant(_SU + "demand_turkey", "OH; WHP", "Soviet choice: demand Turkey"),
    Constant(_SU + "demand_berlin", A, "Soviet choice: demand Berlin (linkage)"),
    Constant(_SU + "accept_base", A, "Soviet choice: accept"),
    Constant(_SU + "gain_pledge", "OH", "Soviet choice: accept, a pledge on the table"),
    Constant(_SU + "gain_secret_jupiters", A, "Soviet choice: accept, a secret assurance"),
    Constant(_SU + "gain_public_jupiters", A, "Soviet choice: accept, a public trade"),
    Constant(_SU + "thor_share_public", "S:46", "Soviet choice: accept, a public Thor offer"),
    Constant(_SU + "thor_share_private", A, "Soviet choice: accept, a private Thor offer"),
    Constant(_SU + "cost_west_berlin_plan", "S:83–86", "Soviet choice: accept, Berlin plan"),
    Constant(_SU + "expect_turkey", "OH", "Soviet choice: accept, Turkey demanded"),
    Constant(_SU + "expect_turkey_aim", "OH", "Soviet choice: accept, Turkey not yet demanded"),
    Constant(_SU + "expect_berlin", A, "Soviet choice: accept, Berlin demanded"),
    Constant(_SU + "expect_tankers", "S:56–58", "Soviet choice: accept, tankers stopped"),
    Constant(_SU + "shortfall", A, "Soviet choice: accept, shortfall × resolve"),
    Constant(_SU + "climb_down_base", A, "Soviet choice: climb down"),
    Constant(_SU + "climb_down_resolve", A, "Soviet choice: climb down, × resolve"),
    Constant(_SU + "keep_building", A, "Soviet choice: wait while the sites are built"),
    Constant(_SU + "berlin_base", A, "Soviet choice: press on Berlin"),
    Constant(_SU + "berlin_linkage", A, "Soviet choice: press on Berlin, linkage"),
    Constant(_SU + "berlin_weak_alliance", A, "Soviet choice: press on Berlin, NATO divided"),
    Constant(_SU + "berlin_at_war", "FRUS-mS364", "Soviet choice: press on Berlin, at war"),
    Constant(_SU + "berlin_fear", A, "Soviet choice: against pressing on Berlin, × fear"),
    # --- Incidents ----------------------------------------------------------------------------
    *_kinds(),
    Constant("incidents.ESCALATION_NORM", A, "containment: weight of a typical incident"),
    Constant("incidents.ACTOR_BASE", A, "containment and local rates: actor factors"),
    Constant("incidents.TANKER_SHIPS", "FRUS-XI-74", "incidents: tankers as ship-loads"),
    Constant("incidents.SAMS_READY_STEP", A, "incidents: U-2 shoot-down possible from", "date"),
    Constant("incidents.BERLIN_PER_DAY", A, "Berlin: checkpoint incidents per day, access cut"),
    Constant("incidents.BERLIN_SEVERITY", A, "Berlin: containment of a checkpoint incident"),
    # --- The world ----------------------------------------------------------------------------
    Constant("world.DANGER_LEVEL", A, "danger felt by rung: choices and containment"),
    Constant("world.INCIDENT_DANGER", A, "danger added by each incident so far"),
    Constant("world.INCIDENTS_FELT", A, "incidents that add danger, at most"),
    Constant("world.STRIKE_PREPARATION_STEPS", A, "20 Oct strike: launched after", "steps"),
    Constant("world.INVASION_READY_STEP", A, "invasion possible from", "date"),
    Constant("world.STRIKES_BEFORE_INVASION", A, "strikes before the landing", "steps"),
    Constant("world.WAR_PHASE_STEPS", A, "an invasion runs its course in", "steps"),
    Constant("world.SHIPS_EN_ROUTE", "RT60s", "quarantine-line incidents, ships turning back"),
    Constant("world.READINESS_DATES.0", A, "missiles operational: strike response"),
    Constant("world.READINESS_DATES.1", "TNA-msg", "missiles operational: strike response"),
    Constant("world.READINESS_DATES.2", A, "missiles operational: strike response"),
    # --- The model ----------------------------------------------------------------------------
    Constant("model.STRIKE_AUTONOMY", A, "Soviet nuclear answer to a strike: autonomy factor"),
    Constant("model.TURN_BACK_RATE", A, "ships turning back, per step after the halt"),
    Constant("model.TANKER_COHESION_COST", "S:56–58", "NATO cohesion: tankers stopped"),
    Constant("model.THOR_COHESION_COST.public", A, "NATO cohesion: public Thor offer, unasked"),
    Constant("model.THOR_COHESION_COST.private", A, "NATO cohesion: private Thor offer, unasked"),
    Constant("model.BERLIN_COHESION_COST", A, "NATO cohesion: Berlin proposal, unasked"),
)

#: Numeric module-level names of the scanned modules that are not model constants, with why.
#: (Scanned: every module of `MODULES`; see tests/test_constants.py.)
NOT_LISTED: dict[str, str] = {
    **{
        f"world.{name}": "a rung's index on the ladder, not a quantity"
        for name in ("SECRET", "PUBLIC", "QUARANTINE", "CLASH", "STRIKE", "INVASION", "NUCLEAR")
    },
    **{
        f"world.{name}": "a historical date (cited beside it; shown in every history's timeline)"
        for name in ("DECISION_STEP", "UK_TOLD_STEP", "SPEECH_STEP", "QUARANTINE_STEP")
    },
    "world.UN_APPEAL_STEP": "a historical date (cited beside it; shown in every timeline)",
    "world.NO_STEP": "a marker for 'never sent', not a quantity",
    "world.CONCESSION_BIT": "bit positions of the deal's terms, not quantities",
    "world.MISSILES_AT_START": "derived: the first of READINESS_DATES",
    "world.READINESS": "derived: READINESS_DATES interpolated to every step",
    "incidents.KIND_INDEX": "positions of the incident kinds, not quantities",
    "incidents.RATES": "derived: the kinds' per_day, listed one by one",
    "incidents.SEVERITY": "derived: the kinds' severity, listed one by one",
    "incidents.FELT": "derived: DANGER_LEVEL and INCIDENT_DANGER",
    "incidents.WEEK_FIRST_STEP": "the week the record counts (FACTS §7): a measurement window",
    "incidents.WEEK_END_STEP": "the week the record counts (FACTS §7): a measurement window",
}


def groups() -> list[tuple[str, list[Constant]]]:
    """The constants by heading, in the order of `MODULES`."""
    return [
        (title, [c for c in CONSTANTS if c.module == key]) for key, (_, title) in MODULES.items()
    ]


def markdown_table() -> str:
    """The table of docs/MODEL.md (generated by sim.docgen): one section per heading."""
    out = [
        f"{len(CONSTANTS)} constants, read from the code (`sim/constants.py`). For a utility "
        "weight the source backs the direction of the reason it weighs; its size is a "
        "modelling assumption calibrated to the baseline pattern (FACTS §2)."
    ]
    for title, rows in groups():
        out += ["", f"**{title}**", "", "| constant | value | source | where it acts |"]
        out.append("|---|---|---|---|")
        out += [f"| `{c.name}` | {c.text()} | {c.source} | {c.acts} |" for c in rows]
    return "\n".join(out)
