"""A printable teacher guide and student worksheet for one scenario, as one HTML document (or PDF).

A teacher who runs a lesson with the class page needs the same lesson on paper: the question, the
background with its sources in full, what to notice, the prediction questions with room to
answer, the model's result, and the debrief questions. All of it comes from the scenario file and
from the model (`sim.questions` asks the same questions as the class session, so the guide's
answers are the class's reveal), so a guide cannot drift from the app.

The document is self-contained (inline CSS and SVG, no script, no request) so that it can be
mailed, printed or opened offline. Its print CSS fits both A4 and Letter: `@page { size: auto }`
with margins that leave at least 170 mm of width on either paper, content never wider than that,
and no page break inside a box. The student worksheet starts on a new page and holds no answer.

PDF needs WeasyPrint (the optional extra `pdf`: `pip install "cuba62[pdf]"`); it is imported
only by `pdf_bytes`, so that nothing else pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from sim import guide_chart

if TYPE_CHECKING:
    from sim.questions import ModelAnswer, Question
    from sim.scenario import Scenario

#: How to get PDF output, in the words of the one-line error when WeasyPrint is missing.
PDF_INSTALL = 'pip install "cuba62[pdf]" (or pip install "weasyprint>=60")'


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the system library it needs) is missing: one line saying how to get it."""


@dataclass(frozen=True)
class Answered:
    """One prediction question with the model's answer and what happened in 1962."""

    question: Question
    answer: ModelAnswer
    history: str


@dataclass(frozen=True)
class Guide:
    """Everything a guide shows; `render_html` lays it out."""

    scenario: Scenario
    baseline_title: str | None  # None when the scenario is the baseline itself
    runs: int
    seed: int
    preset: str | None
    setting: str  # the escalation risk the results were measured at, in words
    rows: tuple[guide_chart.Row, ...]
    references: tuple[tuple[str, str], ...]  # (citation, full reference)
    answered: tuple[Answered, ...]

    @property
    def command(self) -> str:
        """The command that writes this guide again."""
        preset = f" --preset {self.preset}" if self.preset else ""
        return (
            f"cuba62 guide {self.scenario.id} --runs {self.runs} --seed {self.seed}{preset} "
            f"--out {self.scenario.id}_guide.html"
        )


def references(scenario: Scenario, *more: str) -> list[tuple[str, str]]:
    """(citation, full reference) for the scenario's sources, then every other citation in its
    historical basis, lesson and discussion questions and in `more` (e.g. what happened in 1962,
    per question), each once, in that order."""
    from sim import sources

    prose = "\n".join([scenario.historical_basis, scenario.lesson, *scenario.discussion, *more])
    cited = [*scenario.sources, *sources.citations_in_brackets(prose)]
    return [(c, sources.resolve(c)) for c in dict.fromkeys(c.strip() for c in cited)]


def _setting(preset: str | None, value: float) -> str:
    from sim import presets

    if preset is not None:
        return f"preset {preset} ({presets.get(preset).label})"
    same = [p for p in presets.ordered() if presets.value(p.id) == value]
    note = f", the value of preset {same[0].id}" if same else ""
    return f"no preset: the default escalation risk ({value:g}{note})"


def build(scenario_id: str, *, runs: int = 4000, seed: int = 0, preset: str | None = None) -> Guide:
    """Run the model for a shipped scenario and gather what its guide shows. Raises
    `sim.scenario.ScenarioError` for an unknown id and ValueError for a bad preset or run count
    (one line each)."""
    from sim import ensemble, presets, questions, summary
    from sim.labels import OUTCOME_LABELS, OUTCOMES
    from sim.scenario import BASELINE_ID, load_scenario

    sc = load_scenario(scenario_id)
    base = load_scenario(BASELINE_ID)
    sc_params = questions.with_preset(sc.params(), preset)
    base_params = questions.with_preset(base.params(), preset)
    paired = ensemble.run_paired(sc_params, base_params, runs, seed)
    is_base = sc.id == BASELINE_ID
    s_shares, b_shares = (
        summary.outcome_shares(paired.scenario),
        summary.outcome_shares(paired.baseline),
    )
    rows = [
        guide_chart.Row(OUTCOME_LABELS[o], s_shares[o], None if is_base else b_shares[o])
        for o in OUTCOMES
    ]
    rows.append(
        guide_chart.Row(
            "Any fighting",
            summary.war_share(paired.scenario),
            None if is_base else summary.war_share(paired.baseline),
        )
    )
    answered = tuple(
        Answered(
            q,
            # Read off the paired run above (the same histories model_answer would run again).
            questions.answer_on(q, sc.id, paired, runs=runs, seed=seed),
            questions.historical_answer(q),
        )
        for q in questions.questions_for(sc.id)
    )
    return Guide(
        scenario=sc,
        baseline_title=None if is_base else base.title,
        runs=runs,
        seed=seed,
        preset=preset,
        setting=_setting(preset, float(sc_params[presets.PARAMETER])),  # type: ignore[arg-type]
        rows=tuple(rows),
        references=tuple(references(sc, *(a.history for a in answered))),
        answered=answered,
    )


