"""The class's one-page summary (ui.components.class_summary) prints on one page."""

from __future__ import annotations

import html

import pytest

from sim import questions
from sim.scenario import load_scenario, scenario_ids
from ui.components import class_summary
from ui.components.class_charts import Answer

#: A class: every option chosen by someone, shares spread over the whole range.
STUDENTS = 30


def summary(scenario_id: str) -> str:
    """The summary of a class that revealed every question of the scenario."""
    scenario = load_scenario(scenario_id)
    rows = []
    for q in questions.questions_for(scenario_id):
        answers = [
            Answer(f"s{i}", q.options[i % len(q.options)] if q.kind == "choice" else i / STUDENTS)
            for i in range(STUDENTS)
        ]
        model = questions.model_answer(q, scenario_id, runs=400)
        rows.append(class_summary.Row(q, answers, model, questions.historical_answer(q)))
    return class_summary.html_page("ABC234", scenario, rows, scenario.discussion)


@pytest.mark.parametrize("scenario_id", scenario_ids())
@pytest.mark.parametrize("paper", ["auto", "letter"])  # auto: WeasyPrint's A4
def test_a_class_summary_prints_on_one_page(scenario_id: str, paper: str) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    page = summary(scenario_id)
    assert "size: auto;" in page  # the print CSS this test edits for Letter
    laid_out = weasyprint.HTML(string=page.replace("size: auto;", f"size: {paper};")).render()
    assert len(laid_out.pages) == 1, f"{scenario_id} on {paper}: {len(laid_out.pages)} pages"


def test_the_summary_says_the_scenario_question_once_and_every_question() -> None:
    page = summary("thor_immobilisation")
    scenario = load_scenario("thor_immobilisation")
    assert page.count(html.escape(scenario.question)) == 1
    for q in questions.questions_for("thor_immobilisation"):
        assert html.escape(class_summary.asked(q, scenario)) in page
        assert class_summary.asked(q, scenario) != q.text  # the scenario's question taken off
