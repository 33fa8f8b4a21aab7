"""Engine throughput: the vectorised ensemble against a naive one-model-per-history Mesa reference.

In one process and interleaved (every size in turn, then again), median of repeats:

- naive: `mesa.batch_run` of `benchmarks.naive.NaiveCrisis` (one Mesa model per history, scalar
  state) with 1 and 2 processes, at 1,000 and 5,000 histories (5,000 once: it takes a while);
- ensemble: `sim.ensemble.run` at 1,000, 5,000, 10,000 and 100,000 histories, and paired
  (`run_paired`, scenario "thor_immobilisation" and the baseline) at 10,000;
- the summary API end to end for 10,000 paired histories: run_paired + outcome_shares +
  paired_difference + escalation_fan + resolution_days + what_changed (what the web app does on
  every slider move);

then, each in a fresh subprocess: peak RSS above the RSS after imports (ru_maxrss) per size, the
time of `import sim.ensemble`, a sweep of chunk sizes at 100,000 histories, and the cost of one
step by number of histories.

    .venv/bin/python benchmarks/bench_engine.py [--repeats 3] [--naive-5k 1] [--no-write]

Prints a markdown report and writes it to benchmarks/results.md (CPU model, cores, date, load and
the command used). Times are wall-clock on a machine that may be doing other work: the load
average is recorded before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.common import cpu_model  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.md"
SCENARIO = "thor_immobilisation"
#: A scenario in which some histories stay unresolved to the horizon (140 steps): the long tail.
LONG_TAIL = "berlin_linkage"
NAIVE_SIZES = (1_000, 5_000)
ENSEMBLE_SIZES = (1_000, 5_000, 10_000, 100_000)
PAIRED = 10_000
CHUNKS = (8_192, 16_384, 32_768, 65_536)
TARGETS = {
    "ratio": 100.0,  # ensemble vs naive batch_run (1 process) at 1,000 histories
    "stretch": 300.0,
    "api_seconds": 1.0,  # summary API, 10,000 paired histories
    "rss_mb": 500.0,  # 100,000 histories, above imports
    "import_seconds": 1.5,
}


# --- measurements ------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    runs: int
    kind: str  # "naive-1", "naive-2", "ensemble", "tail", "paired", "api"
    seconds: list[float] = field(default_factory=list)  # wall clock
    cpu: list[float] = field(default_factory=list)  # this process's CPU time (not naive-2)
    steps: int | None = None

    def add(self, measured: tuple[float, float | None]) -> None:
        self.seconds.append(measured[0])
        if measured[1] is not None:
            self.cpu.append(measured[1])

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def rate(self) -> float:
        return self.runs / self.median


class Clock:
    """Wall-clock and CPU time of a block: `with Clock() as c: ...; c.result`."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    @property
    def result(self) -> tuple[float, float]:
        return self.wall, self.cpu


def scenario_params(name: str = SCENARIO) -> tuple[object, object]:
    """(scenario, baseline) parameters for the paired and long-tail rows."""
    from sim.params import defaults, make_params

    try:
        from sim.scenario import load_scenario

        return load_scenario(name).params(), defaults()
    except ImportError:  # before sim.scenario existed: the scenarios' overrides
        overrides: dict[str, object] = (
            {"uk.thor_offer": "public", "uk.thor_offer_us_consent": False}
            if name == SCENARIO
            else {"ussr.berlin_linkage": True}
        )
        return make_params(overrides), defaults()


def naive_batch(runs: int, processes: int) -> tuple[float, float | None]:
    """Wall and CPU time of `runs` naive histories by mesa.batch_run (no CPU time with workers)."""
    from mesa.batchrunner import batch_run

    from benchmarks.naive import NaiveCrisis
    from sim import calendar
    from sim.params import defaults

    with Clock() as clock:
        rows = batch_run(
            NaiveCrisis,
            parameters={"params": [defaults()]},
            rng=list(range(runs)),
            number_processes=processes,
            display_progress=False,
            max_steps=calendar.N_STEPS,
        )
    assert len(rows) == runs
    return clock.wall, clock.cpu if processes == 1 else None


def steps_run(r: object) -> int:
    """How many steps a run took: to the last resolution, or to the horizon."""
    import numpy as np

    from sim import calendar

    resolved = r.resolved_step  # type: ignore[attr-defined]
    if (resolved < 0).any():
        return calendar.N_STEPS
    return int(np.max(resolved)) + 1


