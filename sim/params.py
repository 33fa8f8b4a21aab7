"""The one parameter schema: TOML validation, the CLI and the app's sliders come from it.

Add a parameter here and nowhere else: scenarios, `cuba62 params`, `--set`, share links and the
sliders pick it up. Every entry names its source: a key from FACTS.md or "modelling assumption".
(Over 450 lines: this module is the schema table itself, one entry per parameter.)
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
from collections.abc import Iterator, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from sim import calendar
from sim.presets import DEFAULT_PRESET, PRESETS, Preset
from sim.presets import value as preset_value

Actor = Literal["us", "uk", "ussr", "world"]
Kind = Literal["float", "bool", "choice", "datetime"]
Value = float | bool | str | dt.datetime

ACTOR_NAMES: dict[str, str] = {
    "us": "United States",
    "uk": "United Kingdom",
    "ussr": "Soviet Union",
    "world": "World",
}
ASSUMPTION = "modelling assumption"


class ParameterError(ValueError):
    """One bad parameter: a one-line message naming the parameter, the value and what is allowed."""


class ParamSpec(BaseModel):
    """One parameter: what it is, what it may be, what it means and where it comes from."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: Kind
    default: Value
    label: str
    meaning: str
    source: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    timezone: Literal["Washington", "London"] = "Washington"
    earliest: dt.datetime | None = None  # for datetimes, in `timezone`; else the crisis start
    presets: tuple[str, ...] = ()

    @property
    def actor(self) -> str:
        return self.name.split(".", 1)[0]

    def allowed(self) -> str:
        """What values are allowed, in words, for error messages and help text."""
        if self.kind == "float":
            text = f"a number from {self.minimum:g} to {self.maximum:g}"
            if self.unit:
                text += f" ({self.unit})"
            if self.presets:
                text += " or a preset: " + ", ".join(self.presets)
            return text
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        first, last = self.time_range()
        return (
            f"a date-time 'YYYY-MM-DD HH:MM' ({self.timezone} time) from "
            f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"
        )

    def time_at(self, step: int) -> dt.datetime:
        """The start of model step `step` in the parameter's timezone (date-times)."""
        when = calendar.step_time(step)
        return calendar.london(when) if self.timezone == "London" else when

    def time_range(self) -> tuple[dt.datetime, dt.datetime]:
        """(first, last) date-time a time parameter's slider covers, in its timezone: from the
        crisis start (or `earliest`) to the start of the last model step. The one statement of
        the range: `allowed()`, the app's sliders and its Sources page read it from here."""
        first, last = self.time_at(0), self.time_at(calendar.N_STEPS - 1)
        return self.earliest or first, last

    def time_steps(self) -> tuple[int, ...]:
        """The model steps a time parameter's slider may take: those whose start (in the
        parameter's timezone) lies within `time_range()`."""
        first, last = self.time_range()
        return tuple(s for s in range(calendar.N_STEPS) if first <= self.time_at(s) <= last)


#: The escalation presets (published estimates of the danger of war) are defined, and solved
#: against the model, in sim/presets.py; `world.escalation_risk` accepts their names.
HAZARD_PRESETS: Mapping[str, Preset] = PRESETS
DEFAULT_HAZARD_PRESET = DEFAULT_PRESET


#: Britain could act only after it was told (21–22 Oct [Bbg, TNA-msg]) and the crisis was public
#: (Kennedy's broadcast, 22 Oct 19:00 Washington = 23 Oct 00:00 London [OH]).
BRITISH_INITIATIVES_FROM = dt.datetime(1962, 10, 23, 0, 0)


def _p(**kwargs: object) -> ParamSpec:
    return ParamSpec.model_validate(kwargs)


