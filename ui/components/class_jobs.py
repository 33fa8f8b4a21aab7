"""The model's answer to a class question, computed in the app's worker pool.

`sim.questions.model_answer` runs 4,000 histories (twice for a comparison with the baseline): a
second or more of CPU that must not run in the teacher's session thread (every session of the
server shares that one core). So it is a pool job, cached across sessions like every run, and
started when the question is posed, so the answer is usually ready by the reveal.
"""

from __future__ import annotations

from collections.abc import Hashable

from sim import questions

#: Histories per model answer (the questions module's default: intervals about ±1.5 points).
RUNS = questions.DEFAULT_RUNS
SEED = 0


def answer_key(scenario_id: str, question_key: str) -> tuple[Hashable, ...]:
    return ("class-answer", scenario_id, question_key, RUNS, SEED)


def answer_job(scenario_id: str, question_key: str) -> questions.ModelAnswer:
    """In a worker: the model's answer to one of the scenario's built-in questions."""
    question = questions.question(scenario_id, question_key)
    return questions.model_answer(question, scenario_id, runs=RUNS, seed=SEED)
