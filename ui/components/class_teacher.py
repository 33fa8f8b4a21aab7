"""The teacher's projector for a class: join code and QR code, the lesson's sequence (baseline →
what-if → predict → reveal → discuss → debrief), the live count of answers, the reveal and the
debrief with its downloads.

The count updates itself (`st.fragment(run_every=COUNT_S)`: one small query a tick, the answers
themselves never leave the database before the reveal). Every change the teacher makes goes to the
store first and the page is redrawn from it, so a reload or a server restart shows the same class.
"""

from __future__ import annotations

import html

import streamlit as st

from sim import questions
from sim.params import SPECS, format_value
from sim.scenario import BASELINE_ID, Scenario
from ui.components import cache, class_charts, class_jobs, class_store, class_summary, session
from ui.components.class_store import STAGES, ClassError, Room, stage_label

#: How often the projector's count of answers (or of students, while they join) is refreshed.
COUNT_S = 2.0
K_FRESH = "class.fresh"  # the teacher key of a class this session has just created
K_STAGES = "class.stages"


CODE_CSS = """
<style>
.cuba62-code { font-size: clamp(3rem, 11vw, 7.5rem); font-weight: 800; letter-spacing: 0.12em;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; line-height: 1.05; color: #262730; }
.cuba62-code-small { font-size: 1.6rem; font-weight: 700; letter-spacing: 0.08em;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.cuba62-qr img { width: 100%; max-width: 260px; height: auto; display: block; }
.cuba62-question { font-size: 1.5rem; line-height: 1.35; font-weight: 600; }
.cuba62-count { font-size: 3.2rem; font-weight: 800; }
</style>
"""


def scenario_of(scenario_id: str) -> Scenario:
    found = session.shipped()
    if scenario_id not in found:
        raise ClassError(f"this class's scenario '{scenario_id}' is no longer available")
    return found[scenario_id]


def discussion(scenario: Scenario) -> tuple[str, ...]:
    """The scenario's discussion questions (key `discussion`), else what it says to notice."""
    found = tuple(getattr(scenario, "discussion", ()) or ())
    return found or scenario.what_to_notice


def owner(code: str) -> str:
    """The pool's name for this class's jobs (never withdrawn by a session's other runs)."""
    return f"class-{code}"


def prefetch(room: Room, question_key: str) -> None:
    """Start the model's answer now, so it is ready by the reveal."""
    cache.request_job(
        owner(room.code),
        class_jobs.answer_key(room.scenario_id, question_key),
        class_jobs.answer_job,
        (room.scenario_id, question_key),
    )


def model_answer(scenario_id: str, question_key: str, code: str) -> questions.ModelAnswer:
    value = cache.job(
        owner(code),
        class_jobs.answer_key(scenario_id, question_key),
        class_jobs.answer_job,
        (scenario_id, question_key),
        f"The model is playing the crisis {class_jobs.RUNS:,} times",
    )
    assert isinstance(value, questions.ModelAnswer)
    return value


def act(fn: object, *args: object) -> None:
    """A button's callback: one store call; its refusal is shown as one line after the rerun."""
    try:
        fn(*args)  # type: ignore[operator]
    except ClassError as error:
        st.session_state["class.error"] = str(error)


def header(room: Room, scenario: Scenario, big: bool) -> None:
    st.html(CODE_CSS)
    link = class_store.student_link(room.code)
    if big:
        left, right = st.columns([3, 1.3], vertical_alignment="center")
        with left:
            st.markdown(
                f"#### Join at **{html.escape(class_store.base_url())}/class** with the code"
            )
            st.html(
                f'<div class="cuba62-code" data-testid="class-code">{html.escape(room.code)}</div>'
            )
            st.caption(f"Or scan the QR code. Scenario: {scenario.title}.")
        with right:
            st.html(f'<div class="cuba62-qr">{class_store.qr_img(link)}</div>')
    else:
        st.html(
            f'<div>Code <span class="cuba62-code-small" data-testid="class-code">'
            f"{html.escape(room.code)}</span> · {room.students} joined · "
            f"{html.escape(scenario.title)}</div>"
        )


def on_stage(code: str, key: str) -> None:
    """The stage control's callback: move the whole class (clicking the current stage again
    deselects it in the control: that changes nothing)."""
    stage = st.session_state.get(K_STAGES)
    if stage:
        act(class_store.set_stage, code, key, stage)


def stage_bar(room: Room, key: str) -> None:
    """The sequence as one row of buttons (wrapping on a phone), the current stage selected."""
    st.session_state[K_STAGES] = room.stage
    st.segmented_control(
        "Stage of the lesson",
        STAGES,
        format_func=stage_label,
        key=K_STAGES,
        on_change=on_stage,
        args=(room.code, key),
        label_visibility="collapsed",
    )