def _when(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


SCHEMA: tuple[ParamSpec, ...] = (
    # --- United States -------------------------------------------------------------------------
    _p(
        name="us.hawkishness",
        kind="float",
        default=0.35,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="0 = doves, 1 = Joint Chiefs",
        label="ExComm hawkishness",
        meaning="How much weight Kennedy's advisers give the Joint Chiefs' case for bombing or "
        "invading Cuba rather than a blockade and talks.",
        source="OH (Joint Chiefs pressed for air strike and invasion); level: modelling assumption",
    ),
    _p(
        name="us.weight_on_allies",
        kind="float",
        default=0.3,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="share",
        label="Weight on allies",
        meaning="How much Washington cares how NATO allies, above all Britain and West Germany, "
        "react to what it does (for example a public trade of NATO missiles).",
        source="TNA-msg; FRUS-mS364 (Kennedy accepted the Berlin risk); "
        "level: modelling assumption",
    ),
    _p(
        name="us.domestic_pressure",
        kind="float",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="share",
        label="Domestic pressure",
        meaning="Pressure on Kennedy to look tough, rising towards the mid-term elections of "
        "6 November 1962.",
        source=ASSUMPTION,
    ),
    _p(
        name="us.first_move",
        kind="choice",
        default="decide",
        choices=("decide", "quarantine", "air_strike"),
        label="ExComm's first move (20 Oct)",
        meaning="What ExComm chooses on 20 October: 'decide' lets the model weigh a blockade "
        "against an air strike; the others force that choice.",
        source="Ginsberg (20 Oct: options narrowed to air strike or quarantine)",
    ),
    _p(
        name="us.widen_to_tankers",
        kind="bool",
        default=False,
        label="Add oil tankers to the quarantine",
        meaning="Whether the quarantine is widened to stop Soviet fuel, as Kennedy told Macmillan "
        "might happen and the Foreign Office opposed.",
        source="JFK-cmc22; TNA-call; S:56–58 (FO: oil is not an offensive weapon)",
    ),
    _p(
        name="us.tankers_time",
        kind="datetime",
        default=_when("1962-10-26 12:00"),
        label="When tankers are added",
        timezone="Washington",
        meaning="When the widened quarantine starts to stop tankers (only if tankers are added).",
        source=ASSUMPTION,
    ),
    _p(
        name="us.public_jupiter_trade",
        kind="bool",
        default=False,
        label="Washington will trade the Jupiters publicly",
        meaning="Whether Washington is willing to remove the Jupiter missiles from Turkey in "
        "public, as part of the deal, instead of only by a secret assurance.",
        source="OH (Kennedy accepted a secret assurance and refused a public trade)",
    ),
    # --- United Kingdom ------------------------------------------------------------------------
    _p(
        name="uk.consultation",
        kind="float",
        default=0.1,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="0 = informed only, 1 = real say",
        label="Real consultation of Britain",
        meaning="How much American choices weigh British advice. History sits near 'informed, "
        "not consulted': Kennedy decided first and told London afterwards.",
        source="R95; TNA-msg ('my first decision on my own responsibility'); S:31",
    ),
    _p(
        name="uk.foreign_office_weight",
        kind="float",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="0 = Cabinet, 1 = Foreign Office",
        label="Foreign Office vs Cabinet",
        meaning="Which British voice prevails: Macmillan's Cabinet (prestige, fear of a "
        "Cuba–Berlin trade) or the Foreign Office (legality, the UN route, realism).",
        source="R95; S:49 (first sentence); S:97",
    ),
    _p(
        name="uk.thor_offer",
        kind="choice",
        default="private",
        choices=("none", "private", "public"),
        label="Britain's Thor offer",
        meaning="Whether Britain offers, via Sir Patrick Dean at the UN, to immobilise its 60 Thor "
        "missiles as an answer to Khrushchev's Cuba-for-Turkey demand, and whether in public.",
        source="S:46; UPI93 (Macmillan offered the Thors on 27 Oct); Emily-W (60 Thors)",
    ),
    _p(
        name="uk.thor_offer_time",
        kind="datetime",
        default=_when("1962-10-27 18:00"),
        label="When Britain makes the Thor offer",
        timezone="London",
        earliest=BRITISH_INITIATIVES_FROM,
        meaning="When the instruction reaches Dean at the UN (London time). The real hour, 27 or "
        "28 Oct, is not verified.",
        source="UPI93; S:46 (hour unverified, FACTS §2)",
    ),
    _p(
        name="uk.thor_offer_us_consent",
        kind="bool",
        default=True,
        label="Thor offer waits for Washington",
        meaning="Whether the Thor offer goes to U Thant only if Washington agrees (history: the "
        "Americans saw no advantage in it and it was smothered).",
        source="S:47–48; UPI93",
    ),
    _p(
        name="uk.berlin_proposal",
        kind="bool",
        default=True,
        label="Ormsby-Gore's Berlin proposal",
        meaning="Whether Britain proposes using Cuba 'as a pawn' for a better West Berlin status: "
        "no offensive weapons there, UN verification and UN observers.",
        source="S:83–86",
    ),
    _p(
        name="uk.berlin_proposal_time",
        kind="datetime",
        default=_when("1962-10-29 12:00"),
        label="When the Berlin proposal is made",
        timezone="London",
        earliest=BRITISH_INITIATIVES_FROM,
        meaning="When Ormsby-Gore puts the Berlin idea to Washington "
        "(history: as the crisis eased).",
        source="S:83 (after the crisis eased; exact date: modelling assumption)",
    ),
    _p(
        name="uk.berlin_proposal_us_consent",
        kind="bool",
        default=True,
        label="Berlin proposal waits for Washington",
        meaning="Whether the Berlin proposal reaches Moscow only if Washington takes it up.",
        source="S:83–86; R95",
    ),
    # --- Soviet Union --------------------------------------------------------------------------
    _p(
        name="ussr.risk_acceptance",
        kind="float",
        default=0.3,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="0 = cautious, 1 = reckless",
        label="Khrushchev's risk acceptance",
        meaning="How much risk of war Moscow will run to keep its missiles in Cuba or win "
        "concessions.",
        source="OH (ships turned back 24 Oct; acceptance 28 Oct); level: modelling assumption",
    ),
    _p(
        name="ussr.resolve",
        kind="float",
        default=0.5,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="share",
        label="Soviet resolve",
        meaning="How much Moscow values keeping the missiles and its face: a resolute Presidium "
        "demands more before it withdraws.",
        source="OH (aims: deter invasion, offset US missiles); level: modelling assumption",
    ),
    _p(
        name="ussr.berlin_linkage",
        kind="bool",
        default=False,
        label="Moscow links Cuba to Berlin",
        meaning="Whether Khrushchev demands concessions over West Berlin for withdrawing from "
        "Cuba, and presses on Berlin while he waits.",
        source="FRUS-mS364 (Kennedy accepted a Berlin risk); Tel-Horne (Macmillan feared a "
        "Cuba–Berlin trade)",
    ),
    _p(
        name="ussr.local_autonomy",
        kind="float",
        default=0.3,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="share",
        label="Local commanders and Castro",
        meaning="How likely commanders in Cuba, submarine captains or Castro act without Moscow's "
        "orders (the U-2 shot down on 27 Oct; submarine B-59).",
        source="OH; Dobbs (U-2 shot down); FACTS §7 (B-59)",
    ),
    _p(
        name="ussr.strike_response",
        kind="float",
        default=0.25,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        unit="chance, with all missiles operational",
        label="Nuclear answer to a US strike",
        meaning="Chance that Soviet forces in Cuba answer a US strike on the missile sites with "
        "nuclear weapons once the missiles are fully operational (scaled by how many are; at "
        "the default local autonomy, more autonomous commanders raise it). They "
        "also held tactical warheads (FKR cruise missiles, Luna rockets); Kennedy feared exactly "
        "this answer.",
        source="Dobbs; FAS12 (tactical warheads in Cuba); OH (Kennedy's fear); "
        "level: modelling assumption",
    ),
    # --- World ---------------------------------------------------------------------------------
    _p(
        name="world.incident_rate",
        kind="float",
        default=1.0,
        minimum=0.0,
        maximum=4.0,
        step=0.05,
        unit="× the 1962 record (1: about five incidents 22–28 Oct)",
        label="Incident frequency",
        meaning="How often dangerous incidents nobody chose happen (a false alarm, a U-2 astray or "
        "shot down, a submarine forced up, a ship at the quarantine line), each kind only once its "
        "preconditions exist. Observable: 1 reproduces the week of 22–28 Oct 1962.",
        source="Sagan 1993; Dobbs 2008; FACTS §7 (about six dangerous incidents 22–28 Oct); "
        "rate of each kind: modelling assumption",
    ),
    _p(
        name="world.escalation_risk",
        kind="float",
        default=preset_value(DEFAULT_HAZARD_PRESET),
        minimum=0.0,
        maximum=1.0,
        step=0.01,
        unit="chance an incident is not contained",
        label="Escalation risk",
        presets=tuple(HAZARD_PRESETS),
        meaning="How likely an incident climbs the ladder instead of being contained (a clash, "
        "a US strike in reply, nuclear use in a war). Nobody observed it: the presets set it so "
        "that the model gives what each estimate of the risk of war says.",
        source="FACTS §7 presets (solved against the model); default: Ellsberg 10–30%",
    ),
    _p(
        name="world.message_delay_hours",
        kind="float",
        default=12.0,
        minimum=6.0,
        maximum=48.0,
        step=6.0,
        unit="hours",
        label="Message delay between capitals",
        meaning="How long a letter or offer takes to reach the other side and be read: decisions "
        "act on what each side knows, not on the true state. Counted in whole 6-hour steps "
        "(rounded up): a message is read at the earliest in the next step, so 6 h is the "
        "shortest delay.",
        source="Schl (26 Oct letter took ~11 h); FRUS-VI-64; FACTS §3",
    ),
    _p(
        name="world.decision_noise",
        kind="float",
        default=0.35,
        minimum=0.25,
        maximum=0.5,
        step=0.05,
        unit="softmax temperature",
        label="Decision noise",
        meaning="How far leaders stray from their best-looking option in their day-to-day "
        "choices: 0.25 is close calculation, 0.5 is erratic. It does not decide ExComm's "
        "20 Oct choice, which has its own calibrated chance.",
        source="modelling assumption, bounded so that it moves nuclear war less than the "
        "actors' own parameters and the escalation risk do (tests/test_noise_ranking.py) and "
        "the baseline keeps the pattern of 1962 (above ~0.7 Moscow climbs down or the missiles "
        "stay in some histories, which no source suggests)",
    ),
)

SPECS: dict[str, ParamSpec] = {spec.name: spec for spec in SCHEMA}


def spec(name: str) -> ParamSpec:
    """The schema entry for `name`, or a one-line error with a 'did you mean'."""
    try:
        return SPECS[name]
    except KeyError:
        raise ParameterError(unknown_name_message(name, SPECS, "parameter")) from None


def unknown_name_message(name: str, known: Mapping[str, object] | list[str], what: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        hint = f"; did you mean '{close[0]}'?"
    else:
        hint = "; see the list with `cuba62 params`" if what == "parameter" else ""
    return f"unknown {what} '{name}'{hint}"


def coerce(name: str, raw: object) -> Value:
    """A value from TOML, the command line or a URL, as the parameter's type; or a clear error."""
    s = spec(name)
    shown = raw.strftime("%Y-%m-%d %H:%M") if isinstance(raw, dt.datetime) else repr(raw)
    bad = f"{name} = {shown} is not allowed: use {s.allowed()}"
    if s.kind == "float":
        if isinstance(raw, str) and raw in HAZARD_PRESETS and s.presets:
            return preset_value(raw)
        if isinstance(raw, bool):
            raise ParameterError(bad)
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(bad) from None
        assert s.minimum is not None and s.maximum is not None
        if not math.isfinite(value) or not s.minimum <= value <= s.maximum:
            raise ParameterError(bad)
        return value
    if s.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
            return raw.strip().lower() in ("true", "1", "yes")
        raise ParameterError(bad)
    if s.kind == "choice":
        if isinstance(raw, str) and raw in s.choices:
            return raw
        raise ParameterError(bad)
    when: dt.datetime
    if isinstance(raw, dt.datetime):
        when = raw.replace(tzinfo=None, second=0, microsecond=0)
    elif isinstance(raw, str):
        try:
            when = dt.datetime.fromisoformat(raw.strip().replace("T", " "))
        except ValueError:
            raise ParameterError(bad) from None
    else:
        raise ParameterError(bad)
    step = calendar.step_of(when, s.timezone)
    if not 0 <= step < calendar.N_STEPS or (s.earliest is not None and when < s.earliest):
        raise ParameterError(bad)
    return when


def format_value(value: Value) -> str:
    """The canonical text of a value, used by CLI output, share links and TOML export."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


class Params(Mapping[str, Value]):
    """A complete, validated set of parameter values (immutable; hashable for caches)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Value]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Value:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, format_value(v)) for k, v in self._values.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Params) and self._values == other._values

    def __repr__(self) -> str:
        return f"Params({self.differences(defaults())})"

    def f(self, name: str) -> float:
        value = self._values[name]
        assert isinstance(value, float)
        return value

    def b(self, name: str) -> bool:
        value = self._values[name]
        assert isinstance(value, bool)
        return value

    def s(self, name: str) -> str:
        value = self._values[name]
        assert isinstance(value, str)
        return value

    def step(self, name: str) -> int:
        """A datetime parameter as a model step (its timezone taken into account)."""
        value = self._values[name]
        assert isinstance(value, dt.datetime)
        return calendar.step_of(value, SPECS[name].timezone)

    def differences(self, other: Mapping[str, Value]) -> dict[str, Value]:
        """The values that differ from `other`, in schema order."""
        return {k: v for k, v in self._values.items() if other.get(k) != v}

    def with_overrides(self, overrides: Mapping[str, object]) -> Params:
        return make_params(overrides, base=self)

    def as_text(self) -> dict[str, str]:
        return {k: format_value(v) for k, v in self._values.items()}

    def key(self) -> str:
        """Exact text of the whole set, for cache keys: floats by repr (so they round-trip), the
        rest canonical; `Params.from_key` turns it back into the same Params."""
        return json.dumps(
            {k: repr(v) if isinstance(v, float) else format_value(v) for k, v in self.items()},
            sort_keys=True,
        )

    @classmethod
    def from_key(cls, key: str) -> Params:
        """The Params whose `key()` is `key` (validated against the schema)."""
        return make_params(json.loads(key))


def defaults() -> Params:
    return Params({s.name: s.default for s in SCHEMA})


def make_params(
    overrides: Mapping[str, object] | None = None, base: Params | None = None
) -> Params:
    """Validate `overrides` against the schema on top of `base` (defaults if None)."""
    values = dict(base if base is not None else defaults())
    for name, raw in (overrides or {}).items():
        values[name] = coerce(name, raw)
    params = Params(values)
    check_consistency(params)
    return params


def check_consistency(params: Params) -> None:
    """Settings that are each valid but cannot hold together."""
    if params.s("us.first_move") == "air_strike" and params.b("us.widen_to_tankers"):
        raise ParameterError(
            "us.widen_to_tankers = true contradicts us.first_move = 'air_strike': there is no "
            "quarantine to widen; set one of them differently"
        )
