"""Built-in prediction questions per scenario, and the model's answer to each.

A class predicts before it sees the result (predict, observe, explain): the class session
(`classroom`, the app's Class page) and the printable teacher guide ask the same questions, so they
live here, in a public sim module. Every scenario gets:

- "nuclear_war_share" (share): out of all histories of this what-if, how many see nuclear weapons
  used? The model's answer is the scenario's share with its 95% Wilson interval.
- "most_common_outcome" (choice of outcome ids): which outcome will be most common? The model's
  answer is the modal outcome; `distribution` holds every outcome's share.
- a comparison with the baseline, for every scenario but the baseline itself:
  "deal_changes" (yes/no) where Britain acts (the scenario sets a `uk.*` parameter), else
  "war_changes" (more/less/about_the_same). Both are answered on paired histories (same seed, the
  baseline's parameters with the same preset): `correct` is decided by the paired difference
  (`sim.summary.moves`: more than 0.5 points and beyond chance), *not* by the modal option,
  because in most single histories nothing changes even when a what-if clearly moves the total.

Light at import (no numpy, no engine): the scenario is read and the model run inside the
functions, so the CLI and the class store can list questions cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sim.ensemble import Paired
    from sim.params import Params
    from sim.scenario import Scenario

#: Question keys, in the order a lesson asks them.
NUCLEAR = "nuclear_war_share"
MOST_COMMON = "most_common_outcome"
DEAL_CHANGES = "deal_changes"
WAR_CHANGES = "war_changes"
KEYS: tuple[str, ...] = (NUCLEAR, MOST_COMMON, DEAL_CHANGES, WAR_CHANGES)
#: Histories a model answer uses unless told otherwise: intervals about ±1.2 points at 50%.
DEFAULT_RUNS = 4000

_YES_NO = ("yes", "no")
_YES_NO_LABELS = ("Yes, the deal changes", "No, the deal stays much the same")
_MORE_LESS = ("more", "less", "about_the_same")
_MORE_LESS_LABELS = ("More often", "Less often", "About as often")


class QuestionError(ValueError):
    """An unknown question key for a scenario: one line naming the key and the allowed ones."""


@dataclass(frozen=True)
class Question:
    """One prediction question. `key` is stable (stored by the class store); `text` names the
    scenario's what-if so that a teacher can read it out as it is."""

    key: str
    kind: Literal["share", "choice"]
    text: str
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    scenario_id: str = ""

    def label(self, option: str) -> str:
        """The public wording of one option (the option itself if unknown)."""
        return dict(zip(self.options, self.option_labels, strict=True)).get(option, option)


@dataclass(frozen=True)
class ModelAnswer:
    """The model's answer to a question. Share questions (and the comparisons, as the share of
    paired histories that change) fill `share`, `low`, `high` (95% interval); choice questions
    fill `distribution` (option -> share of histories, summing to 1) and `correct`."""

    question_key: str
    share: float | None
    low: float | None
    high: float | None
    distribution: dict[str, float] = field(default_factory=dict)
    correct: str | None = None
    text: str = ""
    runs: int = DEFAULT_RUNS
    seed: int = 0


def _scenario(scenario_id: str) -> Scenario:
    from sim.scenario import load_scenario

    return load_scenario(scenario_id)


def britain_acts(scenario: Scenario) -> bool:
    """The what-if changes something British (a `uk.*` parameter)."""
    return any(name.startswith("uk.") for name in scenario.overrides)


def _what_if(scenario: Scenario) -> str:
    """The scenario's question as a teacher reads it out ('What if ...?')."""
    return scenario.question.strip()


def questions_for(scenario_id: str) -> list[Question]:
    """The built-in questions of a shipped scenario (2 for the baseline, 3 for a what-if).
    An unknown id raises `sim.scenario.ScenarioError` (one line). Built once per scenario and
    process (shipped scenario files do not change while it runs): the class pages ask for them
    on every redraw, and reading the scenario's TOML costs about a millisecond each time."""
    return list(_catalogue(scenario_id))


@lru_cache(maxsize=64)
def _catalogue(scenario_id: str) -> tuple[Question, ...]:
    return tuple(_build(scenario_id))


