"""The class store: classes with a join code, students with a nickname, questions the teacher
poses, one answer per student per question, the stage the class is at, CSV export and expiry.

Every method is one short transaction (on SQLite, writers start with `BEGIN IMMEDIATE`; see
`classroom.db`), so an answer is stored whole or not at all, and 40 students answering in the same
seconds queue for a few milliseconds each. Every misuse raises `ClassError` with one line for the
screen; a database that is locked, full or unreachable raises `StoreUnavailable` (a `ClassError`),
never a traceback. Secrets are handed out once (`TeacherHandle`, `StudentHandle`) and stored
hashed. Share answers are fractions from 0 to 1.

Over 450 lines on purpose: one `Store` whose every public method is one transaction with its
checks beside it; the checks without a database are in `classroom.rules`, the returned records in
`classroom.views`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from classroom import db
from classroom.models import AnswerRow, ClassRow, PosedRow, StudentRow, SubmissionRow
from classroom.rules import (
    DEFAULT_TTL_HOURS,
    FLOOD_LIMIT,
    FLOOD_WINDOW_S,
    LOCKED,
    OPEN,
    REVEALED,
    STAGES,
    ClassError,
    RateLimited,
    StoreUnavailable,
    check_choice,
    check_nickname,
    check_request_id,
    check_share,
    check_stage,
    check_ttl,
    csv_safe,
    digest,
    new_code,
    new_secret,
    normalise_code,
    same_secret,
)
from classroom.views import AnswerReceipt as AnswerReceipt
from classroom.views import AnswerValue as AnswerValue
from classroom.views import AnswerView as AnswerView
from classroom.views import ClassState as ClassState
from classroom.views import PosedQuestion as PosedQuestion
from classroom.views import StudentHandle as StudentHandle
from classroom.views import StudentState as StudentState
from classroom.views import TeacherHandle as TeacherHandle
from sim import questions as sim_questions
from sim.questions import Question

__all__ = [
    "CSV_HEADER",
    "MAX_STUDENTS",
    "STAGES",
    "AnswerReceipt",
    "AnswerValue",
    "AnswerView",
    "ClassError",
    "ClassState",
    "PosedQuestion",
    "RateLimited",
    "Store",
    "StoreUnavailable",
    "StudentHandle",
    "StudentState",
    "TeacherHandle",
]

T = TypeVar("T")
#: Most students one class holds (a class, not a lecture hall).
MAX_STUDENTS = 200
#: Columns of `export_csv`.
CSV_HEADER = (
    "class_code",
    "scenario",
    "question_number",
    "question_key",
    "question",
    "state",
    "nickname",
    "answer",
    "answer_label",
    "changes",
    "answered_at_utc",
)


@lru_cache(maxsize=64)
def _questions(scenario_id: str) -> dict[str, Question]:
    """The built-in questions of a scenario (read once per process: scenario files are fixed)."""
    return {q.key: q for q in sim_questions.questions_for(scenario_id)}


def _unavailable(error: DBAPIError) -> StoreUnavailable:
    """A database failure as one line; nothing was written (the transaction rolled back)."""
    text = " ".join(str(error.orig or error).split())
    low = text.lower()
    if "locked" in low or "busy" in low:
        why = "is busy (another program holds its lock)"
    elif "full" in low or "disk i/o" in low or "no space" in low:
        why = "could not be written (the disk is full or failing)"
    elif "readonly" in low or "read-only" in low:
        why = "is read-only"
    else:
        why = f"is unavailable ({text[:120]})"
    return StoreUnavailable(f"the class database {why}: nothing was saved; try again in a moment")


class Store:
    """The class store on one database (`url`, default `classroom.db.database_url()`).
    `clock` returns the current UTC time (tests move it); `upgrade` runs the migrations."""

    def __init__(
        self,
        url: str | None = None,
        *,
        upgrade: bool = True,
        ttl_hours: float = DEFAULT_TTL_HOURS,
        busy_timeout_ms: int = db.BUSY_TIMEOUT_MS,
        flood_limit: int = FLOOD_LIMIT,
        flood_window_s: float = FLOOD_WINDOW_S,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.ttl_hours = check_ttl(ttl_hours)
        self.flood_limit = flood_limit
        self.flood_window = dt.timedelta(seconds=flood_window_s)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.url, self._writer, self._reader = _open(url, busy_timeout_ms)
        if upgrade:
            self._guard(lambda: db.upgrade(self._writer))

    def close(self) -> None:
        """Release the connections (a new Store on the same URL sees everything)."""
        self._writer.dispose()
        self._reader.dispose()

    # --- plumbing ------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The store's clock as naive UTC (how times are stored)."""
        return self._clock().astimezone(dt.UTC).replace(tzinfo=None)

    @staticmethod
    def _guard(fn: Callable[[], T]) -> T:
        try:
            return fn()
        except IntegrityError:
            raise
        except DBAPIError as error:
            raise _unavailable(error) from None

    def _write(self, fn: Callable[[Session], T], attempts: int = 3) -> T:
        """`fn` in one write transaction; retried when a concurrent insert won a unique key."""
        for attempt in range(attempts):
            try:

                def once() -> T:
                    with Session(self._writer, expire_on_commit=False) as s, s.begin():
                        return fn(s)

                return self._guard(once)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise StoreUnavailable(
                        "the class database refused a change that clashed with another: "
                        "nothing was saved; try again"
                    ) from None
        raise AssertionError("unreachable")

    def _read(self, fn: Callable[[Session], T]) -> T:
        def once() -> T:
            with Session(self._reader, expire_on_commit=False) as s, s.begin():
                return fn(s)

        return self._guard(once)

    def _class(self, s: Session, code: object) -> ClassRow:
        text = normalise_code(code)
        row = s.scalar(select(ClassRow).where(ClassRow.code == text))
        if row is None:
            raise ClassError(f"no class has the code {text}: check the code on the projector")
        if row.expires_at <= self.now():
            raise ClassError(
                f"class {text} has ended (it expired): ask your teacher for a new code"
            )
        return row

    def _teacher(self, s: Session, code: object, teacher_key: object) -> ClassRow:
        row = self._class(s, code)
        if not isinstance(teacher_key, str) or not same_secret(teacher_key, row.teacher_key_hash):
            raise ClassError(
                f"this is not the teacher's link for class {row.code}: only the teacher's link "
                "opens the teacher view"
            )
        return row

    def _student(self, s: Session, code: object, token: object) -> tuple[ClassRow, StudentRow]:
        row = self._class(s, code)
        student = (
            s.scalar(
                select(StudentRow).where(
                    StudentRow.class_id == row.id, StudentRow.token_hash == digest(token)
                )
            )
            if isinstance(token, str)
            else None
        )
        if student is None or not same_secret(str(token), student.token_hash):
            raise ClassError(
                f"you are not in class {row.code}: join it with the code and a nickname"
            )
        return row, student

    def _posed(self, s: Session, cls: ClassRow, question_id: object) -> PosedRow:
        posed = (
            s.get(PosedRow, question_id)
            if isinstance(question_id, int)
            and not isinstance(question_id, bool)
            and 1 <= question_id < 2**31  # an id column's range on every backend
            else None
        )
        if posed is None or posed.class_id != cls.id:
            raise ClassError(f"question {str(question_id)[:20]} was not posed in class {cls.code}")
        return posed

    def _current(self, s: Session, cls: ClassRow) -> PosedRow:
        """The question posed last in the class."""
        last = s.scalar(
            select(PosedRow)
            .where(PosedRow.class_id == cls.id)
            .order_by(PosedRow.id.desc())
            .limit(1)
        )
        if last is None:
            raise ClassError(f"no question has been posed in class {cls.code} yet")
        return last

    def _view(self, s: Session, cls: ClassRow, rows: Iterable[PosedRow]) -> list[PosedQuestion]:
        rows = list(rows)
        counts: dict[int, int] = {
            qid: n
            for qid, n in s.execute(
                select(AnswerRow.question_id, func.count())
                .where(AnswerRow.question_id.in_([r.id for r in rows]))
                .group_by(AnswerRow.question_id)
            )
        }
        ordered = sorted(s.scalars(select(PosedRow.id).where(PosedRow.class_id == cls.id)).all())
        number = {qid: i + 1 for i, qid in enumerate(ordered)}
        catalogue = _questions(cls.scenario_id)
        return [
            PosedQuestion(
                r.id,
                number[r.id],
                catalogue[r.question_key],
                r.state,
                r.posed_at,
                counts.get(r.id, 0),
            )
            for r in rows
        ]

    # --- the teacher ---------------------------------------------------------------------------

    def create_class(self, scenario_id: str, *, ttl_hours: float | None = None) -> TeacherHandle:
        """A new class on a shipped scenario; expired classes are removed on the way."""
        try:
            _questions(scenario_id)
        except ValueError as error:  # ScenarioError: one line naming the allowed ids
            raise ClassError(str(error)) from None
        hours = self.ttl_hours if ttl_hours is None else check_ttl(ttl_hours)
        self.expire()
        key = new_secret()

        def create(s: Session) -> TeacherHandle:
            now = self.now()
            code = new_code()
            s.add(
                ClassRow(
                    code=code,
                    scenario_id=scenario_id,
                    teacher_key_hash=digest(key),
                    stage=STAGES[0],
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=hours),
                )
            )
            s.flush()  # a code already in use raises IntegrityError here: retried, new code
            return TeacherHandle(code, key)

        return self._write(create, attempts=5)

    def teacher_view(self, code: str, teacher_key: str) -> ClassState:
        def view(s: Session) -> ClassState:
            cls = self._teacher(s, code, teacher_key)
            names = s.scalars(
                select(StudentRow.nickname)
                .where(StudentRow.class_id == cls.id)
                .order_by(StudentRow.id)
            ).all()
            posed = s.scalars(
                select(PosedRow).where(PosedRow.class_id == cls.id).order_by(PosedRow.id)
            ).all()
            return ClassState(
                cls.code,
                cls.scenario_id,
                cls.stage,
                cls.created_at,
                cls.expires_at,
                tuple(names),
                tuple(self._view(s, cls, posed)),
            )

        return self._read(view)

    def set_stage(self, code: str, teacher_key: str, stage: str) -> str:
        check_stage(stage)

        def move(s: Session) -> str:
            cls = self._teacher(s, code, teacher_key)
            cls.stage = stage
            return stage

        return self._write(move)

    def pose(self, code: str, teacher_key: str, question_key: str) -> PosedQuestion:
        """Pose one of the scenario's built-in questions; an open earlier question is locked."""

        def pose(s: Session) -> PosedQuestion:
            cls = self._teacher(s, code, teacher_key)
            catalogue = _questions(cls.scenario_id)
            if question_key not in catalogue:
                raise ClassError(
                    f"question {str(question_key)[:40]!r} is not one of this scenario's: use one "
                    f"of {', '.join(catalogue)}"
                )
            now = self.now()
            for earlier in s.scalars(
                select(PosedRow).where(PosedRow.class_id == cls.id, PosedRow.state == OPEN)
            ):
                earlier.state, earlier.locked_at = LOCKED, now
            row = PosedRow(class_id=cls.id, question_key=question_key, state=OPEN, posed_at=now)
            s.add(row)
            s.flush()
            return self._view(s, cls, [row])[0]

        return self._write(pose)

    def _set_state(
        self, code: str, teacher_key: str, question_id: int | None, state: str
    ) -> PosedQuestion:
        def change(s: Session) -> PosedQuestion:
            cls = self._teacher(s, code, teacher_key)
            row = self._current(s, cls) if question_id is None else self._posed(s, cls, question_id)
            now = self.now()
            if row.state == OPEN:
                row.state, row.locked_at = LOCKED, now
            if state == REVEALED and row.state != REVEALED:
                row.state, row.revealed_at = REVEALED, now
            return self._view(s, cls, [row])[0]

        return self._write(change)

    def lock(self, code: str, teacher_key: str, question_id: int | None = None) -> PosedQuestion:
        """No more answers or changes to this question (default: the current one; idempotent)."""
        return self._set_state(code, teacher_key, question_id, LOCKED)

    def reveal(self, code: str, teacher_key: str, question_id: int | None = None) -> PosedQuestion:
        """Lock (if open) and show the answers to the class (default: the current question;
        idempotent)."""
        return self._set_state(code, teacher_key, question_id, REVEALED)

    def student_count(self, code: str, teacher_key: str) -> int:
        """How many have joined (one small query: the projector polls it)."""

        def count(s: Session) -> int:
            cls = self._teacher(s, code, teacher_key)
            return int(s.scalar(select(func.count()).where(StudentRow.class_id == cls.id)) or 0)

        return self._read(count)

    def answer_count(self, code: str, teacher_key: str, question_id: int) -> int:
        def count(s: Session) -> int:
            cls = self._teacher(s, code, teacher_key)
            row = self._posed(s, cls, question_id)
            return int(s.scalar(select(func.count()).where(AnswerRow.question_id == row.id)) or 0)

        return self._read(count)

    def answers(
        self,
        code: str,
        question_id: int,
        *,
        teacher_key: str | None = None,
        student_token: str | None = None,
    ) -> list[AnswerView]:
        """The answers to a question, by nickname: for the teacher at any time, for a student
        of the class once the teacher has revealed them."""

        def read(s: Session) -> list[AnswerView]:
            if teacher_key is not None:
                cls = self._teacher(s, code, teacher_key)
                row = self._posed(s, cls, question_id)
            else:
                cls, _ = self._student(s, code, student_token)
                row = self._posed(s, cls, question_id)
                if row.state != REVEALED:
                    raise ClassError("the answers are shown once the teacher reveals them")
            found = s.execute(
                select(StudentRow.nickname, AnswerRow)
                .join(AnswerRow, AnswerRow.student_id == StudentRow.id)
                .where(AnswerRow.question_id == row.id)
                .order_by(StudentRow.id)
            )
            return [AnswerView(name, _value(a), a.revision, a.updated_at) for name, a in found]

        return self._read(read)

    def export_csv(self, code: str, teacher_key: str) -> str:
        """Every answer of the class as CSV, one row per student per question, by nickname only
        (no tokens, no ids); cells a spreadsheet would run as formulas are quoted."""

        def export(s: Session) -> str:
            cls = self._teacher(s, code, teacher_key)
            posed = s.scalars(
                select(PosedRow).where(PosedRow.class_id == cls.id).order_by(PosedRow.id)
            ).all()
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(CSV_HEADER)
            for view in self._view(s, cls, posed):
                q = view.question
                rows = s.execute(
                    select(StudentRow.nickname, AnswerRow)
                    .join(AnswerRow, AnswerRow.student_id == StudentRow.id)
                    .where(AnswerRow.question_id == view.id)
                    .order_by(StudentRow.id)
                )
                for name, a in rows:
                    value = _value(a)
                    shown = f"{value:.4f}" if isinstance(value, float) else value
                    label = f"{value * 100:.0f}%" if isinstance(value, float) else q.label(value)
                    writer.writerow(
                        [
                            cls.code,
                            cls.scenario_id,
                            view.number,
                            q.key,
                            q.text,
                            view.state,
                            csv_safe(name),
                            shown,
                            label,
                            a.revision - 1,
                            a.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
                        ]
                    )
            return out.getvalue()

        return self._read(export)

    def delete_class(self, code: str, teacher_key: str) -> None:
        """Delete the class with its students, questions and answers, in one transaction."""

        def remove(s: Session) -> None:
            cls = self._teacher(s, code, teacher_key)
            _delete_classes(s, [cls.id])

        self._write(remove)

    def expire(self, now: dt.datetime | None = None) -> int:
        """Delete every class whose time is up (at `now`, naive or aware UTC; default the
        clock); returns how many."""
        moment = self.now() if now is None else now.replace(tzinfo=None)
        if now is not None and now.tzinfo is not None:
            moment = now.astimezone(dt.UTC).replace(tzinfo=None)

        def remove(s: Session) -> int:
            ids = list(s.scalars(select(ClassRow.id).where(ClassRow.expires_at <= moment)))
            _delete_classes(s, ids)
            return len(ids)

        return self._write(remove)

    # --- students ------------------------------------------------------------------------------

    def join(self, code: str, nickname: str) -> StudentHandle:
        """Join a class under a nickname (unique in the class, ignoring case)."""
        name, key = check_nickname(nickname)
        token = new_secret()

        def add(s: Session) -> StudentHandle:
            cls = self._class(s, code)
            taken = s.scalar(
                select(StudentRow.id).where(
                    StudentRow.class_id == cls.id, StudentRow.nickname_key == key
                )
            )
            if taken is not None:
                raise ClassError(f"the nickname {name!r} is taken in this class: choose another")
            count = s.scalar(select(func.count()).where(StudentRow.class_id == cls.id)) or 0
            if count >= MAX_STUDENTS:
                raise ClassError(f"class {cls.code} is full ({MAX_STUDENTS} students)")
            s.add(
                StudentRow(
                    class_id=cls.id,
                    nickname=name,
                    nickname_key=key,
                    token_hash=digest(token),
                    joined_at=self.now(),
                )
            )
            s.flush()
            return StudentHandle(cls.code, token, name)

        return self._write(add)

    def student_view(self, code: str, student_token: str) -> StudentState:
        def view(s: Session) -> StudentState:
            cls, student = self._student(s, code, student_token)
            last = s.scalar(
                select(PosedRow)
                .where(PosedRow.class_id == cls.id)
                .order_by(PosedRow.id.desc())
                .limit(1)
            )
            current = self._view(s, cls, [last])[0] if last is not None else None
            mine = (
                s.scalar(
                    select(AnswerRow).where(
                        AnswerRow.question_id == last.id, AnswerRow.student_id == student.id
                    )
                )
                if last is not None
                else None
            )
            return StudentState(
                cls.code,
                cls.scenario_id,
                student.nickname,
                cls.stage,
                cls.expires_at,
                current,
                None if mine is None else _value(mine),
            )

        return self._read(view)

    def answer(
        self,
        code: str,
        student_token: str,
        question_id: int,
        value: AnswerValue,
        *,
        request_id: str,
    ) -> AnswerReceipt:
        """Store (or change) this student's answer while the question is open. A request id
        seen before is acknowledged again without storing anything (`duplicate`); more than
        `flood_limit` submits in `flood_window` is refused (`RateLimited`)."""
        request = check_request_id(request_id)

        def store(s: Session) -> AnswerReceipt:
            cls, student = self._student(s, code, student_token)
            # One submit per student at a time (PostgreSQL: a row lock, so two tabs cannot both
            # read revision n and write n + 1; SQLite's BEGIN IMMEDIATE already serialises).
            s.execute(select(StudentRow.id).where(StudentRow.id == student.id).with_for_update())
            row = self._posed(s, cls, question_id)
            mine = s.scalar(
                select(AnswerRow).where(
                    AnswerRow.question_id == row.id, AnswerRow.student_id == student.id
                )
            )
            seen = s.scalar(
                select(SubmissionRow).where(
                    SubmissionRow.student_id == student.id, SubmissionRow.request_id == request
                )
            )
            if seen is not None and mine is not None and seen.question_id == row.id:
                return AnswerReceipt(row.id, _value(mine), mine.revision, True, mine.updated_at)
            if seen is not None:
                raise ClassError(f"request_id {request!r} was already used for another answer")
            if row.state != OPEN:
                kept = "your answer is kept" if mine is not None else "no answer was stored"
                raise ClassError(f"answers to this question are locked: {kept}")
            q = _questions(cls.scenario_id)[row.question_key]
            checked: AnswerValue = (
                check_share(value) if q.kind == "share" else check_choice(value, q.options)
            )
            now = self.now()
            recent = s.scalar(
                select(func.count()).where(
                    SubmissionRow.student_id == student.id,
                    SubmissionRow.at > now - self.flood_window,
                )
            )
            if (recent or 0) >= self.flood_limit:
                raise RateLimited(
                    "too many answers in a few seconds: wait a moment and send it again "
                    "(your last answer is kept)"
                )
            choice, share = (None, checked) if isinstance(checked, float) else (checked, None)
            if mine is None:
                mine = AnswerRow(
                    question_id=row.id,
                    student_id=student.id,
                    choice=choice,
                    share=share,
                    revision=1,
                    created_at=now,
                    updated_at=now,
                )
                s.add(mine)
            else:
                mine.choice, mine.share = choice, share
                mine.revision += 1
                mine.updated_at = now
            s.add(
                SubmissionRow(student_id=student.id, question_id=row.id, request_id=request, at=now)
            )
            s.flush()
            return AnswerReceipt(row.id, checked, mine.revision, False, now)

        return self._write(store)


