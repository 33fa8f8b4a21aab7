"""The Class page without a browser (`AppTest`), on a real store in a temporary SQLite file: the
misuse paths a class will try. Each gives one line on the page, never a traceback, and none
stores anything twice: a wrong or expired code, bad nicknames, a student's token used as the
teacher's key, another class's code, an answer after the lock, a repeated submit, a flood.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classroom.store import Store
from ui.components import class_store, class_student

PAGE = str(Path(__file__).resolve().parent.parent / "ui" / "views" / "class_room.py")
SCENARIO = "real_consultation"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The app's store on a fresh SQLite file (the page's cached store is rebuilt on it)."""
    monkeypatch.delenv("CUBA62_DATABASE_URL", raising=False)
    monkeypatch.setenv("CUBA62_DATA_DIR", str(tmp_path))
    class_store.store.clear()
    yield class_store.store()
    class_store.store().close()
    class_store.store.clear()


def page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def join(at: AppTest, code: str, nickname: str) -> AppTest:
    at.text_input(key="class.join_code").input(code)
    at.text_input(key="class.nickname").input(nickname)
    next(b for b in at.button if b.label == "Join").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def one_line(messages: list[str]) -> str:
    assert len(messages) == 1, messages
    assert "\n" not in messages[0] and "Traceback" not in messages[0], messages[0]
    return messages[0]


def test_a_wrong_code_gives_one_line(store: Store) -> None:
    at = join(page(), "ZZZZZZ", "Ada")
    assert "ZZZZZZ" in one_line(errors(at))
    assert "student" not in at.query_params


def test_an_expired_class_gives_one_line(store: Store) -> None:
    past = Store(store.url, clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    old = past.create_class(SCENARIO, ttl_hours=1)
    past.close()
    at = join(page(), old.code, "Ada")
    assert "expired" in one_line(errors(at))
    teacher = page(code=old.code, teacher=old.teacher_key)
    assert "expired" in one_line(errors(teacher))


@pytest.mark.parametrize("nickname", ["", "   ", "x" * 25, "<script>alert(1)</script>", 'Bo"b'])
def test_a_bad_nickname_is_refused_with_one_line(store: Store, nickname: str) -> None:
    handle = store.create_class(SCENARIO)
    at = join(page(code=handle.code), handle.code, nickname)
    one_line(errors(at))
    assert "student" not in at.query_params
    assert store.teacher_view(handle.code, handle.teacher_key).students == ()


def test_a_taken_nickname_is_refused(store: Store) -> None:
    handle = store.create_class(SCENARIO)
    store.join(handle.code, "Ada")
    at = join(page(code=handle.code), handle.code.lower(), "ADA")
    assert "taken" in one_line(errors(at))


def test_joining_puts_the_token_in_the_url_and_shows_the_nickname_as_text(store: Store) -> None:
    handle = store.create_class(SCENARIO)
    at = join(page(code=handle.code), handle.code.lower(), "*Bo* [x](javascript:1)")
    token = at.query_params["student"]
    assert at.query_params["code"] == handle.code and token
    # The nickname is escaped inside HTML: never Markdown or a link.
    shown = "".join(h.proto.body for h in at.get("html"))
    assert "*Bo* [x](javascript:1)" in shown
    assert store.student_view(handle.code, token).nickname == "*Bo* [x](javascript:1)"


def test_a_student_token_does_not_open_the_teacher_view(store: Store) -> None:
    handle = store.create_class(SCENARIO)
    student = store.join(handle.code, "Ada")
    at = page(code=handle.code, teacher=student.student_token)
    assert "not the teacher's link" in one_line(errors(at))
    assert [b.label for b in at.button] == ["Start or join a class"]  # no control of the class
    guessed = page(code=handle.code, teacher="x" * 43)
    assert "not the teacher's link" in one_line(errors(guessed))


def test_a_student_url_cannot_read_another_class(store: Store) -> None:
    mine = store.create_class(SCENARIO)
    other = store.create_class(SCENARIO)
    student = store.join(mine.code, "Ada")
    at = page(code=other.code, student=student.student_token)
    assert "not in class" in one_line(errors(at))


def posed(store: Store) -> tuple[str, str, str, int]:
    """A class with one student and the share question open: (code, key, token, question id)."""
    handle = store.create_class(SCENARIO)
    token = store.join(handle.code, "Ada").student_token
    question = store.pose(handle.code, handle.teacher_key, "nuclear_war_share")
    store.set_stage(handle.code, handle.teacher_key, "predict")
    return handle.code, handle.teacher_key, token, question.id


def send(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Send my answer").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_answer_after_the_lock_is_refused_politely_and_the_first_kept(store: Store) -> None:
    code, key, token, qid = posed(store)
    at = page(code=code, student=token)
    send(at)
    assert "Saved" in at.success[0].value
    store.lock(code, key, qid)
    send(at)  # the form is still on this page: the student presses again after the lock
    assert "locked" in one_line([w.value for w in at.warning])
    assert store.answer_count(code, key, qid) == 1
    assert not [b for b in at.button if b.label == "Send my answer"]


def test_a_repeated_submit_is_counted_once(store: Store) -> None:
    code, key, token, qid = posed(store)
    at = page(code=code, student=token)
    request = uuid.uuid4().hex
    at.session_state[class_student.K_REQUEST] = request
    send(at)
    at.session_state[class_student.K_REQUEST] = request  # the same click arriving twice
    send(at)
    assert "counted once" in at.success[0].value
    (answer,) = store.answers(code, qid, teacher_key=key)
    assert answer.revision == 1


def test_a_flood_of_submits_is_refused_and_stores_one_answer(store: Store) -> None:
    code, key, token, qid = posed(store)
    at = page(code=code, student=token)
    for _ in range(store.flood_limit):
        send(at)
        assert at.success, [w.value for w in at.warning]
    send(at)
    assert "too many" in one_line([w.value for w in at.warning])
    assert store.answer_count(code, key, qid) == 1
