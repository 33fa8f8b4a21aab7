"""The Class page's charts (ui.components.class_charts) say what the model says."""

from __future__ import annotations

import pytest

from sim import questions
from sim.scenario import BASELINE_ID
from ui.components import class_charts


def test_the_baseline_stage_chart_has_a_bar_per_outcome_the_model_gives() -> None:
    question = questions.question(BASELINE_ID, questions.MOST_COMMON)
    model = questions.model_answer(question, BASELINE_ID, runs=1000)
    spec = class_charts.model_chart(question, model)
    (rows,) = spec["datasets"].values()
    given = [o for o in question.options if model.distribution.get(o, 0.0) > 0]
    assert 2 <= len(given) < len(question.options)  # some outcomes never happen at 1,000
    assert [r["category"] for r in rows] == [question.label(o) for o in given]
    for row, option in zip(rows, given, strict=True):
        assert row["share"] == pytest.approx(model.distribution[option])
        assert row["label"] == f"{model.distribution[option]:.1%}"  # as the caption says it
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    assert spec["layer"][1]["mark"]["type"] == "text"  # the shares are printed, not only drawn
