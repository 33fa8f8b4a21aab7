"""Each agent's decision rule on hand-built world states: what is legal, which way utilities move.

A state is built by creating a small `CrisisModel`, writing its `world` arrays by hand (one history
per situation) and setting `step_index`; then `agent.utilities()` or `agent.decide()` is called.
Utilities are compared between situations or parameter values, never against hard-coded totals.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pytest

from sim import world as w
from sim.agents.base import ILLEGAL, Controller, CrisisAgent, draw
from sim.agents.uk import STATE
from sim.history import replay
from sim.model import CrisisModel
from sim.params import defaults, make_params

Array = npt.NDArray[np.float64]
#: Two days into the quarantine (26 Oct, 10:00): the first letter's day.
T = w.QUARANTINE_STEP + 8


def crisis(
    n: int, overrides: Mapping[str, object] | None = None, t: int = T, at: int = w.QUARANTINE
) -> CrisisModel:
    """n histories in the quarantine crisis (ExComm chose the blockade), at step t, rung `at`."""
    m = CrisisModel(make_params(overrides or {}), seed=0, start=0, stop=n)
    m.step_index = t
    m.world.course_quarantine[:] = True
    m.world.escalation[:] = at
    return m


def legal(agent: CrisisAgent, action: str) -> list[bool]:
    return [bool(x) for x in agent.utilities()[1][:, agent.index(action)]]


def component(agent: CrisisAgent, name: str, action: str) -> Array:
    return agent.utilities()[0][name][:, agent.index(action)]


def total(agent: CrisisAgent, action: str) -> Array:
    comps = agent.utilities()[0]
    return sum(
        (c[:, agent.index(action)] for c in comps.values()), start=np.zeros(agent.model.world.n)
    )


def test_message_delay_is_in_steps() -> None:
    assert crisis(1).delay_steps == 2  # 12 h at 6-hour steps
    assert crisis(1, {"world.message_delay_hours": 6}).delay_steps == 1
    assert crisis(1, {"world.message_delay_hours": 13}).delay_steps == 3


# --- Soviet Union ------------------------------------------------------------------------------


def test_ussr_accept_needs_a_known_pledge_even_at_war() -> None:
    """Moscow accepts only what it has read: in the quarantine and in a war alike (issue 12)."""
    m = crisis(5)
    wd, d = m.world, m.delay_steps
    wd.us_pledge[1] = T  # sent this step: not yet read in Moscow
    wd.us_pledge[2] = T - d  # read in Moscow
    wd.escalation[3] = w.STRIKE  # at war with nothing on the table: nothing to accept
    wd.escalation[4] = w.STRIKE  # at war, a pledge read: accepting ends the fighting
    wd.us_pledge[4] = T - d
    assert legal(m.ussr, "accept") == [False, False, True, False, True]


def test_ussr_accept_pledge_becomes_legal_after_the_delay() -> None:
    m = crisis(1)
    m.world.us_pledge[0] = T
    assert legal(m.ussr, "accept") == [False]
    m.step_index = T + m.delay_steps
    assert legal(m.ussr, "accept") == [True]


def test_ussr_accept_utility_rises_with_secret_jupiters() -> None:
    m = crisis(2)
    wd, d = m.world, m.delay_steps
    wd.ussr_offer[:] = T - 8
    wd.ussr_turkey[:] = T - 4  # the second letter asked for Turkey, as on 27 Oct [OH]
    wd.us_pledge[:] = T - d
    wd.us_secret_jupiters[1] = T - d
    deal = component(m.ussr, "what_the_deal_gives", "accept")
    assert deal[1] > deal[0]
    u = total(m.ussr, "accept")
    assert u[1] > u[0]


def test_ussr_risk_acceptance_lowers_fear_of_war_when_halting_ships() -> None:
    halt = [
        component(crisis(1, {"ussr.risk_acceptance": r}).ussr, "risk_of_war", "halt_ships")[0]
        for r in (0.0, 0.3, 0.7, 1.0)
    ]
    assert halt[0] > halt[1] > halt[2] > 0
    assert halt[3] == 0.0  # a reckless Khrushchev does not fear war at all


def test_ussr_message_sequence() -> None:
    """Offer first (26 Oct letter), then Turkey (27 Oct letter); Berlin only under linkage."""
    m = crisis(3, {"ussr.berlin_linkage": False})
    wd = m.world
    wd.ussr_offer[1:] = T - 4
    wd.ussr_turkey[2] = T - 2
    assert legal(m.ussr, "offer_withdrawal") == [True, False, False]
    assert legal(m.ussr, "demand_turkey") == [False, True, False]
    assert legal(m.ussr, "demand_berlin") == [False, False, False]
    linked = crisis(3, {"ussr.berlin_linkage": True})
    linked.world.ussr_offer[1:] = T - 4
    assert legal(linked.ussr, "demand_berlin") == [False, True, True]


def test_ussr_nothing_to_offer_before_the_quarantine() -> None:
    m = crisis(1, t=w.SPEECH_STEP + 1, at=w.PUBLIC)
    assert legal(m.ussr, "offer_withdrawal") == [False]
    assert legal(m.ussr, "climb_down") == [False]
    assert legal(m.ussr, "halt_ships") == [True]  # the speech is public: ships can turn back
    secret = crisis(1, t=w.SPEECH_STEP - 2, at=w.SECRET)
    assert legal(secret.ussr, "halt_ships") == [False]  # Moscow does not know it is found out


def test_ussr_halt_ships_once() -> None:
    m = crisis(2)
    m.world.shipments_halted[1] = T - 10
    assert legal(m.ussr, "halt_ships") == [True, False]


def test_ussr_resolve_makes_climb_down_costlier() -> None:
    face = [
        component(crisis(1, {"ussr.resolve": r}).ussr, "face", "climb_down")[0] for r in (0.1, 0.9)
    ]
    assert face[1] < face[0] < 0


# --- United States -----------------------------------------------------------------------------


def test_us_secret_jupiters_need_the_turkey_demand_known() -> None:
    m = crisis(3)
    d = m.delay_steps
    m.world.ussr_offer[:] = T - 8
    m.world.ussr_turkey[1] = T  # sent from Moscow this step: not yet read in Washington
    m.world.ussr_turkey[2] = T - d
    assert legal(m.us, "offer_secret_jupiters") == [False, False, True]
    assert legal(m.us, "offer_public_jupiters") == [False, False, False]
    public = crisis(3, {"us.public_jupiter_trade": True})
    public.world.ussr_turkey[2] = T - d
    assert legal(public.us, "offer_secret_jupiters") == [False, False, False]
    assert legal(public.us, "offer_public_jupiters") == [False, False, True]


def test_us_secret_jupiters_once() -> None:
    m = crisis(2)
    m.world.ussr_turkey[:] = T - 4
    m.world.us_secret_jupiters[1] = T - 1
    assert legal(m.us, "offer_secret_jupiters") == [True, False]


def test_us_pledge_once_in_the_quarantine_or_during_strikes() -> None:
    """The pledge is the way out of a war too (issue 12), but not once US forces have landed."""
    m = crisis(4)
    m.world.us_pledge[1] = T - 1
    m.world.escalation[2] = w.STRIKE
    m.world.escalation[3] = w.INVASION
    assert legal(m.us, "offer_pledge") == [True, False, True, False]


def test_us_military_options_follow_the_calendar() -> None:
    early = crisis(1, t=w.SPEECH_STEP + 1, at=w.PUBLIC)
    assert legal(early.us, "air_strike") == [False]  # the quarantine comes first
    assert legal(early.us, "back_down") == [False]
    assert legal(crisis(1).us, "air_strike") == [True]
    assert legal(crisis(1, t=w.INVASION_READY_STEP - 1).us, "invade") == [False]
    assert legal(crisis(1, t=w.INVASION_READY_STEP).us, "invade") == [True]


def test_us_air_strike_utility_rises_with_hawkishness() -> None:
    low, high = (crisis(1, {"us.hawkishness": h}) for h in (0.1, 0.9))
    assert (
        component(high.us, "hawks_vs_doves", "air_strike")[0]
        > component(low.us, "hawks_vs_doves", "air_strike")[0]
    )
    assert total(high.us, "air_strike")[0] > total(low.us, "air_strike")[0]
    assert total(high.us, "invade")[0] > total(low.us, "invade")[0]


def test_us_pledge_answers_a_known_soviet_offer() -> None:
    m = crisis(2)
    m.world.ussr_offer[1] = T - m.delay_steps
    answer = component(m.us, "answers_moscow", "offer_pledge")
    assert answer[1] > 0 > answer[0]


def test_us_operational_missiles_make_a_strike_riskier() -> None:
    m = crisis(2)
    m.world.missiles_operational[:] = (0.2, 0.9)
    risk = component(m.us, "risk_of_war", "air_strike")
    assert risk[1] < risk[0] < 0


def test_us_british_advice_counts_only_when_britain_is_consulted() -> None:
    advice = (-1.0, 1.0)  # restraint, firmness
    informed = crisis(2, {"uk.consultation": 0.0})
    informed.world.uk_advice[:] = advice
    for action in ("air_strike", "invade", "offer_pledge", "offer_secret_jupiters"):
        assert (component(informed.us, "british_advice", action) == 0.0).all(), action
    consulted = crisis(2, {"uk.consultation": 0.8})
    consulted.world.uk_advice[:] = advice
    strike = component(consulted.us, "british_advice", "air_strike")
    pledge = component(consulted.us, "british_advice", "offer_pledge")
    public = component(consulted.us, "british_advice", "offer_public_jupiters")
    # Restraint counts against the strike and for a deal; firmness never argues for war, only
    # against a public trade of NATO missiles (Macmillan's fear of a Cuba–Berlin trade).
    assert strike[0] < 0 == strike[1]
    assert pledge[0] > 0 == pledge[1]
    assert public[1] < 0 < public[0]


# --- United Kingdom ----------------------------------------------------------------------------


def uk_in_crisis(fo: float, consultation: float = 0.1) -> CrisisModel:
    """A dangerous day: tankers stopped, U Thant's appeal made, a Berlin demand read in London."""
    m = crisis(
        2,
        {"uk.foreign_office_weight": fo, "uk.consultation": consultation},
        t=max(T, w.UN_APPEAL_STEP),
    )
    m.world.tankers[:] = True
    m.world.incidents[:] = 2
    m.world.escalation[1] = w.CLASH
    m.world.ussr_berlin[1] = T - 6
    return m


