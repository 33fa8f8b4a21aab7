"""The Class page's one door to the class store (`classroom`): the store of this server process,
what a page needs from it as small frozen records, and the class's links and QR code.

Everything the teacher's projector and the students' phones show comes from the database, keyed by
the URL (`code`, and `teacher` or `student`): the page keeps no class state of its own, so a reload
or a server restart (the open page reconnects to a new session) redraws the same class. Every call
raises `ClassError` with one line a teacher or a student can read (wrong or expired code, locked
question, ...); the pages show it as it is.
"""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass

import streamlit as st

from classroom.rules import OPEN, REVEALED, STAGES, ClassError
from classroom.store import PosedQuestion, Store
from ui.components.class_charts import Answer

__all__ = ["STAGES", "Answer", "ClassError", "Posed", "Room", "Seat", "stage_label"]

_LABELS = {
    "lobby": "Joining",
    "baseline": "Baseline",
    "whatif": "What-if",
    "predict": "Predict",
    "reveal": "Reveal",
    "discuss": "Discuss",
    "debrief": "Debrief",
}


def stage_label(stage: str) -> str:
    return _LABELS.get(stage, stage)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The store of this server process (one engine and connection pool for every session);
    the schema is brought up to date once, here."""
    return Store()


@dataclass(frozen=True)
class Posed:
    """A question posed to the class."""

    id: int
    key: str
    locked: bool
    revealed: bool
    answered: int


@dataclass(frozen=True)
class Room:
    """What the teacher's projector shows of a class."""

    code: str
    scenario_id: str
    stage: str
    students: int
    current: Posed | None
    posed: tuple[Posed, ...]


@dataclass(frozen=True)
class Seat:
    """What one student's phone shows: the class's stage and question, and their own answer."""

    code: str
    nickname: str
    scenario_id: str
    stage: str
    current: Posed | None
    answer: float | str | None

    def signature(self) -> tuple[object, ...]:
        """What, when it changes, means the phone must redraw (polled by the student page)."""
        q = self.current
        return (self.stage, q.id if q else None, q.locked if q else None, q.revealed if q else None)


# --- the store's calls (the only place that knows its API) ------------------------------------


def _posed(q: PosedQuestion) -> Posed:
    return Posed(q.id, q.key, q.state != OPEN, q.state == REVEALED, q.answered)


def create(scenario_id: str, ttl_hours: float) -> tuple[str, str]:
    """A new class: (join code, teacher key)."""
    handle = store().create_class(scenario_id, ttl_hours=ttl_hours)
    return handle.code, handle.teacher_key


def join(code: str, nickname: str) -> tuple[str, str]:
    """Join a class: (its code, the student's token)."""
    handle = store().join(code, nickname)
    return handle.code, handle.student_token


def room(code: str, teacher_key: str) -> Room:
    s = store().teacher_view(code, teacher_key)
    posed = tuple(_posed(q) for q in s.questions)
    return Room(
        s.code, s.scenario_id, s.stage, len(s.students), posed[-1] if posed else None, posed
    )


def seat(code: str, student_token: str) -> Seat:
    s = store().student_view(code, student_token)
    current = _posed(s.current) if s.current is not None else None
    return Seat(s.code, s.nickname, s.scenario_id, s.stage, current, s.my_answer)


def pose(code: str, teacher_key: str, question_key: str) -> None:
    store().pose(code, teacher_key, question_key)


def lock(code: str, teacher_key: str, question_id: int) -> None:
    store().lock(code, teacher_key, question_id)


def reveal(code: str, teacher_key: str, question_id: int) -> None:
    store().reveal(code, teacher_key, question_id)


def set_stage(code: str, teacher_key: str, stage: str) -> None:
    store().set_stage(code, teacher_key, stage)


def answer(code: str, token: str, question_id: int, value: float | str, request_id: str) -> str:
    """Store a student's answer; one line saying so (a repeated request is counted once)."""
    receipt = store().answer(code, token, question_id, value, request_id=request_id)
    if receipt.duplicate:
        return "Already saved (counted once)."
    return "Saved." if receipt.revision == 1 else "Changed."


def answer_count(code: str, teacher_key: str, question_id: int) -> int:
    """How many have answered (one small read: the projector polls it)."""
    return store().answer_count(code, teacher_key, question_id)


def students(code: str, teacher_key: str) -> int:
    """How many have joined (the projector polls it while the class joins)."""
    return len(store().teacher_view(code, teacher_key).students)


def answers(
    code: str, question_id: int, *, teacher_key: str | None = None, student_token: str | None = None
) -> list[Answer]:
    """The answers by nickname: the teacher's at any time, a student's after the reveal."""
    found = store().answers(code, question_id, teacher_key=teacher_key, student_token=student_token)
    return [Answer(a.nickname, a.value) for a in found]


def export_csv(code: str, teacher_key: str) -> str:
    return store().export_csv(code, teacher_key)


def delete(code: str, teacher_key: str) -> None:
    store().delete_class(code, teacher_key)


# --- links ------------------------------------------------------------------------------------


def base_url() -> str:
    """scheme://host[:port] and the app's path prefix, from the browser's address."""
    parts = urllib.parse.urlsplit(st.context.url or "http://localhost:8501/")
    path = parts.path.rstrip("/")
    if path.endswith("/class"):
        path = path[: -len("/class")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def student_link(code: str) -> str:
    return f"{base_url()}/class?code={urllib.parse.quote(code)}"


def teacher_link(code: str, teacher_key: str) -> str:
    query = urllib.parse.urlencode({"code": code, "teacher": teacher_key})
    return f"{base_url()}/class?{query}"


def qr_img(link: str) -> str:
    """The link as a QR code: an SVG (segno, pure Python) inlined in an <img> as a data URI (the
    page's HTML sanitiser removes a bare <svg>), scaled by its container."""
    import segno

    uri: str = segno.make(link, error="m").svg_data_uri(scale=1, border=2, omitsize=True)
    alt = html.escape(f"QR code of {link}")
    return f'<img src="{uri}" alt="{alt}">'
