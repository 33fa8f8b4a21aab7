"""The allowed ranges of the whole numbers a user types: seed, number of histories, history index.

Decided once here and read by the app (widgets, share links, cached runs) and, once wired, by the
command line. Each range checks a value and says what is wrong in one line that names the field
and the allowed range; nothing here raises for a bad value (callers turn the line into their own
error: a warning in the app, `BadInput` in the CLI).

One seed range for every entry point: 0 to 2^31 − 1 (what a browser's number field holds exactly).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    """A whole number from `low` to `high` (both included), called `field` in messages."""

    field: str
    low: int
    high: int

    def allowed(self) -> str:
        """'a whole number from 0 to 2,147,483,647'."""
        return f"a whole number from {self.low:,} to {self.high:,}"

    def contains(self, value: object) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    def error(self, value: object, field: str | None = None) -> str:
        """'' when `value` is allowed; else one line naming the field (`field` overrides the
        name, e.g. '--seed' on the command line) and the allowed range."""
        if self.contains(value):
            return ""
        name = field or self.field
        return f"{name} = {value!r} is out of range: allowed {self.low:,} to {self.high:,}"

    def parse(self, text: str) -> int | None:
        """`text` as a whole number within the range, or None."""
        try:
            number = int(text.strip())
        except ValueError:
            return None
        return number if self.contains(number) else None


#: Random seeds, for the app, share links and the command line.
SEED = Bounds("seed", 0, 2**31 - 1)
#: Histories in one ensemble: what the engine and the command line accept.
RUNS = Bounds("runs", 1, 200_000)
#: Histories in one request of the web app (bounded work per request).
APP_RUNS = Bounds("runs", 100, 50_000)
#: How many histories the app plays when the link does not say.
APP_DEFAULT_RUNS = 5000
#: The scenario a fresh visitor sees first, chosen by the measured effects the scenario picker
#: shows: "Britain really consulted" moves how the crisis ends (less fighting, beyond chance) *and*
#: the deal (the Thors in it more often), and it asks Rawnsley's question, the app's own: was
#: Britain consulted or only informed? One slider (Real consultation of Britain) moves it, so the
#: first thing a class does shows something. The Thor offer, the earlier default, mostly changes
#: the deal. tests/test_lessons.py checks both effects at every engine change (its `expect`), so a
#: recalibration that removed them would fail a test rather than leave a dull default.
APP_DEFAULT_SCENARIO = "real_consultation"
#: The app's step for its number-of-histories field.
APP_RUNS_STEP = 1000


def history(runs: int) -> Bounds:
    """The index of one history among `runs` histories: 0 to runs − 1."""
    return Bounds("history", 0, runs - 1)


#: Any history the engine can replay (the command line's --index).
HISTORY = history(RUNS.high)


def seed_error(seed: object, field: str | None = None) -> str:
    """'' or one line: the seed is not a whole number from 0 to 2^31 − 1."""
    return SEED.error(seed, field)


def runs_error(runs: object, app: bool = False, field: str | None = None) -> str:
    """'' or one line: `runs` is outside the engine's (or, with `app`, the app's) range."""
    return (APP_RUNS if app else RUNS).error(runs, field)


def history_error(index: object, runs: int, field: str | None = None) -> str:
    """'' or one line: `index` is not a history among `runs`."""
    return history(runs).error(index, field)


# --- what-matters analyses (sweep, sensitivity, discover) ----------------------------------------
# Here rather than in sim.analysis so that the command line's help can state them without
# importing numpy and the engine (`cuba62 --help` < 0.5 s: benchmarks/bench_cli.py).

#: The most histories one sweep, sensitivity analysis or discovery may run (points × runs).
ANALYSIS_HISTORIES = 5_000_000
#: Values of one `--vary` axis of a sweep (the whole grid is capped by ANALYSIS_HISTORIES too).
SWEEP_STEPS = Bounds("steps", 1, 10_000)
#: Parameter points a discovery samples.
DISCOVER_SAMPLES = Bounds("--samples", 10, 20_000)
#: Default sample sizes of a sensitivity analysis: Morris trajectories, Sobol base samples.
SENSITIVITY_DEFAULT_SAMPLES: dict[str, int] = {"morris": 10, "sobol": 64}
#: Default smallest share of marked points a discovered region must keep.
DISCOVER_DEFAULT_MIN_COVERAGE = 0.5