def _voices(m: CrisisModel) -> tuple[dict[str, Array], dict[str, Array]]:
    comps = m.uk.utilities()[0]
    cabinet = {k: v for k, v in comps.items() if k.startswith("cabinet")}
    fo = {k: v for k, v in comps.items() if k.startswith("foreign office")}
    assert cabinet and fo and len(cabinet) + len(fo) == len(comps)
    return cabinet, fo


def test_uk_foreign_office_silent_when_cabinet_prevails() -> None:
    cabinet, fo = _voices(uk_in_crisis(fo=0.0))
    assert all((v == 0).all() for v in fo.values()), {k: v.tolist() for k, v in fo.items()}
    assert any((v != 0).any() for v in cabinet.values())


def test_uk_cabinet_silent_when_foreign_office_prevails() -> None:
    cabinet, fo = _voices(uk_in_crisis(fo=1.0))
    assert all((v == 0).all() for v in cabinet.values()), {
        k: v.tolist() for k, v in cabinet.items()
    }
    assert any((v != 0).any() for v in fo.values())


def test_uk_foreign_office_advises_restraint_on_tankers_and_legality() -> None:
    m = uk_in_crisis(fo=1.0)
    comps = m.uk.utilities()[0]
    legality = comps["foreign office: legality of the quarantine"][
        :, m.uk.index("advise_restraint")
    ]
    m.world.tankers[:] = False
    without = m.uk.utilities()[0]["foreign office: legality of the quarantine"]
    assert (legality > without[:, m.uk.index("advise_restraint")]).all()


