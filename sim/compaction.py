"""Finished histories moved out of the state arrays while a run's long tail goes on, and back.

A pure speed-up: a finished history is frozen (every update is masked by `active`), so its state
can wait in a full-size copy and its escalation path can be written to the horizon at once; the
histories still running then cost in proportion to their number. Random numbers stay those of each
history (`sim.randomness.RandomBlocks.next_for` draws by row). Results are the same to the bit
(benchmarks/fingerprint.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from sim import world as w

#: When the histories still running fill at most this share of the state arrays, the finished
#: ones are moved out, so the long tail of a run costs in proportion to what still runs (a pure
#: speed-up: finished histories are frozen). Chosen by `make bench` (docs/PERFORMANCE.md).
COMPACT_BELOW = 0.5
#: ... and only in a model of at least this many rows: below it a step costs about the same
#: whatever the number of rows (numpy's per-call overhead), and moving rows out (then drawing
#: random numbers row by row, `RandomBlocks.next_for`) costs more than it saves (`make bench`).
#: Lowered from 1024 with issue 12: wars now last until the invasion (30 Oct) or a deal, a tail of
#: a few percent of histories over ~15 steps, where 1,000 histories run ~7% faster compacted.
COMPACT_MIN_ROWS = 256
#: The state arrays of `sim.world.World` (everything but its size).
WORLD_ARRAYS = tuple(f.name for f in fields(w.World) if not f.init)


@dataclass
class Finished:
    """Histories moved out of a model's `world`: all histories (`full`, None until the first move)
    and, for each row of the smaller `world`, its row in `full` (`rows`)."""

    full: w.World | None = None
    rows: npt.NDArray[np.intp] | None = None

    def move_out(self, world: w.World, escalation_path: npt.NDArray[np.int8], step: int) -> w.World:
        """`world` without its finished histories, once few still run (see COMPACT_BELOW);
        otherwise `world` itself."""
        if world.n < COMPACT_MIN_ROWS:
            return world
        running = int(np.count_nonzero(world.active))
        if running == 0 or running > COMPACT_BELOW * world.n:
            return world
        keep = np.flatnonzero(world.active)  # positions in `world`: take/put beat boolean masks
        done = np.flatnonzero(~world.active)
        rows = np.arange(world.n) if self.rows is None else self.rows
        done_rows = rows.take(done)  # ... and their rows in `full`
        if self.full is None:
            self.full = world  # full size: the finished histories are already in place
        else:
            for name in WORLD_ARRAYS:
                getattr(self.full, name).put(done_rows, getattr(world, name).take(done))
        escalation_path[step:, done_rows] = world.escalation.take(done)
        kept = copy.copy(world)
        kept.n = running
        for name in WORLD_ARRAYS:
            setattr(kept, name, getattr(world, name).take(keep))
        self.rows = rows.take(keep)
        return kept

    def restore(self, world: w.World) -> w.World:
        """The full-size world with every history moved out put back (or `world` if none was)."""
        if self.full is None or self.rows is None:
            return world
        for name in WORLD_ARRAYS:
            getattr(self.full, name).put(self.rows, getattr(world, name))
        full, self.full, self.rows = self.full, None, None
        return full
