"""The random-number blocks: skipping a step moves the stream exactly as drawing it would."""

from __future__ import annotations

import numpy as np

from sim.randomness import BLOCK, RandomBlocks


def test_skip_is_the_same_as_drawing_and_ignoring() -> None:
    start, stop = 100, 2 * BLOCK + 50  # three blocks, the first and last partly
    drawn, skipped = RandomBlocks(7, start, stop), RandomBlocks(7, start, stop)
    rows = np.arange(0, stop - start, 3)
    for step in range(6):
        if step % 2:  # every other step unused by one of the two
            drawn.next()
            skipped.skip()
        elif step < 4:
            assert np.array_equal(drawn.next(), skipped.next())
        else:  # after some histories are left out: row by row
            assert np.array_equal(drawn.next_for(rows), skipped.next_for(rows))
