"""The parameter schema and its validation: bad input gets one clear line, never a traceback.

Every error must be a `ParameterError` whose message is one line naming the parameter, the value
given and what is allowed (for unknown names: a "did you mean").
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from sim import calendar
from sim import params as sp
from sim.params import (
    HAZARD_PRESETS,
    SCHEMA,
    SPECS,
    ParameterError,
    coerce,
    defaults,
    format_value,
    make_params,
)
from sim.sources import keys_in

REQUIRED = (
    "ussr.risk_acceptance",
    "us.hawkishness",
    "us.weight_on_allies",
    "uk.consultation",
    "uk.foreign_office_weight",
    "world.incident_rate",
    "world.escalation_risk",
    "ussr.strike_response",
    "world.message_delay_hours",
)


def error(overrides: dict[str, object]) -> str:
    with pytest.raises(ParameterError) as info:
        make_params(overrides)
    text = str(info.value)
    assert text and "\n" not in text and "Traceback" not in text, repr(text)
    return text


# --- unknown names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("us.hawkishnes", "us.hawkishness"),
        ("hawkishness", "us.hawkishness"),
        ("uk.consulation", "uk.consultation"),
        ("ussr.risk_acceptence", "ussr.risk_acceptance"),
        ("world.escalation_risc", "world.escalation_risk"),
        ("world.incident_hazard", "world.incident_rate"),
    ],
)
def test_unknown_name_did_you_mean(name: str, suggestion: str) -> None:
    text = error({name: 0.5})
    assert f"'{name}'" in text and f"did you mean '{suggestion}'" in text


def test_unknown_name_without_a_close_match_points_to_the_list() -> None:
    text = error({"zzz": 1})
    assert "'zzz'" in text and "did you mean" not in text and "cuba62 params" in text


# --- bad values -----------------------------------------------------------------------------------


BAD_VALUES: list[tuple[str, object]] = [
    # out of range
    ("us.hawkishness", 1.5),
    ("us.hawkishness", -0.01),
    ("uk.consultation", 2),
    ("world.escalation_risk", 1.2),
    ("world.incident_rate", -0.5),
    ("world.message_delay_hours", 49),
    ("world.message_delay_hours", 0),  # a message is read at the earliest in the next step
    ("world.decision_noise", 0.0),
    ("us.hawkishness", 10**400),  # too big for a float at all
    # wrong type
    ("us.hawkishness", "abc"),
    ("us.hawkishness", True),
    ("us.hawkishness", None),
    ("us.hawkishness", [0.5]),
    ("us.widen_to_tankers", "maybe"),
    ("us.widen_to_tankers", 2),
    ("us.widen_to_tankers", 0.5),
    ("us.first_move", "blockade"),
    ("us.first_move", 1),
    ("uk.thor_offer", "Private"),
    ("us.tankers_time", "yesterday"),
    ("us.tankers_time", 5),
    ("us.tankers_time", dt.date(1962, 10, 26)),
    # not finite
    ("us.hawkishness", math.nan),
    ("us.hawkishness", math.inf),
    ("us.hawkishness", -math.inf),
    ("uk.foreign_office_weight", "nan"),
    ("world.escalation_risk", "inf"),
    # dates outside the crisis
    ("us.tankers_time", "1962-10-01 12:00"),
    ("us.tankers_time", "1962-12-01 12:00"),
    ("us.tankers_time", dt.datetime(1963, 10, 26, 12, 0)),
    ("uk.berlin_proposal_time", "1962-11-21 12:00"),
    # an unknown hazard preset
    ("world.escalation_risk", "ellsburg"),
]


@pytest.mark.parametrize(
    ("name", "value"), BAD_VALUES, ids=[f"{n}={v!r}"[:48] for n, v in BAD_VALUES]
)
def test_bad_value_names_parameter_value_and_range(name: str, value: object) -> None:
    text = error({name: value})
    assert text.startswith(f"{name} = "), text
    if isinstance(value, dt.datetime):  # as a user writes it (TOML, CLI), not Python's repr
        shown = format_value(value)
    elif isinstance(value, int) and value > 10**20:
        shown = "1000"
    else:
        shown = repr(value)
    assert shown[:20] in text, text
    assert SPECS[name].allowed() in text, text


def test_allowed_ranges_say_what_they_mean() -> None:
    assert SPECS["us.hawkishness"].allowed().startswith("a number from 0 to 1")
    assert "true or false" == SPECS["us.widen_to_tankers"].allowed()
    assert "decide, quarantine, air_strike" in SPECS["us.first_move"].allowed()
    hazard = SPECS["world.escalation_risk"].allowed()
    assert all(name in hazard for name in HAZARD_PRESETS)
    assert "London time" in SPECS["uk.thor_offer_time"].allowed()


@pytest.mark.parametrize("name", [s.name for s in SCHEMA if s.kind == "datetime"])
def test_datetime_range_in_the_message_is_the_real_range(name: str) -> None:
    """The first and last date-times the message names are accepted (a user who follows the message
    is never refused); a minute before the first, and a step after the last, are refused."""
    spec = SPECS[name]
    first, last = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", spec.allowed())
    start, end = dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)
    assert start < end
    for text, value in ((first, start), (last, end)):
        assert make_params({name: text})[name] == value, f"{name}: stated bound {text} refused"
    for outside in (start - dt.timedelta(minutes=1), end + dt.timedelta(hours=6)):
        with pytest.raises(ParameterError):
            make_params({name: format_value(outside)})


# --- contradictions ------------------------------------------------------------------------------


def test_air_strike_first_contradicts_widening_the_quarantine() -> None:
    text = error({"us.first_move": "air_strike", "us.widen_to_tankers": True})
    assert "us.first_move" in text and "air_strike" in text
    assert "us.widen_to_tankers" in text and "true" in text
    make_params({"us.first_move": "air_strike", "us.widen_to_tankers": False})
    make_params({"us.first_move": "quarantine", "us.widen_to_tankers": True})


@pytest.mark.parametrize("name", ["uk.thor_offer_time", "uk.berlin_proposal_time"])
@pytest.mark.parametrize("when", ["1962-10-16 18:00", "1962-10-21 12:00", "1962-10-22 17:00"])
def test_british_move_before_london_knew_is_refused(name: str, when: str) -> None:
    """London was told on 21-22 Oct and the crisis went public on 22 Oct, 19:00 Washington (23 Oct,
    00:00 London) [Bbg, TNA-msg, OH]: a British initiative before that is refused."""
    text = error({name: when})
    assert text.startswith(f"{name} = "), text
    assert when in text and SPECS[name].allowed() in text, text


@pytest.mark.parametrize("name", ["uk.thor_offer_time", "uk.berlin_proposal_time"])
def test_british_moves_allowed_from_the_speech(name: str) -> None:
    speech_in_london = calendar.london(dt.datetime(1962, 10, 22, 19, 0))
    make_params({name: format_value(speech_in_london)})
    with pytest.raises(ParameterError):
        make_params({name: format_value(speech_in_london - dt.timedelta(hours=1))})


# --- what is accepted ----------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(HAZARD_PRESETS))
def test_hazard_preset_names_are_accepted(preset: str) -> None:
    p = make_params({"world.escalation_risk": preset})
    assert p.f("world.escalation_risk") == pytest.approx(HAZARD_PRESETS[preset].escalation_risk)
    maximum = SPECS["world.escalation_risk"].maximum
    assert maximum is not None and p.f("world.escalation_risk") <= maximum


def test_hazard_presets_rise_and_state_their_estimates() -> None:
    risk = {k: p.escalation_risk for k, p in HAZARD_PRESETS.items()}
    # Kennedy's estimate measures any war, the others nuclear war: it need not sit between them.
    assert risk["participants_low"] < min(risk["ellsberg"], risk["kennedy"])
    assert max(risk["ellsberg"], risk["kennedy"]) < risk["model_high"]
    for preset in HAZARD_PRESETS.values():
        assert preset.low <= preset.centre <= preset.high
        assert preset.label and preset.measures and preset.source and preset.confidence
    default = HAZARD_PRESETS[sp.DEFAULT_HAZARD_PRESET].escalation_risk
    assert defaults().f("world.escalation_risk") == default


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("us.hawkishness", "0.25", 0.25),
        ("us.hawkishness", 1, 1.0),
        ("us.widen_to_tankers", "true", True),
        ("us.widen_to_tankers", "False", False),
        ("us.first_move", "quarantine", "quarantine"),
        ("us.tankers_time", "1962-10-27T06:00", dt.datetime(1962, 10, 27, 6, 0)),
        ("uk.thor_offer_time", "1962-10-28 01:00", dt.datetime(1962, 10, 28, 1, 0)),
    ],
)
def test_text_and_numbers_are_coerced(name: str, raw: object, value: object) -> None:
    assert make_params({name: raw})[name] == value


def test_london_times_are_london() -> None:
    """18:00 London on 27 Oct is 13:00 in Washington: the step that starts at 12:00."""
    p = make_params({"uk.thor_offer_time": "1962-10-27 18:00"})
    assert calendar.step_time(p.step("uk.thor_offer_time")) == dt.datetime(1962, 10, 27, 12, 0)


def test_format_value_round_trips() -> None:
    for spec in SCHEMA:
        back = coerce(spec.name, format_value(spec.default))
        if isinstance(spec.default, float):
            assert back == pytest.approx(spec.default, rel=1e-5), spec.name
        else:
            assert back == spec.default, spec.name


# --- the schema itself ----------------------------------------------------------------------------


def test_required_parameters_exist() -> None:
    missing = [name for name in REQUIRED if name not in SPECS]
    assert not missing


def test_names_are_unique_and_prefixed_by_an_actor() -> None:
    names = [s.name for s in SCHEMA]
    assert len(names) == len(set(names))
    assert all(s.actor in sp.ACTOR_NAMES for s in SCHEMA)


@pytest.mark.parametrize("spec", SCHEMA, ids=lambda s: s.name)
def test_every_spec_is_documented_and_sourced(spec: sp.ParamSpec) -> None:
    for field in ("label", "meaning", "source"):
        assert getattr(spec, field).strip(), f"{spec.name}: empty {field}"
    assert keys_in(spec.source) or sp.ASSUMPTION in spec.source, (
        f"{spec.name}: source {spec.source!r} cites no source key and is not a modelling assumption"
    )


@pytest.mark.parametrize("spec", SCHEMA, ids=lambda s: s.name)
def test_every_default_is_allowed(spec: sp.ParamSpec) -> None:
    if spec.kind == "float":
        assert spec.minimum is not None and spec.maximum is not None and spec.step is not None
        assert spec.minimum < spec.maximum
        assert 0 < spec.step <= spec.maximum - spec.minimum
        assert isinstance(spec.default, float) and spec.minimum <= spec.default <= spec.maximum
    elif spec.kind == "bool":
        assert isinstance(spec.default, bool)
    elif spec.kind == "choice":
        assert len(spec.choices) >= 2 and spec.default in spec.choices
    else:
        assert isinstance(spec.default, dt.datetime)
    assert coerce(spec.name, spec.default) == spec.default


def test_defaults_are_consistent_and_complete() -> None:
    d = defaults()
    assert make_params({}) == d and set(d) == set(SPECS)
    assert d.differences(d) == {}
    assert make_params({"us.hawkishness": 0.9}).differences(d) == {"us.hawkishness": 0.9}
    assert hash(make_params({})) == hash(d)


# --- one home for shared things -----------------------------------------------------------------


def test_params_key_round_trips_exactly() -> None:
    from sim.params import Params

    params = make_params(
        {"world.escalation_risk": 0.1 / 3, "uk.thor_offer_time": "1962-10-25 18:00"}
    )
    assert Params.from_key(params.key()) == params
    assert params.key() != make_params().key()


def test_time_sliders_cover_exactly_the_schema_range() -> None:
    from sim.params import SCHEMA

    for spec in (s for s in SCHEMA if s.kind == "datetime"):
        first, last = spec.time_range()
        steps = spec.time_steps()
        assert spec.time_at(steps[0]) >= first and spec.time_at(steps[-1]) == last
        assert f"{first:%Y-%m-%d %H:%M}" in spec.allowed()
        for step in steps:  # every slider position is a value the schema accepts
            make_params({spec.name: spec.time_at(step).strftime("%Y-%m-%d %H:%M")})


def test_limits_name_the_field_and_the_range() -> None:
    from sim import limits

    assert limits.seed_error(0) == "" and limits.seed_error(2**31 - 1) == ""
    assert (
        limits.seed_error(2**31) == "seed = 2147483648 is out of range: allowed 0 to 2,147,483,647"
    )
    assert "--seed = -1" in limits.seed_error(-1, field="--seed")
    assert limits.runs_error(99, app=True) and not limits.runs_error(99)
    assert limits.history_error(500, 500) == "history = 500 is out of range: allowed 0 to 499"
    assert limits.SEED.parse(" 7 ") == 7 and limits.SEED.parse("x") is None
