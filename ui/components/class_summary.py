"""The class's debrief as one printable page: each question with the class's predictions, the
model's answer and what happened in 1962, then the discussion questions.

Self-contained HTML (no script, no external file: the bars are CSS), with print CSS for A4 and
Letter, so a teacher can keep it, print it or hand it round: every shipped scenario's summary,
with all its questions revealed, prints on one page of either (tests/test_class_summary.py).
Every text from the class (nicknames never appear; answers only as counts) or from a scenario
file is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.questions import ModelAnswer, Question
from sim.scenario import Scenario
from ui.components import class_charts
from ui.components.class_charts import Answer

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~$])")


def md(text: str) -> str:
    """`text` with Markdown's (and HTML's) special characters escaped, for st.markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


@dataclass(frozen=True)
class Row:
    """One revealed question of the debrief."""

    question: Question
    answers: Sequence[Answer]
    model: ModelAnswer
    history: str
    class_text: str = field(init=False)
    model_text: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "class_text", class_charts.class_words(self.question, self.answers)
        )
        object.__setattr__(self, "model_text", class_charts.model_words(self.question, self.model))


CSS = """
@page { size: A4; margin: 12mm; }
@media print { @page { size: auto; margin: 10mm; } html { font-size: 8.5pt; }
  body { margin: 0; padding: 0; } .noprint { display: none; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 48rem;
  margin: 1.5rem auto; padding: 0 1rem; line-height: 1.3; }
h1 { font-size: 1.4rem; margin: 0 0 0.2rem; } h2 { font-size: 1rem; margin: 0.8rem 0 0.25rem; }
.meta { color: #555; font-size: 0.9rem; margin: 0.2rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
td, th { border: 1px solid #bbb; padding: 0.2rem 0.35rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; width: 33%; }
.bars td, .bars th { padding: 0.05rem 0.35rem; }
.bar { display: inline-block; height: 0.6rem; background: #0072B2; vertical-align: middle; }
.bar.model { background: #E69F00; }
ol { margin: 0.2rem 0; padding-left: 1.4rem; }
.q { break-inside: avoid; page-break-inside: avoid; }
"""


def asked(question: Question, scenario: Scenario) -> str:
    """The question without the scenario's own question in front of it: the page says that once,
    at the top (so that a class's summary fits one printed page)."""
    return question.text.removeprefix(scenario.question).strip() or question.text


def class_cell(row: Row) -> str:
    """What the class predicted, in words; for a choice, its count only: the bars under the row
    give each option's share."""
    if row.question.kind == "choice":
        n = len(row.answers)
        return f"{n} answer{'' if n == 1 else 's'} (each option's share below)"
    return row.class_text


def _bars(row: Row) -> str:
    """The class's and the model's shares per option as CSS bars (choice questions)."""
    q = row.question
    if q.kind != "choice":
        return ""
    counts = class_charts.tally(q, row.answers)
    total = max(sum(counts.values()), 1)
    lines = []
    for option in q.options:
        mine, model = counts[option] / total, row.model.distribution.get(option, 0.0)
        lines.append(
            f"<tr><td>{html.escape(q.label(option))}</td>"
            f'<td><span class="bar" style="width:{mine * 8:.2f}rem"></span> {mine:.0%}</td>'
            f'<td><span class="bar model" style="width:{model * 8:.2f}rem"></span> {model:.1%}'
            "</td></tr>"
        )
    return (
        "<table class='bars'><tr><th>Answer</th><th>The class</th><th>The model</th></tr>"
        + "".join(lines)
        + "</table>"
    )


def html_page(code: str, scenario: Scenario, rows: Sequence[Row], discussion: Sequence[str]) -> str:
    """The one-page summary (a complete HTML document)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>cuba62 class {e(code)}: {e(scenario.title)}</title><style>{CSS}</style></head>",
        f"<body><h1>{e(scenario.title)}</h1>",
        f"<p class='meta'>cuba62 class {e(code)} · {dt.date.today():%d %B %Y}</p>",
        f"<p><strong>{e(scenario.question)}</strong></p>",
    ]
    if not rows:
        parts.append("<p>No question was revealed in this class.</p>")
    for row in rows:
        parts.append(
            f"<div class='q'><h2>{e(asked(row.question, scenario))}</h2><table>"
            f"<tr><th>The class predicted</th><th>The model</th><th>What happened in 1962</th></tr>"
            f"<tr><td>{e(class_cell(row))}</td><td>{e(row.model_text)}</td>"
            f"<td>{e(row.history)}</td></tr></table>{_bars(row)}</div>"
        )
    if discussion:
        items = "".join(f"<li>{e(d)}</li>" for d in discussion)
        parts.append(f"<div class='q'><h2>Questions to discuss</h2><ol>{items}</ol></div>")
    parts.append(
        "<p class='meta'>Model results: cuba62, a counterfactual simulator (its numbers are the "
        "model's, not history's). Source keys in brackets refer to the project's fact base.</p>"
        "</body></html>"
    )
    return "".join(parts)
