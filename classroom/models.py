"""The class store's tables (SQLAlchemy 2 ORM). Alembic migrations in `migrations/versions/`
create exactly this schema; tests/test_classroom_migrations.py fails when they drift apart.

Times are naive UTC (`DateTime` without a zone) so that SQLite and PostgreSQL store the same
thing. Secrets (teacher key, student tokens) are stored only as sha256 hex digests.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names the same on every backend (Alembic needs names to alter them later).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ClassRow(Base):
    """One class session: a join code, the scenario, the teacher's key (hashed), the stage."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    teacher_key_hash: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(), index=True)


class StudentRow(Base):
    """A student in a class: a nickname (unique per class, case-insensitively) and a token."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("class_id", "nickname_key", name="uq_students_nickname"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(24))
    nickname_key: Mapped[str] = mapped_column(String(96))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime())


class PosedRow(Base):
    """A question the teacher posed to a class, with its state: open, locked or revealed."""

    __tablename__ = "posed_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    posed_at: Mapped[dt.datetime] = mapped_column(DateTime())
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    revealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)


class AnswerRow(Base):
    """A student's answer to a posed question: one row per student per question, updated in
    place until the question is locked (`revision` counts the changes)."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("question_id", "student_id", name="uq_answers_question_student"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("posed_questions.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[str | None] = mapped_column(String(40), nullable=True)
    share: Mapped[float | None] = mapped_column(Float(), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())


class SubmissionRow(Base):
    """Every accepted submit request of a student (its request id, when): a repeated request id
    is recognised and counted once; too many in a short window is a flood."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("student_id", "request_id", name="uq_submissions_request"),
        Index("ix_submissions_student_at", "student_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("posed_questions.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime())