def test_uk_cabinet_fears_berlin_trade_only_when_berlin_is_on_the_table() -> None:
    fear = component(
        uk_in_crisis(fo=0.0).uk, "cabinet: fear of a Cuba–Berlin trade", "press_firmness"
    )
    assert fear[1] > 0 > fear[0]


def test_uk_raise_alert_once_and_nothing_before_london_is_told() -> None:
    m = uk_in_crisis(fo=0.5)
    m.world.uk_alert[1] = True
    assert legal(m.uk, "raise_alert") == [True, False]
    before = crisis(1, t=w.UK_TOLD_STEP - 1, at=w.SECRET)
    mask = before.uk.utilities()[1][0]
    assert not mask[1:].any()
    told = crisis(1, t=w.UK_TOLD_STEP, at=w.SECRET)
    assert told.uk.utilities()[1][0][1:].all()


# --- the human-controllable hook ----------------------------------------------------------------


def forcing(
    actor_actions: tuple[str, ...], action: str, from_step: int, to_step: int = 10**6
) -> Controller:
    """A controller forcing `action` in every history at steps from..to (elsewhere -1: free)."""
    index = actor_actions.index(action)

    def controller(step: int, model: CrisisModel) -> npt.NDArray[np.int64]:
        forced = index if from_step <= step <= to_step else -1
        return np.full(model.world.n, forced, dtype=np.int64)

    return controller


