"""The printable teacher guide (`sim.guide`, `cuba62 guide`): for every shipped scenario the HTML
(and the PDF, where WeasyPrint is installed) holds the scenario's question, every source with its
full reference and every discussion question; the worksheet holds no answer; scenario text is
escaped; the print CSS is there and the laid-out pages fit A4 and Letter; the command's bad input
exits 2 with one line and writes nothing.

Runs are small (`RUNS` histories) so that the file stays fast.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest

from sim import guide, questions, sources
from sim.scenario import scenario_ids
from tests.cli_runner import Cli

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = scenario_ids()
RUNS = 150
MM = 96 / 25.4  # CSS pixels per millimetre


@functools.cache
def built(scenario_id: str) -> guide.Guide:
    return guide.build(scenario_id, runs=RUNS, seed=3)


@functools.cache
def document(scenario_id: str) -> str:
    return guide.render_html(built(scenario_id))


def squeeze(text: str) -> str:
    """Text without white space: what survives line breaks in HTML source and PDF lines."""
    return "".join(text.split())


def teacher_part(html: str) -> str:
    return html.split('<section class="worksheet">', 1)[0]


def worksheet_part(html: str) -> str:
    parts = html.split('<section class="worksheet">', 1)
    assert len(parts) == 2, "the guide has a worksheet section"
    return parts[1]


# --- what every guide holds ----------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_html_guide_holds_question_sources_and_discussion(scenario_id: str) -> None:
    g = built(scenario_id)
    html = document(scenario_id)
    sc = g.scenario
    flat = squeeze(html)
    assert squeeze(escape(sc.title)) in flat
    assert squeeze(escape(sc.question)) in squeeze(teacher_part(html))
    assert squeeze(escape(sc.question)) in squeeze(worksheet_part(html))
    cited = {c for c, _ in g.references}
    assert set(sc.sources) <= cited, "every source key of the scenario is listed"
    for citation, reference in g.references:
        assert squeeze(f"<b>[{escape(citation)}]</b> {escape(reference)}") in flat, citation
    assert 2 <= len(sc.discussion) <= 5
    for question in sc.discussion:
        assert squeeze(escape(question)) in squeeze(teacher_part(html)), question
        assert squeeze(escape(question)) in squeeze(worksheet_part(html)), question
    for entry in sc.what_to_notice:
        assert squeeze(escape(entry)) in flat
    assert f"Measured with {RUNS:,} histories, seed 3" in html


def test_every_citation_in_the_prose_is_resolved_in_the_sources() -> None:
    # The baseline's discussion cites [Dobbs] and [Sorensen], which are not in its `sources`.
    g = built("baseline")
    cited = [c for c, _ in g.references]
    assert "Dobbs" in cited and "Sorensen" in cited
    assert len(cited) == len(set(cited)), "each source once"
    assert "Sorensen, Kennedy (1965)" in document("baseline")
    # So are the citations of "What happened in 1962" (the class debrief's historical answers).
    thor = built("thor_immobilisation")
    assert "PBS-FBIS" not in thor.scenario.sources
    cited = [c for c, _ in thor.references]
    for answered in thor.answered:
        for citation in sources.citations_in_brackets(answered.history):
            assert citation in cited, citation
    assert "PBS-FBIS" in cited


@pytest.mark.parametrize("scenario_id", ["baseline", "thor_immobilisation", "oil_tankers"])
def test_readings_are_the_class_sessions_model_answers(scenario_id: str) -> None:
    # The guide's results are the class reveal's: the same questions, the same model answers.
    g = built(scenario_id)
    html = document(scenario_id)
    asked = questions.questions_for(scenario_id)
    assert [a.question.key for a in g.answered] == [q.key for q in asked]
    for q in asked:
        answer = questions.model_answer(q, scenario_id, runs=RUNS, seed=3)
        assert escape(answer.text) in html
        if answer.correct is not None:
            assert f"<b>The model's answer:</b> {escape(q.label(answer.correct))}." in html


def test_the_chart_draws_the_models_shares_scenario_beside_baseline() -> None:
    from sim import ensemble, summary
    from sim.scenario import load_scenario

    g = built("oil_tankers")
    p = ensemble.run_paired(
        load_scenario("oil_tankers").params(), load_scenario("baseline").params(), RUNS, 3
    )
    war = next(r for r in g.rows if r.label == "Any fighting")
    assert war.scenario == summary.war_share(p.scenario)
    assert war.baseline == summary.war_share(p.baseline)
    svg = re.search(r"<svg.*?</svg>", document("oil_tankers"), re.S)
    assert svg is not None
    chart = svg.group(0)
    # Two bars and two interval whiskers per measure, and the baseline legend.
    assert chart.count('fill="#333"') == len(g.rows) + 1  # + the legend's swatch
    assert chart.count('fill="url(#hatch)"') == len(g.rows) + 1
    assert summary.percent(war.scenario.share) in chart and "Baseline: What happened" in chart
    # The baseline's own guide has one bar per measure.
    base_chart = re.search(r"<svg.*?</svg>", document("baseline"), re.S)
    assert base_chart is not None and 'url(#hatch)"' not in base_chart.group(0).split("</defs>")[1]


def test_the_worksheet_holds_no_answer() -> None:
    for scenario_id in ("thor_immobilisation", "baseline"):
        g, html = built(scenario_id), document(scenario_id)
        sheet = worksheet_part(html)
        assert "Your predictions" in sheet and 'class="check"' in sheet
        for a in g.answered:
            assert escape(a.answer.text) in teacher_part(html)
            assert escape(a.answer.text) not in sheet
            assert escape(a.history) not in sheet
        assert "<svg" not in sheet and "The model's answer" not in sheet
        assert squeeze(escape(g.scenario.lesson)) not in squeeze(sheet)


def test_the_guide_is_self_contained_and_deterministic() -> None:
    html = document("berlin_settlement")
    lowered = html.lower()
    for banned in ("<script", "<link", "<img", "<iframe", "src=", "@import", "url(http"):
        assert banned not in lowered, banned
    assert "http://" not in lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in lowered
    again = guide.html_document("berlin_settlement", runs=RUNS, seed=3)
    assert again == html


def test_print_css_fits_a4_and_letter() -> None:
    css = guide.CSS
    assert "@page" in css and "size: auto" in css
    assert "page-break-inside: avoid" in css and "break-inside: avoid" in css
    assert "page-break-before: always" in css and 'class="worksheet"' in document("baseline")
    # Ruled lines and boxes are borders: browsers drop background images when printing.
    assert "background-image" not in css and "gradient" not in css
    widths = [float(w) for w in re.findall(r"(?<![-\w])(?:max-)?width:\s*([\d.]+)mm", css)]
    assert widths and max(widths) <= 170, widths
    # Black on white: no colour but greys.
    for colour in re.findall(r"#[0-9a-fA-F]{3,6}\b", css + document("baseline")):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        assert digits[0:2] == digits[2:4] == digits[4:6], colour


# --- escaping ------------------------------------------------------------------------------------


def test_scenario_text_is_html_escaped() -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    g = built("berlin_linkage")
    sc = dataclasses.replace(
        g.scenario,
        title=f"Title {hostile}",
        question=f"Question {hostile}?",
        historical_basis=f"Basis {hostile}\n\nSecond paragraph.",
        what_to_notice=(f"Notice {hostile}",),
        things_to_try=(f"Try {hostile}",),
        discussion=(f"Discuss {hostile}?", "Why?"),
        lesson=f"Lesson {hostile}",
    )
    html = guide.render_html(dataclasses.replace(g, scenario=sc))
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    shown = escape(hostile)
    for where in ("Title", "Question", "Basis", "Notice", "Try", "Discuss", "Lesson"):
        assert f"{where} {shown}" in html, where


# --- PDF ---------------------------------------------------------------------------------------


def _boxes(box: Any) -> Iterator[Any]:
    """A laid-out page's content boxes (not the page, not its margin boxes: the footer)."""
    for child in getattr(box, "children", None) or []:
        if type(child).__name__ != "MarginBox":
            yield child
            yield from _boxes(child)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_pdf_guide_holds_question_sources_and_discussion(scenario_id: str) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    g = built(scenario_id)
    html = document(scenario_id)
    laid_out = weasyprint.HTML(string=html).render()
    pdf = laid_out.write_pdf()
    assert pdf.startswith(b"%PDF-") and len(laid_out.pages) >= 2
    texts: list[str] = []
    worksheet_first_page = None
    for number, page in enumerate(laid_out.pages):
        right = page.width - page._page_box.margin_right
        for box in _boxes(page._page_box):
            text = getattr(box, "text", None)
            if text:
                texts.append(text)
                if text.strip() == "CUBA62 · STUDENT WORKSHEET":
                    worksheet_first_page = number
            assert box.position_x + box.margin_width() <= right + 0.5, (number, box)
    flat = squeeze(" ".join(texts))
    assert squeeze(g.scenario.question) in flat
    for citation, reference in g.references:
        assert squeeze(f"[{citation}] {reference}") in flat, citation
    for question in g.scenario.discussion:
        assert squeeze(question) in flat, question
    # The worksheet starts a page of its own (after at least one page of the guide).
    assert worksheet_first_page is not None and worksheet_first_page >= 1