def _open(url: str | None, busy_timeout_ms: int) -> tuple[str, Engine, Engine]:
    """(url, writer engine, reader engine), or one line on what is wrong with the location:
    an unusable folder, a URL SQLAlchemy cannot read, a driver that is not installed."""
    from sqlalchemy.exc import ArgumentError

    try:
        where = url or db.database_url()
        writer = db.make_engine(where, immediate=True, busy_timeout_ms=busy_timeout_ms)
        reader = (
            db.make_engine(where, busy_timeout_ms=busy_timeout_ms)
            if db.is_sqlite(where)
            else writer
        )
    except ArgumentError:
        raise StoreUnavailable(
            f"{db.ENV_URL} = {db.masked(url or '')!r} is not a database URL cuba62 can use: "
            "use postgresql+psycopg://USER@HOST:PORT/DB, or unset it for the SQLite file"
        ) from None
    except ImportError as error:
        raise StoreUnavailable(
            f"the database driver for {db.masked(url or '')!r} is not installed ({error.name}): "
            "for PostgreSQL, pip install -e '.[postgres]'"
        ) from None
    except OSError as error:
        raise StoreUnavailable(
            f"the class database folder {db.data_dir()} cannot be used ({error.strerror}): set "
            f"{db.ENV_DATA_DIR} to a writable folder"
        ) from None
    return where, writer, reader


def _value(a: AnswerRow) -> AnswerValue:
    return a.share if a.share is not None else (a.choice or "")


def _delete_classes(s: Session, ids: list[int]) -> None:
    """Delete classes and everything in them (children first: no reliance on ON DELETE)."""
    if not ids:
        return
    students = select(StudentRow.id).where(StudentRow.class_id.in_(ids))
    posed = select(PosedRow.id).where(PosedRow.class_id.in_(ids))
    s.execute(delete(SubmissionRow).where(SubmissionRow.student_id.in_(students)))
    s.execute(delete(AnswerRow).where(AnswerRow.question_id.in_(posed)))
    s.execute(delete(PosedRow).where(PosedRow.class_id.in_(ids)))
    s.execute(delete(StudentRow).where(StudentRow.class_id.in_(ids)))
    s.execute(delete(ClassRow).where(ClassRow.id.in_(ids)))
