"""Play as Britain (sim/play.py, sim/london.py, sim/voices.py, sim/debrief.py): the rules of a
choice list, deterministic replay, London's information, the two voices, and the policy replay."""

from __future__ import annotations

import math
import random

import numpy as np
import numpy.typing as npt
import pytest

from sim import calendar, ensemble, london, play, voices
from sim.agents.view import CrisisView
from sim.debrief import as_html, changed, debrief
from sim.ensemble import run_chunk
from sim.history import replay
from sim.labels import ACTIONS_BY_ACTOR, OUTCOMES
from sim.params import defaults, make_params
from sim.sources import citations_in, resolve

P = defaults()
FIRST = play.FIRST_STEP


def test_long_and_compact_forms_read_the_same() -> None:
    long, e1 = play.parse("21:advise_restraint, 27:thor_private,30:alert,33:F")
    short, e2 = play.parse("21R27T30A33F")
    assert e1 == e2 == "" and long == short
    assert play.encode(long) == "21R27T30A33F"
    assert play.check(long) == (long, "")


@pytest.mark.parametrize(
    ("text", "kept", "words"),
    [
        ("21R27X", 1, "not 'step:move'"),  # unknown code
        ("21:advise_restraint,22:surrender", 1, "not 'step:move'"),  # unknown action
        ("25R22F", 1, "time order"),  # step out of order
        ("20R", 0, "outside the game"),  # before London is told
        ("21R999F", 1, "outside the game"),  # after the horizon
        ("21A22R23A", 2, "only once"),  # the alert twice
        ("21R21F", 1, "one per step"),  # two lines at one step
        ("21R22T", 1, "not allowed: from step 26"),  # Thor offer before 23 Oct (London)
        ("27T28P", 1, "only once"),  # two Thor offers
    ],
)
def test_broken_rules_keep_the_valid_prefix(text: str, kept: int, words: str) -> None:
    parsed, problem = play.parse(text)
    valid, broken = play.check(parsed)
    message = problem or broken
    assert words in message and "\n" not in message and len(valid) == kept
    g = play.play(P, 0, 3, text)
    assert g.warning == message
    assert g.game.choices == valid
    # ... and the game replayed is the game of the valid prefix.
    assert g.history.events == play.play(P, 0, 3, valid).history.events


def test_oversized_lists_are_cut() -> None:
    many = [play.Choice(FIRST + i, "support") for i in range(play.MAX_CHOICES + 5)]
    valid, problem = play.check(many)
    assert "more than" in problem or "outside the game" in problem
    assert len(valid) <= play.MAX_CHOICES
    text = "".join(f"{FIRST + i}S" for i in range(play.MAX_CHOICES + 5))
    g = play.play(P, 0, 0, text)
    assert g.warning and "\n" not in g.warning
    assert len(play.play(P, 0, 0, "1S" * 10_000).warning) < 200  # a huge link: one short line


def test_choices_after_the_end_are_dropped() -> None:
    g = play.play(P, 0, 3, "21R")
    end = g.end_step
    late = play.play(P, 0, 3, f"21R{end + 1}F")
    assert "already ended" in late.warning
    assert late.game.choices == g.game.choices
    assert play.play(P, 0, 3, f"21R{end}F").warning == ""  # the last step is still London's


def test_line_holds_until_changed_and_alert_is_one_off() -> None:
    choices, _ = play.parse("21R25A30F")
    assert play.line_at(choices, 20) == "support"
    assert [play.line_at(choices, s) for s in (21, 24, 25, 26, 30, 40)] == [
        "advise_restraint",
        "advise_restraint",
        "raise_alert",
        "advise_restraint",
        "press_firmness",
        "press_firmness",
    ]
    g = play.play(P, 0, 3, choices)
    uk = [(e.step, e.text) for e in g.history.events if e.actor == "uk" and e.kind == "choice"]
    assert all(text == play.line_at(choices, step) for step, text in uk if step >= FIRST)
    assert len([s for s, _ in uk if s >= FIRST]) == g.end_step - FIRST + 1


