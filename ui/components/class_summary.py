"""The class's debrief as one printable page: each question with the class's predictions, the
model's answer and what happened in 1962, then the discussion questions.

Self-contained HTML (no script, no external file: the bars are CSS), with print CSS for A4 and
Letter, so a teacher can keep it, print it or hand it round. Every text from the class (nicknames
never appear; answers only as counts) or from a scenario file is escaped.
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
@page { size: A4; margin: 14mm; }
@media print { @page { size: auto; } body { font-size: 10pt; } .noprint { display: none; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 48rem;
  margin: 1.5rem auto; padding: 0 1rem; line-height: 1.35; }
h1 { font-size: 1.5rem; margin: 0 0 0.2rem; } h2 { font-size: 1.05rem; margin: 1rem 0 0.3rem; }
.meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
td, th { border: 1px solid #bbb; padding: 0.3rem 0.4rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; width: 33%; }
.bar { display: inline-block; height: 0.7rem; background: #0072B2; vertical-align: middle; }
.bar.model { background: #E69F00; }
.q { break-inside: avoid; page-break-inside: avoid; }
"""


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
        "<table><tr><th>Answer</th><th>The class</th><th>The model</th></tr>"
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
        f"<p class='meta'>cuba62 class {e(code)} · {dt.date.today():%d %B %Y} · "
        f"{e(scenario.question)}</p>",
    ]
    if not rows:
        parts.append("<p>No question was revealed in this class.</p>")
    for row in rows:
        parts.append(
            f"<div class='q'><h2>{e(row.question.text)}</h2><table>"
            f"<tr><th>The class predicted</th><th>The model</th><th>What happened in 1962</th></tr>"
            f"<tr><td>{e(row.class_text)}</td><td>{e(row.model_text)}</td>"
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
