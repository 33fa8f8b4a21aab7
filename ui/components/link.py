"""The share link: settings from a URL's query parameters, and the query that reproduces them.

A session is filled once from the link it was opened with (`init_session`): every bad field falls
back to its default with a one-line warning naming it and what is allowed (ranges from
`sim.limits` and the parameter schema). On every rerun the page writes the settings back
(`sync_url`), so a copied link reproduces the same numbers.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

import streamlit as st

from sim.limits import APP_DEFAULT_RUNS, APP_RUNS, SEED, Bounds, history
from sim.params import SPECS, ParameterError, Params, make_params, unknown_name_message
from ui.components import session, view_link

#: URL parameters that are not model parameters (`moves` and `at`: the Play as Britain game).
RESERVED = ("scenario", "seed", "runs", "history", "moves", "at")
#: `code`, `teacher`, `student`: the Class page's (ui/views/class_room.py).
IGNORED_URL_KEYS = ("embed", "embed_options", "code", "teacher", "student")


def _link_number[T: (int, None)](
    query: Mapping[str, str],
    bounds: Bounds,
    default: T,
    fallback: str,
    notices: list[str],
) -> int | T:
    """query[bounds.field] as a whole number within `bounds`; `default` if it is absent, or if it
    is not allowed (then with a warning in `notices` that ends with `fallback`)."""
    name = bounds.field
    if name not in query:
        return default
    number = bounds.parse(query[name])
    if number is not None:
        return number
    notices.append(
        f"{name} = '{query[name][:40]}' in the link is not allowed: use {bounds.allowed()}. "
        f"{fallback}"
    )
    return default


def read_url(query: Mapping[str, str]) -> tuple[str, int, int, Params, int | None, list[str]]:
    """(option, seed, runs, params, history, warnings) from query parameters: each bad field
    falls back to its default and gets a one-line warning naming it and what is allowed."""
    notices: list[str] = []
    found = session.shipped()
    option = session.default_option()
    raw_id = query.get("scenario")
    if raw_id is not None:
        if raw_id in found:
            option = raw_id
        else:
            hint = unknown_name_message(raw_id[:64], list(found), "scenario")
            notices.append(
                f"scenario = '{raw_id[:64]}' in the link is not available ({hint}); "
                f"allowed: {', '.join(found)}. Showing '{option}' instead."
            )
    seed = _link_number(query, SEED, 0, "Using seed 0.", notices)
    runs = _link_number(
        query, APP_RUNS, APP_DEFAULT_RUNS, f"Using {APP_DEFAULT_RUNS:,} histories.", notices
    )
    history_index = _link_number(query, history(runs), None, "Showing history 0.", notices)
    params = found[option].params()
    unknown: list[str] = []
    for name, raw in query.items():
        if name in RESERVED or name in IGNORED_URL_KEYS or name in view_link.VIEW_KEYS:
            continue
        if name not in SPECS:
            unknown.append(name)
            continue
        try:
            chosen = make_params({name: raw}, base=params)
        except ParameterError as error:
            notices.append(_short(f"{error} (in the link). Using the scenario's value instead."))
            continue
        params = chosen
    if unknown:
        notices.append(_unknown_names(unknown))
    return option, seed, runs, params, history_index, notices


#: How many unknown parameter names one warning lists before "and N more".
UNKNOWN_SHOWN = 5


def _unknown_names(names: list[str]) -> str:
    """One warning for every unknown parameter in a link (a link with hundreds of them must not
    fill the page with warnings): the first few names, and how many more."""
    if len(names) == 1:
        text = unknown_name_message(names[0][:64], SPECS, "parameter")
        return _short(f"{text} (in the link); it was ignored.")
    shown = ", ".join(f"'{n[:40]}'" for n in names[:UNKNOWN_SHOWN])
    more = f" and {len(names) - UNKNOWN_SHOWN:,} more" if len(names) > UNKNOWN_SHOWN else ""
    return _short(
        f"unknown parameters in the link: {shown}{more}; they were ignored (the Sources & "
        "model page lists every parameter)."
    )


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def init_session() -> None:
    """Fill the session from the URL, once per browser session (every page calls this first)."""
    if st.session_state.get(session.K_INITIALISED):
        return
    query = {k: st.query_params.get(k, "") for k in st.query_params}
    option, seed, runs, params, history_index, notices = read_url(query)
    # An open page that reconnected after a server restart sends its widgets' values, newer than
    # the link's: they are kept (otherwise its first change after the restart is lost).
    keep = session.browser_widget_keys()
    for key, value in (
        (session.K_SCENARIO, option),
        (session.K_SEED, seed),
        (session.K_RUNS, runs),
        (session.K_HISTORY, history_index or 0),
    ):
        if key not in keep:
            st.session_state[key] = value
    st.session_state[session.K_NOTICES] = notices
    session.load_widgets(params, keep)
    if keep:
        st.session_state[session.K_RECONNECTED] = True
    st.session_state[session.K_INITIALISED] = True


def url_query(settings: session.Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query parameters that reproduce `settings`: scenario, seed, runs and every parameter
    that differs from the scenario's. An uploaded scenario is not on the server, so its link
    carries all its settings on top of the baseline."""
    query = {
        "scenario": settings.baseline.id if settings.uploaded else settings.scenario.id,
        "seed": str(settings.seed),
        "runs": str(settings.runs),
    }
    if settings.params is not None:
        reference = (settings.baseline if settings.uploaded else settings.scenario).params()
        for name, value in settings.params.differences(reference).items():
            query[name] = session.url_text(SPECS[name], value)
    query.update(view_link.presentation_query())
    query.update(extra or {})
    return query


def sync_url(settings: session.Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Write the settings into the browser's URL (only when they changed)."""
    query = url_query(settings, extra)
    current = {k: st.query_params.get(k, "") for k in st.query_params}
    if current != query:
        st.query_params.from_dict(query)
    return query


def share_link(query: Mapping[str, str]) -> str:
    base = st.context.url or "http://localhost:8501/"
    if not urllib.parse.urlsplit(base).path:
        base += "/"
    return base + "?" + urllib.parse.urlencode(query, safe=".:", quote_via=urllib.parse.quote)


#: Characters that would end a Markdown link or code span early, percent-encoded in a shown link.
_MARKDOWN_UNSAFE = {c: f"%{ord(c):02X}" for c in "()[]<>` \\"}


def show(url: str) -> None:
    """The share link as a link in code type, not `st.code`: the browser would otherwise fetch
    Streamlit's 1.5 MB syntax highlighter on the page's first visit, and every chart waits for it
    (measured: a share link drew its charts 0.4 s later; benchmarks/bench_ui_open.py). The browser's
    address bar holds the same link (`sync_url`)."""
    safe = "".join(_MARKDOWN_UNSAFE.get(c, c) for c in url)
    with st.container(key="share-link"):
        st.markdown(f"[`{safe}`]({safe})")
        st.caption("Copy this link, or the address bar: it holds the same link.")
