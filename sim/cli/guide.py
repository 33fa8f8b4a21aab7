"""`cuba62 guide`: a printable teacher guide and student worksheet for a scenario (HTML or PDF).

Everything is checked before the model runs, and the file is written only at the end, through
`sim.outfiles` (regular files only, one writer at a time, a temporary file renamed over FILE).
The engine and WeasyPrint are imported inside the command so that `cuba62 --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim import outfiles
from sim.cli.errors import BadInput, say
from sim.cli.inputs import check_runs, check_seed, claim_out, resolve_scenario
from sim.cli.options import PresetOpt, ScenarioArg, SeedOpt
from sim.cli.presets import check_preset
from sim.questions import DEFAULT_RUNS

EPILOG = f"""\b
Examples:
  cuba62 guide thor_immobilisation --out thor_guide.html     # open it in a browser and print
  cuba62 guide oil_tankers --out oil_guide.pdf               # needs WeasyPrint (see below)
  cuba62 guide baseline --runs 20000 --seed 7 --preset kennedy --out baseline_guide.html

\b
The guide holds the scenario's question, its background with every source in full, what to
notice, the class's prediction questions with boxes to answer, the model's result (a chart of
the outcome shares with their 95% intervals, beside the baseline, and one reading per question),
the lesson and the debrief questions; then, on a new page, a student worksheet without the
answers. It prints on A4 and Letter. The numbers are those of the class session's reveal for the
same --runs, --seed and --preset (default {DEFAULT_RUNS:,} histories, seed 0).

\b
PDF output needs WeasyPrint: pip install "cuba62[pdf]" (or pip install "weasyprint>=60").
"""

#: What each file name ending writes.
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}

GuideOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="FILE",
        help="Where to write the guide: FILE.html (or .htm) or FILE.pdf; the ending picks the "
        "format. Written only if everything succeeded.",
        dir_okay=True,
        show_default=False,
    ),
]
GuideRunsOpt = Annotated[
    int,
    typer.Option(
        "--runs", "-n", metavar="N", help="How many histories the model plays for the results."
    ),
]


def output_format(out: Path) -> str:
    """'html' or 'pdf' from --out's ending; BadInput (one line) for anything else."""
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise BadInput(
            f"--out {out}: the file name must end in .html or .pdf (e.g. --out guide.html); "
            "the ending picks the format"
        )
    return kind


def guide_command(
    scenario_id: ScenarioArg = None,
    out: GuideOutOpt = None,
    runs: GuideRunsOpt = DEFAULT_RUNS,
    seed: SeedOpt = 0,
    preset: PresetOpt = None,
) -> None:
    """Write a printable teacher guide and student worksheet for a scenario (HTML or PDF)."""
    if scenario_id is not None and any(c in scenario_id for c in "/\\.~"):
        raise BadInput(
            f"'{scenario_id}' is not a scenario id (ids are like thor_immobilisation; see "
            "`cuba62 scenarios`): a guide is written for a shipped scenario"
        )
    sc = resolve_scenario(scenario_id, None)
    check_runs(runs)
    check_seed(seed)
    if preset is not None:
        check_preset(preset)
    if out is None:
        raise BadInput("give --out FILE.html or --out FILE.pdf (see `cuba62 guide --help`)")
    kind = output_format(out)
    from sim import guide

    if kind == "pdf":
        try:
            guide.require_pdf()  # before the model runs: nothing is written without it
        except guide.PdfUnavailable as e:
            raise BadInput(str(e)) from None
    with claim_out(out) as held:
        assert held is not None
        text = guide.html_document(sc.id, runs=runs, seed=seed, preset=preset)
        data = guide.pdf_bytes(text) if kind == "pdf" else text.encode("utf-8")
        try:
            outfiles.write_atomic(held, data)
        except OSError as e:
            raise BadInput(f"--out {held}: cannot write: {e.strerror or e}") from None
    say(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add `guide`."""
    app.command(
        "guide",
        short_help="A printable teacher guide and student worksheet (HTML or PDF).",
        epilog=EPILOG,
    )(guide_command)
