"""The Play as Britain page without a browser (AppTest): a game advanced step by step to the
debrief, the game in the URL, a link that resumes it, and tampered links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sim import debrief, play
from sim.scenario import load_scenario
from tests.conftest import shown_link

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
GAME = {"scenario": "baseline", "seed": "0", "runs": "500", "history": "3"}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def open_play(query: dict[str, str]) -> AppTest:
    """The play page opened from a link (as a browser opening /play?...)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("views/play.py")
    return run_ok(at)


def run_ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    button.click()
    return run_ok(at)


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_a_game_step_by_step_to_the_debrief() -> None:
    at = open_play(GAME)
    assert [h.value for h in at.header] == [f"Step {play.FIRST_STEP}: {play.when(play.FIRST_STEP)}"]
    assert "Kennedy's private message" in text(at)
    assert "Cabinet advises" in text(at) and "Foreign Office" in text(at)
    at.radio(key=f"play.line.{play.FIRST_STEP}").set_value("advise_restraint")
    submit(at, "Decide and advance 6 hours")
    assert at.query_params["moves"] == "21R" and at.query_params["at"] == "22"
    assert at.header[0].value.startswith("Step 22")
    submit(at, "Decide and advance 6 hours")  # keep the line: nothing new is recorded
    assert at.query_params["moves"] == "21R"
    submit(at, "Keep this line to the end")
    assert any("The crisis is over" in s.value for s in at.success)
    expected = debrief.debrief(
        play.play(load_scenario("baseline").params(), 0, 3, "21R"), runs=debrief.RUNS
    )
    for sentence in expected.sentences():
        assert sentence in text(at)
    assert {s.value for s in at.subheader} >= {"Your history", "With the model's Britain"}
    link = shown_link(at, -1)
    assert "moves=21R" in link and "history=3" in link


def test_a_link_resumes_the_game_where_it_was() -> None:
    at = open_play({**GAME, "moves": "21R27T", "at": "30"})
    assert at.header[0].value.startswith("Step 30")
    assert not at.warning
    # The Thor offer was made: it is not offered again, and London heard of it.
    assert not [r for r in at.radio if r.label == "The Thors (once)"]
    assert "Britain offers Thor immobilisation" in text(at)


@pytest.mark.parametrize(
    ("moves", "kept", "words"),
    [
        ("21R25X", "21R", "not 'step:move'"),  # an unknown move
        ("25R22F", "25R", "time order"),  # a step out of order
        ("21R22T", "21R", "not allowed"),  # an initiative before it is allowed
        ("21A23A", "21A", "only once"),  # an action not allowed at that step
        ("21S" * 500, "21S", "more than"),  # an oversized list
        ("1" * 5000, "", "too long"),  # a huge link
    ],
)
def test_tampered_links_warn_once_and_replay_the_valid_choices(
    moves: str, kept: str, words: str
) -> None:
    at = open_play({**GAME, "moves": moves})
    assert len(at.warning) == 1 and words in at.warning[0].value
    assert "\n" not in at.warning[0].value
    assert at.query_params["moves"] == kept


def test_a_clock_out_of_range_is_clamped_with_a_warning() -> None:
    at = open_play({**GAME, "moves": "21R", "at": "9999"})
    assert len(at.warning) == 1 and "at = '9999'" in at.warning[0].value
    assert at.query_params["at"] == "22"


def test_start_again_clears_the_game() -> None:
    at = open_play({**GAME, "moves": "21R27T", "at": "30"})
    submit(at, "Start this game again")
    assert at.header[0].value.startswith(f"Step {play.FIRST_STEP}")
    assert at.query_params["moves"] == ""