def _build(scenario_id: str) -> list[Question]:
    from sim.outcomes import LABELS, OUTCOMES
    from sim.scenario import BASELINE_ID

    sc = _scenario(scenario_id)
    what_if = _what_if(sc)
    found = [
        Question(
            NUCLEAR,
            "share",
            f"{what_if} Out of every 100 histories of this scenario, in how many are nuclear "
            "weapons used?",
            scenario_id=sc.id,
        ),
        Question(
            MOST_COMMON,
            "choice",
            f"{what_if} Which outcome will be the most common?",
            OUTCOMES,
            tuple(LABELS[o] for o in OUTCOMES),
            scenario_id=sc.id,
        ),
    ]
    if sc.id == BASELINE_ID:
        return found
    if britain_acts(sc):
        found.append(
            Question(
                DEAL_CHANGES,
                "choice",
                f"{what_if} Compared with what happened, will Britain's part change the deal "
                "that ends the crisis (what each side concedes, or whether there is a deal)?",
                _YES_NO,
                _YES_NO_LABELS,
                scenario_id=sc.id,
            )
        )
    else:
        found.append(
            Question(
                WAR_CHANGES,
                "choice",
                f"{what_if} Compared with what happened, will fighting (an air strike, an "
                "invasion, a clash over Berlin or nuclear use) be more or less common?",
                _MORE_LESS,
                _MORE_LESS_LABELS,
                scenario_id=sc.id,
            )
        )
    return found


def question(scenario_id: str, key: str) -> Question:
    """One question of a scenario by key; `QuestionError` (one line) if it has no such question."""
    found = {q.key: q for q in _catalogue(scenario_id)}
    if key not in found:
        raise QuestionError(
            f"question {key!r} is not one of scenario {scenario_id!r}'s: use one of "
            f"{', '.join(found)}"
        )
    return found[key]


def with_preset(params: Params, preset: str | None) -> Params:
    """`params` with the escalation preset's value (unchanged when `preset` is None)."""
    if preset is None:
        return params
    from sim import presets
    from sim.params import make_params

    return make_params({presets.PARAMETER: presets.value(presets.get(preset).id)}, base=params)


def model_answer(
    question: Question,
    scenario_id: str,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    preset: str | None = None,
) -> ModelAnswer:
    """The model's answer over `runs` histories (seed `seed`, escalation `preset` if given, on
    both sides of a comparison). Same arguments, same answer."""
    from sim import ensemble
    from sim.ensemble import Paired
    from sim.scenario import BASELINE_ID

    sc = _scenario(scenario_id)
    _check(question, sc.id)
    params = with_preset(sc.params(), preset)
    if question.key in (NUCLEAR, MOST_COMMON):
        # The scenario alone: the same histories as its side of a paired run.
        result = ensemble.run(params, runs, seed)
        return answer_on(question, sc.id, Paired(result, result), runs=runs, seed=seed)
    base = with_preset(_scenario(BASELINE_ID).params(), preset)
    paired = ensemble.run_paired(params, base, runs, seed)
    return answer_on(question, sc.id, paired, runs=runs, seed=seed)


def _check(question: Question, scenario_id: str) -> None:
    keys = [q.key for q in questions_for(scenario_id)]
    if question.key not in keys:
        raise QuestionError(
            f"question {question.key!r} is not one of scenario {scenario_id!r}'s: use one of "
            f"{', '.join(keys)}"
        )


def answer_on(
    question: Question, scenario_id: str, paired: Paired, *, runs: int, seed: int
) -> ModelAnswer:
    """The model's answer read off runs already made: `paired` is the scenario beside the
    baseline on the same `runs` histories of `seed` (its baseline side is read only by the
    comparisons), so a caller that has the paired run (the guide) does not run it again."""
    from sim import summary
    from sim.outcomes import LABELS, OUTCOMES

    sc = _scenario(scenario_id)
    _check(question, sc.id)
    histories = f"In {runs:,} histories of \u201c{sc.title}\u201d"

    if question.key in (NUCLEAR, MOST_COMMON):
        shares = summary.outcome_shares(paired.scenario)
        if question.key == NUCLEAR:
            s = shares["nuclear_war"]
            return ModelAnswer(
                question_key=question.key,
                share=s.share,
                low=s.lo,
                high=s.hi,
                text=f"{histories}, nuclear weapons are used in {summary.percent(s.share)} "
                f"(95% interval {summary.percent(s.lo)} to {summary.percent(s.hi)}).",
                runs=runs,
                seed=seed,
            )
        dist = {o: shares[o].share for o in OUTCOMES}
        top = max(OUTCOMES, key=lambda o: (dist[o], -OUTCOMES.index(o)))
        t = shares[top]
        return ModelAnswer(
            question_key=question.key,
            share=t.share,
            low=t.lo,
            high=t.hi,
            distribution=dist,
            correct=top,
            text=f"{histories}, the most common outcome is "
            f"{summary.in_sentence(LABELS[top])}: {summary.percent(t.share)} of histories "
            f"(95% interval {summary.percent(t.lo)} to {summary.percent(t.hi)}).",
            runs=runs,
            seed=seed,
        )

    if question.key == DEAL_CHANGES:
        changed = _deal_changed(paired)
        s = summary.wilson(changed, runs)
        moved = summary.deal_changes(paired, limit=2)
        correct = "yes" if moved else "no"
        detail = "; ".join(moved) if moved else "no concession's share moves by 0.5 points"
        return ModelAnswer(
            question_key=question.key,
            share=s.share,
            low=s.lo,
            high=s.hi,
            distribution={"yes": s.share, "no": 1.0 - s.share},
            correct=correct,
            text=f"{histories}, paired with the same histories of what happened, the deal "
            f"differs in {summary.percent(s.share)} of them (95% interval "
            f"{summary.percent(s.lo)} to {summary.percent(s.hi)}): {detail}.",
            runs=runs,
            seed=seed,
        )
    d = summary.war_difference(paired)
    more, less = _war_flips(paired)
    dist = {"more": more / runs, "less": less / runs}
    dist["about_the_same"] = 1.0 - dist["more"] - dist["less"]
    if summary.moves(d):
        correct = "more" if d.share > 0 else "less"
    else:
        correct = "about_the_same"
    before, after = summary.war_share(paired.baseline), summary.war_share(paired.scenario)
    verdict = dict(zip(_MORE_LESS, _MORE_LESS_LABELS, strict=True))[correct].lower()
    return ModelAnswer(
        question_key=question.key,
        share=d.share,
        low=d.lo,
        high=d.hi,
        distribution=dist,
        correct=correct,
        text=f"{histories}, paired with the same histories of what happened, fighting comes in "
        f"{summary.percent(after.share)} instead of {summary.percent(before.share)} "
        f"({summary.points(d.share)}; 95% interval {summary.signed(d.lo)} to "
        f"{summary.signed(d.hi)} points): {verdict}.",
        runs=runs,
        seed=seed,
    )


