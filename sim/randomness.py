"""Common random numbers that do not depend on how histories are split into chunks or workers.

History i belongs to block i // BLOCK. Each block has its own `Generator`, seeded by the root
`SeedSequence(seed)` with spawn key (block,), so it is the block-th child of the root. At every step
a block draws one fixed-shape array (BLOCK, COLUMNS) of uniforms, and column k always serves the
same purpose (see COLUMNS). Therefore:

- history i sees the same numbers whether it runs alone, in a chunk of 7 or among 100,000;
- a counterfactual and its baseline, run with the same seed, see the same numbers in every history
  (paired histories on common random numbers), so their difference is the decision, not noise.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BLOCK = 1024
#: What each column of a step's draw is for. Never reorder: it would change every result.
COLUMNS: tuple[str, ...] = (
    "us_choice",
    "uk_choice",
    "ussr_choice",
    "incident_occurs",
    "incident_kind",
    "us_steps_back",
    "ussr_steps_back",
    "berlin_incident",
    "nuclear_in_war",
    "us_first_move",
    "berlin_steps_back",
    "us_consents_thor",
    "strike_response",
    "us_consents_berlin",
    "spare_14",
    "us_widens_tankers",
)
N_COLUMNS = len(COLUMNS)
#: The column of each purpose: `model.uniform(COLUMN["incident_occurs"])`.
COLUMN: dict[str, int] = {name: i for i, name in enumerate(COLUMNS)}


class RandomBlocks:
    """Per-step uniforms for histories [start, stop) of a run with `seed`."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        if not 0 <= start < stop:
            raise ValueError(f"history range [{start}, {stop}) is empty or negative")
        self._n = stop - start
        root = np.random.SeedSequence(seed)
        self._parts: list[tuple[np.random.Generator, int, int]] = []
        self._bits: list[np.random.PCG64] = []  # each part's bit generator (see `skip`)
        for block in range(start // BLOCK, (stop - 1) // BLOCK + 1):
            child = np.random.SeedSequence(root.entropy, spawn_key=(block,))
            lo = max(start - block * BLOCK, 0)
            hi = min(stop - block * BLOCK, BLOCK)
            self._bits.append(np.random.PCG64(child))
            self._parts.append((np.random.Generator(self._bits[-1]), lo, hi))
        self._retired = [False] * len(self._parts)  # no longer drawn from: see next_for

    def next(self) -> npt.NDArray[np.float64]:
        """The uniforms of the next step, shape (stop - start, N_COLUMNS)."""
        if any(self._retired):
            raise ValueError("some histories were left out of an earlier step: use next_for")
        if len(self._parts) == 1:
            g, lo, hi = self._parts[0]
            return g.random((BLOCK, N_COLUMNS))[lo:hi]
        out = np.empty((self._n, N_COLUMNS))
        at = 0
        for g, lo, hi in self._parts:
            if hi - lo == BLOCK:  # a whole block: draw straight into place, no copy
                g.random(out=out[at : at + BLOCK])
            else:
                out[at : at + hi - lo] = g.random((BLOCK, N_COLUMNS))[lo:hi]
            at += hi - lo
        return out

    def draw(self, rows: npt.NDArray[np.intp] | None) -> npt.NDArray[np.float64]:
        """`next()`, or `next_for(rows)` where only some histories are left (`rows` not None)."""
        return self.next() if rows is None else self.next_for(rows)

    def skip(self) -> None:
        """Move past the next step's uniforms without making them, for a step that uses none:
        what follows is the same as after `next()`, at ~1/50 of its cost (PCG64 makes one
        64-bit draw per uniform and can jump ahead)."""
        for bits, retired in zip(self._bits, self._retired, strict=True):
            if not retired:
                bits.advance(BLOCK * N_COLUMNS)

    def next_for(self, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """The uniforms of the next step for some histories only: `rows` are ascending positions
        in [0, stop - start); shape (len(rows), N_COLUMNS), the same numbers as `next()[rows]`.

        A block holding none of `rows` is not drawn from, now or later (it has fallen behind), so a
        history once left out can never be asked for again; the model leaves out finished ones.
        """
        local = rows + self._parts[0][1]  # position counted from the first block's start
        if len(self._parts) == 1:  # one block (up to 1,024 histories): nothing to split
            out1: npt.NDArray[np.float64] = self._parts[0][0].random((BLOCK, N_COLUMNS))[local]
            return out1
        bounds = np.searchsorted(local // BLOCK, np.arange(len(self._parts) + 1))
        out = np.empty((rows.size, N_COLUMNS))
        for i, (g, _, _) in enumerate(self._parts):
            a, b = bounds[i], bounds[i + 1]
            if a == b:
                self._retired[i] = True
            elif self._retired[i]:
                raise ValueError(f"history {int(rows[a])} was left out of an earlier step")
            else:
                out[a:b] = g.random((BLOCK, N_COLUMNS))[local[a:b] % BLOCK]
        return out
