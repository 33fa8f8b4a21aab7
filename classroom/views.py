"""What the class store hands out: the handles (secrets given once) and the views of a class
for the teacher and for a student (frozen records; the app keeps no class state of its own).
Importable from `classroom.store` too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from classroom.rules import OPEN, REVEALED
from sim.questions import Question

AnswerValue = float | str


@dataclass(frozen=True)
class TeacherHandle:
    """What the teacher keeps (in the browser and the teacher link): the code and the key."""

    code: str
    teacher_key: str


@dataclass(frozen=True)
class StudentHandle:
    """What a student's browser keeps (in its URL): the code, its token and the nickname."""

    code: str
    student_token: str
    nickname: str


@dataclass(frozen=True)
class PosedQuestion:
    """A question posed to a class: its id in this store, the built-in question, its state and
    how many have answered (never the answers themselves)."""

    id: int
    number: int  # 1, 2, ... in the order posed in this class
    question: Question
    state: str
    posed_at: dt.datetime
    answered: int

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def question_key(self) -> str:
        return self.question.key

    @property
    def locked(self) -> bool:
        """No more answers (locked or revealed)."""
        return self.state != OPEN

    @property
    def revealed(self) -> bool:
        return self.state == REVEALED


@dataclass(frozen=True)
class ClassState:
    """The teacher's view of a class."""

    code: str
    scenario_id: str
    stage: str
    created_at: dt.datetime
    expires_at: dt.datetime
    students: tuple[str, ...]  # nicknames, in joining order
    questions: tuple[PosedQuestion, ...]  # in the order posed

    @property
    def current(self) -> PosedQuestion | None:
        """The question posed last (the one on the projector)."""
        return self.questions[-1] if self.questions else None

    @property
    def student_count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class StudentState:
    """A student's view: the stage, the current question and their own answer to it."""

    code: str
    scenario_id: str
    nickname: str
    stage: str
    expires_at: dt.datetime
    current: PosedQuestion | None
    my_answer: AnswerValue | None

    @property
    def answer(self) -> AnswerValue | None:
        """The student's own answer to the current question (None: not answered)."""
        return self.my_answer


@dataclass(frozen=True)
class AnswerReceipt:
    """An acknowledged submit. `duplicate`: this request id had been stored already (counted
    once); `revision`: how many times this student's answer was stored (1 = first answer)."""

    question_id: int
    value: AnswerValue
    revision: int
    duplicate: bool
    stored_at: dt.datetime

    @property
    def message(self) -> str:
        """One line for the student: what happened to this submit."""
        if self.duplicate:
            return "Already saved."
        return "Saved." if self.revision == 1 else "Changed: your new answer is saved."


@dataclass(frozen=True)
class AnswerView:
    """One answer as the teacher (or, after the reveal, the class) sees it: by nickname."""

    nickname: str
    value: AnswerValue
    revision: int
    updated_at: dt.datetime
