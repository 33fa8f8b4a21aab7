"""Download buttons for the current scenario's printable teacher guide and student worksheet
(`sim.guide`): HTML always, PDF when WeasyPrint is installed.

The guide runs the model (a few seconds), so it is built only when a button is clicked (Streamlit's
deferred download data), never while the page is drawn. It is the guide of the scenario as
shipped, with the class questions' number of histories and the page's seed: the same file as
`cuba62 guide ID --seed S`, whatever the sliders say.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import streamlit as st

from sim import guide, questions
from ui.components.session import Settings


def _html(scenario_id: str, seed: int) -> Callable[[], str]:
    def build() -> str:
        return guide.html_document(scenario_id, runs=questions.DEFAULT_RUNS, seed=seed)

    return build


def _pdf(scenario_id: str, seed: int) -> Callable[[], bytes]:
    def build() -> bytes:
        return guide.pdf_bytes(_html(scenario_id, seed)())

    return build


def pdf_installed() -> bool:
    """WeasyPrint is importable (looked up, not imported: the page does not pay for it)."""
    return importlib.util.find_spec("weasyprint") is not None


def buttons(settings: Settings) -> None:
    """The buttons "Teacher guide (HTML)" (and "(PDF)") for the current shipped scenario; a note
    instead for an uploaded one, whose questions and sources the guide cannot vouch for."""
    if settings.uploaded:
        st.caption(
            "The printable teacher guide is written for the shipped scenarios: pick one above "
            "to download its guide."
        )
        return
    sc = settings.scenario
    name = f"cuba62_{sc.id}_guide_seed{settings.seed}"
    help_text = (
        f"A printable guide for this scenario as shipped (not your slider changes): question, "
        f"background and sources, what to notice, prediction boxes, the model's result over "
        f"{questions.DEFAULT_RUNS:,} histories (seed {settings.seed}), debrief questions, and a "
        f"student worksheet without the answers. Prints on A4 and Letter. The same as "
        f"`cuba62 guide {sc.id} --seed {settings.seed} --out guide.html`."
    )
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Teacher guide (HTML)",
            data=_html(sc.id, settings.seed),
            file_name=f"{name}.html",
            mime="text/html",
            on_click="ignore",
            help=help_text,
            width="stretch",
        )
    with right:
        if pdf_installed():
            st.download_button(
                "Teacher guide (PDF)",
                data=_pdf(sc.id, settings.seed),
                file_name=f"{name}.pdf",
                mime="application/pdf",
                on_click="ignore",
                help=help_text,
                width="stretch",
            )
        else:
            st.caption(f"For a PDF, install WeasyPrint: {guide.PDF_INSTALL}; or print the HTML.")
