"""Full-factorial parameter sweeps with a resumable table of results (BehaviorSpace layout).

`--vary name=start:stop:steps` gives `steps` evenly spaced values from start to stop inclusive
(numpy.linspace); `--vary name=a,b,c` lists values (any kind of parameter). The grid is every
combination, first --vary slowest. Each point plays histories 0..runs-1 with the same seed
(common random numbers), so neighbouring points differ by their parameters, not by luck.

The table has one row per point: point number, scenario, the varied values, runs, seed, then for
every outcome its share and the 95% Wilson interval. While a sweep runs, finished points are
appended to FILE.partial (CSV, whatever the final format); only when every point is done is the
table written to FILE, in grid order, atomically, and FILE.partial removed. Running the same
command again resumes from FILE.partial and skips the points already there.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from sim.analysis.backends import Backend, Counts
from sim.analysis.evaluate import MAX_HISTORIES, AnalysisError, check_seed, check_work, evaluate
from sim.limits import SWEEP_STEPS
from sim.outcomes import OUTCOMES
from sim.outfiles import OutFileError, check_regular
from sim.params import ParameterError, Params, Value, coerce, format_value, spec
from sim.summary import wilson

#: Most values of one parameter in a sweep (the whole grid is capped by MAX_HISTORIES too).
MAX_STEPS = SWEEP_STEPS.high
SUFFIXES = (".csv", ".parquet")
PARTIAL = ".partial"
#: Share and interval columns of every outcome, in OUTCOMES order.
OUTCOME_COLUMNS: tuple[str, ...] = tuple(
    f"{o}.{part}" for o in OUTCOMES for part in ("share", "ci95_lo", "ci95_hi")
)


@dataclass(frozen=True)
class Axis:
    """One varied parameter and its values (already validated against the schema)."""

    name: str
    values: tuple[Value, ...]


def _text(value: Value) -> str:
    """Canonical text of a grid value: 12 significant digits for numbers, so it round-trips."""
    if isinstance(value, float):
        return format(value, ".12g")
    return format_value(value)


def _coerce(option: str, name: str, raw: str) -> Value:
    try:
        return coerce(name, raw.strip())
    except ParameterError as error:
        raise AnalysisError(f"{option}: {error}") from None


def parse_vary(text: str) -> Axis:
    """'name=start:stop:steps' (numbers) or 'name=a,b,c' (any kind) into an Axis."""
    option = f"--vary {text!r}"
    name, eq, rhs = text.partition("=")
    name, rhs = name.strip(), rhs.strip()
    if not eq or not name or not rhs:
        raise AnalysisError(
            f"{option} needs the form NAME=START:STOP:STEPS or NAME=A,B,... "
            "(e.g. us.hawkishness=0:1:5 or uk.thor_offer=none,public)"
        )
    try:
        s = spec(name)
    except ParameterError as error:
        raise AnalysisError(f"--vary: {error}") from None
    if s.kind == "float" and "," not in rhs and rhs.count(":") == 2:
        first, last, steps_text = (part.strip() for part in rhs.split(":"))
        try:
            steps = int(steps_text)
        except ValueError:
            raise AnalysisError(
                f"{option}: steps {steps_text!r} must be a whole number from 1 to {MAX_STEPS:,}"
            ) from None
        if not 1 <= steps <= MAX_STEPS:
            raise AnalysisError(
                f"{option}: steps = {steps} is out of range: allowed 1 to {MAX_STEPS:,} "
                f"(and at most {MAX_HISTORIES:,} histories in all)"
            )
        lo = _coerce(option, name, first)
        hi = _coerce(option, name, last)
        assert isinstance(lo, float) and isinstance(hi, float)
        values: tuple[Value, ...] = tuple(
            float(_text(float(v))) for v in np.linspace(lo, hi, steps)
        )
    elif ":" in rhs and s.kind in ("bool", "choice"):
        raise AnalysisError(
            f"{option}: {name} is {s.allowed()}; list its values instead, e.g. "
            f"{name}={','.join(s.choices) if s.choices else 'true,false'}"
        )
    else:
        values = tuple(_coerce(option, name, part) for part in rhs.split(","))
        if s.kind == "float":
            values = tuple(float(_text(float(v))) for v in values)  # type: ignore[arg-type]
    texts = [_text(v) for v in values]
    duplicates = sorted(t for t, n in Counter(texts).items() if n > 1)  # linear, not n²
    if duplicates:
        raise AnalysisError(f"{option}: the value {duplicates[0]} appears twice; list it once")
    return Axis(name, values)


def parse_axes(texts: Sequence[str]) -> tuple[Axis, ...]:
    if not texts:
        raise AnalysisError(
            "give at least one --vary NAME=START:STOP:STEPS, e.g. --vary us.hawkishness=0:1:5"
        )
    axes = tuple(parse_vary(t) for t in texts)
    names = [a.name for a in axes]
    for name in names:
        if names.count(name) > 1:
            raise AnalysisError(f"--vary {name} is given twice; give each parameter once")
    return axes


def grid_size(axes: Sequence[Axis]) -> int:
    """Points in the grid, exactly: Python integers, because a fixed-width product overflows
    (5 axes of 8,192 values is 2^65, which numpy's int64 counted as 0 and let past the cap)."""
    return math.prod(len(a.values) for a in axes)


@dataclass(frozen=True)
class Sweep:
    """A sweep: a scenario's parameters, the varied axes, runs per point and the shared seed."""

    scenario: str
    base: Params
    axes: tuple[Axis, ...]
    runs: int
    seed: int
    combos: tuple[tuple[Value, ...], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_seed(self.seed)
        check_work(grid_size(self.axes), self.runs, "grid points")
        combos = tuple(itertools.product(*(a.values for a in self.axes)))
        object.__setattr__(self, "combos", combos)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.axes]

    def header(self) -> list[str]:
        return ["point", "scenario", *self.names, "runs", "seed", *OUTCOME_COLUMNS]

    def key(self, combo: Sequence[Value]) -> tuple[str, ...]:
        return tuple(_text(v) for v in combo)

    def point_params(self) -> list[Params]:
        """Validated parameters of every point; a combination that cannot hold is refused."""
        out = []
        for combo in self.combos:
            try:
                out.append(self.base.with_overrides(dict(zip(self.names, combo, strict=True))))
            except ParameterError as error:
                pairs = zip(self.names, self.key(combo), strict=True)
                where = ", ".join(f"{n}={t}" for n, t in pairs)
                raise AnalysisError(f"--vary: the point {where} is not allowed: {error}") from None
        return out

    def row(self, index: int, counts: Counts) -> list[str]:
        cells = [str(index + 1), self.scenario, *self.key(self.combos[index])]
        cells += [str(self.runs), str(self.seed)]
        total = int(counts.sum())
        for k in counts:
            share = wilson(int(k), total)
            cells += [f"{share.share:.6f}", f"{share.lo:.6f}", f"{share.hi:.6f}"]
        return cells

    def signature(self) -> str:
        """Identifies the sweep (columns, scenario, grid, runs, seed) inside a finished file."""
        doc = [
            self.header(),
            self.scenario,
            [list(self.key(c)) for c in self.combos],
            self.runs,
            self.seed,
        ]
        return hashlib.sha256(json.dumps(doc).encode()).hexdigest()


@dataclass(frozen=True)
class SweepReport:
    header: list[str]
    rows: list[list[str]]  # grid order
    ran: int  # points simulated by this call
    skipped: int  # points found in FILE.partial and not run again
    path: Path | None
    already_complete: bool = False


def check_out(out: Path) -> Path:
    """A writable --out FILE.csv or FILE.parquet (parquet needs pyarrow)."""
    if out.suffix.lower() not in SUFFIXES:
        raise AnalysisError(f"--out {out}: the file name must end in .csv or .parquet")
    for path in (out, partial_path(out)):
        try:
            check_regular(path)  # a FIFO, device or directory would be replaced, not written
        except OutFileError as error:
            raise AnalysisError(str(error)) from None
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise AnalysisError(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise AnalysisError(f"--out {out}: cannot write in the folder {folder}")
    if out.suffix.lower() == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise AnalysisError(
                f"--out {out}: writing .parquet needs pyarrow (pip install pyarrow); "
                "or write a .csv file"
            ) from None
    return out


def partial_path(out: Path) -> Path:
    return out.with_name(out.name + PARTIAL)


def _read_partial(path: Path, sweep: Sweep) -> dict[int, list[str]]:
    """Rows already done, by point index. A cut-off last line (a crash mid-write) is dropped."""
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        raw = raw[: raw.rfind(b"\n") + 1]
        with path.open("r+b") as handle:
            handle.truncate(len(raw))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"))))
    if not rows:
        return {}
    header = sweep.header()
    advice = "remove it or choose another --out"
    if rows[0] != header:
        raise AnalysisError(
            f"{path} holds a different sweep (its columns are not this command's): {advice}"
        )
    where = {sweep.key(c): i for i, c in enumerate(sweep.combos)}
    n_names = len(sweep.names)
    done: dict[int, list[str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise AnalysisError(f"{path} line {line} is damaged: {advice}")
        runs, seed = row[2 + n_names], row[3 + n_names]
        if (row[1], runs, seed) != (sweep.scenario, str(sweep.runs), str(sweep.seed)):
            raise AnalysisError(
                f"{path} was started with scenario {row[1]}, --runs {runs}, --seed {seed}; this "
                f"command has {sweep.scenario}, --runs {sweep.runs}, --seed {sweep.seed}: "
                f"run that command to resume, or {advice}"
            )
        index = where.get(tuple(row[2 : 2 + n_names]))
        if index is None or row[0] != str(index + 1):
            values = row[2 : 2 + n_names]
            shown = ", ".join(f"{n}={v}" for n, v in zip(sweep.names, values, strict=True))
            raise AnalysisError(
                f"{path} line {line} ({shown}) is not a point of this grid: {advice}"
            )
        done.setdefault(index, row)
    return done


def _finished_signature(out: Path) -> str | None:
    """The sweep signature stored in (parquet) or recomputable from (CSV) a finished file."""
    if out.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.read_schema(out).metadata or {}
        except Exception:  # noqa: BLE001 - any unreadable file is simply "not this sweep"
            return None
        value = meta.get(b"cuba62.sweep")
        return value.decode() if value else None
    return None


def _same_finished_csv(out: Path, sweep: Sweep) -> list[list[str]] | None:
    try:
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError):
        return None
    expected_keys = [list(sweep.key(c)) for c in sweep.combos]
    n = len(sweep.names)
    if not rows or rows[0] != sweep.header() or len(rows) != len(expected_keys) + 1:
        return None
    body = rows[1:]
    if [r[2 : 2 + n] for r in body] != expected_keys:
        return None
    tail = {(r[1], r[2 + n], r[3 + n]) for r in body}
    if tail != {(sweep.scenario, str(sweep.runs), str(sweep.seed))}:
        return None
    return body


@contextmanager
def _atomic(out: Path, mode: str) -> Iterator[IO[Any]]:
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _typed_columns(sweep: Sweep, rows: list[list[str]]) -> dict[str, list[Any]]:
    header = sweep.header()
    columns: dict[str, list[Any]] = {}
    kinds = {a.name: spec(a.name).kind for a in sweep.axes}
    for j, name in enumerate(header):
        texts = [r[j] for r in rows]
        if name in ("point", "runs", "seed"):
            columns[name] = [int(t) for t in texts]
        elif name == "scenario":
            columns[name] = texts
        elif name in kinds:
            kind = kinds[name]
            if kind == "float":
                columns[name] = [float(t) for t in texts]
            elif kind == "bool":
                columns[name] = [t == "true" for t in texts]
            elif kind == "datetime":
                columns[name] = [dt.datetime.fromisoformat(t) for t in texts]
            else:
                columns[name] = texts
        else:
            columns[name] = [float(t) for t in texts]
    return columns


def _write_final(out: Path, sweep: Sweep, rows: list[list[str]]) -> None:
    if out.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(_typed_columns(sweep, rows))
        table = table.replace_schema_metadata({"cuba62.sweep": sweep.signature()})
        with _atomic(out, "wb") as handle:
            pq.write_table(table, handle)
        return
    with _atomic(out, "w") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(sweep.header())
        writer.writerows(rows)


def run_sweep(
    sweep: Sweep,
    backend: Backend | None = None,
    out: Path | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepReport:
    """Run every point of the sweep not already in FILE.partial; write FILE when all are done.

    `on_start(points_to_run, points_skipped)` is called once before simulating (for a progress
    bar); `progress(n)` after every n histories.
    """
    params = sweep.point_params()
    header = sweep.header()
    if out is None:
        rows: dict[int, list[str]] = {}
        if on_start:
            on_start(len(params), 0)
        evaluate(
            params,
            sweep.runs,
            sweep.seed,
            backend,
            progress=progress,
            on_point=lambda i, c: rows.__setitem__(i, sweep.row(i, c)),
        )
        return SweepReport(header, [rows[i] for i in range(len(params))], len(params), 0, None)

    out = check_out(out)
    partial = partial_path(out)
    if out.exists():
        complete = _same_finished_csv(out, sweep) if out.suffix.lower() == ".csv" else None
        if complete is not None or _finished_signature(out) == sweep.signature():
            if partial.exists():
                partial.unlink()
            return SweepReport(header, complete or [], 0, len(params), out, already_complete=True)
        raise AnalysisError(
            f"--out {out} already exists and holds something else: remove it or choose another "
            "file (a sweep never overwrites a finished table)"
        )
    done = _read_partial(partial, sweep) if partial.exists() else {}
    todo = [i for i in range(len(params)) if i not in done]
    if on_start:
        on_start(len(todo), len(done))
    new = not partial.exists() or partial.stat().st_size == 0
    with partial.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(header)
            handle.flush()

        def finished(j: int, counts: Counts) -> None:
            index = todo[j]
            row = sweep.row(index, counts)
            done[index] = row
            writer.writerow(row)
            handle.flush()

        if todo:
            evaluate(
                [params[i] for i in todo],
                sweep.runs,
                sweep.seed,
                backend,
                progress=progress,
                on_point=finished,
            )
    ordered = [done[i] for i in range(len(params))]
    _write_final(out, sweep, ordered)
    partial.unlink()
    return SweepReport(header, ordered, len(todo), len(params) - len(todo), out)
