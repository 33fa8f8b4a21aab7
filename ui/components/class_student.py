"""A student's phone in a class: the question when the teacher poses one, an answer they can
change until the lock, and the reveal beside their own answer.

The page polls the class (`st.fragment(run_every=POLL_S)`, one small read a tick) and redraws
only when the stage or the question changes, so a student's half-moved slider is never reset. The
student is known by the token in the URL (`student=`), so a reload or a server restart keeps them
in the class.
"""

from __future__ import annotations

import html
import uuid

import streamlit as st

from sim import questions
from ui.components import class_store, class_summary, class_teacher
from ui.components.class_store import ClassError, Seat

#: How often a phone asks whether the class moved on (seconds): modest, 40 phones poll.
POLL_S = 5.0
K_SIGNATURE = "class.seen"
K_RECEIPT = "class.receipt"
K_REQUEST = "class.request"


@st.fragment(run_every=POLL_S)
def watch(code: str, token: str) -> None:
    """Redraw the page when the teacher moves the class on."""
    try:
        seen = class_store.seat(code, token).signature()
    except ClassError:
        return
    if st.session_state.get(K_SIGNATURE) not in (None, seen):
        st.rerun(scope="app")


def shown(question: questions.Question, value: float | str | None) -> str:
    if value is None:
        return "no answer"
    if question.kind == "share":
        return f"{float(value):.1%}"
    return question.label(str(value))


def submit(seat: Seat, token: str, question: questions.Question) -> None:
    """The form's callback: store the answer once (a repeated click carries the same request
    id until the store has acknowledged it)."""
    assert seat.current is not None
    raw = st.session_state.get(f"class.value.{seat.current.id}")
    if raw is None:
        st.session_state[K_RECEIPT] = ("warning", "Choose an answer first.")
        return
    value: float | str = round(float(raw) / 100, 4) if question.kind == "share" else str(raw)
    request = st.session_state.setdefault(K_REQUEST, uuid.uuid4().hex)
    try:
        message = class_store.answer(seat.code, token, seat.current.id, value, request)
        st.session_state[K_RECEIPT] = (
            "success",
            f"{message} Your answer: {shown(question, value)}.",
        )
        st.session_state[K_REQUEST] = uuid.uuid4().hex  # the next change is a new request
    except ClassError as error:
        locked = seat.current is not None and "locked" in str(error)
        st.session_state[K_RECEIPT] = ("locked" if locked else "warning", str(error))


@st.fragment
def answer_form(seat: Seat, token: str, question: questions.Question) -> None:
    """The answer form and its acknowledgement. A fragment: a submit reruns only this part of
    the page (a few milliseconds of server time instead of the whole app), so 40 phones sending
    at once are acknowledged quickly."""
    assert seat.current is not None
    receipt = st.session_state.get(K_RECEIPT)
    if receipt is not None and receipt[0] == "locked":
        st.rerun(scope="app")  # the teacher locked meanwhile: the whole page says so
    if receipt is not None:
        del st.session_state[K_RECEIPT]
        getattr(st, receipt[0])(receipt[1])
    key = f"class.value.{seat.current.id}"
    with st.form(f"class.answer.{seat.current.id}", border=True):
        if question.kind == "share":
            start = float(seat.answer) * 100 if isinstance(seat.answer, float | int) else 10.0
            st.slider(
                "Your prediction (out of 100 histories)",
                0.0,
                100.0,
                start,
                0.5,
                format="%.1f%%",
                key=key,
            )
        else:
            options = list(question.options)
            index = options.index(seat.answer) if seat.answer in options else None
            st.radio("Your prediction", options, index=index, format_func=question.label, key=key)
        st.form_submit_button(
            "Send my answer", type="primary", on_click=submit, args=(seat, token, question)
        )


def show(code: str, token: str) -> None:
    """The student's page for class `code`."""
    try:
        seat = class_store.seat(code, token)
        scenario = class_teacher.scenario_of(seat.scenario_id)
    except ClassError as error:
        st.error(str(error))
        st.button("Join a class", key="class.leave", on_click=st.query_params.clear)
        return
    st.session_state[K_SIGNATURE] = seat.signature()
    st.html(
        f'<div>Class <b data-testid="class-code">{html.escape(seat.code)}</b> · you are '
        f'<b data-testid="class-nickname">{html.escape(seat.nickname)}</b></div>'
    )
    watch(code, token)
    current = seat.current
    question = questions.question(seat.scenario_id, current.key) if current else None
    if seat.stage in ("lobby", "baseline", "whatif") or question is None or current is None:
        st.subheader(scenario.title)
        st.write(scenario.question)
        st.info("Look at the projector: your teacher will pose a question here.")
        return
    st.markdown(f"**{class_summary.md(question.text)}**")
    if not current.locked:
        answer_form(seat, token, question)
        st.caption("You can change your answer until your teacher locks the answers.")
        return
    if receipt := st.session_state.pop(K_RECEIPT, None):  # an answer sent after the lock
        st.warning(receipt[1])
    st.info(f"Answers are locked. Your answer: {shown(question, seat.answer)}.")
    if current.revealed:
        model = class_teacher.model_answer(seat.scenario_id, current.key, seat.code)
        st.success(f"The model: {model.text}")
    else:
        st.caption("Wait for the reveal on the projector.")