def ensemble_once(runs: int, scenario: str | None = None) -> tuple[tuple[float, float], int]:
    from sim.ensemble import run
    from sim.params import defaults

    params = defaults() if scenario is None else scenario_params(scenario)[0]
    with Clock() as clock:
        r = run(params, runs, seed=0)  # type: ignore[arg-type]
    return clock.result, steps_run(r)


def paired_once(runs: int) -> tuple[float, float]:
    from sim.ensemble import run_paired

    scenario, baseline = scenario_params()
    with Clock() as clock:
        run_paired(scenario, baseline, runs, seed=0)  # type: ignore[arg-type]
    return clock.result


def api_once(runs: int) -> tuple[float, float]:
    """What the web app does per slider move: run the pair, then every summary it shows."""
    from sim import summary
    from sim.ensemble import run_paired

    scenario, baseline = scenario_params()
    with Clock() as clock:
        p = run_paired(scenario, baseline, runs, seed=0)  # type: ignore[arg-type]
        for r in (p.scenario, p.baseline):
            summary.outcome_shares(r)
            summary.escalation_fan(r)
            summary.resolution_days(r)
        summary.paired_difference(p)
        summary.what_changed(p, SCENARIO, "baseline")
    return clock.result


def interleaved(repeats: int, naive_repeats_5k: int) -> list[Timing]:
    """All timed rows, each size in turn, `repeats` rounds (naive at 5,000: fewer)."""
    rows: dict[tuple[str, int], Timing] = {}

    def row(kind: str, runs: int, label: str) -> Timing:
        return rows.setdefault((kind, runs), Timing(label, runs, kind))

    def ensemble(n: int) -> None:
        measured, steps = ensemble_once(n)
        timing = row("ensemble", n, "ensemble `run`")
        timing.add(measured)
        timing.steps = steps

    ensemble_once(1_000)  # warm up imports and caches outside the timings
    for round_ in range(repeats):
        for n in NAIVE_SIZES:
            if n < 5_000 or round_ < naive_repeats_5k:
                row("naive-1", n, "naive `batch_run`, 1 process").add(naive_batch(n, 1))
                row("naive-2", n, "naive `batch_run`, 2 processes").add(naive_batch(n, 2))
            for _ in range(3):  # cheap: more repeats
                ensemble(n)
        for n in ENSEMBLE_SIZES[2:]:
            ensemble(n)
        measured, steps = ensemble_once(PAIRED, LONG_TAIL)
        tail = row("tail", PAIRED, f"ensemble `run`, scenario {LONG_TAIL} (long tail)")
        tail.add(measured)
        tail.steps = steps
        row("paired", PAIRED, f"ensemble `run_paired` ({SCENARIO} + baseline)").add(
            paired_once(PAIRED)
        )
        row("api", PAIRED, "summary API end to end (paired)").add(api_once(PAIRED))
        print(f"  round {round_ + 1}/{repeats} done", file=sys.stderr, flush=True)
    order = [(k, n) for n in NAIVE_SIZES for k in ("naive-1", "naive-2", "ensemble")]
    order += [("ensemble", n) for n in ENSEMBLE_SIZES[2:]]
    order += [("tail", PAIRED), ("paired", PAIRED), ("api", PAIRED)]
    return [rows[key] for key in order if key in rows]


# --- subprocess measurements -------------------------------------------------------------------