def test_initiatives_become_parameters_at_the_chosen_step() -> None:
    choices, _ = play.parse("21R28P30B")
    p = play.player_params(P, choices)
    assert p.s("uk.thor_offer") == "public" and p.step("uk.thor_offer_time") == 28
    assert p.b("uk.berlin_proposal") and p.step("uk.berlin_proposal_time") == 30
    bare = play.player_params(P, ())
    assert bare.s("uk.thor_offer") == "none" and not bare.b("uk.berlin_proposal")


def test_moves_cite_known_sources() -> None:
    assert set(play.LINES) == set(ACTIONS_BY_ACTOR["uk"])
    for move in play.MOVES.values():
        keys = citations_in(move.source, strict=True)
        assert keys, move.id
        for key in keys:
            resolve(key)


def test_same_game_same_history_same_debrief() -> None:
    text = "21R27T30A33F"
    a, b = play.play(P, 5, 7, text), play.play(P, 5, 7, text)
    assert a.history.events == b.history.events and a.seen == b.seen
    da, db = debrief(a, runs=800), debrief(b, runs=800)
    assert da.sentences() == db.sentences()
    assert (da.player.outcome == db.player.outcome).all()
    assert (da.player.concessions == db.player.concessions).all()


def random_choices(rng: random.Random) -> str:
    """A legal-looking random game: lines at random steps, perhaps an alert and initiatives."""
    steps = sorted(rng.sample(range(FIRST, FIRST + 30), rng.randint(0, 6)))
    out = [f"{s}{rng.choice('SRF')}" for s in steps]
    if rng.random() < 0.5:
        out.append(f"{rng.randint(26, 45)}T")
    if rng.random() < 0.3:
        out.append(f"{rng.randint(26, 45)}B")
    return "".join(sorted(out, key=lambda c: int(c[:-1])))


# --- London's information -------------------------------------------------------------------


def test_nothing_reaches_london_before_it_could() -> None:
    """Over many games and every decision step: nothing in the briefing arrived after the step
    began or before it happened; reports come with Washington's calls; Moscow's letters only
    after Washington read them; Moscow's unannounced choices and the secret Jupiter assurance
    never; nothing settled after London chose at a step is shown at that step."""
    rng = random.Random(1962)
    hidden = {
        ACTIONS_BY_ACTOR["ussr"][a]
        for a in ("wait", "offer_withdrawal", "demand_turkey", "demand_berlin")
    } | {ACTIONS_BY_ACTOR["us"]["offer_secret_jupiters"]}
    delay = math.ceil(P.f("world.message_delay_hours") / calendar.STEP_HOURS)
    games = 0
    for seed in range(3):
        for index in range(12):
            g = play.play(P, seed, index, random_choices(rng))
            games += 1
            letters = [
                (e.step, e.text)
                for e in g.history.events
                if e.actor == "ussr" and e.kind == "choice"
            ]
            for step in g.decision_steps:
                now = calendar.step_time(step)
                shown = london.briefing(g.history, step)
                for item in shown:
                    assert item.happened <= item.arrived <= now
                    assert not any(h in item.text for h in hidden), item.text
                    if item.channel == london.REPORT:
                        assert item.arrived in london.REPORTS
                texts = " ".join(i.text for i in shown)
                for sent, action in letters:
                    read = calendar.step_time(sent + delay)
                    if action == "offer_withdrawal" and now < read:
                        assert "Khrushchev's offer" not in texts
                    if action == "demand_turkey" and now < read:
                        assert "Jupiters in Turkey" not in texts
                # choices, incidents and outcomes of this step come after London chose
                assert not any(
                    e.step == step
                    and e.kind in ("choice", "incident", "outcome")
                    and any(i.happened == e.when and e.text in i.text for i in shown)
                    for e in g.history.events
                )
    assert games == 36


def test_briefing_grows_and_is_dated_in_london_time() -> None:
    g = play.play(P, 0, 3, "21R")
    first = london.briefing(g.history, FIRST)
    assert any("six missile sites" in i.text for i in first)
    assert not any("broadcast" in i.text for i in first)  # the speech is the next evening
    later = london.briefing(g.history, g.end_step)
    assert len(later) > len(first) and any("broadcast" in i.text for i in later)
    speech = next(i for i in later if "broadcast" in i.text)
    assert speech.heard == "23 Oct 00:00 London"  # 19:00 Washington, 22 Oct [OH]


