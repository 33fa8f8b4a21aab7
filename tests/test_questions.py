"""sim.questions: the built-in prediction questions and the model's answers to them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim import questions, sources
from sim.outcomes import OUTCOMES
from sim.scenario import BASELINE_ID, ScenarioError, load_scenario, scenario_ids

RUNS = 600  # small: these tests check the logic, not the model's numbers


@pytest.mark.parametrize("sid", scenario_ids())
def test_every_scenario_has_questions_naming_its_what_if(sid: str) -> None:
    sc = load_scenario(sid)
    found = questions.questions_for(sid)
    keys = [q.key for q in found]
    assert 2 <= len(found) <= 3 and len(set(keys)) == len(keys)
    assert keys[:2] == [questions.NUCLEAR, questions.MOST_COMMON]
    for q in found:
        assert sc.question in q.text, q.text
        assert q.scenario_id == sid
        assert len(q.options) == len(q.option_labels)
        assert (q.kind == "share") == (not q.options)
    if sid == BASELINE_ID:
        assert len(found) == 2
    elif questions.britain_acts(sc):
        assert keys[2] == questions.DEAL_CHANGES
    else:
        assert keys[2] == questions.WAR_CHANGES


def test_deal_changes_only_where_britain_acts() -> None:
    acting = {s for s in scenario_ids() if questions.britain_acts(load_scenario(s))}
    asking = {
        s
        for s in scenario_ids()
        if questions.DEAL_CHANGES in [q.key for q in questions.questions_for(s)]
    }
    assert asking == acting
    assert {"thor_immobilisation", "real_consultation"} <= acting
    assert "oil_tankers" not in acting


@pytest.mark.parametrize("sid", scenario_ids())
def test_model_answers_lie_in_their_intervals(sid: str) -> None:
    for q in questions.questions_for(sid):
        a = questions.model_answer(q, sid, runs=RUNS, seed=3)
        assert a.question_key == q.key and a.runs == RUNS and a.seed == 3
        assert a.share is not None and a.low is not None and a.high is not None
        assert a.low <= a.share <= a.high
        assert a.text.startswith(f"In {RUNS:,} histories")
        if q.kind == "share":
            assert a.correct is None and 0.0 <= a.share <= 1.0
        else:
            assert a.correct in q.options
            assert set(a.distribution) == set(q.options)
            assert sum(a.distribution.values()) == pytest.approx(1.0)
            assert all(0.0 <= v <= 1.0 for v in a.distribution.values())
        if q.key == questions.MOST_COMMON:
            assert a.correct == max(a.distribution, key=lambda o: a.distribution[o])


def test_model_answer_is_deterministic_for_a_seed() -> None:
    q = questions.question("thor_immobilisation", questions.DEAL_CHANGES)
    a = questions.model_answer(q, "thor_immobilisation", runs=RUNS, seed=5)
    b = questions.model_answer(q, "thor_immobilisation", runs=RUNS, seed=5)
    assert a == b
    c = questions.model_answer(q, "thor_immobilisation", runs=RUNS, seed=6)
    assert c.share != a.share


def test_comparisons_are_paired_with_the_baseline() -> None:
    """air_strike_first removes the quarantine: fighting rises, clearly beyond chance; the
    baseline's own histories never show fighting 'less' often than themselves."""
    q = questions.question("air_strike_first", questions.WAR_CHANGES)
    a = questions.model_answer(q, "air_strike_first", runs=RUNS)
    assert a.correct == "more" and a.low is not None and a.low > 0
    q = questions.question("public_jupiter_trade", questions.WAR_CHANGES)
    a = questions.model_answer(q, "public_jupiter_trade", runs=2000)
    assert a.correct == "about_the_same"
    q = questions.question("thor_immobilisation", questions.DEAL_CHANGES)
    assert questions.model_answer(q, "thor_immobilisation", runs=RUNS).correct == "yes"


def test_preset_changes_the_answer() -> None:
    q = questions.question(BASELINE_ID, questions.NUCLEAR)
    low = questions.model_answer(q, BASELINE_ID, runs=RUNS, preset="participants_low")
    high = questions.model_answer(q, BASELINE_ID, runs=RUNS, preset="model_high")
    assert low.share is not None and high.share is not None and low.share < high.share


def test_misuse_is_one_line() -> None:
    with pytest.raises(questions.QuestionError, match="use one of nuclear_war_share"):
        questions.question(BASELINE_ID, questions.DEAL_CHANGES)
    with pytest.raises(ScenarioError):
        questions.questions_for("no_such_scenario")
    wrong = questions.question("oil_tankers", questions.WAR_CHANGES)
    with pytest.raises(questions.QuestionError):
        questions.model_answer(wrong, BASELINE_ID, runs=RUNS)


def test_historical_answers_cite_known_sources() -> None:
    for sid in scenario_ids():
        for q in questions.questions_for(sid):
            text = questions.historical_answer(q)
            cited = sources.citations_in_brackets(text)
            assert cited, text
            for c in cited:
                sources.resolve(c)


def test_outcome_options_are_the_engine_outcomes() -> None:
    q = questions.question(BASELINE_ID, questions.MOST_COMMON)
    assert q.options == OUTCOMES
    assert q.label("nuclear_war") == "Nuclear weapons used"


def test_import_is_light() -> None:
    code = "import sys, sim.questions; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_deal_question_recalls_each_scenario_s_british_part() -> None:
    words = {
        "thor_immobilisation": "Thors",
        "real_consultation": "consulted",
        "berlin_settlement": "Berlin",
    }
    for sid, word in words.items():
        q = questions.question(sid, questions.DEAL_CHANGES)
        assert word in questions.historical_answer(q)
    acting = [s for s in scenario_ids() if questions.britain_acts(load_scenario(s))]
    assert sorted(acting) == sorted(words)  # a new British scenario needs its own line here
