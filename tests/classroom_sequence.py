"""The class store's core sequence, shared by the SQLite tests and the PostgreSQL test
(tests/test_classroom_postgres.py): one teacher, three students, through every step, with a
"restart" (a new Store on the same database) in the middle that must lose nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from classroom.rules import ClassError
from classroom.store import Store


def core_sequence(open_store: Callable[[], Store]) -> None:
    store = open_store()
    teacher = store.create_class("thor_immobilisation", ttl_hours=2)
    code, key = teacher.code, teacher.teacher_key
    ann = store.join(code, "Ann")
    bob = store.join(code.lower(), "  Bob ")
    cat = store.join(f" {code[:3]} {code[3:]} ", "Cat")
    assert bob.nickname == "Bob"
    with pytest.raises(ClassError, match="taken"):
        store.join(code, "ANN")
    store.set_stage(code, key, "predict")
    q = store.pose(code, key, "nuclear_war_share")
    assert q.state == "open" and q.number == 1 and q.answered == 0

    r1 = store.answer(code, ann.student_token, q.id, 0.25, request_id="ann-1")
    assert (r1.revision, r1.duplicate) == (1, False)
    assert store.answer(code, ann.student_token, q.id, 0.25, request_id="ann-1").duplicate
    assert store.answer(code, ann.student_token, q.id, 0.4, request_id="ann-2").revision == 2
    store.answer(code, bob.student_token, q.id, 0.05, request_id="bob-1")
    assert store.answer_count(code, key, q.id) == 2
    with pytest.raises(ClassError, match="was not posed"):  # beyond an id column's range
        store.answer(code, ann.student_token, 2**40, 0.1, request_id="ann-big")
    with pytest.raises(ClassError, match="once the teacher reveals"):
        store.answers(code, q.id, student_token=cat.student_token)

    store.close()
    store = open_store()  # a server restart: everything is still there
    state = store.teacher_view(code, key)
    assert state.stage == "predict" and state.students == ("Ann", "Bob", "Cat")
    assert state.current is not None and state.current.id == q.id
    assert state.current.answered == 2
    mine = store.student_view(code, ann.student_token)
    assert mine.my_answer == pytest.approx(0.4) and mine.current is not None

    store.lock(code, key, q.id)
    with pytest.raises(ClassError, match="locked: no answer was stored"):
        store.answer(code, cat.student_token, q.id, 0.9, request_id="cat-1")
    with pytest.raises(ClassError, match="locked: your answer is kept"):
        store.answer(code, ann.student_token, q.id, 0.9, request_id="ann-3")
    # a retry of a submit that was stored before the lock is acknowledged, not refused
    assert store.answer(code, ann.student_token, q.id, 0.4, request_id="ann-2").duplicate
    store.reveal(code, key, q.id)
    seen = store.answers(code, q.id, student_token=cat.student_token)
    assert [(a.nickname, a.value) for a in seen] == [("Ann", 0.4), ("Bob", 0.05)]

    q2 = store.pose(code, key, "most_common_outcome")
    assert q2.number == 2
    store.answer(code, cat.student_token, q2.id, "negotiated_withdrawal", request_id="cat-2")
    with pytest.raises(ClassError, match="not one of the choices"):
        store.answer(code, bob.student_token, q2.id, "victory", request_id="bob-2")
    store.set_stage(code, key, "debrief")

    text = store.export_csv(code, key)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["question_number"], r["nickname"], r["answer"]) for r in rows] == [
        ("1", "Ann", "0.4000"),
        ("1", "Bob", "0.0500"),
        ("2", "Cat", "negotiated_withdrawal"),
    ]
    assert rows[0]["changes"] == "1" and rows[2]["answer_label"] == "Negotiated withdrawal"
    for secret in (key, ann.student_token, bob.student_token, cat.student_token):
        assert secret not in text

    store.delete_class(code, key)
    with pytest.raises(ClassError, match="no class has the code"):
        store.student_view(code, ann.student_token)
    store.close()


def same_student_race(store: Store, threads: int = 12) -> None:
    """One student submitting from many tabs at the same moment (distinct request ids): one
    answer row, every submit counted (revision = threads), none lost to a unique-key clash."""
    import threading

    t = store.create_class("baseline")
    me = store.join(t.code, "Tabs")
    q = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            start.wait(timeout=30)
            store.answer(t.code, me.student_token, q.id, i / 100, request_id=f"tab{i}")
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=submit, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not errors, errors[:3]
    (only,) = store.answers(t.code, q.id, teacher_key=t.teacher_key)
    assert only.revision == threads, f"revision {only.revision} of {threads}"
    store.delete_class(t.code, t.teacher_key)
