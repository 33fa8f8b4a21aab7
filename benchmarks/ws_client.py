"""A light Streamlit client: one session over Streamlit's own websocket protocol, no browser.

Why: the load benchmark (bench_load.py) needs 30 sessions on a 2-core machine, and 30 Chromium
pages on the same machine used more than a core themselves. This client speaks to
`ws://HOST/_stcore/stream` what Streamlit's frontend speaks (protobuf `BackMsg` out,
`ForwardMsg` in, from the installed `streamlit.proto`), so the server does the same work for it
as for a browser, and the client costs a few milliseconds of CPU per run:

- **Opening a page** sends `rerun_script` with the page's query string and page name and no
  widget states (a page just opened has none), as the frontend does on connecting.
- **Widget states** are kept as the frontend keeps them: every widget drawn registers its value
  (the value the server set, else its default); a value the server sets (`set_value`) replaces
  it; a widget no longer drawn after a full run is forgotten. Every rerun sends all of them.
- **The page** is kept as a tree of delta paths (`new_element`, `add_block`); after a full run
  finishes, what that run did not draw is removed (the frontend's stale-element clearing).
- **Query string and page**: `page_info_changed` updates the query string (the frontend pushes
  it into the URL); `navigation` (an `st.navigation` app), else `new_session`, gives the shown
  page's script hash; later reruns send both.
- **Fragments**: `auto_rerun` starts a timer that sends `rerun_script` with the fragment's id
  and `is_auto_rerun` (all widget states), stopped by `stop_auto_rerun` and by every full run.
- **Message cache**: cacheable messages are kept by hash and their hashes sent with each rerun;
  `ref_hash` messages are resolved from that cache (the frontend's ForwardMsg cache).

A page is *settled* when its latest full run finished successfully and the page shows no
exception, no "Something went wrong", no "queued"/"running" box (ui.components.cache's
`run-status` containers) and at least `charts` charts drawn by that run. `move()` times a
widget change from sending the rerun to the page being settled again.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: The marker of a page still waiting for its run: ui.components.cache.STATUS_KEY, which
#: Streamlit puts into the keyed container's block id.
STATUS_MARK = "run-status"
#: What ui.components.session.friendly_errors shows instead of a traceback.
FAILED_TEXT = "Something went wrong"
CHART_TYPES = frozenset({"vega_lite_chart", "arrow_vega_lite_chart"})


class ClientError(RuntimeError):
    """The session could not be opened or did not settle."""


@dataclass
class Node:
    """One delta path of the page: an element (`kind` its type) or a block."""

    is_block: bool
    kind: str
    run: str  # the script run that last drew it
    block_id: str = ""
    text: str = ""
    widget: str = ""  # the widget's id, for a widget


def widget_state(kind: str, element: Any) -> WidgetState | None:
    """The value a widget registers when it is drawn (the frontend's initial commit), or None
    for widgets that hold no value until used (buttons) or kinds this client does not know."""
    state = WidgetState(id=element.id)
    if kind == "slider" and element.type == Slider.SELECT_SLIDER:
        # A select_slider sends its options' labels.
        if element.set_value:
            state.string_array_value.data.extend(element.raw_value)
        else:
            state.string_array_value.data.extend(element.options[int(i)] for i in element.default)
    elif kind == "slider":
        values = element.value if element.set_value else element.default
        state.double_array_value.data.extend(values)
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    elif kind == "number_input":
        if element.set_value:
            if not element.HasField("value"):
                return None
            number = element.value
        elif element.HasField("default"):
            number = element.default
        else:
            return None
        if element.data_type == NumberInput.INT:
            state.int_value = int(number)
        else:
            state.double_value = number
    elif kind == "selectbox":
        if element.set_value:
            if not element.HasField("raw_value"):
                return None
            state.string_value = element.raw_value
        elif element.HasField("default") and 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "file_uploader":
        state.file_uploader_state_value.CopyFrom(FileUploaderState())
    else:
        return None
    return state


def _describe(msg: ForwardMsg) -> str:
    kind = msg.WhichOneof("type") or ""
    if kind == "delta":
        delta: str = msg.delta.WhichOneof("type") or ""
        if delta == "new_element":
            delta = msg.delta.new_element.WhichOneof("type") or ""
        return f"{kind}.{delta}"
    if kind == "script_finished":
        return f"{kind}.{ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}"
    return kind


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    element: Any


@dataclass
class Session:
    """One browser-like session of a Streamlit app, over its websocket."""

    base: str  # http://127.0.0.1:PORT
    query_string: str = ""
    page_name: str = ""
    page_hash: str = ""
    tree: dict[tuple[int, ...], Node] = field(default_factory=dict)
    widgets: dict[str, Widget] = field(default_factory=dict)
    states: dict[str, WidgetState] = field(default_factory=dict)
    full_started: int = 0  # full runs started (new_session without fragment ids)
    full_settled: int = 0  # the index of the latest full run that finished successfully
    fragment_runs: int = 0
    charts: int = 1  # charts a settled page draws (learned when the page opens)
    received: int = 0
    received_bytes: int = 0
    closed: str = ""  # why the connection closed, when it did
    trace: list[tuple[float, str]] | None = None  # (perf_counter, message kind) when a list
    _ws: Any = None
    _reader: asyncio.Task[None] | None = None
    _run: str = ""
    _run_is_full: bool = False
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _cache: dict[str, tuple[ForwardMsg, int]] = field(default_factory=dict)
    _cache_age: int = 2
    _navigation: bool = False
    _timers: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    # --- connection -----------------------------------------------------------------------------

    async def open(self, timeout: float = 120.0) -> float:
        """Connect and open the page (as a browser would); seconds until it settled."""
        import websockets

        url = self.base.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self._ws = await websockets.connect(
            url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=self.base,  # type: ignore[arg-type]
            max_size=None,
            compression=None,
            ping_interval=None,
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read())
        t0 = time.perf_counter()
        before = self.full_started
        await self._send_rerun(initial=True)
        await self.wait_settled(before, timeout, charts=0)
        self.charts = self.chart_count()
        return time.perf_counter() - t0

    async def close(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass

    # --- what a user does -------------------------------------------------------------------------

    def widget(self, label: str, kind: str | None = None) -> Widget:
        """The widget drawn with this label (and kind), e.g. widget("Seed", "number_input")."""
        found = [w for w in self.widgets.values() if w.label == label and kind in (None, w.kind)]
        if len(found) != 1:
            raise ClientError(f"{len(found)} widgets labelled {label!r} on the page")
        return found[0]

    def slider_value(self, widget: Widget) -> list[float]:
        return list(self.states[widget.id].double_array_value.data)

    async def move(self, widget: Widget, value: float | list[float], timeout: float) -> float:
        """Set a slider to `value` (a rerun with all widget states, as the frontend sends when a
        slider is released); seconds until the page has settled for it."""
        state = WidgetState(id=widget.id)
        state.double_array_value.data.extend(value if isinstance(value, list) else [value])
        self.states[widget.id] = state
        before = self.full_started
        t0 = time.perf_counter()
        await self._send_rerun()
        await self.wait_settled(before, timeout)
        return time.perf_counter() - t0

    async def wait_settled(self, before: int, timeout: float, charts: int | None = None) -> None:
        """Until a full run that started after the first `before` full runs has finished
        successfully, no newer full run is going, and the page is settled; ClientError with
        what the page shows if it fails or times out."""
        need = self.charts if charts is None else charts

        def done() -> bool:
            if self.closed:
                return True
            if not (before < self.full_settled == self.full_started):
                return False
            return bool(self.problems()) or (not self.waiting() and self.chart_count() >= need)

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(done), timeout)
            except TimeoutError:
                shown = self.waiting()
                raise ClientError(
                    f"not settled in {timeout:.0f} s" + (f" (showing: {shown[0]})" if shown else "")
                ) from None
        if self.closed:
            raise ClientError(f"connection closed: {self.closed}")
        if problems := self.problems():
            raise ClientError("the page shows: " + problems[0][:200])

    # --- the page ---------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Exceptions and 'Something went wrong' errors on the page."""
        out = []
        for node in self.tree.values():
            if node.kind == "exception":
                out.append("exception: " + node.text)
            elif FAILED_TEXT in node.text:
                out.append(node.text)
        return out

    def waiting(self) -> list[str]:
        """The 'queued'/'running' boxes on the page (alerts inside a run-status container)."""
        marked = [p for p, n in self.tree.items() if n.is_block and STATUS_MARK in n.block_id]
        return [
            n.text
            for p, n in self.tree.items()
            if n.kind == "alert" and any(p[: len(m)] == m for m in marked)
        ]

    def chart_count(self) -> int:
        return sum(1 for n in self.tree.values() if n.kind in CHART_TYPES)

    # --- protocol ---------------------------------------------------------------------------------

    async def _send_rerun(
        self, *, initial: bool = False, fragment: str = "", auto: bool = False
    ) -> None:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        if self.page_hash and not initial:
            rerun.page_script_hash = self.page_hash
        else:
            rerun.page_name = self.page_name
        if not initial:
            rerun.widget_states.widgets.extend(self.states.values())
        rerun.cached_message_hashes.extend(self._cache)
        if fragment:
            rerun.fragment_id = fragment
            rerun.is_auto_rerun = auto
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-GB"
        info.url = f"{self.base}/{self.page_name}"
        info.is_embedded = False
        info.color_scheme = "light"
        await self._ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self.received += 1
                self.received_bytes += len(raw)
                if self.trace is not None:
                    self.trace.append((time.perf_counter(), _describe(msg)))
                async with self._changed:
                    self._handle(msg)
                    self._changed.notify_all()
        except Exception as error:  # noqa: BLE001 - reported to whoever waits
            self.closed = f"{type(error).__name__}: {error}"
        else:
            self.closed = "closed by the server"
        async with self._changed:
            self._changed.notify_all()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self.closed = f"ref_hash {msg.ref_hash} not in the client's cache"
                return
            self._cache[msg.ref_hash] = (cached[0], self.full_settled)
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (msg, self.full_settled)
        if kind == "new_session":
            self._new_run(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            self._finished(msg.script_finished)
        elif kind == "navigation":
            # An st.navigation app: the page being shown (the frontend's currentPageScriptHash).
            self._navigation = True
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                task = self._timers.pop(fragment, None)
                if task is not None:
                    task.cancel()

    def _new_run(self, msg: ForwardMsg) -> None:
        self._run = msg.metadata.run.script_run_id
        self._run_is_full = not msg.metadata.run.fragment_ids
        if msg.new_session.page_script_hash and not self._navigation:
            self.page_hash = msg.new_session.page_script_hash
        if msg.new_session.HasField("config"):
            self._cache_age = msg.new_session.config.max_cached_message_age or self._cache_age
        if self._run_is_full:
            self.full_started += 1
            for task in self._timers.values():  # the frontend's cleanupAutoReruns
                task.cancel()
            self._timers.clear()

    def _delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type") or ""
            body: Any = getattr(element, kind) if kind else None
            text = ""
            if kind == "exception":
                text = f"{body.type}: {body.message}"
            elif kind in ("alert", "markdown"):
                text = body.body
            widget_id = str(getattr(body, "id", "")) if body is not None else ""
            if not widget_id.startswith("$$ID"):
                widget_id = ""
            self._drop_below(path)
            self.tree[path] = Node(False, kind, self._run, text=text, widget=widget_id)
            if widget_id:
                self.widgets[widget_id] = Widget(widget_id, kind, getattr(body, "label", ""), body)
                if getattr(body, "set_value", False) or widget_id not in self.states:
                    state = widget_state(kind, body)
                    if state is not None:
                        self.states[widget_id] = state
        elif which == "add_block":
            block = delta.add_block
            old = self.tree.get(path)
            if old is None or not old.is_block:
                self._drop_below(path)
            self.tree[path] = Node(
                True, block.WhichOneof("type") or "", self._run, block_id=block.id
            )
        # Other delta kinds (arrow_add_rows) do not change what this client checks.

    def _drop_below(self, path: tuple[int, ...]) -> None:
        n = len(path)
        for p in [p for p in self.tree if len(p) > n and p[:n] == path]:
            del self.tree[p]

    def _finished(self, status: int) -> None:
        if status == ForwardMsg.FINISHED_SUCCESSFULLY and self._run_is_full:
            # The frontend's clearStaleNodes, then widgetMgr.removeInactive, after a full run:
            # what this run did not draw is gone, with what was inside it.
            fresh = {p: n for p, n in self.tree.items() if n.run == self._run}
            self.tree = {
                p: n for p, n in fresh.items() if all(p[:k] in fresh for k in range(2, len(p)))
            }
            drawn = {n.widget for n in self.tree.values() if n.widget}
            for wid in [w for w in self.widgets if w not in drawn]:
                del self.widgets[wid]
                self.states.pop(wid, None)
            self.full_settled = self.full_started
            self._cache = {
                h: (m, seen)
                for h, (m, seen) in self._cache.items()
                if self.full_settled - seen <= self._cache_age
            }
        elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.fragment_runs += 1

    def _start_timer(self, fragment: str, interval: float) -> None:
        old = self._timers.pop(fragment, None)
        if old is not None:
            old.cancel()

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment=fragment, auto=True)

        self._timers[fragment] = asyncio.create_task(tick())
