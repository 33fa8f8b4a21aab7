"""Play as Britain: the player takes London's chair in one seeded history, step by step, seeing
only what London knew; then a debrief beside the model's Britain and over 5,000 paired histories.

The game lives in this session and in the URL only (`moves`, `at`, with the app's scenario, seed
and history): a refresh resumes it, another device has its own session, and a copied link
replays to the same end. A tampered link gives one warning and the game up to its last valid
choice. Everything is computed by `sim.play` (rules, replay), `sim.london` (the briefing),
`sim.voices` (advice) and `sim.debrief`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim import calendar, debrief, london, play, voices
from sim.history import Line, narrative
from sim.limits import HISTORY
from sim.params import Params
from ui.components import link, session

K_GAME = "play.game"  # {"key", "moves", "at"}: this session's game
K_WARNING = "play.warning"
K_LINE, K_THOR, K_BERLIN = "play.line", "play.thor", "play.berlin"
#: Longest `moves` text read from a link: one more than the engine reads, so it can say so.
MAX_LINK = play.MAX_TEXT + 1
NO_THOR = "No Thor offer now"
THOR = {NO_THOR: "", play.MOVES["thor_private"].label: "thor_private"}
THOR[play.MOVES["thor_public"].label] = "thor_public"


@st.cache_data(max_entries=64, show_spinner=False)
def _played(key: str, seed: int, index: int, moves: str) -> play.Played:
    return play.play(Params.from_key(key), seed, index, moves)


def played_of(params: Params, seed: int, index: int, moves: str) -> play.Played:
    return _played(params.key(), seed, index, moves)


@st.cache_resource(show_spinner=False)
def _debriefs() -> dict[tuple[str, int, int, str], debrief.Debrief]:
    """Finished debriefs (pure functions of their key), shared by sessions; at most 16."""
    return {}


def debrief_of(g: play.Played) -> debrief.Debrief:
    """The debrief, computed once per game with a progress bar."""
    store = _debriefs()
    key = (g.game.params.key(), g.game.seed, g.game.index, g.game.code)
    if key not in store:
        total = debrief.RUNS * (2 + sum(play.MOVES[c.move].initiative for c in g.game.choices))
        bar = st.progress(0.0, text=f"Replaying your policy over {debrief.RUNS:,} histories…")
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            bar.progress(min(done[0] / total, 1.0), text=f"{done[0]:,} of {total:,} histories")

        result = debrief.debrief(g, progress=advance)
        bar.empty()
        if len(store) >= 16:
            store.pop(next(iter(store)))
        store[key] = result
    return store[key]


# --- the game's state -------------------------------------------------------------------------


def load(params: Params, seed: int, index: int, key: str) -> dict[str, Any]:
    """This session's game; on the session's first visit, the game in the link (checked)."""
    state: dict[str, Any] | None = st.session_state.get(K_GAME)
    if state is not None and state["key"] == key:
        return state
    moves, at_text = "", ""
    if state is None:  # first visit in this session: resume the link's game
        moves = st.query_params.get("moves", "")[:MAX_LINK]
        at_text = st.query_params.get("at", "")[:8]
    g = played_of(params, seed, index, moves)
    notes = []
    if g.warning:
        notes.append(f"moves in the link: {g.warning}; the game resumes after the last valid one.")
    last = max((c.step for c in g.game.choices), default=play.FIRST_STEP - 1)
    first = max(last + 1, play.FIRST_STEP)
    at = first
    if at_text:
        number = int(at_text) if at_text.isdigit() else None
        if number is None or not first <= number <= g.end_step + 1:
            notes.append(  # (the last step is not named: London cannot know when it ends)
                f"at = '{at_text}' in the link is not allowed: use a step of this game from "
                f"{first} on. Resuming at step {first}."
            )
        else:
            at = number
    st.session_state[K_WARNING] = " ".join(notes)
    state = {"key": key, "moves": g.game.code, "at": at}
    st.session_state[K_GAME] = state
    return state


def decide(params: Params, seed: int, index: int, to_end: bool) -> None:
    """Callback of the two buttons: record this step's choice, then advance the clock."""
    state = st.session_state[K_GAME]
    at = int(state["at"])
    g = played_of(params, seed, index, state["moves"])
    choices = [c for c in g.game.choices if c.step < at]
    line = st.session_state.get(f"{K_LINE}.{at}", g.line_at(at))
    if line != play.line_at(choices, at) or line == "raise_alert":
        choices.append(play.Choice(at, line))
    thor = THOR.get(st.session_state.get(f"{K_THOR}.{at}", NO_THOR), "")
    if thor:
        choices.append(play.Choice(at, thor))
    if st.session_state.get(f"{K_BERLIN}.{at}", False):
        choices.append(play.Choice(at, "berlin"))
    new = played_of(params, seed, index, play.encode(choices))
    if new.warning:  # cannot happen through the form; never advance on a broken rule
        st.session_state[K_WARNING] = new.warning
        return
    st.session_state[K_WARNING] = ""
    state["moves"] = new.game.code
    state["at"] = new.end_step + 1 if to_end else at + 1