def uk_choices(m: CrisisModel) -> list[tuple[int, str]]:
    return [(e.step, e.text) for e in m.log if e.actor == "uk" and e.kind == "choice"]


def test_uk_controller_is_obeyed() -> None:
    from sim.agents.uk import UnitedKingdom

    control = forcing(UnitedKingdom.actions, "advise_restraint", w.UK_TOLD_STEP)
    m = CrisisModel(defaults(), seed=3, start=0, stop=40, record=True, controllers={"uk": control})
    m.run()
    chosen = [c for step, c in uk_choices(m) if step >= w.UK_TOLD_STEP]
    assert len(chosen) >= 10  # history 0 ran on for at least ten steps after London was told
    assert set(chosen) == {"advise_restraint"}
    assert (m.world.uk_advice < -0.5).all()  # every history, not only the logged one

    free = CrisisModel(defaults(), seed=3, start=0, stop=40, record=True)
    free.run()
    assert {c for step, c in uk_choices(free) if step >= w.UK_TOLD_STEP} != {"advise_restraint"}


def test_uk_controller_in_replay() -> None:
    from sim.agents.uk import UnitedKingdom

    control = forcing(UnitedKingdom.actions, "advise_restraint", w.UK_TOLD_STEP)
    h = replay(defaults(), 0, 5, controllers={"uk": control})
    uk = [line.text for line in h.lines() if line.actor == "uk" and line.kind == "choice"]
    assert uk == ["advises restraint and the UN route"]  # repeats are folded in the narrative


def _one_line_value_error(m: CrisisModel) -> str:
    with pytest.raises(ValueError) as info:
        m.run()
    text = str(info.value)
    assert "\n" not in text and text.startswith("uk:")
    return text


def test_illegal_forced_action_before_london_is_told() -> None:
    from sim.agents.uk import UnitedKingdom

    control = forcing(UnitedKingdom.actions, "advise_restraint", 0)
    text = _one_line_value_error(CrisisModel(defaults(), stop=5, controllers={"uk": control}))
    assert "advise_restraint" in text and "allowed: support" in text


def test_illegal_forced_action_alert_twice() -> None:
    from sim.agents.uk import UnitedKingdom

    control = forcing(UnitedKingdom.actions, "raise_alert", w.UK_TOLD_STEP)
    m = CrisisModel(defaults(), stop=5, controllers={"uk": control})
    text = _one_line_value_error(m)
    assert "raise_alert" in text
    assert m.step_index == w.UK_TOLD_STEP + 1  # the first alert was obeyed, the second refused
    assert m.world.uk_alert.all()


def test_forced_action_out_of_range_is_a_clear_error() -> None:
    def control(step: int, model: CrisisModel) -> npt.NDArray[np.int64]:
        return np.full(model.world.n, 9 if step >= w.UK_TOLD_STEP else -1, dtype=np.int64)

    _one_line_value_error(CrisisModel(defaults(), stop=3, controllers={"uk": control}))


def test_us_controller_forces_a_strike() -> None:
    from sim.agents.us import UnitedStates

    control = forcing(UnitedStates.actions, "air_strike", w.QUARANTINE_STEP, w.QUARANTINE_STEP)
    m = CrisisModel(
        make_params({"us.first_move": "quarantine"}), stop=20, controllers={"us": control}
    )
    m.run()
    assert (m.world.strike_step == w.QUARANTINE_STEP).all()
    assert (m.world.peak >= w.STRIKE).all()


# --- the British lookup table ------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"uk.foreign_office_weight": 0.9, "uk.consultation": 0.2, "world.decision_noise": 0.25},
        {"ussr.berlin_linkage": True, "world.message_delay_hours": 6, "world.decision_noise": 0.5},
    ],
)
@pytest.mark.parametrize("t", [w.UK_TOLD_STEP, w.UN_APPEAL_STEP - 1, w.UN_APPEAL_STEP, T + 20])
def test_british_lookup_gives_the_general_rule(overrides: dict[str, object], t: int) -> None:
    """`UnitedKingdom.decide` looks its probabilities up by `uk.STATE`. On states drawn at random
    in every array of the world (so a British utility that read anything outside the code would
    show), it must choose exactly as the general rule does, with the same probabilities."""
    n = 3000
    m = crisis(n, overrides, t=t)
    randomise_world(m, np.random.default_rng(t))
    rng = np.random.default_rng(t + 1)
    m._u = rng.random((n, 16))
    looked_up = m.uk.decide()
    general = CrisisAgent.decide(m.uk)
    assert (looked_up.choice == general.choice).all()
    for a, column in general.columns.items():
        assert (looked_up.columns[a] == column).all(), m.uk.actions[a]
    assert len(set(STATE.encode(m).tolist())) > 100  # the states cover many codes