def next_button(room: Room, key: str) -> None:
    i = STAGES.index(room.stage) if room.stage in STAGES else 0
    if i + 1 < len(STAGES):
        nxt = STAGES[i + 1]
        st.button(
            f"Next: {stage_label(nxt)} →",
            key="class.next",
            type="primary",
            on_click=act,
            args=(class_store.set_stage, room.code, key, nxt),
        )


@st.fragment(run_every=COUNT_S)
def joined_count(code: str, key: str) -> None:
    try:
        n = class_store.students(code, key)
    except ClassError as error:
        st.error(str(error))
        return
    st.html(f'<div class="cuba62-count" data-testid="class-joined">{n}</div>')
    st.caption("students have joined")


@st.fragment(run_every=COUNT_S)
def answered_count(code: str, key: str, question_id: int, students: int) -> None:
    """How many have answered — never what (one small query a tick)."""
    try:
        n = class_store.answer_count(code, key, question_id)
    except ClassError as error:
        st.error(str(error))
        return
    if n > students:  # someone joined since the page was drawn: redraw it with the new count
        st.rerun(scope="app")
    of = f" of {students}" if students else ""
    st.html(f'<div class="cuba62-count" data-testid="class-answered">{n}{of}</div>')
    st.caption("have answered (the answers stay hidden until you reveal them)")


def whatif(scenario: Scenario) -> None:
    st.subheader(f"What if? {scenario.title}")
    st.html(f'<div class="cuba62-question">{html.escape(scenario.question)}</div>')
    changes = [f"- **{SPECS[n].label}**: {format_value(v)}" for n, v in scenario.overrides.items()]
    if changes:
        st.markdown("What the scenario changes from what happened:\n" + "\n".join(changes))
    with st.expander("Historical basis (with sources)"):
        st.markdown(scenario.historical_basis)


def baseline(room: Room) -> None:
    st.subheader("Baseline: the crisis as it was, played many times")
    st.write(session.baseline().question)
    model = model_answer(BASELINE_ID, questions.MOST_COMMON, room.code)
    question = questions.question(BASELINE_ID, questions.MOST_COMMON)
    shares = [(question.label(o), s) for o, s in model.distribution.items() if s > 0]
    words = "; ".join(f"{label}: {share:.1%}" for label, share in shares)
    st.vega_lite_chart(
        class_charts.model_chart(question, model),
        width="stretch",
        alt=f"Bar chart: how the crisis ends in the model's histories. {words}.",
    )
    st.caption(f"{model.text} Each outcome: {words}.")


def predict(room: Room, key: str, scenario: Scenario) -> None:
    current = room.current
    asked = {q.key for q in room.posed}
    if current is None or current.revealed:
        choices = questions.questions_for(room.scenario_id)
        fresh = [q for q in choices if q.key not in asked] or choices
        picked = st.selectbox(
            "Question to pose",
            [q.key for q in fresh],
            format_func=lambda k: questions.question(room.scenario_id, k).text,
            key="class.pick",
        )
        if st.button("Pose this question", type="primary", key="class.pose"):
            act(class_store.pose, room.code, key, picked)
            act(class_store.set_stage, room.code, key, "predict")
            prefetch(room, str(picked))
            st.rerun()
        return
    question = questions.question(room.scenario_id, current.key)
    st.html(f'<div class="cuba62-question">{html.escape(question.text)}</div>')
    answered_count(room.code, key, current.id, room.students)
    if not current.locked:
        st.button(
            "Lock answers",
            key="class.lock",
            type="primary",
            on_click=act,
            args=(class_store.lock, room.code, key, current.id),
        )
    else:
        st.info("Answers are locked.")
        st.button(
            "Reveal",
            key="class.reveal",
            type="primary",
            on_click=reveal_now,
            args=(room.code, key, current.id),
        )


def reveal_now(code: str, key: str, question_id: int) -> None:
    act(class_store.reveal, code, key, question_id)
    act(class_store.set_stage, code, key, "reveal")


