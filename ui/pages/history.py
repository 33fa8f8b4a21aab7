"""One history: the same history number in the scenario and in its baseline, side by side.

Both run on the same random draws (same seed, same history number), so where they part is the
effect of the changed settings. Every line is dated in Washington and London time.
"""

from __future__ import annotations

import streamlit as st

from sim import calendar, history
from sim.ensemble import Results
from sim.outcomes import LABELS, OUTCOMES
from ui.components import state

K_FIND = "w.find_outcome"
ACTOR = history.ACTOR_LABEL


def _clamp_index(runs: int) -> int:
    index = int(st.session_state.get(state.K_HISTORY, 0))
    if not 0 <= index < runs:
        index = min(max(index, 0), runs - 1)
        st.session_state[state.K_HISTORY] = index
    return index


def _find(results: Results, after: int | None = None) -> None:
    """Callback: jump to a history that ended in the chosen outcome (wrapping around)."""
    outcome = st.session_state.get(K_FIND)
    if outcome is None:
        return
    start = 0 if after is None else after + 1
    found = history.find(results, outcome, start)
    if found is None and start > 0:
        found = history.find(results, outcome, 0)
    if found is not None:
        st.session_state[state.K_HISTORY] = found


def pickers(results: Results, runs: int) -> None:
    counts = {o: int((results.outcome == i).sum()) for i, o in enumerate(OUTCOMES)}
    present = [o for o in OUTCOMES if counts[o] > 0]
    left, right = st.columns(2)
    with left:
        st.number_input(
            "History number",
            min_value=0,
            max_value=runs - 1,
            step=1,
            key=state.K_HISTORY,
            help=f"Which of the {runs:,} histories to read (0 to {runs - 1:,}). The same number "
            "in the baseline had the same random draws.",
            persist_state="session",
        )
    with right:
        st.selectbox(
            "Show me one that ended in",
            present,
            index=None,
            placeholder="Choose an outcome (this scenario)",
            format_func=lambda o: f"{LABELS[o]} ({counts[o]:,} histories)",
            key=K_FIND,
            on_change=_find,
            args=(results,),
            help="Jumps to the first history of this scenario that ended this way.",
        )
        if st.session_state.get(K_FIND) is not None:
            st.button(
                "Next one like this",
                on_click=_find,
                args=(results, int(st.session_state.get(state.K_HISTORY, 0))),
            )


def line_markdown(line: history.Line) -> str:
    head = f"**{line.washington}** Washington · {line.london} London — **{ACTOR[line.actor]}**"
    return f"{head}: {line.text}".replace("$", r"\$")


def timeline(h: history.History, heading: str, diverge: int | None) -> None:
    st.subheader(heading, anchor=False)
    end = f", {calendar.fmt_step(h.resolved_step)}" if h.resolved_step >= 0 else " (20 Nov horizon)"
    st.markdown(f"Ended in **{h.outcome_label}**{end}.")
    marked = diverge is None
    for line in h.lines():
        if not marked and diverge is not None and line.step >= diverge:
            divergence_marker(diverge)
            marked = True
        text = line_markdown(line)
        if line.kind == "incident":
            st.warning(f"⚠ **Incident.** {text}")
        else:
            st.markdown(text)
            if line.reasons:
                st.caption(f"Why: {line.reasons}")
    if not marked and diverge is not None:
        divergence_marker(diverge)


def divergence_marker(step: int) -> None:
    st.info(f"↔ **Histories diverge here**: {calendar.fmt_step(step)}.")


def main() -> None:
    settings = state.current()
    runs = settings.runs
    index = _clamp_index(runs)
    st.title("One history", anchor=False)
    state.show_notices()
    st.caption(
        f"Scenario '{settings.scenario.title}' beside the baseline: {runs:,} histories, seed "
        f"{settings.seed} (change them on the Explore page)."
    )
    if settings.params is None:
        st.error(
            f"These settings cannot hold together: {settings.error}. Fix them on the Explore page."
        )
        state.sync_url(settings)
        return
    with st.spinner(f"Playing the crisis {runs:,} times…"):
        p = state.paired(settings)
    pickers(p.scenario, runs)
    index = int(st.session_state.get(state.K_HISTORY, index))
    query = state.sync_url(settings, {"history": str(index)})
    scen = state.replay(settings.params, settings.seed, index)
    base = state.replay(settings.baseline.params(), settings.seed, index)
    diverge = history.divergence(scen, base)
    if diverge is None:
        st.info("These two histories never diverge: the changed settings made no difference here.")
    else:
        st.write(
            f"History {index:,} ended in **{scen.outcome_label}** in this scenario and "
            f"**{base.outcome_label}** in the baseline; they diverge at "
            f"{calendar.fmt_step(diverge)}."
        )
    left, right = st.columns(2)
    with left:
        timeline(scen, "This scenario", diverge)
    with right:
        timeline(base, "Baseline", diverge)
    st.subheader("Share this history", anchor=False)
    st.code(state.share_link(query), language=None, wrap_lines=True)


with state.friendly_errors("One history"):
    main()