def randomise_world(m: CrisisModel, rng: np.random.Generator) -> None:
    """Fill every array of `m.world` at random (messages sent up to 4 steps ago, or never)."""
    wd, n, t = m.world, m.world.n, m.step_index
    for name in w.World.__dataclass_fields__:
        value = getattr(wd, name)
        if name == "n":
            continue
        if value.dtype == bool:
            setattr(wd, name, rng.random(n) < 0.5)
        elif value.dtype.kind == "f":  # shares, readiness, cohesion: 0 to 1
            setattr(wd, name, rng.random(n))
        else:  # steps (-1 never, or a recent step), rungs, counts
            setattr(wd, name, rng.integers(-1, 7, n).astype(value.dtype))
    wd.uk_advice = rng.uniform(-1, 1, n)  # restrain (-1) to stand firm (+1)
    for name in (*w.MESSAGES, "shipments_halted"):
        sent = t - rng.integers(0, 5, n)
        setattr(wd, name, np.where(rng.random(n) < 0.5, -1, sent).astype(np.int16))
    wd.escalation = rng.integers(0, len(w.DANGER_LEVEL), n).astype(np.int16)
    wd.incidents = rng.integers(0, 7, n).astype(np.int16)
    wd.berlin = rng.integers(0, 3, n).astype(np.int16)
    wd.active[:] = True


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
def test_utilities_stay_far_from_exp_overflow(corner: int) -> None:
    """The softmax takes exp(utility / noise) without subtracting a maximum first (`ILLEGAL` in
    sim/agents/base.py): safe while every utility over the smallest noise stays far below 709, where
    exp overflows, and while doing nothing is worth >= 0. Checked on random states, at parameter
    corners (every float parameter at its minimum or maximum, switches on)."""
    from sim.params import SPECS

    rng = np.random.default_rng(corner)
    overrides: dict[str, object] = {"world.decision_noise": 0.25}
    for name, spec in SPECS.items():
        if spec.kind == "float" and name != "world.decision_noise":
            overrides[name] = spec.maximum if rng.random() < 0.5 else spec.minimum
    overrides["ussr.berlin_linkage"] = True
    overrides["us.public_jupiter_trade"] = corner % 2 == 1
    for t in (w.SPEECH_STEP, w.QUARANTINE_STEP + 8, w.INVASION_READY_STEP + 4):
        m = crisis(2000, overrides, t=t)
        randomise_world(m, rng)
        for agent in (m.us, m.uk, m.ussr):
            comps, legal_mask = agent.utilities()
            totals = sum(comps.values(), start=np.zeros((2000, len(agent.actions))))
            assert np.abs(totals).max() / 0.05 < 700, agent.actor
            assert (totals[:, 0] >= 0).all(), agent.actor  # doing nothing: the weight is >= 1


def test_draw_is_the_normalised_softmax() -> None:
    """`draw` compares u x total weight with the cumulative weights instead of normalising: the
    same choices as the textbook cumulative probabilities, except within rounding of a boundary;
    an action with an ILLEGAL weight (not the last, which takes what rounding leaves) never wins."""
    rng = np.random.default_rng(5)
    n = 20_000
    raw = [np.exp(rng.normal(0, 3, n)) for _ in range(6)]
    raw[2] = np.where(rng.random(n) < 0.5, raw[2], np.exp(ILLEGAL))
    raw[0] = np.maximum(raw[0], 1.0)  # doing nothing: utility >= 0, weight >= 1
    weights: list[float | Array | None] = [raw[0], raw[1], raw[2], None, 2.5, raw[5]]
    u = rng.random(n)
    choice, total = draw(weights, u)
    dense_w = np.stack([np.broadcast_to(0.0 if x is None else x, (n,)) for x in weights])
    cumulative = np.cumsum(dense_w / dense_w.sum(axis=0), axis=0)[:-1]
    expected = (cumulative < u).sum(axis=0)
    near = np.abs(cumulative - u).min(axis=0) < 1e-12
    assert (choice[~near] == expected[~near]).all() and near.sum() < 5
    assert np.allclose(total, dense_w.sum(axis=0), rtol=1e-15)
    assert not (choice[raw[2] == np.exp(ILLEGAL)] == 2).any()
    assert not (choice == 3).any()  # no weight at all