def reveal(room: Room, key: str) -> None:
    current = room.current
    if current is None:
        st.info("No question yet: go to Predict and pose one.")
        return
    if not current.revealed:
        st.info("The answers are still hidden.")
        st.button(
            "Lock and reveal",
            key="class.reveal",
            type="primary",
            on_click=reveal_now,
            args=(room.code, key, current.id),
        )
        return
    question = questions.question(room.scenario_id, current.key)
    answers = class_store.answers(room.code, current.id, teacher_key=key)
    model = model_answer(room.scenario_id, current.key, room.code)
    st.html(f'<div class="cuba62-question">{html.escape(question.text)}</div>')
    if question.kind == "share":
        spec = class_charts.share_chart(answers, model)
    else:
        spec = class_charts.choice_chart(question, answers, model)
    st.vega_lite_chart(spec, width="stretch")
    st.caption(
        "Blue: the class's predictions (students per 5-point step). Orange: the model's share, "
        "with its 95% interval as a band."
        if question.kind == "share"
        else "Blue: share of the class that chose each answer. Orange: share of the model's "
        "histories."
    )
    st.markdown(f"**The class:** {class_summary.md(class_charts.class_words(question, answers))}")
    st.markdown(f"**The model:** {class_summary.md(class_charts.model_words(question, model))}")
    near = class_charts.closest(question, answers, model)
    if near:
        title = "Closest predictions" if question.kind == "share" else "Chose the model's answer"
        items = "".join(f"<li>{html.escape(n)}</li>" for n in near)
        st.html(f'<div data-testid="class-closest"><b>{title}</b><ol>{items}</ol></div>')


def discuss(scenario: Scenario) -> None:
    st.subheader("Discuss")
    for item in discussion(scenario):
        st.markdown(f"- {item}")
    st.caption(f"Lesson: {scenario.lesson}" if scenario.lesson else "")


def debrief(room: Room, key: str, scenario: Scenario) -> None:
    st.subheader(f"Debrief: {scenario.title}")
    rows = []
    for posed in room.posed:
        if not posed.revealed:
            continue
        question = questions.question(room.scenario_id, posed.key)
        answers = class_store.answers(room.code, posed.id, teacher_key=key)
        model = model_answer(room.scenario_id, posed.key, room.code)
        rows.append(
            class_summary.Row(question, answers, model, questions.historical_answer(question))
        )
    if not rows:
        st.info("No question has been revealed yet.")
    for row in rows:
        st.markdown(f"**{class_summary.md(row.question.text)}**")
        cols = st.columns(3)
        cols[0].markdown("**The class predicted**\n\n" + class_summary.md(row.class_text))
        cols[1].markdown("**The model**\n\n" + class_summary.md(row.model_text))
        cols[2].markdown("**What happened in 1962**\n\n" + class_summary.md(row.history))
    st.markdown("**Questions to discuss**")
    for item in discussion(scenario):
        st.markdown(f"- {item}")
    page = class_summary.html_page(room.code, scenario, rows, discussion(scenario))
    left, right = st.columns(2)
    left.download_button(
        "Download answers (CSV)",
        class_store.export_csv(room.code, key),
        file_name=f"class-{room.code}.csv",
        mime="text/csv",
        on_click="ignore",  # no rerun: it would replace the other button's file mid-download
        key="class.csv",
    )
    right.download_button(
        "Download one-page summary (HTML)",
        page,
        file_name=f"class-{room.code}-summary.html",
        mime="text/html",
        on_click="ignore",
        key="class.html",
    )


def delete_box(room: Room, key: str) -> None:
    with st.expander("End and delete this class"):
        st.write("Deletes the class and every answer now (download them first).")
        if st.button("Delete the class and its answers", key="class.delete"):
            act(class_store.delete, room.code, key)
            st.query_params.clear()
            st.rerun()


def show(code: str, key: str) -> None:
    """The teacher's page for class `code`, if `key` is its teacher key."""
    try:
        room = class_store.room(code, key)
        scenario = scenario_of(room.scenario_id)
    except ClassError as error:
        st.error(str(error))
        st.button("Start or join a class", key="class.leave", on_click=st.query_params.clear)
        return
    if message := st.session_state.pop("class.error", None):
        st.warning(message)
    if st.session_state.get(K_FRESH) == key:
        st.warning(
            "Keep this teacher link (bookmark it): it gives control of the class, so do not "
            "share it or show it on the projector. It is shown only now."
        )
        st.code(class_store.teacher_link(room.code, key), language=None)
        if st.button("I have kept it", key="class.kept"):
            st.session_state.pop(K_FRESH, None)
            st.rerun()
    header(room, scenario, big=room.stage == "lobby")
    stage_bar(room, key)
    if room.stage == "lobby":
        joined_count(room.code, key)
    elif room.stage == "baseline":
        baseline(room)
    elif room.stage == "whatif":
        whatif(scenario)
    elif room.stage == "predict":
        predict(room, key, scenario)
    elif room.stage == "reveal":
        reveal(room, key)
    elif room.stage == "discuss":
        discuss(scenario)
    elif room.stage == "debrief":
        debrief(room, key, scenario)
    next_button(room, key)
    if room.stage == "debrief":
        delete_box(room, key)