def restart(next_history: bool) -> None:
    """A new game (no choices), on this history or the next; the link is not read again."""
    st.session_state[K_WARNING] = ""
    if next_history:
        index = int(st.session_state.get(session.K_HISTORY, 0) or 0)
        st.session_state[session.K_HISTORY] = min(index + 1, HISTORY.high)
    st.session_state[K_GAME] = {"key": "", "moves": "", "at": play.FIRST_STEP}


# --- what the page shows ----------------------------------------------------------------------


def briefing(g: play.Played, at: int) -> None:
    """What London knew at step `at`: the news since the last step first, the rest folded."""
    known = london.briefing(g.history, at)
    since = calendar.step_time(at - 1) if at > play.FIRST_STEP else calendar.START
    new = [i for i in known if i.arrived > since]
    old = [i for i in known if i.arrived <= since]
    st.subheader("What London knows", anchor=False)
    if not new:
        st.caption("Nothing new since the last step.")
    for item in new:
        st.markdown(f"**{item.heard}** · {item.channel} — {item.text}".replace("$", r"\$"))
    if old:
        with st.expander(f"Earlier ({len(old)})"):
            for item in old:
                st.markdown(f"**{item.heard}** · {item.channel} — {item.text}".replace("$", r"\$"))
    alert = next((c.step for c in g.game.choices if c.move == "raise_alert"), None)
    st.markdown("**Alert state:** " + " · ".join(london.alert_state(g.history, at, alert)))
    st.caption(
        "London hears the news at once, and Washington's moves, Moscow's letters and incidents "
        "at Kennedy's next call (23:30 London); Moscow's other choices and true missile "
        "readiness, never."
    )


def advice(g: play.Played, at: int, fo: float) -> None:
    a = voices.advice(g.seen[at], fo)
    st.subheader("Your advisers", anchor=False)
    left, right = st.columns(2)
    for column, v in zip((left, right), a.voices, strict=True):
        with column, st.container(border=True):
            st.markdown(v.sentence.replace("$", r"\$"))
    st.caption(a.sentence)


def choice_form(params: Params, seed: int, index: int, g: play.Played, at: int) -> None:
    """The player's move at step `at`: a line, perhaps an initiative; decide or run to the end."""
    raised = any(c.move == "raise_alert" and c.step < at for c in g.game.choices)
    lines = [x for x in play.LINES if not (x == "raise_alert" and raised)]
    current = play.line_at([c for c in g.game.choices if c.step < at], at)
    with st.form(f"play.form.{at}", border=True):
        st.radio(
            "London's line from now on",
            lines,
            index=lines.index(current) if current in lines else 0,
            format_func=lambda x: play.MOVES[x].label,
            captions=[f"{play.MOVES[x].meaning} [{play.MOVES[x].source}]" for x in lines],
            key=f"{K_LINE}.{at}",
        )
        made = {c.move for c in g.game.choices}
        if not made & {"thor_private", "thor_public"} and at in play.initiative_steps("thor"):
            st.radio(
                "The Thors (once)",
                list(THOR),
                key=f"{K_THOR}.{at}",
                help=f"{play.MOVES['thor_private'].meaning} [{play.MOVES['thor_private'].source}]",
            )
        if "berlin" not in made and at in play.initiative_steps("berlin"):
            st.checkbox(
                play.MOVES["berlin"].label + " (once)",
                key=f"{K_BERLIN}.{at}",
                help=f"{play.MOVES['berlin'].meaning} [{play.MOVES['berlin'].source}]",
            )
        st.form_submit_button(
            "Decide and advance 6 hours",
            type="primary",
            on_click=decide,
            args=(params, seed, index, False),
        )
        st.form_submit_button(
            "Keep this line to the end",
            on_click=decide,
            args=(params, seed, index, True),
            help="Your line holds at every later step until the crisis ends.",
        )


