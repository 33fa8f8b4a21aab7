"""The reveal's charts: the class's predictions beside the model's answer, in the house style.

A share question: the class's answers as a histogram (5-point bins) with the model's share as a
line and its 95% interval as a band. A choice question: for each option, the share of the class
that chose it beside the share of the model's histories (bars side by side, as on the Explore
page). Also the closest predictions, and the class's answers in words (for the debrief and the
one-page summary). Pure functions of the answers: no Streamlit, no database.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from sim.questions import ModelAnswer, Question
from ui.components.chart_style import (
    BASELINE_COLOUR,
    FONT,
    INK,
    SCENARIO_COLOUR,
    TEXT,
    Spec,
    legend,
    pct,
    spec_of,
    wrapped_labels,
)

CLASS = "The class"
MODEL = "The model"
SOURCE_SCALE = alt.Scale(domain=[CLASS, MODEL], range=[SCENARIO_COLOUR, BASELINE_COLOUR])
#: Width of a histogram bin for share answers (percentage points).
BIN_POINTS = 5


@dataclass(frozen=True)
class Answer:
    """One student's answer: a share (0–1) for share questions, an option key for choices."""

    nickname: str
    value: float | str


def shares(answers: Sequence[Answer]) -> list[float]:
    return [float(a.value) for a in answers if isinstance(a.value, float | int)]


def tally(question: Question, answers: Sequence[Answer]) -> dict[str, int]:
    """Option -> how many chose it (every option, in the question's order)."""
    counts = Counter(str(a.value) for a in answers)
    return {o: counts.get(o, 0) for o in question.options}


def _categories(order: list[str]) -> alt.Y:
    """The answers down the side, in the question's order, their labels wrapped, never cut."""
    return alt.Y(
        "category:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(order)),
    )


def share_chart(answers: Sequence[Answer], model: ModelAnswer) -> Spec:
    """Histogram of the class's shares (0–100%) with the model's share and 95% interval."""
    values = shares(answers)
    bins = [min(int(v * 100 // BIN_POINTS), 100 // BIN_POINTS - 1) for v in values]
    counts = Counter(bins)
    rows = [
        {"lo": b * BIN_POINTS / 100, "hi": (b + 1) * BIN_POINTS / 100, "n": counts.get(b, 0)}
        for b in range(100 // BIN_POINTS)
    ]
    top = max([1, *counts.values()])
    x = alt.X(
        "lo:Q",
        scale=alt.Scale(domain=[0, 1]),
        title="Share of histories",
        axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelFlush=True),
    )
    bars = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(color=SCENARIO_COLOUR, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            x2="hi:Q",
            y2=alt.datum(0),
            y=alt.Y(
                "n:Q",
                title="Students",
                scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            tooltip=[alt.Tooltip("n:Q", title="Students")],
        )
    )
    layers: list[alt.Chart] = []
    if model.share is not None:
        low = model.low if model.low is not None else model.share
        high = model.high if model.high is not None else model.share
        m = pd.DataFrame(
            [
                {
                    "share": model.share,
                    "low": low,
                    "high": high,
                    "y": top,
                    "label": f"Model {pct(model.share)}",
                }
            ]
        )
        # The band, the line and its label over the bars (the band see-through).
        band = alt.Chart(m).mark_rect(color=BASELINE_COLOUR, opacity=0.55)
        layers.append(bars)
        layers.append(band.encode(x="low:Q", x2="high:Q"))
        line = alt.Chart(m).mark_rule(color=BASELINE_COLOUR, strokeWidth=4, strokeDash=[6, 3])
        layers.append(line.encode(x="share:Q"))
        left = model.share < 0.7
        text = alt.Chart(m).mark_text(
            align="left" if left else "right",
            dx=8 if left else -8,
            dy=10,
            color=TEXT,
            fontSize=16,
            fontWeight="bold",
            baseline="top",
        )
        layers.append(text.encode(x="share:Q", y=alt.Y("y:Q"), text="label:N"))
    else:
        layers.append(bars)
    return spec_of(alt.LayerChart(layer=layers, height=260), "class-share")


def choice_chart(question: Question, answers: Sequence[Answer], model: ModelAnswer) -> Spec:
    """Per option: the share of the class that chose it beside the share of the model's
    histories (the class's count is in the tooltip and the words)."""
    counts = tally(question, answers)
    total = max(sum(counts.values()), 1)
    rows: list[dict[str, object]] = []
    # Options nobody chose and the model never gives are left out (as on the Explore page).
    shown = [o for o in question.options if counts[o] or model.distribution.get(o, 0.0) > 0]
    for option in shown:
        label = question.label(option)
        n = counts[option]
        rows.append(
            {
                "category": label,
                "source": CLASS,
                "share": n / total,
                "text": f"{n} of {sum(counts.values())} students",
            }
        )
        m = model.distribution.get(option, 0.0)
        rows.append(
            {
                "category": label,
                "source": MODEL,
                "share": m,
                "text": f"{pct(m)} of the model's histories",
            }
        )
    order = [question.label(o) for o in shown]
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=_categories(order),
        yOffset=alt.YOffset("source:N", sort=[CLASS, MODEL]),
        tooltip=[
            alt.Tooltip("category:N", title="Answer"),
            alt.Tooltip("source:N", title="Who"),
            alt.Tooltip("text:N", title="Share"),
        ],
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "share:Q",
            title="Share",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelFlush=True),
        ),
        color=alt.Color("source:N", scale=SOURCE_SCALE, legend=legend()),
    )
    labels = (
        base.mark_text(align="left", dx=4, color=INK)
        .encode(x="share:Q", text=alt.Text("share:Q", format=".0%"))
        .transform_filter("datum.share > 0")
    )
    chart = alt.LayerChart(layer=[bars, labels], height=90 + 44 * len(order))
    return spec_of(chart, "class-choice")


