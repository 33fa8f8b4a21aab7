"""The Explore page's first screen (issue 14, item 1), without a browser: what to do, the
scenario's settings inline and in step with the sidebar and the link, the headline chart against
the baseline, what a what-if changed and why it matters, and the scenario picker's measured
effects. tests/test_browser.py checks that it all fits on a 1280x720 screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sim import ensemble, summary
from sim.limits import APP_DEFAULT_RUNS
from sim.params import SPECS
from sim.scenario import BASELINE_ID, load_scenario
from tests.test_app import QUICK, new_app, run_ok
from ui.components import first_screen, session


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def markdown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def headline_caption(at: AppTest, measure: str) -> str:
    found = [c.value for c in at.caption if c.value.startswith(first_screen.row_label(measure))]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


def test_the_default_opens_on_a_lesson_whose_headline_moves() -> None:
    """The default scenario's headline measure moves beyond chance and by more than 0.5 points at
    the app's default size: measured, so a recalibration that removes it fails here."""
    scenario = load_scenario(session.PREFERRED_DEFAULT)
    measure = scenario.focus()[1]
    p = ensemble.run_paired(
        scenario.params(), load_scenario(BASELINE_ID).params(), APP_DEFAULT_RUNS, 0
    )
    d = summary.measure_difference(p, measure)
    assert summary.moves(d), f"{scenario.id}: {measure} {d} at {APP_DEFAULT_RUNS:,} histories"
    assert not summary.practically_unchanged(p)


def test_first_screen_says_what_to_do_and_shows_the_settings_and_chart() -> None:
    at = run_ok(new_app())
    names, measure = load_scenario(session.PREFERRED_DEFAULT).focus()
    text = markdown(at)
    assert f"Move **{SPECS[names[0]].label}**" in text
    assert f"watch {first_screen.watch_phrase(measure)}" in text
    for name in names:  # inline, in the main area, beside the sidebar's own widget
        main = [w for w in at.main.slider if w.key == f"first.p.{name}"]
        assert len(main) == 1 and main[0].label == SPECS[name].label
        assert at.sidebar.slider(key=f"p.{name}").label == SPECS[name].label
    caption = headline_caption(at, measure)
    assert "in this scenario" in caption and "in the baseline" in caption
    assert "95% interval" in caption
    assert "**Why it matters:**" in text


def test_the_inline_setting_moves_the_numbers_the_sidebar_and_the_link() -> None:
    at = run_ok(new_app())
    name, measure = "uk.consultation", load_scenario(session.PREFERRED_DEFAULT).focus()[1]
    before = headline_caption(at, measure)
    at.slider(key=f"first.p.{name}").set_value(0.2)
    run_ok(at)
    assert at.session_state[session.param_key(name)] == pytest.approx(0.2)
    assert at.sidebar.slider(key=f"p.{name}").value == pytest.approx(0.2)
    assert at.query_params[name] == "0.2"
    assert headline_caption(at, measure) != before
    assert "**The scenario's lesson (for its own settings):**" in markdown(at)
    # ... and the sidebar's widget moves the inline one.
    at.sidebar.slider(key=f"p.{name}").set_value(0.5)
    run_ok(at)
    assert at.slider(key=f"first.p.{name}").value == pytest.approx(0.5)
    assert at.query_params[name] == "0.5"
    # Reset puts both back.
    next(b for b in at.button if b.label == "Reset to scenario").click()
    run_ok(at)
    reference = load_scenario(session.PREFERRED_DEFAULT).params()[name]
    assert at.slider(key=f"first.p.{name}").value == pytest.approx(reference)
    assert name not in at.query_params


def test_other_widget_kinds_inline_follow_the_same_state() -> None:
    at = run_ok(new_app({**QUICK, "scenario": "thor_immobilisation"}))
    at.toggle(key="first.p.uk.thor_offer_us_consent").set_value(True)
    run_ok(at)
    assert at.sidebar.toggle(key="p.uk.thor_offer_us_consent").value is True
    assert at.query_params["uk.thor_offer_us_consent"] == "true"
    at.selectbox(key="first.p.uk.thor_offer").set_value("none")
    run_ok(at)
    assert at.query_params["uk.thor_offer"] == "none"
    assert at.sidebar.selectbox(key="p.uk.thor_offer").value == "none"


def test_a_what_if_that_changes_no_outcome_says_what_it_changed_and_why() -> None:
    # public_jupiter_trade: the same trade made in public changes the deal, not the outcome.
    at = run_ok(new_app({**QUICK, "scenario": "public_jupiter_trade"}))
    text = markdown(at).replace("\\$", "$")
    assert "**No outcome moves beyond chance, but the deal does:** " in text
    lesson = load_scenario("public_jupiter_trade").lesson
    assert f"**Why it matters:** {first_screen.lesson_point(lesson)}" in text
    assert "how often the deal includes" in text


def test_the_picker_words_each_what_if_with_its_measured_effect() -> None:
    at = run_ok(new_app())
    options = at.selectbox(key=session.K_SCENARIO).options
    base = load_scenario(BASELINE_ID)
    assert options[0] == base.title  # the baseline has no effect of its own
    for scenario, option in zip(list(session.shipped().values())[1:], options[1:], strict=True):
        p = ensemble.run_paired(scenario.params(), base.params(), APP_DEFAULT_RUNS, 0)
        expected = first_screen.effect_words(p, scenario.focus()[1])
        assert option == f"{scenario.title} · {expected}"
    assert any(" pts" in o for o in options) and any("deal: " in o for o in options)


def test_effect_words_say_unchanged_when_nothing_moves() -> None:
    base = load_scenario(BASELINE_ID).params()
    p = ensemble.run_paired(base, base, 500, 0)
    assert first_screen.effect_words(p, "any_war") == "any fighting unchanged"
    assert first_screen.effect_words(p, "pledge") == "deal: pledge unchanged"


def test_the_first_screen_is_there_in_presentation_mode_and_when_settings_clash() -> None:
    at = run_ok(new_app())
    at.sidebar.toggle(key="presentation").set_value(True)
    run_ok(at)
    measure = load_scenario(session.PREFERRED_DEFAULT).focus()[1]
    assert headline_caption(at, measure)
    assert [w for w in at.main.slider if w.key == "first.p.uk.consultation"]
    # Settings that cannot hold together: the settings stay, the chart waits, no traceback.
    at.sidebar.toggle(key="presentation").set_value(False)
    at.selectbox(key="p.us.first_move").set_value("air_strike")
    at.toggle(key="p.us.widen_to_tankers").set_value(True)
    run_ok(at)
    assert at.error and [w for w in at.main.slider if w.key == "first.p.uk.consultation"]
    assert any("The chart returns when the settings hold together" in i.value for i in at.info)
