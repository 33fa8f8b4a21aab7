"""The parts of a share link that belong to one view: presentation mode, the What matters page's
choices and the One history page's layout.

Kept apart from `ui.components.link` (scenario, seed, runs and model parameters) so the two can
change independently: `link.read_url` skips every key named in `VIEW_KEYS`. A bad value in the
link falls back to its default with a one-line warning naming the key and what is allowed; the
allowed sizes are the page's own choices, so a link can never ask for more work than the page
allows (its caps then refuse a too-large combination before anything is computed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from sim.analysis import float_specs
from sim.labels import OUTCOMES

K_PRESENT = "presentation"  # the sidebar toggle's key
K_VIEW_NOTICES = "view_notices"  # warnings about this page's link keys
K_WM_READ = "wm.link_read"
K_HISTORY_READ = "history.link_read"
K_HISTORY_VIEW = "w.history_view"
PRESENT = "present"

#: The jobs of the What matters page, as named in the link (`show=rank,map,rules`).
JOBS = ("rank", "map", "rules")


def asked_key(job: str) -> str:
    return f"wm.asked.{job}"


@dataclass(frozen=True)
class Choice:
    """One What matters control in the link: its URL key, session key, allowed values, default."""

    url: str
    key: str
    allowed: tuple[object, ...]
    default: object

    def parse(self, raw: str) -> object | None:
        for value in self.allowed:
            if raw == str(value) or (isinstance(value, float) and _same_float(raw, value)):
                return value
        return None

    def allowed_text(self) -> str:
        if len(self.allowed) > 12:
            return f"{self.allowed[0]} to {self.allowed[-1]} in steps of 0.5"
        return "one of " + ", ".join(str(v) for v in self.allowed)


def _same_float(raw: str, value: float) -> bool:
    try:
        return abs(float(raw) - value) < 1e-9
    except ValueError:
        return False


NUMBER_NAMES = tuple(s.name for s in float_specs())
THRESHOLDS = tuple(x / 2 for x in range(1, 101))  # 0.5 % … 50 %

#: The What matters controls, in page order (defaults: cheap enough for a classroom machine).
WM_CHOICES: tuple[Choice, ...] = (
    Choice("outcome", "wm.outcome", tuple(OUTCOMES), "nuclear_war"),
    Choice("method", "wm.method", ("morris", "sobol"), "morris"),
    Choice("samples", "wm.samples", (8, 16, 32), 16),
    Choice("per_setting", "wm.sens_runs", (100, 200, 300, 500), 200),
    Choice("across", "wm.across", NUMBER_NAMES, "ussr.risk_acceptance"),
    Choice("up", "wm.up", NUMBER_NAMES, "us.hawkishness"),
    Choice("grid", "wm.size", (3, 4, 5, 6, 7, 8), 6),
    Choice("per_square", "wm.heat_runs", (100, 200, 300, 500, 1000), 300),
    Choice("threshold", "wm.threshold", THRESHOLDS, 5.0),
    Choice("rule_samples", "wm.disc_samples", (60, 120, 200, 300), 120),
    Choice("rule_runs", "wm.disc_runs", (100, 200, 300), 200),
)
WM_BY_KEY = {c.key: c for c in WM_CHOICES}
HISTORY_VIEWS = {"side": "Side by side", "interleaved": "Interleaved by date"}

#: Every link key owned by this module (ignored by `link.read_url`).
VIEW_KEYS = frozenset({PRESENT, "show", "view", *(c.url for c in WM_CHOICES)})


def _query() -> dict[str, str]:
    return {k: st.query_params.get(k, "") for k in st.query_params}


def _bad(key: str, raw: str, allowed: str, fallback: str) -> str:
    return f"{key} = '{raw[:40]}' in the link is not allowed: use {allowed}. Using {fallback}."


# --- presentation mode --------------------------------------------------------------------------


def init_presentation() -> None:
    """`present=1` in the link turns presentation mode on (once, before its toggle is drawn)."""
    if "presentation.link_read" in st.session_state:
        return
    st.session_state["presentation.link_read"] = True
    raw = _query().get(PRESENT)
    if raw is None:
        return
    if raw in ("1", "0"):
        st.session_state[K_PRESENT] = raw == "1"
    else:
        st.session_state.setdefault(K_VIEW_NOTICES, []).append(
            _bad(PRESENT, raw, "1 (on) or 0 (off)", "the ordinary layout")
        )


def presentation_query() -> dict[str, str]:
    return {PRESENT: "1"} if st.session_state.get(K_PRESENT) else {}


# --- What matters -------------------------------------------------------------------------------


def read_what_matters(query: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """(session key -> value, warnings) for the What matters keys given in `query`; a bad one is
    left out (so it keeps its default) with a warning."""
    values: dict[str, object] = {}
    notices: list[str] = []
    for choice in WM_CHOICES:
        raw = query.get(choice.url)
        if raw is None:
            continue
        value = choice.parse(raw)
        if value is None:
            notices.append(_bad(choice.url, raw, choice.allowed_text(), f"{choice.default}"))
        else:
            values[choice.key] = value
    raw_show = query.get("show")
    if raw_show is not None:
        asked = [j for j in raw_show.split(",") if j]
        unknown = [j for j in asked if j not in JOBS]
        if unknown:
            notices.append(
                _bad("show", raw_show, "any of " + ", ".join(JOBS), "only the charts you ask for")
            )
        else:
            for job in asked:
                values[asked_key(job)] = True
    return values, notices


def init_what_matters() -> None:
    """Fill the What matters controls once per session: from the link, else the defaults (a
    value already in the session, e.g. set by a test, is kept)."""
    for choice in WM_CHOICES:
        st.session_state.setdefault(choice.key, choice.default)
    if st.session_state.get(K_WM_READ):
        return
    values, notices = read_what_matters(_query())
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state.setdefault(K_VIEW_NOTICES, []).extend(notices)
    st.session_state[K_WM_READ] = True


def what_matters_query() -> dict[str, str]:
    """The What matters controls as link keys (every one, so the link says what it shows)."""
    query = {c.url: str(st.session_state.get(c.key, c.default)) for c in WM_CHOICES}
    asked = [job for job in JOBS if st.session_state.get(asked_key(job))]
    if asked:
        query["show"] = ",".join(asked)
    return query


# --- One history --------------------------------------------------------------------------------


def init_history() -> None:
    """`view=side|interleaved` in the link chooses the One history layout (once per session)."""
    if st.session_state.get(K_HISTORY_READ):
        return
    st.session_state[K_HISTORY_READ] = True
    raw = _query().get("view")
    if raw is None:
        return
    if raw in HISTORY_VIEWS:
        st.session_state[K_HISTORY_VIEW] = HISTORY_VIEWS[raw]
    else:
        st.session_state.setdefault(K_VIEW_NOTICES, []).append(
            _bad("view", raw, "side or interleaved", "side by side")
        )


def history_query() -> dict[str, str]:
    shown = st.session_state.get(K_HISTORY_VIEW, HISTORY_VIEWS["side"])
    return {"view": next((k for k, v in HISTORY_VIEWS.items() if v == shown), "side")}


def show_view_notices() -> None:
    """This page's link warnings, one line each (shown once, then forgotten)."""
    for notice in st.session_state.pop(K_VIEW_NOTICES, []):
        st.warning(notice)
