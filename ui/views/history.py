"""One history: the same history number in the scenario and in its baseline, side by side or
interleaved by date.

Both run on the same random draws (same seed, same history number), so where they part is the
effect of the changed settings. Every line is dated in Washington and London time, and each choice
comes with its reasons: the named utility components that pushed hardest for or against it.
"""

from __future__ import annotations

import streamlit as st

from sim import calendar, history
from sim.ensemble import Results
from sim.labels import COMPONENT_LABELS, LABELS, OUTCOMES
from ui.components import cache, link, session, view_link

K_FIND = "w.find_outcome"
K_VIEW = view_link.K_HISTORY_VIEW
ACTOR = history.ACTOR_LABEL
SIDE_BY_SIDE = "Side by side"
INTERLEAVED = "Interleaved by date"
SCENARIO, BASELINE, BOTH = "This scenario", "Baseline", "Both"
#: Markdown badges that tag each line in the interleaved view (the words carry the meaning; the
#: colours match the charts: blue scenario, orange baseline).
TAG = {
    SCENARIO: ":blue-badge[This scenario]",
    BASELINE: ":orange-badge[Baseline]",
    BOTH: ":gray-badge[Both]",
}


def _clamp_index(runs: int) -> int:
    index = int(st.session_state.get(session.K_HISTORY, 0))
    if not 0 <= index < runs:
        index = min(max(index, 0), runs - 1)
        st.session_state[session.K_HISTORY] = index
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
        st.session_state[session.K_HISTORY] = found


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
            key=session.K_HISTORY,
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
                args=(results, int(st.session_state.get(session.K_HISTORY, 0))),
            )


def reason_name(component: str) -> str:
    """A utility component in words, as each agent words it beside its rule (`sim.labels`):
    "Foreign Office — the UN route" reads "the Foreign Office's concern, “the UN route”"."""
    label = COMPONENT_LABELS.get(component, component.replace("_", " "))
    body, dash, concern = label.partition(" — ")
    return f"the {body}'s concern, “{concern}”," if dash else label


def listed(names: list[str]) -> str:
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return text.rstrip(",")


def why_text(line: history.Line) -> str:
    """The reasons for a choice as a sentence: 'London chose this mainly because of the
    Foreign Office's concern, “the UN route”, although the risk of war weighed against it.
    Chance of this choice: 45%.' The two strongest reasons each way, the strength in words
    (strongly: at least 0.5 in utility), the weights themselves left out. Empty for incidents."""
    who = ACTOR.get(line.actor, line.actor)
    pushes = [(n, v) for n, v in line.why if v > 0][:2]
    pulls = [(n, v) for n, v in line.why if v < 0][:2]

    def names(reasons: list[tuple[str, float]]) -> str:
        return listed([reason_name(n) for n, _ in reasons])

    def strength(reasons: list[tuple[str, float]]) -> str:
        return "strongly " if abs(reasons[0][1]) >= 0.5 else ""

    text = ""
    if pushes:
        text = f"{who} chose this mainly because of {names(pushes)}"
        if pulls:
            text += f", although {names(pulls)} {strength(pulls)}weighed against it"
        text += "."
    elif pulls:
        text = f"{who} chose this even though {names(pulls)} {strength(pulls)}weighed against it."
    if line.chance is not None:
        if line.chance < 0.2:
            chance = "under 1%" if line.chance < 0.01 else f"{line.chance:.0%}"
            text += f" An unlikely choice ({chance}): the dice fell this way in this history."
        else:
            text += f" Chance of this choice: {line.chance:.0%}."
    return text.strip()


def line_markdown(line: history.Line, tag: str | None = None) -> str:
    head = f"**{line.washington}** Washington · {line.london} London — **{ACTOR[line.actor]}**"
    if tag is not None:
        head = f"{TAG[tag]} {head}"
    return f"{head}: {line.text}".replace("$", r"\$")


def show_line(line: history.Line, tag: str | None = None, why: str | None = None) -> None:
    """One dated line: incidents highlighted, choices with their reasons underneath."""
    text = line_markdown(line, tag)
    if line.kind == "incident":
        st.warning(f"⚠ **Incident.** {text}")
        return
    st.markdown(text)
    why = why_text(line) if why is None else why
    if why:
        st.caption(why)


def ending(h: history.History) -> str:
    end = f", {calendar.fmt_step(h.resolved_step)}" if h.resolved_step >= 0 else " (20 Nov horizon)"
    return f"**{h.outcome_label}**{end}"


