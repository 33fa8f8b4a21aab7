"""The class store on SQLite files: the whole sequence, misuse, expiry, deletion, flood, restart,
40 students at once, and a locked or full database."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from classroom import db
from classroom.models import AnswerRow, ClassRow, PosedRow, StudentRow, SubmissionRow
from classroom.rules import ClassError, RateLimited, StoreUnavailable
from classroom.store import Store
from tests.classroom_sequence import core_sequence, same_student_race


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.t = dt.datetime(2026, 10, 22, 19, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.t

    def advance(self, **delta: float) -> None:
        self.t += dt.timedelta(**delta)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'class.sqlite'}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url: str, clock: Clock) -> Store:
    return Store(url, clock=clock)


def rows(store: Store, model: type) -> int:
    with Session(store._reader) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_core_sequence_survives_a_restart(url: str) -> None:
    core_sequence(lambda: Store(url))
    check = Store(url)
    for model in (ClassRow, StudentRow, PosedRow, AnswerRow, SubmissionRow):
        assert rows(check, model) == 0, model  # deleted with the class, all of it


def test_default_location_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "made" / "here"
    env = {"CUBA62_DATA_DIR": str(folder)}
    assert db.database_url(env) == f"sqlite:///{folder / 'cuba62.sqlite'}"
    assert folder.is_dir()
    assert db.database_url({"CUBA62_DATABASE_URL": "postgresql+psycopg://u@h/x"}).startswith(
        "postgresql"
    )
    assert db.data_dir({}) == db.PROJECT_ROOT / "data"
    monkeypatch.delenv("CUBA62_DATABASE_URL", raising=False)
    monkeypatch.setenv("CUBA62_DATA_DIR", str(tmp_path / "env"))
    s = Store()
    assert s.url.endswith("env/cuba62.sqlite") and (tmp_path / "env" / "cuba62.sqlite").is_file()
    with s._writer.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_codes_and_secrets(store: Store) -> None:
    t = store.create_class("baseline")
    assert len(t.code) == 6 and not set(t.code) & set("IL0O1")
    assert len(t.teacher_key) >= 40
    with Session(store._reader) as s:
        row = s.scalar(select(ClassRow))
        assert row is not None and t.teacher_key not in row.teacher_key_hash
        assert len(row.teacher_key_hash) == 64
    codes = {store.create_class("baseline").code for _ in range(20)}
    assert len(codes) == 20


@pytest.mark.parametrize(
    ("nickname", "message"),
    [
        ("", "nickname is empty"),
        ("   ", "nickname is empty"),
        ("x" * 25, "too long \\(25 characters\\): use at most 24"),
        ("<script>alert(1)</script>", "may not contain < >"),
        ("Tom & Jerry", "may not contain &"),
        ('say "hi"', 'may not contain "'),
        ("bell\x07", "control characters"),
        (None, "nickname must be text"),
    ],
)
def test_bad_nicknames_are_refused_in_one_line(
    store: Store, nickname: object, message: str
) -> None:
    t = store.create_class("baseline")
    with pytest.raises(ClassError, match=message) as info:
        store.join(t.code, nickname)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert rows(store, StudentRow) == 0


def test_a_24_character_unicode_nickname_is_fine(store: Store) -> None:
    t = store.create_class("baseline")
    assert store.join(t.code, "Zoë " + "x" * 20).nickname == "Zoë " + "x" * 20


def test_wrong_and_expired_codes(store: Store, clock: Clock) -> None:
    with pytest.raises(ClassError, match="not valid: a code is 6 letters"):
        store.join("12", "Ann")
    with pytest.raises(ClassError, match="not valid"):
        store.join("ABCDE1", "Ann")  # 1 is not in the alphabet
    with pytest.raises(ClassError, match="no class has the code ABCDEF"):
        store.join("abcdef", "Ann")
    t = store.create_class("baseline", ttl_hours=1)
    a = store.join(t.code, "Ann")
    clock.advance(hours=1, seconds=1)
    for call in (
        lambda: store.join(t.code, "Bob"),
        lambda: store.student_view(t.code, a.student_token),
        lambda: store.teacher_view(t.code, t.teacher_key),
    ):
        with pytest.raises(ClassError, match=f"class {t.code} has ended"):
            call()


def test_only_the_teacher_drives_the_class(store: Store) -> None:
    t = store.create_class("oil_tankers")
    other = store.create_class("oil_tankers")
    a = store.join(t.code, "Ann")
    q = store.pose(t.code, t.teacher_key, "war_changes")
    for wrong in ("", "guess", other.teacher_key, a.student_token):
        for call in (
            lambda w=wrong: store.teacher_view(t.code, w),
            lambda w=wrong: store.pose(t.code, w, "nuclear_war_share"),
            lambda w=wrong: store.lock(t.code, w, q.id),
            lambda w=wrong: store.reveal(t.code, w, q.id),
            lambda w=wrong: store.set_stage(t.code, w, "debrief"),
            lambda w=wrong: store.answer_count(t.code, w, q.id),
            lambda w=wrong: store.answers(t.code, q.id, teacher_key=w),
            lambda w=wrong: store.export_csv(t.code, w),
            lambda w=wrong: store.delete_class(t.code, w),
        ):
            with pytest.raises(ClassError, match="not the teacher's link"):
                call()
    assert store.teacher_view(t.code, t.teacher_key).stage == "lobby"


def test_a_student_cannot_reach_another_class(store: Store) -> None:
    t1, t2 = store.create_class("baseline"), store.create_class("baseline")
    a = store.join(t1.code, "Ann")
    store.join(t2.code, "Bob")
    q2 = store.pose(t2.code, t2.teacher_key, "nuclear_war_share")
    q1 = store.pose(t1.code, t1.teacher_key, "nuclear_war_share")
    with pytest.raises(ClassError, match=f"you are not in class {t2.code}"):
        store.student_view(t2.code, a.student_token)
    with pytest.raises(ClassError, match="you are not in class"):
        store.answer(t2.code, a.student_token, q2.id, 0.1, request_id="r")
    with pytest.raises(ClassError, match=f"was not posed in class {t1.code}"):
        store.answer(t1.code, a.student_token, q2.id, 0.1, request_id="r")
    store.reveal(t2.code, t2.teacher_key, q2.id)
    with pytest.raises(ClassError, match="was not posed"):
        store.answers(t1.code, q2.id, student_token=a.student_token)
    assert store.answer(t1.code, a.student_token, q1.id, 0.1, request_id="r").revision == 1


def test_bad_answers_and_arguments(store: Store) -> None:
    t = store.create_class("thor_immobilisation")
    a = store.join(t.code, "Ann")
    share = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    for value, message in [
        (1.5, "out of range: give a share from 0 to 1"),
        (-0.1, "out of range"),
        (float("nan"), "not a number"),
        ("half", "not a number"),
        (True, "not a number"),
    ]:
        with pytest.raises(ClassError, match=message):
            store.answer(t.code, a.student_token, share.id, value, request_id="x")  # type: ignore[arg-type]
    for bad in ("", "has space", "x" * 65, None):
        with pytest.raises(ClassError, match="request_id"):
            store.answer(t.code, a.student_token, share.id, 0.5, request_id=bad)  # type: ignore[arg-type]
    with pytest.raises(ClassError, match="not one of this scenario's: use one of"):
        store.pose(t.code, t.teacher_key, "war_changes")  # thor asks deal_changes instead
    with pytest.raises(ClassError, match="stage 'recess' is not allowed"):
        store.set_stage(t.code, t.teacher_key, "recess")
    with pytest.raises(ClassError, match="ttl_hours = 0 is out of range"):
        store.create_class("baseline", ttl_hours=0)
    with pytest.raises(ClassError, match="scenario"):
        store.create_class("no_such_scenario")
    for wrong_id in (999, 2**40, -1, True, "1"):
        with pytest.raises(ClassError, match="was not posed"):
            store.answer(t.code, a.student_token, wrong_id, 0.5, request_id="y")  # type: ignore[arg-type]
    assert rows(store, AnswerRow) == 0 and rows(store, SubmissionRow) == 0


def test_posing_locks_the_open_question(store: Store) -> None:
    t = store.create_class("baseline")
    q1 = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    q2 = store.pose(t.code, t.teacher_key, "most_common_outcome")
    states = [(p.id, p.state) for p in store.teacher_view(t.code, t.teacher_key).questions]
    assert states == [(q1.id, "locked"), (q2.id, "open")]
    assert store.lock(t.code, t.teacher_key, q2.id).state == "locked"
    assert store.lock(t.code, t.teacher_key, q2.id).state == "locked"  # idempotent
    assert store.reveal(t.code, t.teacher_key, q2.id).state == "revealed"
    assert store.lock(t.code, t.teacher_key, q2.id).state == "revealed"  # stays revealed


def test_a_flood_is_refused_politely_and_counted_once(store: Store, clock: Clock) -> None:
    flood = Store(store.url, clock=clock, flood_limit=3, flood_window_s=10)
    t = flood.create_class("baseline")
    a = flood.join(t.code, "Ann")
    q = flood.pose(t.code, t.teacher_key, "nuclear_war_share")
    for i in range(3):
        flood.answer(t.code, a.student_token, q.id, i / 10, request_id=f"r{i}")
    for _ in range(3):  # resending the same request is not a new submit
        assert flood.answer(t.code, a.student_token, q.id, 0.2, request_id="r2").duplicate
    with pytest.raises(RateLimited, match="too many answers in a few seconds") as info:
        flood.answer(t.code, a.student_token, q.id, 0.9, request_id="r3")
    assert "\n" not in str(info.value)
    assert flood.student_view(t.code, a.student_token).my_answer == pytest.approx(0.2)
    clock.advance(seconds=11)
    assert flood.answer(t.code, a.student_token, q.id, 0.9, request_id="r3").revision == 4
    assert flood.answer_count(t.code, t.teacher_key, q.id) == 1
    assert rows(flood, AnswerRow) == 1


def test_expire_removes_classes_and_everything_in_them(store: Store, clock: Clock) -> None:
    short = store.create_class("baseline", ttl_hours=0.5)
    long = store.create_class("baseline", ttl_hours=3)
    for t in (short, long):
        s = store.join(t.code, "Ann")
        q = store.pose(t.code, t.teacher_key, "nuclear_war_share")
        store.answer(t.code, s.student_token, q.id, 0.1, request_id="r")
    assert store.expire() == 0
    clock.advance(hours=1)
    assert store.expire() == 1
    assert rows(store, ClassRow) == 1 and rows(store, StudentRow) == 1
    assert rows(store, AnswerRow) == 1 and rows(store, SubmissionRow) == 1
    assert store.teacher_view(long.code, long.teacher_key).students == ("Ann",)
    assert store.expire(clock.t + dt.timedelta(hours=5)) == 1
    assert rows(store, ClassRow) == 0 and rows(store, PosedRow) == 0


def test_delete_class_leaves_other_classes(store: Store) -> None:
    keep, drop = store.create_class("baseline"), store.create_class("baseline")
    for t in (keep, drop):
        s = store.join(t.code, "Ann")
        q = store.pose(t.code, t.teacher_key, "most_common_outcome")
        store.answer(t.code, s.student_token, q.id, "nuclear_war", request_id="r")
    store.delete_class(drop.code, drop.teacher_key)
    assert rows(store, AnswerRow) == 1 and rows(store, StudentRow) == 1
    with pytest.raises(ClassError, match="no class has the code"):
        store.teacher_view(drop.code, drop.teacher_key)
    assert store.teacher_view(keep.code, keep.teacher_key).current is not None


def test_csv_is_by_nickname_and_safe_in_a_spreadsheet(store: Store) -> None:
    t = store.create_class("baseline")
    s = store.join(t.code, "=SUM(A1)")
    q = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    store.answer(t.code, s.student_token, q.id, 0.125, request_id="r")
    text = store.export_csv(t.code, t.teacher_key)
    assert text.splitlines()[0].startswith("class_code,scenario,question_number")
    assert ",'=SUM(A1),0.1250,12%," in text
    assert s.student_token not in text and t.teacher_key not in text


def test_forty_students_answering_at_once_are_each_stored_once(store: Store) -> None:
    """40 threads (one per student) join, then answer within the same moment, each also
    resending its submit once: 40 answers, 40 submissions, all within 10 s."""
    t = store.create_class("thor_immobilisation")
    q = store.pose(t.code, t.teacher_key, "deal_changes")
    start = threading.Barrier(40)
    errors: list[BaseException] = []
    took: list[float] = []

    def student(i: int) -> None:
        try:
            me = store.join(t.code, f"student {i:02d}")
            start.wait(timeout=30)
            t0 = time.perf_counter()
            value = "yes" if i % 3 else "no"
            first = store.answer(t.code, me.student_token, q.id, value, request_id=f"s{i}")
            again = store.answer(t.code, me.student_token, q.id, value, request_id=f"s{i}")
            took.append(time.perf_counter() - t0)
            assert (first.duplicate, again.duplicate, again.revision) == (False, True, 1)
        except BaseException as error:  # collected: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(40)]
    began = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    elapsed = time.perf_counter() - began
    assert not errors, errors[:3]
    assert elapsed < 10, elapsed
    assert store.answer_count(t.code, t.teacher_key, q.id) == 40
    assert rows(store, AnswerRow) == 40 and rows(store, SubmissionRow) == 40
    tally = [a.value for a in store.answers(t.code, q.id, teacher_key=t.teacher_key)]
    assert tally.count("no") == len(range(0, 40, 3)) and len(tally) == 40
    assert max(took) < 10


def test_a_locked_database_is_one_line_and_writes_nothing(url: str, tmp_path: Path) -> None:
    store = Store(url, busy_timeout_ms=200)
    t = store.create_class("baseline")
    a = store.join(t.code, "Ann")
    q = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    holder = sqlite3.connect(tmp_path / "class.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="database is busy") as info:
            store.answer(t.code, a.student_token, q.id, 0.3, request_id="r")
        assert "\n" not in str(info.value) and "nothing was saved" in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.answer(t.code, a.student_token, q.id, 0.3, request_id="r").duplicate is False
    assert rows(store, AnswerRow) == 1 and rows(store, SubmissionRow) == 1


def test_a_full_database_is_one_line_and_leaves_no_half_written_rows(url: str) -> None:
    """SQLite's max_page_count makes the file 'full': every failed join or answer is rolled
    back whole (no student without a handle, no answer without its submission)."""
    store = Store(url)
    t = store.create_class("baseline")
    q = store.pose(t.code, t.teacher_key, "nuclear_war_share")
    with store._writer.connect() as c:
        pages = int(c.exec_driver_sql("PRAGMA page_count").scalar() or 0)

    @event.listens_for(store._writer, "connect")
    def _cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")

    store._writer.dispose()
    joined, answered, failure = [], 0, None
    for i in range(2000):
        try:
            s = store.join(t.code, f"s{i}")
            joined.append(s)
            store.answer(t.code, s.student_token, q.id, 0.5, request_id="r")
            answered += 1
        except StoreUnavailable as error:
            failure = error
            break
    assert failure is not None, "the capped file never filled"
    assert "disk is full" in str(failure) and "\n" not in str(failure)
    fresh = Store(url, upgrade=False)
    assert rows(fresh, StudentRow) == len(joined)
    assert rows(fresh, AnswerRow) == answered == rows(fresh, SubmissionRow)


def test_database_errors_map_to_one_line() -> None:
    from sqlalchemy.exc import OperationalError

    from classroom.store import _unavailable

    for orig, words in [
        ("database is locked", "busy"),
        ("disk I/O error", "disk is full or failing"),
        ("database or disk is full", "disk is full or failing"),
        ("attempt to write a readonly database", "read-only"),
        ('connection to server at "x" failed:\nConnection refused', "unavailable (connection"),
    ]:
        message = str(_unavailable(OperationalError("stmt", {}, Exception(orig))))
        assert words in message and "\n" not in message, message


def test_reads_do_not_wait_for_a_writer(url: str, tmp_path: Path) -> None:
    """WAL: the projector keeps reading while another process holds the write lock."""
    store = Store(url, busy_timeout_ms=200)
    t = store.create_class("baseline")
    holder = sqlite3.connect(tmp_path / "class.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE classes SET stage = 'debrief'")
    try:
        assert store.teacher_view(t.code, t.teacher_key).stage == "lobby"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store._reader.connect() as c:
        assert c.execute(text("SELECT count(*) FROM classes")).scalar() == 1


def test_conveniences_for_the_app(store: Store) -> None:
    """lock/reveal default to the current question; counts and one-line receipts."""
    t = store.create_class("baseline")
    with pytest.raises(ClassError, match="no question has been posed"):
        store.lock(t.code, t.teacher_key)
    a = store.join(t.code, "Ann")
    store.join(t.code, "Bob")
    assert store.student_count(t.code, t.teacher_key) == 2
    assert store.teacher_view(t.code, t.teacher_key).student_count == 2
    q = store.pose(t.code, t.teacher_key, "most_common_outcome")
    assert (q.question_key, q.locked, q.revealed) == ("most_common_outcome", False, False)
    first = store.answer(t.code, a.student_token, q.id, "air_strike", request_id="1")
    again = store.answer(t.code, a.student_token, q.id, "air_strike", request_id="1")
    changed = store.answer(t.code, a.student_token, q.id, "invasion", request_id="2")
    assert [r.message for r in (first, again, changed)] == [
        "Saved.",
        "Already saved.",
        "Changed: your new answer is saved.",
    ]
    assert store.student_view(t.code, a.student_token).answer == "invasion"
    locked = store.lock(t.code, t.teacher_key)
    assert (locked.id, locked.locked, locked.revealed) == (q.id, True, False)
    shown = store.reveal(t.code, t.teacher_key)
    assert (shown.locked, shown.revealed) == (True, True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense://x", "is not a database URL cuba62 can use"),
        ("not a url", "is not a database URL"),
        ("postgresql+pg8000://me:secret@localhost/x", "driver .* is not installed \\(pg8000\\)"),
        ("postgresql+psycopg://me:secret@127.0.0.1:1/x", "database is unavailable \\(.*refused"),
    ],
)
def test_a_bad_database_location_is_one_line(url: str, message: str) -> None:
    with pytest.raises(StoreUnavailable, match=message) as info:
        Store(url)
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


def test_an_unwritable_data_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.delenv("CUBA62_DATABASE_URL", raising=False)
    monkeypatch.setenv("CUBA62_DATA_DIR", str(blocker / "data"))
    with pytest.raises(StoreUnavailable, match="folder .* cannot be used .*CUBA62_DATA_DIR"):
        Store()


def test_one_student_in_many_tabs_at_once(url: str) -> None:
    same_student_race(Store(url, flood_limit=100))
