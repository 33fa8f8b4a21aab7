"""The load benchmark's websocket client (benchmarks/ws_client.py) keeps speaking Streamlit's
protocol: its message handling on hand-made messages (stale elements, widget states, the
message cache, "queued"/"running" boxes, fragment timers), and one real session of the app with
one slider move, so that a Streamlit upgrade that changes the protocol fails here, not silently
in `make bench`.

Run with `.venv/bin/python -m pytest tests/test_ws_client.py -q`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider

from benchmarks.ws_client import ClientError, Session, widget_state
from sim.params import SPECS
from tests.conftest import running_streamlit


def run[T](coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: Playwright's sync API (the browser tests in the same
    pytest process) leaves an event loop running in the main thread, where `asyncio.run` refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def new_session(run: str, fragments: tuple[str, ...] = ()) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "main"
    msg.metadata.run.script_run_id = run
    msg.metadata.run.fragment_ids.extend(fragments)
    return msg


def finished(status: int = ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status  # type: ignore[assignment]
    return msg


def element(path: tuple[int, ...], kind: str, **fields: Any) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    body = getattr(msg.delta.new_element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(body, name).extend(value)
        else:
            setattr(body, name, value)
    if not fields:
        body.SetInParent()
    return msg


def block(path: tuple[int, ...], block_id: str = "") -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    msg.delta.add_block.vertical.SetInParent()
    msg.delta.add_block.id = block_id
    return msg


def slider(path: tuple[int, ...], key: str, default: float) -> ForwardMsg:
    return element(path, "slider", id=f"$$ID-0-{key}", label=key, default=[default], step=0.05)


def feed(session: Session, *msgs: ForwardMsg) -> None:
    for msg in msgs:
        session._handle(msg)


def test_widget_states_are_what_the_frontend_commits_when_drawn() -> None:
    plain = element((0, 0), "slider", id="$$ID-1-a", default=[0.1])
    assert list(widget_state("slider", plain.delta.new_element.slider).double_array_value.data) == [
        0.1
    ]
    select = element(
        (0, 1), "slider", id="$$ID-2-b", type=Slider.SELECT_SLIDER, options=["x", "y"], default=[1]
    )
    state = widget_state("slider", select.delta.new_element.slider)
    assert list(state.string_array_value.data) == ["y"]
    box = element((0, 2), "selectbox", id="$$ID-3-c", options=["p", "q"], default=1)
    assert widget_state("selectbox", box.delta.new_element.selectbox).string_value == "q"
    number = element((0, 3), "number_input", id="$$ID-4-d", data_type=NumberInput.INT, default=7)
    state = widget_state("number_input", number.delta.new_element.number_input)
    assert state.WhichOneof("value") == "int_value" and state.int_value == 7
    tick = element((0, 4), "checkbox", id="$$ID-5-e", default=True)
    assert widget_state("checkbox", tick.delta.new_element.checkbox).bool_value is True
    assert (
        widget_state("button", element((0, 5), "button", id="$$ID-6-f").delta.new_element.button)
        is None
    )


def test_a_full_run_clears_what_it_did_not_draw_and_forgets_those_widgets() -> None:
    s = Session("http://127.0.0.1:1")
    feed(
        s,
        new_session("r1"),
        slider((1, 0), "p.a", 0.1),
        slider((1, 1), "p.b", 0.5),
        block((0, 0), "$$ID-9-run-status-abc"),
        element((0, 0, 0), "alert", body="Playing (running now)…"),
        finished(),
    )
    assert set(s.states) == {"$$ID-0-p.a", "$$ID-0-p.b"}
    assert s.waiting() == ["Playing (running now)…"]
    feed(
        s,
        new_session("r2"),
        slider((1, 0), "p.a", 0.1),
        element((0, 1), "vega_lite_chart", spec="{}"),
    )
    # Until the run has finished, the old elements stay (stale, as in the browser).
    assert (1, 1) in s.tree and s.waiting()
    feed(s, finished())
    assert set(s.states) == {"$$ID-0-p.a"}
    assert (1, 1) not in s.tree and (0, 0, 0) not in s.tree
    assert not s.waiting() and s.chart_count() == 1
    assert s.full_started == s.full_settled == 2


def test_a_fragment_run_clears_nothing_and_a_value_the_user_set_is_kept() -> None:
    s = Session("http://127.0.0.1:1")
    feed(s, new_session("r1"), slider((1, 0), "p.a", 0.1), finished())
    moved = widget_state("slider", slider((1, 0), "p.a", 0.3).delta.new_element.slider)
    assert moved is not None
    s.states[moved.id] = moved
    feed(
        s,
        new_session("f1", fragments=("frag",)),
        block((0, 0), "$$ID-9-run-status"),
        element((0, 0, 0), "alert", body="queued (2 ahead)…"),
        finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY),
    )
    assert (1, 0) in s.tree and s.fragment_runs == 1 and s.full_settled == 1
    assert s.waiting() == ["queued (2 ahead)…"]
    # Redrawn without set_value: the frontend keeps the user's value.
    feed(s, new_session("r2"), slider((1, 0), "p.a", 0.1), finished())
    assert list(s.states[moved.id].double_array_value.data) == [0.3]


def test_problems_are_exceptions_and_friendly_errors() -> None:
    s = Session("http://127.0.0.1:1")
    feed(
        s,
        new_session("r1"),
        element((0, 0), "alert", body="Something went wrong on the Explore page: x."),
        element((0, 1), "exception", type="ValueError", message="bad"),
        finished(),
    )
    assert s.problems() == [
        "Something went wrong on the Explore page: x.",
        "exception: ValueError: bad",
    ]


def test_cached_messages_are_resolved_from_their_hash() -> None:
    s = Session("http://127.0.0.1:1")
    big = element((0, 0), "vega_lite_chart", spec="{}")
    big.hash, big.metadata.cacheable = "h1", True
    feed(s, new_session("r1"), big, finished())
    ref = ForwardMsg()
    ref.ref_hash = "h1"
    ref.metadata.delta_path.extend((0, 5))
    feed(s, new_session("r2"), ref, finished())
    assert s.tree[(0, 5)].kind == "vega_lite_chart" and (0, 0) not in s.tree
    missing = ForwardMsg()
    missing.ref_hash = "nope"
    feed(s, missing)
    assert "not in the client's cache" in s.closed


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[BackMsg] = []

    async def send(self, data: bytes) -> None:
        msg = BackMsg()
        msg.ParseFromString(data)
        self.sent.append(msg)


def test_fragment_timers_rerun_the_fragment_until_a_full_run() -> None:
    async def scenario() -> list[BackMsg]:
        s = Session("http://127.0.0.1:1", query_string="a=1")
        s._ws = socket = FakeSocket()
        feed(s, new_session("r1"), slider((1, 0), "p.a", 0.1))
        timer = ForwardMsg()
        timer.auto_rerun.interval = 0.05
        timer.auto_rerun.fragment_id = "frag"
        feed(s, timer)
        await asyncio.sleep(0.13)
        feed(s, new_session("r2"))  # a full run: the frontend drops its timers
        count = len(socket.sent)
        await asyncio.sleep(0.12)
        assert len(socket.sent) == count
        return socket.sent

    sent = run(scenario())
    assert len(sent) >= 2
    rerun = sent[0].rerun_script
    assert rerun.fragment_id == "frag" and rerun.is_auto_rerun
    assert rerun.query_string == "a=1" and rerun.page_script_hash == "main"
    assert [w.id for w in rerun.widget_states.widgets] == ["$$ID-0-p.a"]


def test_a_run_started_before_the_move_does_not_settle_it() -> None:
    async def scenario() -> None:
        s = Session("http://127.0.0.1:1")
        feed(s, new_session("r1"))  # started before the move
        before = s.full_started
        waiter = asyncio.create_task(s.wait_settled(before, 1.0, charts=0))
        await asyncio.sleep(0.01)
        async with s._changed:
            feed(s, finished())
            s._changed.notify_all()
        await asyncio.sleep(0.01)
        assert not waiter.done()
        async with s._changed:
            feed(s, new_session("r2"), finished())
            s._changed.notify_all()
        await asyncio.wait_for(waiter, 1.0)

    run(scenario())


@pytest.mark.slow  # 10-20 s: a server start, the first page and one move
def test_one_real_session_opens_and_one_move_redraws(tmp_path: Path) -> None:
    """Against `streamlit run ui/app.py`: the page opens with its charts, the slider is found
    by its label, and a move reruns the page with the new value (the link shows it)."""
    label = SPECS["uk.consultation"].label

    async def scenario(base: str) -> tuple[float, Session]:
        s = Session(base, query_string="scenario=thor_immobilisation&runs=1000&seed=5")
        try:
            await s.open(timeout=180)
            widget = s.widget(label, "slider")
            assert s.slider_value(widget) == [pytest.approx(0.1)]
            assert s.charts >= 6 and not s.problems() and not s.waiting()
            assert len(s.states) >= 30  # every setting's widget registered its value
            seconds = await s.move(widget, 0.15, timeout=120)
            return seconds, s
        finally:
            await s.close()

    with running_streamlit(tmp_path / "server.log") as base:
        seconds, s = run(scenario(base))
    assert seconds < 120
    assert "uk.consultation=0.15" in s.query_string.split("&")
    assert s.chart_count() >= 6 and not s.problems()
    assert s.full_settled == s.full_started >= 2


def test_a_page_left_waiting_times_out_saying_what_it_shows() -> None:
    async def scenario() -> None:
        s = Session("http://127.0.0.1:1")
        feed(
            s,
            new_session("r1"),
            block((0, 0), "$$ID-9-run-status-x"),
            element((0, 0, 0), "alert", body="queued (3 ahead)…"),
            finished(),
        )
        with pytest.raises(ClientError, match=r"not settled in 0 s \(showing: queued \(3 ahead"):
            await s.wait_settled(0, 0.05, charts=0)

    run(scenario())