def timeline(h: history.History, heading: str, diverge: int | None) -> None:
    st.subheader(heading, anchor=False)
    st.markdown(f"Ended in {ending(h)}.")
    marked = diverge is None
    for line in h.lines():
        if not marked and diverge is not None and line.step >= diverge:
            divergence_marker(diverge)
            marked = True
        show_line(line)
    if not marked and diverge is not None:
        divergence_marker(diverge)


def interleave(
    scen: list[history.Line], base: list[history.Line], diverge: int | None
) -> list[tuple[str, history.Line, history.Line | None]]:
    """One list in date order of (tag, line, its baseline twin or None).

    Before the divergence the two histories make the same choices, so each pair is shown once as
    'Both' (with the baseline's line as twin when only the reasons differ). From the divergence
    on, each history's lines are tagged with their own side, scenario first within a step."""
    # Histories that never diverge are the same throughout: every line is 'Both'.
    limit = diverge if diverge is not None else calendar.N_STEPS
    early_s = [line for line in scen if line.step < limit]
    early_b = [line for line in base if line.step < limit]
    out: list[tuple[str, history.Line, history.Line | None]] = []
    for a, b in zip(early_s, early_b, strict=False):
        out.append((BOTH, a, None if a == b else b))
    # Defensive: an unmatched early line (should not happen) keeps its own side's tag.
    out += [(SCENARIO, a, None) for a in early_s[len(early_b) :]]
    out += [(BASELINE, b, None) for b in early_b[len(early_s) :]]
    late = [(SCENARIO, a, None) for a in scen if a.step >= limit]
    late += [(BASELINE, b, None) for b in base if b.step >= limit]
    late.sort(key=lambda item: item[1].step)  # stable: the scenario's line first within a step
    return out + late


def interleaved(scen: history.History, base: history.History, diverge: int | None) -> None:
    st.subheader("Both histories, by date", anchor=False)
    st.markdown(
        f"{TAG[SCENARIO]} ended in {ending(scen)}.  \n{TAG[BASELINE]} ended in {ending(base)}."
    )
    marked = diverge is None
    for tag, line, twin in interleave(scen.lines(), base.lines(), diverge):
        if not marked and diverge is not None and line.step >= diverge:
            divergence_marker(diverge)
            marked = True
        why = None
        if twin is not None:  # same choice, different reasons
            mine, theirs = why_text(line), why_text(twin)
            why = f"This scenario — {mine}  \nBaseline — {theirs}" if mine != theirs else mine
        show_line(line, tag, why)
    if not marked and diverge is not None:
        divergence_marker(diverge)


def divergence_marker(step: int) -> None:
    st.info(f"↔ **Histories diverge here**: {calendar.fmt_step(step)}.")


def main() -> None:
    settings = session.current()
    runs = settings.runs
    index = _clamp_index(runs)
    st.title("One history", anchor=False)
    view_link.init_history()
    view_link.show_view_notices()
    session.show_notices()
    st.caption(
        f"Scenario '{settings.scenario.title}' beside the baseline: {runs:,} histories, seed "
        f"{settings.seed} (change them on the Explore page)."
    )
    if settings.params is None:
        st.error(
            f"These settings cannot hold together: {settings.error}. Fix them on the Explore page."
        )
        link.sync_url(settings)
        return
    with st.spinner(f"Playing the crisis {runs:,} times…"):
        p = cache.paired(settings)
    pickers(p.scenario, runs)
    index = int(st.session_state.get(session.K_HISTORY, index))
    query = link.sync_url(settings, {"history": str(index), **view_link.history_query()})
    scen = cache.replay(settings.params, settings.seed, index)
    base = cache.replay(settings.baseline.params(), settings.seed, index)
    diverge = history.divergence(scen, base)
    if diverge is None:
        st.info("These two histories never diverge: the changed settings made no difference here.")
    else:
        st.write(
            f"History {index:,} ended in **{scen.outcome_label}** in this scenario and "
            f"**{base.outcome_label}** in the baseline; they diverge at "
            f"{calendar.fmt_step(diverge)}."
        )
    st.header("The two histories, line by line", anchor=False)
    view = st.radio(
        "Show the two histories",
        [SIDE_BY_SIDE, INTERLEAVED],
        horizontal=True,
        key=K_VIEW,
        help="Side by side: two columns (they stack on a phone). Interleaved by date: one list, "
        "each line tagged 'This scenario', 'Baseline' or 'Both' (the same in both histories).",
    )
    if view == INTERLEAVED:
        interleaved(scen, base, diverge)
    else:
        left, right = st.columns(2)
        with left:
            timeline(scen, "This scenario", diverge)
        with right:
            timeline(base, "Baseline", diverge)
    st.header("Share this history", anchor=False)
    link.show(link.share_link(query))


with session.friendly_errors("One history"):
    main()