def narrative_lines(lines: list[Line], outcome: str) -> None:
    for line in lines:
        st.markdown(f"**{line.london}** — {line.render().split(' — ', 1)[1]}".replace("$", r"\$"))
    st.markdown(f"**{outcome}**")


def show_debrief(g: play.Played, option: str, query: dict[str, str]) -> None:
    end = g.history.resolved_step
    st.success(
        f"The crisis is over: **{g.history.outcome_label}**"
        + (f", {play.when(end)}." if end >= 0 else " by 20 Nov.")
    )
    d = debrief_of(g)
    st.subheader("Debrief", anchor=False)
    for sentence in d.sentences():
        st.markdown(sentence.replace("$", r"\$"))
    st.table(
        {
            "Outcome": [r[0] for r in d.outcome_rows()],
            "Your policy": [debrief.interval(r[1]) for r in d.outcome_rows()],
            "The model's Britain": [debrief.interval(r[2]) for r in d.outcome_rows()],
        }
    )
    st.caption(
        f"The same {d.runs:,} histories on both sides (common random numbers); your policy is "
        "your line at each step and your initiatives, applied in every history."
    )
    left, right = st.columns(2)
    end_line = narrative(g.history).splitlines()[-1]
    with left:
        st.subheader("Your history", anchor=False)
        narrative_lines(debrief.player_lines(g.history), end_line)
    with right:
        st.subheader("With the model's Britain", anchor=False)
        narrative_lines(d.model_history.lines(), narrative(d.model_history).splitlines()[-1])
    shared = link.share_link(query)
    st.download_button(
        "Download the debrief (one-page HTML)",
        debrief.as_html(d, option, shared),
        file_name=f"cuba62-debrief-{g.game.seed}-{g.game.index}.html",
        mime="text/html",
    )
    st.markdown("**This game's link** (it replays to the same end):")
    link.show(shared)


def main() -> None:
    settings = session.current()
    st.title("Play as Britain", anchor=False)
    session.show_notices()
    if settings.params is None:
        st.error(f"These settings cannot hold together: {settings.error}. Fix them on Explore.")
        return
    params, seed = settings.params, settings.seed
    index = int(st.session_state.get(session.K_HISTORY, 0) or 0)
    key = f"{settings.option}|{params.key()}|{seed}|{index}"
    state = load(params, seed, index, key)
    g = played_of(params, seed, index, state["moves"])
    at = min(int(state["at"]), g.end_step + 1)
    query = link.sync_url(settings, {"history": str(index), "moves": g.game.code, "at": str(at)})
    st.caption(
        f"Scenario '{settings.scenario.title}', seed {seed}, history {index:,} (change them on "
        "Explore and One history). You choose London's line; Washington and Moscow are the model."
    )
    if st.session_state.get(K_WARNING):
        st.warning(st.session_state[K_WARNING])
    if at > g.end_step:
        show_debrief(g, settings.option, query)
    else:
        st.header(f"Step {at}: {play.when(at)}", anchor=False)
        st.caption(f"{calendar.fmt_step(at)}. Each step is 6 hours.")
        briefing(g, at)
        advice(g, at, params.f("uk.foreign_office_weight"))
        choice_form(params, seed, index, g, at)
    left, right = st.columns(2)
    left.button("Start this game again", on_click=restart, args=(False,))
    right.button("Play the next history", on_click=restart, args=(True,))


with session.friendly_errors("Play as Britain"):
    main()