def _deal_changed(paired: Paired) -> int:
    """Paired histories whose deal differs (contents, or a deal where there was none or the
    reverse)."""
    from sim.outcomes import NEGOTIATED

    s, b = paired.scenario, paired.baseline
    s_deal = (s.outcome == NEGOTIATED) * (s.concessions.astype("int64") + 1)
    b_deal = (b.outcome == NEGOTIATED) * (b.concessions.astype("int64") + 1)
    return int((s_deal != b_deal).sum())


def _war_flips(paired: Paired) -> tuple[int, int]:
    """(histories with fighting only in the scenario, histories with fighting only in the
    baseline)."""
    import numpy as np

    from sim.outcomes import OUTCOMES, WAR_OUTCOMES

    war = [OUTCOMES.index(o) for o in WAR_OUTCOMES]
    s = np.isin(paired.scenario.outcome, war)
    b = np.isin(paired.baseline.outcome, war)
    return int((s & ~b).sum()), int((b & ~s).sum())


#: What happened in 1962, per question, with source keys (FACTS.md; checked by sim.sources).
_HISTORY: dict[str, str] = {
    NUCLEAR: "In 1962 no nuclear weapons were used: Moscow accepted Kennedy's terms by radio on "
    "28 October [OH; PBS-FBIS].",
    MOST_COMMON: "In 1962 the crisis ended in a negotiated withdrawal: a no-invasion pledge and a "
    "secret assurance on the Jupiters, accepted by Moscow on 28 October [OH].",
    DEAL_CHANGES: "In 1962 Britain was informed rather than consulted [TNA-msg; R95], and when "
    "Macmillan offered the Thors the Americans saw no advantage in it [S:48]: the deal was "
    "Washington's and Moscow's.",
    WAR_CHANGES: "In 1962 there was no US air strike or invasion and no fighting over Berlin; the "
    "quarantine held until Moscow accepted on 28 October [OH].",
}


#: Where Britain acts, what became of that British part in 1962 (from each scenario's
#: historical_basis); other scenarios use `_HISTORY[DEAL_CHANGES]`.
_DEAL_BY_SCENARIO: dict[str, str] = {
    "thor_immobilisation": "In 1962 Macmillan offered the Thors on 27 October [UPI93], but the "
    "Americans saw no advantage in it [S:48]; the deal was a no-invasion pledge and a secret "
    "assurance on the Jupiters [OH].",
    "real_consultation": "In 1962 Kennedy made his first decision on his own responsibility and "
    "told Macmillan afterwards [TNA-msg]; Britain was informed rather than consulted [R95], and "
    "the deal was Washington's and Moscow's [OH].",
    "berlin_settlement": "In 1962 Ormsby-Gore's idea of using Cuba to improve West Berlin's "
    "status came only after the crisis eased [S:83–86]; the deal, a no-invasion pledge and a "
    "secret assurance on the Jupiters, said nothing about Berlin [OH].",
}


def historical_answer(question: Question) -> str:
    """What actually happened, for the debrief, with [KEY] citations (FACTS.md source keys).
    A what-if did not happen, so this is 1962 itself; the deal question names what became of
    the scenario's British part."""
    if question.key == DEAL_CHANGES and question.scenario_id in _DEAL_BY_SCENARIO:
        return _DEAL_BY_SCENARIO[question.scenario_id]
    return _HISTORY[question.key]