# --- HTML ----------------------------------------------------------------------------------------

#: Print and screen styles. Margins of 18 mm on A4 (210 mm) and 20 mm on Letter (216 mm) both
#: leave ≥ 170 mm, the widest any content gets; `size: auto` lets the printer's paper decide.
CSS = """
@page { size: auto; margin: 16mm 18mm 18mm 18mm;
  @bottom-center { content: "cuba62 teacher guide · page " counter(page) " of " counter(pages);
    font-size: 8pt; color: #000; } }
@page worksheet { @bottom-center { content: "cuba62 student worksheet · page " counter(page)
    " of " counter(pages); font-size: 8pt; color: #000; } }
html { color: #000; background: #fff; }
body { font-family: "DejaVu Serif", "Liberation Serif", Georgia, serif; font-size: 10.5pt;
  line-height: 1.4; max-width: 170mm; margin: 0 auto; padding: 0 4mm; }
h1, h2, h3, .kicker, .meta, svg, .box .q, th { font-family: "DejaVu Sans", "Liberation Sans",
  Arial, sans-serif; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1.2pt solid #000; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; margin: 0; }
.question { font-size: 12pt; font-style: italic; margin: 1mm 0 3mm; }
.meta { font-size: 8.5pt; }
.box, figure, .refs li, .answer, .discussion li { break-inside: avoid; page-break-inside: avoid; }
.box { border: 1pt solid #000; padding: 2mm 3mm; margin: 2mm 0 3mm; }
.box .q { font-weight: bold; margin: 0 0 2mm; }
.options { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 6mm; }
.options li { margin: 0 0 1.5mm; break-inside: avoid; }
.check { display: inline-block; width: 3.2mm; height: 3.2mm; border: 1pt solid #000;
  vertical-align: -0.4mm; margin-right: 2mm; }
.blank { display: inline-block; width: 28mm; border-bottom: 1pt solid #000; height: 5mm; }
.lines { margin-top: 1mm; }
.lines span { display: block; height: 6.5mm; border-bottom: 0.6pt solid #777; }
figure { margin: 2mm 0; }
svg.chart { width: 100%; max-width: 170mm; height: auto; display: block; }
figcaption { font-size: 9pt; }
.answer { border-left: 2.5pt solid #000; padding: 1mm 0 1mm 3mm; margin: 2mm 0; }
.answer p { margin: .5mm 0; }
.refs { font-size: 9pt; padding-left: 5mm; }
.refs b { font-family: "DejaVu Sans Mono", monospace; font-weight: normal; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
.worksheet { break-before: page; page-break-before: always; page: worksheet; }
.name { margin: 2mm 0 4mm; }
.note { font-size: 9pt; }
@media screen { body { margin: 8mm auto; } .worksheet { border-top: 2pt dashed #000;
  margin-top: 12mm; padding-top: 6mm; } }
@media print { a { color: #000; text-decoration: none; } }
"""


def _paragraphs(text: str) -> str:
    """Prose written with line breaks inside paragraphs and blank lines between them."""
    blocks = [" ".join(b.split()) for b in text.strip().split("\n\n")]
    return "".join(f"<p>{escape(b)}</p>" for b in blocks if b)