def test_alert_state_follows_the_news_and_the_players_alert() -> None:
    g = play.play(P, 0, 3, "21R30A")
    assert "normal readiness" in london.alert_state(g.history, FIRST, 30)[0]
    after = london.alert_state(g.history, 35, 30)
    assert "DEFCON 2" in after[0] and "Alert Condition 3" in after[1]
    assert "routine readiness" in london.alert_state(g.history, 30, 30)[1]


# --- the two voices ---------------------------------------------------------------------------


def test_each_voice_advises_what_its_own_components_favour() -> None:
    g = play.play(P, 0, 3, "21R")
    fo = P.f("uk.foreign_office_weight")
    for step in g.decision_steps:
        view = g.seen[step]
        a = voices.advice(view, fo)
        assert [v.voice for v in a.voices] == ["cabinet", "foreign office"]
        for v in a.voices:
            weight = v.weight
            own = [
                sum(c[i] for k, c in view.components.items() if k.startswith(v.voice + ":"))
                / weight
                for i in range(len(play.LINES))
            ]
            legal = [i for i in range(len(play.LINES)) if view.legal[i]]
            assert own[play.LINES.index(v.advises)] == max(own[i] for i in legal)
            assert v.sentence.startswith(voices.VOICE_NAMES[v.voice])
        assert math.isclose(sum(a.chances.values()), 1.0)


def test_voices_disagree_somewhere_and_a_silent_voice_says_so() -> None:
    g = play.play(P, 0, 3, "21R")
    fo = P.f("uk.foreign_office_weight")
    advised = {
        tuple(v.advises for v in voices.advice(g.seen[s], fo).voices) for s in g.decision_steps
    }
    assert any(c != f for c, f in advised)  # the Cabinet/Foreign Office split is felt
    cabinet_only = make_params({"uk.foreign_office_weight": 0.0})
    g0 = play.play(cabinet_only, 0, 3, "21R")
    a = voices.advice(g0.seen[FIRST], 0.0)
    assert "no say" in a.voices[1].sentence


# --- the policy replay ------------------------------------------------------------------------


def test_policy_replay_is_the_game_in_every_history_and_chunk_invariant() -> None:
    choices, _ = play.parse("21R27T30A33F")
    runs = 40
    whole = play.run_policy(P, choices, runs, seed=2)
    parts = play.run_policy(P, choices, runs, seed=2, chunk=7)
    for name in ("outcome", "resolved_step", "concessions", "incidents"):
        assert (getattr(whole, name) == getattr(parts, name)).all()
    for i in range(runs):
        g = play.play(P, 2, i, choices)  # a game may end before its later choices: same policy
        assert int(whole.resolved_step[i]) == g.history.resolved_step
        assert OUTCOMES[int(whole.outcome[i])] == g.history.outcome


def test_controlled_run_without_forcing_is_the_ensemble() -> None:
    """The controller path (no compaction, no lookup tables) gives the ensemble's numbers."""

    def free(step: int, view: CrisisView) -> npt.NDArray[np.int8]:
        return np.full(view.world.n, -1, dtype=np.int8)

    params = play.player_params(P, play.parse("27T30B")[0])
    a = ensemble.run(params, 300, seed=4)
    b = run_chunk(params, 4, 0, 300, controllers={"uk": free})
    for name in ("outcome", "resolved_step", "concessions", "peak_escalation"):
        assert (getattr(a, name) == getattr(b, name)).all()


def test_debrief_numbers_are_the_paired_runs() -> None:
    g = play.play(P, 1, 4, "21R27T")
    d = debrief(g, runs=1000)
    assert (d.model.outcome == ensemble.run(P, 1000, seed=1).outcome).all()
    mine = play.run_policy(P, g.game.choices, 1000, seed=1)
    assert (d.player.outcome == mine.outcome).all()
    without = play.run_policy(P, g.game.choices[:1], 1000, seed=1)
    assert d.effects[0].changed == changed(mine, without)
    assert d.model_history.events == replay(P, 1, 4).events
    text = " ".join(d.sentences())
    assert "war would have happened in" in text and "Thor offer on 23 Oct" in text
    page = as_html(d, "baseline", "http://localhost/play?g=1")
    assert page.count("<html") == 1 and "Your history" in page and "<script" not in page