def model_chart(question: Question, model: ModelAnswer) -> Spec:
    """The model's answer to a choice question alone, as bars with printed shares (the Class
    page's Baseline stage: how the crisis ends when it is played many times, before any what-if).
    Options the model never gives are left out; the order is the question's."""
    shown = [o for o in question.options if model.distribution.get(o, 0.0) > 0]
    rows = [
        {
            "category": question.label(o),
            "share": model.distribution[o],
            "text": f"{pct(model.distribution[o])} of the model's histories",
            # Printed by Python, as the caption under the chart prints it (Vega rounds otherwise).
            "label": f"{model.distribution[o]:.1%}",
        }
        for o in shown
    ]
    order = [question.label(o) for o in shown]
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=_categories(order),
        tooltip=[
            alt.Tooltip("category:N", title="Outcome"),
            alt.Tooltip("text:N", title="Share"),
        ],
    )
    bars = base.mark_bar(color=BASELINE_COLOUR).encode(
        x=alt.X(
            "share:Q",
            title="Share of the model's histories",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelFlush=True),
        ),
    )
    labels = base.mark_text(align="left", dx=4, color=INK, fontSize=FONT).encode(
        x="share:Q", text="label:N"
    )
    chart = alt.LayerChart(layer=[bars, labels], height=60 + 40 * len(order))
    return spec_of(chart, "class-model")


def closest(
    question: Question, answers: Sequence[Answer], model: ModelAnswer, n: int = 3
) -> list[str]:
    """The nicknames whose predictions were closest to the model's answer (raw text: the caller
    escapes). Share questions: nearest to the model's share; choices: those who chose the
    model's answer (at most `n`, in the order they joined)."""
    if question.kind == "share":
        if model.share is None:
            return []
        ranked = sorted(
            (a for a in answers if isinstance(a.value, float | int)),
            key=lambda a: abs(float(a.value) - (model.share or 0.0)),
        )
        return [a.nickname for a in ranked[:n]]
    return [a.nickname for a in answers if a.value == model.correct][:n]


def class_words(question: Question, answers: Sequence[Answer]) -> str:
    """The class's predictions in one line (debrief and summary)."""
    if not answers:
        return "No answers."
    if question.kind == "share":
        values = shares(answers)
        low, high = min(values), max(values)
        middle = pct(statistics.median(values))
        n = len(values)
        return (
            f"{n} answer{'' if n == 1 else 's'}; median {middle} (from {pct(low)} to {pct(high)})."
        )
    counts = tally(question, answers)
    parts = [f"{question.label(o)}: {n}" for o, n in counts.items() if n]
    n = sum(counts.values())
    return f"{n} answer{'' if n == 1 else 's'} — " + "; ".join(parts) + "."


def model_words(question: Question, model: ModelAnswer) -> str:
    """The model's answer in one line (its own sentence, with the interval)."""
    if model.text:
        return model.text
    if model.share is not None:
        return f"{pct(model.share)} (95% interval {pct(model.low or 0)}–{pct(model.high or 0)})."
    return question.label(model.correct or "")
