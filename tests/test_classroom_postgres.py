"""The class store on a real PostgreSQL, when CUBA62_DATABASE_URL names one (skipped otherwise):
the core sequence with a restart, the migrations against the ORM, and 40 students at once.

    CUBA62_DATABASE_URL=postgresql+psycopg://USER@127.0.0.1:PORT/DB \\
        .venv/bin/python -m pytest -q tests/test_classroom_postgres.py

(docs/CLASS.md says how to start a throwaway PostgreSQL.)
"""

from __future__ import annotations

import os
import threading

import pytest

from classroom import db
from classroom.store import Store
from tests.classroom_sequence import core_sequence, same_student_race

URL = os.environ.get(db.ENV_URL, "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason=f"{db.ENV_URL} does not name a PostgreSQL database"
)


def test_core_sequence_on_postgres() -> None:
    core_sequence(lambda: Store(URL))


def test_migrations_match_the_orm_on_postgres() -> None:
    from tests.test_classroom_migrations import schema_drift

    store = Store(URL)
    assert schema_drift(store._writer) == []
    store.close()


def test_forty_students_at_once_on_postgres() -> None:
    store = Store(URL)
    t = store.create_class("baseline")
    q = store.pose(t.code, t.teacher_key, "most_common_outcome")
    start = threading.Barrier(40)
    errors: list[BaseException] = []

    def student(i: int) -> None:
        try:
            me = store.join(t.code, f"pg {i:02d}")
            start.wait(timeout=30)
            for _ in range(2):  # the second is a resend: counted once
                store.answer(t.code, me.student_token, q.id, "nuclear_war", request_id=f"r{i}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(40)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors, errors[:3]
    assert store.answer_count(t.code, t.teacher_key, q.id) == 40
    answers = store.answers(t.code, q.id, teacher_key=t.teacher_key)
    assert len(answers) == 40 and {a.revision for a in answers} == {1}
    store.delete_class(t.code, t.teacher_key)
    store.close()


def test_one_student_in_many_tabs_at_once_on_postgres() -> None:
    """Concurrent inserts of the same (question, student) clash on PostgreSQL's unique key;
    the store retries the loser, so every submit is counted and there is one row."""
    store = Store(URL, flood_limit=100)
    same_student_race(store)
    store.close()