def test_pdf_pages_fit_letter_paper_too() -> None:
    # A4 is checked above (WeasyPrint's page for `size: auto`); Letter is wider and shorter.
    weasyprint = pytest.importorskip("weasyprint")
    html = document("thor_immobilisation").replace("size: auto;", "size: letter;")
    laid_out = weasyprint.HTML(string=html).render()
    page = laid_out.pages[0]
    assert round(page.width / MM, 1) == 215.9 and round(page.height / MM, 1) == 279.4
    for page in laid_out.pages:
        box0 = page._page_box
        right, bottom = page.width - box0.margin_right, page.height - box0.margin_bottom
        for box in _boxes(page._page_box):
            assert box.position_x + box.margin_width() <= right + 0.5, box
            assert box.position_y + box.margin_top + box.border_height() <= bottom + 0.5, box


# --- the command -------------------------------------------------------------------------------


def test_guide_command_writes_html(cuba62: Cli, tmp_path: Path) -> None:
    out = tmp_path / "guide.html"
    out.write_text("old")
    r = cuba62("guide", "real_consultation", "--out", str(out), "--runs", str(RUNS), "--seed", "3")
    assert (r.code, r.out, r.err) == (0, "", f"wrote {out}\n")
    assert out.read_text(encoding="utf-8") == guide.html_document(
        "real_consultation", runs=RUNS, seed=3
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.html"]  # no lock, no temp file
    assert "cuba62 guide real_consultation --runs 150 --seed 3" in out.read_text(encoding="utf-8")


def test_guide_command_with_a_preset(cuba62: Cli, tmp_path: Path) -> None:
    out = tmp_path / "g.HTM"
    r = cuba62("guide", "baseline", "-o", str(out), "-n", "100", "--preset", "kennedy")
    assert r.code == 0, r.err
    assert "preset kennedy (" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["thor_immobilisaton", "--out", "{dir}/g.html"],
            "error: unknown scenario 'thor_immobilisaton'; did you mean 'thor_immobilisation'? "
            "(see `cuba62 scenarios`)",
        ),
        (["nosuch", "--out", "{dir}/g.html"], "error: unknown scenario 'nosuch'"),
        (["../baseline", "--out", "{dir}/g.html"], "is not a scenario id"),
        (["baseline"], "error: give --out FILE.html or --out FILE.pdf"),
        (["baseline", "--out", "{dir}/g.txt"], "must end in .html or .pdf"),
        (["baseline", "--out", "{dir}/g.html", "--runs", "0"], "error: --runs = 0 is out of range"),
        (["baseline", "--out", "{dir}/g.html", "--seed", "-1"], "error: --seed = -1"),
        (["baseline", "--out", "{dir}/g.html", "--preset", "nope"], "unknown preset 'nope'"),
        (["baseline", "--out", "{dir}/missing/g.html"], "the folder"),
        (["baseline", "--out", "{dir}"], "must end in .html or .pdf"),
        (["baseline", "--out", "{dir}/g.html", "--runs", "x"], "(see `cuba62 guide --help`)"),
    ],
)
def test_guide_command_bad_input(
    cuba62: Cli, tmp_path: Path, args: list[str], expected: str
) -> None:
    r = cuba62("guide", *[a.replace("{dir}", str(tmp_path)) for a in args])
    assert r.code == 2, r
    assert r.out == "" and r.err.count("\n") == 1 and r.err.startswith("error: "), r.err
    assert expected in r.err, r.err
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_guide_command_refuses_a_directory_named_html(cuba62: Cli, tmp_path: Path) -> None:
    (tmp_path / "g.html").mkdir()
    r = cuba62("guide", "baseline", "--out", str(tmp_path / "g.html"), "--runs", "50")
    assert r.code == 2 and "is a directory, not a regular file" in r.err, r.err