def _status_kb(key: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def _rss_kb() -> int:
    return _status_kb("VmRSS") or 0


def _peak_kb() -> int:
    """Peak RSS of this process image: VmHWM where Linux has it, else ru_maxrss.

    ru_maxrss also counts the peak of the process this one was forked from (the kernel keeps it
    across exec), so in a child of a big benchmark process it would report the parent's peak.
    """
    hwm = _status_kb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    """Reset the peak RSS to the current RSS, so the imports' own transient peak does not hide
    the run's (Linux >= 4.0: /proc/self/clear_refs). False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _peak_kb() <= _rss_kb() + 1024


def child(mode: str, arg: int, chunk: int) -> None:
    """Runs in a fresh interpreter; prints one JSON line."""
    if mode == "import":
        t = time.perf_counter()
        import sim.ensemble  # noqa: F401

        print(json.dumps({"seconds": time.perf_counter() - t}))
        return
    if mode == "step":
        from sim.model import CrisisModel
        from sim.params import defaults

        m = CrisisModel(defaults(), seed=0, start=0, stop=arg)
        for _ in range(30):  # to 23 Oct: the crisis is public, every agent has choices
            m.step()
        t = time.process_time()
        for _ in range(10):
            m.step()
        print(
            json.dumps(
                {
                    "ms_per_step": (time.process_time() - t) / 10 * 1000,
                    "running": int(m.world.active.sum()),
                }
            )
        )
        return
    from sim.ensemble import run
    from sim.params import defaults

    if mode == "naive":
        from benchmarks.naive import run_naive  # noqa: F401  (imports before the baseline)
    reset = _reset_peak()
    base = _rss_kb()
    t, cpu = time.perf_counter(), time.process_time()
    if mode == "naive":
        naive_batch(arg, 1)
    else:
        run(defaults(), arg, seed=0, chunk=chunk)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = _peak_kb()
    print(
        json.dumps(
            {
                "rss_mb": max(peak - base, 0) / 1024,
                "base_mb": base / 1024,
                "seconds": seconds,
                "cpu": cpu,
                "peak_reset": reset,
            }
        )
    )


def in_child(mode: str, arg: int = 0, chunk: int = 0) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(arg), str(chunk)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


# --- report ------------------------------------------------------------------------------------


def fmt_n(n: int) -> str:
    return f"{n:,}"


def report(
    timings: list[Timing],
    memory: dict[tuple[str, int], float],
    peak_reset: bool,
    imports: list[float],
    chunks: list[tuple[int, float, float, float]],
    steps: list[tuple[int, float]],
    command: str,
    load: tuple[float, float],
    started: dt.datetime,
    elapsed: float,
) -> str:
    import mesa
    import numpy as np

    from sim.ensemble import DEFAULT_CHUNK

    naive1 = {t.runs: t for t in timings if t.kind == "naive-1"}
    naive2 = {t.runs: t for t in timings if t.kind == "naive-2"}
    lines = [
        "# Engine benchmark: vectorised ensemble vs naive Mesa",
        "",
        "Written by `benchmarks/bench_engine.py` (run by `make bench`); only the newest run is "
        "kept.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; whole benchmark {elapsed:.0f} s",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; load average (1 min) before/after: "
        f"{load[0]:.1f}/{load[1]:.1f} (other work on the machine slows every row)",
        f"- Python {platform.python_version()}, numpy {np.__version__}, Mesa {mesa.__version__}",
        f"- Command: `{command}`",
        f"- Parameters: defaults (baseline) unless stated; chunk size {fmt_n(DEFAULT_CHUNK)} "
        "(`sim.ensemble.DEFAULT_CHUNK`); seed 0",
        "- Times: wall clock, median of the repeats (interleaved: every row once per round). "
        "The naive model at 5,000 is timed fewer times, as the `repeats` column says. "
        "`batch_run` with 2 processes includes starting them (spawn).",
        "- CPU (s): median CPU time of this process (not for `batch_run` with 2 processes, whose "
        "work is in its workers); less sensitive to other work on the machine than wall time.",
        "- Peak RSS: in a fresh interpreter per size, the peak RSS after the run (VmHWM, i.e. "
        "ru_maxrss of this process image) minus RSS after the imports"
        + (
            "; the peak is reset after the imports (/proc/self/clear_refs) so that their "
            "transient peak does not count"
            if peak_reset
            else " (the peak could not be reset: values may show the imports' own peak)"
        )
        + ".",
        "",
        "| workload | histories | repeats | median (s) | min (s) | CPU (s) | histories/s "
        "| steps run | × naive (1 proc) | × naive (2 procs) | peak RSS above imports (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        n1, n2 = naive1.get(t.runs), naive2.get(t.runs)
        r1 = f"{n1.median / t.median:.0f}×" if n1 and t.kind == "ensemble" else ""
        r2 = f"{n2.median / t.median:.0f}×" if n2 and t.kind == "ensemble" else ""
        if t.kind == "naive-2" and n1:
            r1 = f"{n1.median / t.median:.1f}×"
        mem = memory.get((t.kind, t.runs))
        cpu = t.cpu_median
        lines.append(
            f"| {t.label} | {fmt_n(t.runs)} | {len(t.seconds)} | {t.median:.3f} | "
            f"{min(t.seconds):.3f} | {'' if cpu is None else f'{cpu:.3f}'} | {t.rate:,.0f} "
            f"| {t.steps if t.steps else ''} | {r1} | {r2} "
            f"| {'' if mem is None else f'{mem:.0f}'} |"
        )
    ens = {t.runs: t for t in timings if t.kind == "ensemble"}
    api = next(t for t in timings if t.kind == "api")
    ratio = naive1[1_000].median / ens[1_000].median
    cpu_ratio = (naive1[1_000].cpu_median or 0.0) / (ens[1_000].cpu_median or 1.0)
    rss = memory[("ensemble", 100_000)]
    imp = statistics.median(imports)

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines += [
        "",
        "## Against the targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        f"| ensemble ≥ {TARGETS['ratio']:.0f}× naive `batch_run` (1 process) at 1,000 "
        f"(stretch {TARGETS['stretch']:.0f}×; judged on the lower of wall and CPU) "
        f"| {ratio:.0f}× wall, {cpu_ratio:.0f}× CPU "
        f"| {verdict(min(ratio, cpu_ratio) >= TARGETS['ratio'])} |",
        f"| 10,000 paired histories through the summary API < {TARGETS['api_seconds']:g} s "
        f"| {api.median:.2f} s | {verdict(api.median < TARGETS['api_seconds'])} |",
        f"| 100,000 histories < {TARGETS['rss_mb']:.0f} MB peak RSS above imports | {rss:.0f} MB "
        f"| {verdict(rss < TARGETS['rss_mb'])} |",
        f"| `import sim.ensemble` < {TARGETS['import_seconds']:g} s (fresh interpreter, median of "
        f"{len(imports)}) | {imp:.2f} s | {verdict(imp < TARGETS['import_seconds'])} |",
        "",
        "## Chunk size (100,000 histories, fresh interpreter each)",
        "",
        "| chunk | wall (s) | CPU (s) | peak RSS above imports (MB) |",
        "|---:|---:|---:|---:|",
    ]
    lines += [f"| {fmt_n(c)} | {s:.2f} | {cpu:.2f} | {m:.0f} |" for c, s, cpu, m in chunks]
    lines += [
        "",
        "## One step (CPU time, mean of steps 31–40, all histories still running)",
        "",
        "| histories in the model | ms per step | µs per history-step |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {fmt_n(n)} | {ms:.2f} | {ms * 1000 / n:.2f} |" for n, ms in steps]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1], int(argv[2]), int(argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="rounds of the interleaved timings")
    ap.add_argument(
        "--naive-5k",
        type=int,
        default=1,
        help="rounds that include the naive model at 5,000 (slow; default 1)",
    )
    ap.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = ap.parse_args(argv)
    command = " ".join([".venv/bin/python", "benchmarks/bench_engine.py", *argv])
    if os.environ.get("CUBA62_BENCH_VIA"):
        command = f"{os.environ['CUBA62_BENCH_VIA']} (runs {command})"
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]

    print("timing (interleaved)...", file=sys.stderr, flush=True)
    timings = interleaved(args.repeats, args.naive_5k)
    print("memory, import time, chunks, steps (fresh interpreters)...", file=sys.stderr, flush=True)
    from sim.ensemble import DEFAULT_CHUNK

    memory: dict[tuple[str, int], float] = {}
    peak_reset = True
    for kind, n in [("ensemble", n) for n in ENSEMBLE_SIZES] + [("naive-1", 1_000)]:
        m = in_child("run" if kind == "ensemble" else "naive", n, DEFAULT_CHUNK)
        memory[(kind, n)] = m["rss_mb"]
        peak_reset = peak_reset and bool(m["peak_reset"])
    imports = [in_child("import")["seconds"] for _ in range(3)]
    chunks = []
    for c in CHUNKS:
        m = in_child("run", 100_000, c)
        chunks.append((c, m["seconds"], m["cpu"], m["rss_mb"]))
        peak_reset = peak_reset and bool(m["peak_reset"])
    steps = [(n, in_child("step", n)["ms_per_step"]) for n in (1, 1_000, 10_000, 32_768)]

    text = report(
        timings,
        memory,
        peak_reset,
        imports,
        chunks,
        steps,
        command,
        (load_before, os.getloadavg()[0]),
        started,
        time.perf_counter() - t0,
    )
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
        print(f"written to {RESULTS.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
