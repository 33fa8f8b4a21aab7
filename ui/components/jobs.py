"""The What matters page's jobs: asked for by a button (or a link), computed in small cached
batches with a progress bar and a Stop button, so nothing heavy starts by itself and a stopped
job keeps the batches it finished."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import streamlit as st

from sim import analysis
from sim.params import SPECS, Params
from ui.components import view_link

#: Sample points per cached batch: small enough for a smooth progress bar and a quick Stop.
BATCH = 6
SEED = 0


@st.cache_data(max_entries=4096, show_spinner=False)
def _batch_counts(
    base_key: str, names: tuple[str, ...], rows: tuple[tuple[float, ...], ...], runs: int, seed: int
) -> npt.NDArray[np.int64]:
    base = Params.from_key(base_key)
    specs = [SPECS[n] for n in names]
    return analysis.evaluate(
        analysis.points(base, specs, np.array(rows, dtype=np.float64)), runs, seed
    )


def asked(job: str, submitted: bool) -> bool:
    """Whether `job` ("rank", "map", "rules") was asked for: by its button, now or before in
    this session, or by the link."""
    key = view_link.asked_key(job)
    if submitted:
        st.session_state[key] = True
    if st.session_state.get("wm.stopped") == job:
        del st.session_state["wm.stopped"]
        st.info("Stopped. Press the button above to start again (the work done is kept).")
    return bool(st.session_state.get(key))


def stop(job: str) -> None:
    """Callback of a Stop button: the click reruns the page, which ends the running job at its
    next batch; the job is no longer asked for."""
    st.session_state[view_link.asked_key(job)] = False
    st.session_state["wm.stopped"] = job


def outcome_counts(
    base: Params,
    names: Sequence[str],
    x: npt.NDArray[np.float64],
    runs: int,
    label: str,
    job: str,
) -> npt.NDArray[np.int64]:
    """Outcome counts at every row of `x`, in cached batches, with a progress bar and a Stop
    button meanwhile."""
    key = base.key()
    button = st.empty()
    button.button("Stop", key=f"wm.stop.{job}", on_click=stop, args=(job,), help="Stop this job.")
    bar = st.progress(0.0, text=label)
    parts = []
    for start in range(0, len(x), BATCH):
        rows = tuple(tuple(float(v) for v in row) for row in x[start : start + BATCH])
        parts.append(_batch_counts(key, tuple(names), rows, runs, SEED))
        done = min(len(x), start + BATCH)
        bar.progress(done / len(x), text=f"{label}: {done:,} of {len(x):,} settings played")
    bar.empty()
    button.empty()
    return np.vstack(parts)
