"""Every history of a run as one table: the columns and their text, decided once.

The app's 'Download histories (CSV)' and `cuba62 run|compare --format csv` write this table.
A single run has six columns; a paired run (a scenario beside its baseline on the same
histories) has twelve: each measure for the scenario, then for the baseline.

- resolved: Washington time 'YYYY-MM-DD HH:MM' of the step the crisis ended; empty if it did not.
- concessions: the deal's concessions (`sim.labels.CONCESSIONS` ids) joined by ';'; empty if none.
- peak_escalation: the highest ladder rung reached (0–6, `sim.labels.LADDER`).
- changed: 'true' when the scenario's outcome differs from the baseline's on that history.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from sim import calendar
from sim.ensemble import Paired, Results
from sim.outcomes import OUTCOMES
from sim.params import format_value
from sim.world import CONCESSION_BIT, CONCESSIONS

#: Between the concessions of one deal (a ',' would need quoting in CSV).
CONCESSION_SEPARATOR = ";"

RUN_HEADER: tuple[str, ...] = (
    "history",
    "outcome",
    "resolved",
    "concessions",
    "peak_escalation",
    "incidents",
)
PAIRED_HEADER: tuple[str, ...] = (
    "history",
    "outcome",
    "baseline_outcome",
    "changed",
    "resolved",
    "baseline_resolved",
    "concessions",
    "baseline_concessions",
    "peak_escalation",
    "baseline_peak_escalation",
    "incidents",
    "baseline_incidents",
)

Row = tuple[object, ...]


def resolved_text(step: int) -> str:
    """The time a history was resolved, or '' for an unresolved one (step < 0)."""
    return format_value(calendar.step_time(step)) if step >= 0 else ""


def concessions_text(bits: int) -> str:
    """The concessions in a deal's bit mask, in `CONCESSIONS` order, joined by ';'."""
    return CONCESSION_SEPARATOR.join(c for c in CONCESSIONS if bits & CONCESSION_BIT[c])


def _columns(r: Results) -> tuple[list[str], list[str], list[str], list[int], list[int]]:
    """(outcome, resolved, concessions, peak escalation, incidents) of every history, as text
    or ints (looked up once per distinct value, so a large run is quick)."""
    resolved = {s: resolved_text(s) for s in set(r.resolved_step.tolist())}
    deals = {b: concessions_text(b) for b in set(r.concessions.tolist())}
    return (
        [OUTCOMES[o] for o in r.outcome.tolist()],
        [resolved[s] for s in r.resolved_step.tolist()],
        [deals[b] for b in r.concessions.tolist()],
        r.peak_escalation.tolist(),
        r.incidents.tolist(),
    )


def histories_rows(results: Results | Paired) -> tuple[tuple[str, ...], Iterable[Row]]:
    """(header, rows): one row per history of a run, or of a scenario beside its baseline."""
    if isinstance(results, Results):
        outcome, resolved, deals, peak, incidents = _columns(results)
        rows = zip(range(results.runs), outcome, resolved, deals, peak, incidents, strict=True)
        return RUN_HEADER, rows
    so, sr, sc, sp, si = _columns(results.scenario)
    bo, br, bc, bp, bi = _columns(results.baseline)
    changed = [format_value(a != b) for a, b in zip(so, bo, strict=True)]
    index = range(results.scenario.runs)
    paired = zip(index, so, bo, changed, sr, br, sc, bc, sp, bp, si, bi, strict=True)
    return PAIRED_HEADER, paired


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text (Unix line ends), for the screen or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def histories_csv(results: Results | Paired) -> str:
    """`histories_rows` as CSV text: what `cuba62 run|compare --format csv` prints."""
    return csv_text(*histories_rows(results))