def test_guide_command_refuses_a_file_another_run_is_writing(cuba62: Cli, tmp_path: Path) -> None:
    from sim import outfiles

    out = tmp_path / "g.html"
    with outfiles.exclusive(out):
        r = cuba62("guide", "baseline", "--out", str(out), "--runs", "50")
    assert r.code == 2 and "is in use by another run" in r.err and r.err.count("\n") == 1, r.err
    assert not out.exists()


def test_pdf_without_weasyprint_exits_2_and_writes_nothing(
    cuba62: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` -> ImportError
    out = tmp_path / "guide.pdf"
    r = cuba62("guide", "baseline", "--out", str(out), "--runs", "50")
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1, r
    assert 'pip install "cuba62[pdf]"' in r.err and "PDF output needs WeasyPrint" in r.err
    assert list(tmp_path.iterdir()) == []
    assert not guide.pdf_available()


def test_guide_command_writes_pdf(cuba62: Cli, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    out = tmp_path / "guide.pdf"
    r = cuba62("guide", "air_strike_first", "--out", str(out), "--runs", "100")
    assert (r.code, r.err) == (0, f"wrote {out}\n")
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.pdf"]


def test_help_does_not_import_the_guide_or_weasyprint() -> None:
    code = (
        "import sys, sim.cli; heavy = ('sim.guide', 'sim.guide_chart', 'weasyprint', 'numpy'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.strip() == "[]", done.stdout


# --- the app -------------------------------------------------------------------------------------


def test_app_offers_the_guide_and_builds_it_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.components import teacher_guide

    def not_now(*args: object, **kwargs: object) -> guide.Guide:
        raise AssertionError("the guide was built while the page was drawn")

    monkeypatch.setattr(guide, "build", not_now)
    at = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=60)
    at.query_params["runs"] = "500"
    at.query_params["scenario"] = "oil_tankers"
    at.query_params["seed"] = "3"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [getattr(b, "label", "") for b in at.get("download_button")]
    assert "Teacher guide (HTML)" in labels
    assert ("Teacher guide (PDF)" in labels) == teacher_guide.pdf_installed()
    monkeypatch.undo()
    # What the button's deferred data gives when clicked: the command's file for the same seed.
    html = teacher_guide._html("oil_tankers", 3)()
    assert html == guide.html_document("oil_tankers", runs=questions.DEFAULT_RUNS, seed=3)
