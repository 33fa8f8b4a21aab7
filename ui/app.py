"""cuba62 in the browser: `streamlit run ui/app.py`.

The entry point sets the page up, offers a presentation mode for projectors, fills the session's
settings from the URL once, and hands over to one of six pages (Explore, One history,
What matters, Play as Britain, Sources & model, Class). Nothing is computed at import time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts ui/, not the repository, on the path
    sys.path.insert(0, str(ROOT))

# Not "pages/": Streamlit would treat that folder as its automatic multipage app and serve a deep
# link's page file on its own (without this entry script) until someone has opened "/".
VIEWS = Path(__file__).resolve().parent / "views"

#: Larger type for a projector at the back of a classroom (Streamlit sizes in rem). The scenario's
#: question is set smaller and the page starts higher, so that at 1280x720 the headline cards are
#: on the first screen (the Explore page also puts them before the scenario's notes).
PRESENTATION_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 2.6rem; padding-left: 2rem;
  padding-right: 2rem; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMetricLabel"] p { font-size: 1rem; }
h2 { font-size: 2.1rem !important; }
.st-key-question h2 { font-size: 1.3rem !important; line-height: 1.3; padding: 0.2rem 0 0.6rem; }
[data-testid="stCaptionContainer"] { font-size: 0.95rem; }
</style>
"""
#: Always on: long words and code wrap instead of widening the page on a phone.
BASE_CSS = """
<style>
[data-testid="stCode"] pre, [data-testid="stCode"] code { white-space: pre-wrap !important;
  word-break: break-all; }
[data-testid="stMarkdownContainer"] { overflow-wrap: anywhere; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; }
/* The scenario's question heads the Explore page's first screen: set smaller than a page title, so
   that at 1280x720 the chart and the settings under it are on the first screen too. */
.st-key-question h2 { font-size: 1.75rem !important; line-height: 1.3; }
/* Streamlit's own note under the uploader ("1MB per file") is its smallest setting, not our limit:
   the Explore page states the real one (64 KB) in the label and a caption instead. */
.st-key-upload [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
/* Small tables (st.table) wrap their cells instead of scrolling sideways on a phone: a region
   that scrolls must be reachable by keyboard (axe: scrollable-region-focusable); Streamlit's
   is not. */
.stTable table { width: 100%; table-layout: auto; }
.stTable th, .stTable td { white-space: normal !important; overflow-wrap: anywhere; }
/* Metric cards are narrow so two fit side by side on a phone: let their words wrap. */
[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
@media (max-width: 640px) {
  h1 { font-size: 1.9rem !important; }
  h2 { font-size: 1.45rem !important; }
  h3 { font-size: 1.2rem !important; }
  .st-key-question h2 { font-size: 1.35rem !important; }
}
</style>
"""


def main() -> None:
    # Imported here, not at the top: the server imports this file once at start-up (for the
    # `st.App` below), and its health endpoint should not wait for the engine and the charts.
    from ui.components import access, link, session, view_link

    # "auto": the settings panel starts open on a wide screen and closed on a phone.
    st.set_page_config(page_title="cuba62", layout="wide", initial_sidebar_state="auto")
    navigation = st.navigation(
        [
            st.Page(VIEWS / "explore.py", title="Explore", url_path="explore", default=True),
            st.Page(VIEWS / "history.py", title="One history", url_path="history"),
            st.Page(VIEWS / "what_matters.py", title="What matters", url_path="what-matters"),
            st.Page(VIEWS / "play.py", title="Play as Britain", url_path="play"),
            st.Page(VIEWS / "sources.py", title="Sources & model", url_path="sources"),
            st.Page(VIEWS / "class_room.py", title="Class", url_path="class"),
        ]
    )
    st.html(BASE_CSS)
    access.install()
    view_link.init_presentation()
    with st.sidebar:
        presenting = st.toggle(
            "Presentation mode",
            key="presentation",
            help="Larger type for a projector.",
        )
    if presenting:
        st.html(PRESENTATION_CSS)
    with session.friendly_errors("start-up"):
        link.init_session()
    view_link.show_view_notices()
    navigation.run()


# Streamlit runs this file as `__main__` for every page view. The worker processes of
# ui.components.pool re-import the parent's main file as `__mp_main__` (multiprocessing's
# spawn/forkserver preparation): there the app must not run (it would start a pool inside a
# worker). `streamlit run ui/app.py` first imports this file as the module `app` (it finds the
# `st.App` below and serves it with uvicorn): that App runs this same file for each page view, and
# its lifespan warms the caches in a background thread when the server starts
# (ui.components.warmup), so the first visitor does not pay for them.
if __name__ == "__main__":
    main()
elif __name__ == "app":
    from ui.components import warmup

    app = st.App(__file__, lifespan=warmup.lifespan)