def _items(entries: tuple[str, ...] | list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{escape(e)}</li>" for e in entries) + "</ul>"


def _asked(q: Question, scenario: Scenario) -> str:
    """The question without the scenario's what-if in front (it heads the page already)."""
    text = q.text.strip()
    rest = text.removeprefix(scenario.question.strip()).strip()
    return rest if rest and rest != text else text


def _prediction_box(number: int, q: Question, scenario: Scenario) -> str:
    head = f'<p class="q">{number}. {escape(_asked(q, scenario))}</p>'
    if q.kind == "share":
        body = '<p>Your estimate: <span class="blank"></span> out of 100 histories</p>'
    else:
        body = (
            '<ul class="options">'
            + "".join(
                f'<li><span class="check"></span>{escape(label)}</li>' for label in q.option_labels
            )
            + "</ul>"
        )
    return f'<div class="box prediction">{head}{body}</div>'


def _reading(number: int, a: Answered, scenario: Scenario) -> str:
    q, answer = a.question, a.answer
    verdict = ""
    if answer.correct is not None:
        verdict = f"<p><b>The model's answer:</b> {escape(q.label(answer.correct))}.</p>"
    return (
        f'<div class="answer"><p><b>{number}. {escape(_asked(q, scenario))}</b></p>'
        f"<p>{escape(answer.text)}</p>{verdict}"
        f"<p><b>What happened in 1962:</b> {escape(a.history)}</p></div>"
    )


def _lines(n: int) -> str:
    """Ruled lines to write on: borders, which browsers print even with backgrounds off."""
    return '<div class="lines">' + "<span></span>" * n + "</div>"


def _discussion(scenario: Scenario, lines: bool) -> str:
    if not scenario.discussion:
        return "<p>(This scenario has no discussion questions.)</p>"
    room = _lines(2) if lines else ""
    return (
        '<ol class="discussion">'
        + "".join(f"<li>{escape(d)}{room}</li>" for d in scenario.discussion)
        + "</ol>"
    )


def render_html(g: Guide) -> str:
    """The guide as one self-contained HTML document (teacher guide, then the worksheet)."""
    sc = g.scenario
    title = escape(sc.title)
    measured = (
        f"Measured with {g.runs:,} histories, seed {g.seed}, {g.setting}"
        + (", each paired with the same history of the baseline" if g.baseline_title else "")
        + "."
    )
    boxes = "".join(_prediction_box(i, a.question, sc) for i, a in enumerate(g.answered, 1))
    readings = "".join(_reading(i, a, sc) for i, a in enumerate(g.answered, 1))
    refs = "".join(f"<li><b>[{escape(c)}]</b> {escape(r)}</li>" for c, r in g.references)
    chart = guide_chart.svg(
        list(g.rows),
        "This what-if" if g.baseline_title else sc.title,
        f"Baseline: {g.baseline_title}" if g.baseline_title else None,
    )
    compared = (
        f" against the baseline ({escape(g.baseline_title)}), on the same histories"
        if g.baseline_title
        else ""
    )
    lesson = f"<h2>The lesson (for the teacher)</h2>{_paragraphs(sc.lesson)}" if sc.lesson else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: teacher guide and student worksheet (cuba62)</title>
<style>{CSS}</style></head><body>
<main class="guide">
<p class="kicker">cuba62 · Teacher guide · the Cuban missile crisis, October 1962</p>
<h1>{title}</h1>
<p class="question">{escape(sc.question)}</p>
<p class="meta">{escape(measured)} Write it again: <code>{escape(g.command)}</code></p>
<h2>Background</h2>{_paragraphs(sc.historical_basis)}
<h3>Sources</h3><ol class="refs">{refs}</ol>
<h2>What to notice</h2>{_items(sc.what_to_notice)}
<h2>Predict first</h2>
<p>Ask these before showing any result: each student commits to an answer (the worksheet has the
same boxes), then the class sees the model's.</p>{boxes}
<h2>The model's result</h2>
<figure>{chart}<figcaption>Share of histories ending in each outcome{compared}. The black
whisker is the 95% interval: how far the share could move with more histories. It says nothing
about whether the model is right. {escape(measured)}</figcaption></figure>
<h3>Reading, question by question</h3>{readings}
{lesson}
<h2>Debrief: questions for discussion</h2>{_discussion(sc, lines=False)}
<h2>Things to try next</h2>{_items(sc.things_to_try)}
<p class="note">The shares are the model's, not history's: cuba62 is a classroom simulator whose
settings cite their sources or say "modelling assumption". Bracketed keys refer to the sources
above.</p>
</main>
<section class="worksheet">
<p class="kicker">cuba62 · Student worksheet</p>
<h1>{title}</h1>
<p class="name">Name: <span class="blank"></span><span class="blank"></span> Date:
<span class="blank"></span></p>
<p class="question">{escape(sc.question)}</p>
<h2>What to notice</h2>{_items(sc.what_to_notice)}
<h2>Your predictions (before the reveal)</h2>{boxes}
<h2>After the reveal</h2>
<div class="box"><p class="q">What did the model show? How close was your prediction, and why
might it differ?</p>{_lines(3)}</div>
<h2>Discussion</h2>{_discussion(sc, lines=True)}
</section>
</body></html>
"""


def html_document(
    scenario_id: str, *, runs: int = 4000, seed: int = 0, preset: str | None = None
) -> str:
    """`render_html(build(...))`: the guide of a shipped scenario."""
    return render_html(build(scenario_id, runs=runs, seed=seed, preset=preset))


def pdf_available() -> bool:
    """WeasyPrint can be imported (with its system libraries)."""
    try:
        require_pdf()
    except PdfUnavailable:
        return False
    return True


def require_pdf() -> None:
    """Raise `PdfUnavailable` (one line saying how to install it) unless PDF output works."""
    _weasyprint()


def _weasyprint() -> object:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: pango or its friends missing
        raise PdfUnavailable(
            f"PDF output needs WeasyPrint, which is not installed here ({type(error).__name__}): "
            f"{PDF_INSTALL}, or write --out guide.html and print it from a browser"
        ) from None
    return weasyprint


def pdf_bytes(html_text: str) -> bytes:
    """The HTML guide as PDF (WeasyPrint; the page size is `size: auto`, i.e. A4 there)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html_text)  # type: ignore[attr-defined]
    return bytes(document.write_pdf())
