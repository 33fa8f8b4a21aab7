"""Sweeps, sensitivity analysis and scenario discovery (`sim.analysis`, `sim.cli.analysis`).

- The same sweep / Morris analysis gives EXACTLY the same numbers in-process, on local processes
  and on a real Dask LocalCluster with 2 worker processes (one cluster for the whole module),
  also when a worker dies mid-task.
- The SALib wiring reproduces the documented Sobol indices of the Ishigami function, and PRIM
  finds a known box in synthetic data.
- On the model, Morris and Sobol name the same top parameter for two seeds, and it is the one
  with the largest one-at-a-time swing.
- Bad input exits 2 with one line; sweeps resume after a crash and never leave a file that looks
  complete when it is not.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import typer

from sim.analysis import discover as discovery
from sim.analysis import sensitivity as sens
from sim.analysis import sweep as sweeps
from sim.analysis.backends import (
    BackendError,
    Counts,
    Dask,
    InProcess,
    Task,
    TaskFunction,
    check_engine,
    connect,
    open_backend,
    outcome_counts,
)
from sim.analysis.evaluate import MAX_HISTORIES, evaluate, shares
from sim.analysis.space import float_specs, problem
from sim.cli.analysis import register
from sim.params import HAZARD_PRESETS, SPECS, defaults, make_params

REPO = Path(__file__).resolve().parent.parent
BASE = defaults()


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_backend() -> Iterator[Dask]:
    """A real LocalCluster: 2 worker processes, one thread each (shared by the whole module)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster, set_as_default=False)
    try:
        client.wait_for_workers(2, timeout=60)
        yield Dask(client, 2, cluster.scheduler_address)
    finally:
        client.close()
        cluster.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


def _app() -> typer.Typer:
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    @app.callback()
    def _root() -> None:
        """cuba62 (test app with the analysis commands)."""

    register(app)
    return app


@pytest.fixture
def cuba62(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`cuba62 ARGS...` through a Typer app that has only the analysis commands registered."""
    command = typer.main.get_command(_app())

    def invoke(*args: str) -> Result:
        try:
            code = command.main(list(args), prog_name="cuba62", standalone_mode=False)
        except typer.Exit as e:
            code = e.exit_code
        except typer.TyperException as e:  # a usage error, as sim.cli.main reports it
            sys.stderr.write(f"error: {' '.join(e.format_message().split())}\n")
            code = 2
        captured = capsys.readouterr()
        return Result(code if isinstance(code, int) else 0, captured.out, captured.err)

    return invoke


def one_error_line(result: Result) -> str:
    lines = result.err.strip().splitlines()
    assert result.code == 2, result
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    return lines[0]


class Counting:
    """An in-process backend that records how many tasks it ran and can fail after some."""

    name = "counting"
    workers = 1

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.tasks = 0
        self.interrupt_after = interrupt_after

    def imap_unordered(
        self, fn: TaskFunction, tasks: Sequence[Task]
    ) -> Iterator[tuple[int, Counts]]:
        for i, task in enumerate(tasks):
            if self.interrupt_after is not None and self.tasks >= self.interrupt_after:
                raise KeyboardInterrupt
            self.tasks += 1
            yield i, fn(*task)


def small_sweep(runs: int = 300, seed: int = 3) -> sweeps.Sweep:
    axes = sweeps.parse_axes(["us.hawkishness=0.2:0.8:3", "uk.thor_offer=none,public"])
    return sweeps.Sweep("baseline", BASE, axes, runs, seed)


# --- layering ----------------------------------------------------------------------------------


def test_the_analysis_package_never_imports_the_cli() -> None:
    code = (
        "import sys\n"
        "import sim.analysis, sim.analysis.discover, sim.analysis.sensitivity, sim.analysis.sweep\n"
        "print(sorted(m for m in sys.modules if m == 'sim.cli' or m.startswith('sim.cli.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "[]"


# --- identical numbers on every backend ---------------------------------------------------------


def test_sweep_on_dask_cluster_equals_in_process(dask_backend: Dask) -> None:
    sweep = small_sweep()
    local = sweeps.run_sweep(sweep, InProcess())
    remote = sweeps.run_sweep(sweep, dask_backend)
    assert remote.rows == local.rows
    assert len(local.rows) == 6
    # the answer does not depend on how histories are cut into tasks either
    params = sweep.point_params()[::2]
    whole = evaluate(params, 500, 5)
    cut = evaluate(params, 500, 5, dask_backend, chunk=128)
    assert np.array_equal(whole, cut)
    assert whole.sum(axis=1).tolist() == [500] * len(params)


def test_morris_on_dask_cluster_equals_in_process(dask_backend: Dask) -> None:
    specs = float_specs(["us.hawkishness", "ussr.risk_acceptance", "uk.consultation"])
    args = (BASE, "morris", "air_strike", specs, 4, 150, 11)
    local = sens.sensitivity(*args)
    remote = sens.sensitivity(*args, backend=dask_backend)
    assert remote == local  # every index, conf, the ranking and the sentence
    assert local.evaluations == 4 * (3 + 1)


def test_cluster_with_another_engine_is_refused(dask_backend: Dask) -> None:
    check_engine(dask_backend.client, dask_backend.address)  # same engine: accepted
    with pytest.raises(BackendError, match="2 of 2 Dask workers .* run a different cuba62 engine"):
        check_engine(dask_backend.client, dask_backend.address, ours="0123456789abcdef")


def test_process_pool_equals_in_process() -> None:
    sweep = small_sweep(runs=200, seed=1)
    with open_backend(workers=2, kind="processes") as backend:
        assert backend.name == "processes"
        pooled = sweeps.run_sweep(sweep, backend)
    assert pooled.rows == sweeps.run_sweep(sweep).rows


def _die_once(marker: str, params: object, seed: int, start: int, stop: int) -> Counts:
    """Kill the worker process the first time any worker runs it; then behave normally."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return outcome_counts(params, seed, start, stop)  # type: ignore[arg-type]
    os.close(fd)
    os._exit(1)


def test_killed_worker_is_retried_with_the_same_answer(dask_backend: Dask, tmp_path: Path) -> None:
    params = small_sweep().point_params()[:3]
    fn = functools.partial(_die_once, str(tmp_path / "died"))
    counts = evaluate(params, 200, 2, dask_backend, fn=fn)
    assert (tmp_path / "died").exists()  # a worker really did die mid-task
    assert np.array_equal(counts, evaluate(params, 200, 2))


# --- SALib wiring and PRIM on known functions ---------------------------------------------------


def test_sobol_reproduces_ishigami_indices() -> None:
    from SALib.test_functions import Ishigami

    pi = float(np.pi)
    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-pi, pi]] * 3}
    raw, y = sens.analyse("sobol", prob, 1024, 7, Ishigami.evaluate)
    assert y.size == 1024 * (3 + 2)
    # documented values (Saltelli et al. 2010; SALib docs): S1 0.31, 0.44, 0.00; ST 0.56, 0.44, 0.24
    assert np.allclose(raw["S1"], [0.31, 0.44, 0.00], atol=0.05), raw["S1"]
    assert np.allclose(raw["ST"], [0.56, 0.44, 0.24], atol=0.05), raw["ST"]
    assert np.all(raw["ST_conf"] < 0.1)


def test_morris_ranks_ishigami_inputs() -> None:
    from SALib.test_functions import Ishigami

    pi = float(np.pi)
    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-pi, pi]] * 3}
    raw, _ = sens.analyse("morris", prob, 50, 3, Ishigami.evaluate)
    # x1 acts alone and with x3; x3 has no first-order effect but a large interaction
    assert raw["mu_star"][0] > raw["mu_star"][2] > 0
    assert raw["sigma"][2] > raw["mu"][2]


def test_prim_finds_a_known_box() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((2000, 3))
    y = (x[:, 0] > 0.7) & (x[:, 2] < 0.3)
    specs = [SPECS["us.hawkishness"], SPECS["uk.consultation"], SPECS["ussr.risk_acceptance"]]
    box = discovery.find_box(specs, x, y, min_coverage=0.5)
    assert box is not None
    assert set(box.limits) == {"us.hawkishness", "ussr.risk_acceptance"}
    lo, hi = box.limits["us.hawkishness"]
    assert hi is None and lo is not None and abs(lo - 0.7) < 0.05
    lo, hi = box.limits["ussr.risk_acceptance"]
    assert lo is None and hi is not None and abs(hi - 0.3) < 0.05
    assert box.density > 0.9 and box.coverage > 0.8
    text = discovery.rules_text("nuclear_war", 0.02, specs, box, float(y.mean()), 2000, 1.0)
    assert "ExComm hawkishness > 0.7" in text and "Khrushchev's risk acceptance < 0.3" in text
    assert "coverage" in text and "density" in text


def test_discovery_on_the_model_names_the_driver(cuba62: Callable[..., Result]) -> None:
    r = cuba62(
        "discover",
        "baseline",
        "--output",
        "nuclear_war",
        "--threshold",
        "25%",
        "--samples",
        "40",
        "--runs",
        "100",
        "--format",
        "json",
        "--params",
        "us.hawkishness,uk.foreign_office_weight,us.weight_on_allies",
    )
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert 0 < doc["points_above"] < 40
    assert "us.hawkishness" in doc["box"]["limits"]
    assert doc["box"]["limits"]["us.hawkishness"]["above"] > 0.3
    assert "ExComm hawkishness" in doc["rules"]


# --- the model: rankings are stable and agree with a direct check -------------------------------


MODEL_PARAMS = [
    "us.hawkishness",
    "uk.foreign_office_weight",
    "us.weight_on_allies",
    "world.message_delay_hours",
]


def _largest_swing(outcome: str, names: Sequence[str], runs: int = 400) -> str:
    """The parameter whose move from minimum to maximum changes the share most (one at a time)."""
    swings = {}
    for name in names:
        s = SPECS[name]
        ends = [make_params({name: s.minimum}), make_params({name: s.maximum})]
        share = shares(evaluate(ends, runs, 9), outcome)
        swings[name] = abs(float(share[1] - share[0]))
    return max(swings, key=lambda n: swings[n])


@pytest.mark.parametrize(("method", "samples", "runs"), [("morris", 6, 200), ("sobol", 8, 150)])
def test_top_parameter_is_stable_across_seeds(method: str, samples: int, runs: int) -> None:
    specs = float_specs(MODEL_PARAMS[:3] if method == "sobol" else MODEL_PARAMS)
    tops = [
        sens.sensitivity(BASE, method, "nuclear_war", specs, samples, runs, seed).indices[0].name
        for seed in (0, 1)
    ]
    assert tops[0] == tops[1]
    assert tops[0] == _largest_swing("nuclear_war", [s.name for s in specs])


def test_sensitivity_command_table_json_and_warnings(cuba62: Callable[..., Result]) -> None:
    args = (
        "sensitivity",
        "baseline",
        "--method",
        "morris",
        "--output",
        "air_strike",
        "--samples",
        "4",
        "--runs",
        "100",
        "--params",
        ",".join(MODEL_PARAMS[:3]),
    )
    table = cuba62(*args)
    assert table.code == 0, table.err
    assert (
        "What moves the share of histories ending in 'US air strike' most: ExComm "
        "hawkishness" in " ".join(table.out.split())
    )
    assert "only 4 Morris trajectories (16 model evaluations)" in table.err
    assert all(line.startswith("warning: ") for line in table.err.strip().splitlines())
    doc = json.loads(cuba62(*args, "--format", "json").out)
    assert doc["evaluations"] == 16 and doc["histories"] == 1600
    assert list(doc["indices"])[0] == "us.hawkishness"
    assert set(doc["indices"]["us.hawkishness"]) >= {"mu_star", "mu_star_conf", "sigma"}


def test_warns_when_sobol_sample_is_small() -> None:
    specs = float_specs(MODEL_PARAMS[:2])
    r = sens.sensitivity(BASE, "sobol", "air_strike", specs, 8, 50, 0)
    assert r.evaluations == 8 * (2 + 2)
    assert any("only 8 Sobol base samples (32 model evaluations" in w for w in r.warnings)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--vary", "us.hawkishnes=0:1:5"], "did you mean 'us.hawkishness'"),
        (["--vary", "us.hawkishness=0:1.5:5"], "use a number from 0 to 1"),
        (["--vary", "world.decision_noise=0:1:3"], "world.decision_noise = '0' is not allowed"),
        (["--vary", "us.hawkishness=0:1:0"], "steps = 0 is out of range: allowed 1"),
        (["--vary", "us.hawkishness=0:1:-3"], "steps = -3 is out of range"),
        (["--vary", "us.hawkishness=0:1:2.5"], "steps '2.5' must be a whole number"),
        (
            ["--vary", "us.hawkishness=0:1:1000", "--runs", "5001"],
            f"is over the cap of {MAX_HISTORIES:,}",
        ),
        (["--vary", "us.hawkishness=0:1:20000001"], "out of range"),
        (["--vary", "us.hawkishness"], "needs the form NAME=START:STOP:STEPS"),
        (["--vary", "uk.thor_offer=0:1:3"], "list its values instead"),
        (["--vary", "us.hawkishness=0:1:2", "--vary", "us.hawkishness=0.5"], "given twice"),
        (
            ["--vary", "us.first_move=air_strike", "--vary", "us.widen_to_tankers=true,false"],
            "contradicts",
        ),
        (["--vary", "us.hawkishness=0:1:2", "--runs", "0"], "--runs = 0 is out of range"),
        (["--vary", "us.hawkishness=0:1:2", "--seed", "-1"], "--seed = -1 is out of range"),
        (["--vary", "us.hawkishness=0:1:2", "--out", "table.txt"], "must end in .csv or .parquet"),
        (["--vary", "us.hawkishness=0:1:2", "--workers", "0"], "--workers 0 is out of range"),
        (["--vary", "us.hawkishness=0:1:2", "--scheduler", "nonsense"], "not a Dask scheduler"),
        ([], "give at least one --vary"),
    ],
)
def test_sweep_bad_input(cuba62: Callable[..., Result], args: list[str], needle: str) -> None:
    line = one_error_line(cuba62("sweep", "baseline", *args))
    assert needle in line


def test_unknown_scenario(cuba62: Callable[..., Result]) -> None:
    line = one_error_line(cuba62("sweep", "baselin", "--vary", "us.hawkishness=0:1:2"))
    assert "baseline" in line


def test_unreachable_scheduler_fails_fast_with_one_line(cuba62: Callable[..., Result]) -> None:
    started = time.monotonic()
    r = cuba62(
        "sweep",
        "baseline",
        "--vary",
        "us.hawkishness=0:1:2",
        "--runs",
        "10",
        "--scheduler",
        "tcp://127.0.0.1:1",
    )
    line = one_error_line(r)
    assert line.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: ")
    assert time.monotonic() - started < 10
    with pytest.raises(BackendError, match="cannot reach the Dask scheduler"):
        connect("127.0.0.1:1")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--method", "sobol", "--samples", "48"], "Sobol needs a power of two (e.g. 32 or 64)"),
        (["--method", "fast"], "'fast' is not one of"),
        (["--output", "nuclear"], "did you mean 'nuclear_war'"),
        (["--params", "us.first_move,us.hawkishness"], "only number parameters"),
        (["--params", "us.hawkishness"], "at least two parameters"),
        (["--params", "us.hawk,uk.consultation"], "unknown parameter 'us.hawk'"),
        (["--method", "sobol", "--samples", "4096", "--runs", "1000"], "over the cap"),
    ],
)
def test_sensitivity_bad_input(cuba62: Callable[..., Result], args: list[str], needle: str) -> None:
    assert needle in one_error_line(cuba62("sensitivity", "baseline", *args))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--threshold", "150%"], "--threshold '150%' is not allowed"),
        (["--threshold", "often"], "use a share from 0 to below 1"),
        (["--samples", "5"], "--samples = 5 is out of range: allowed 10"),
        (["--min-coverage", "0"], "--min-coverage 0.0 is not allowed"),
    ],
)
def test_discover_bad_input(cuba62: Callable[..., Result], args: list[str], needle: str) -> None:
    assert needle in one_error_line(cuba62("discover", "baseline", *args))


def test_help_has_examples_and_the_cap(cuba62: Callable[..., Result]) -> None:
    for command in ("sweep", "sensitivity", "discover"):
        r = cuba62(command, "--help")
        assert r.code == 0
        assert "Example" in r.out and f"cuba62 {command} baseline" in r.out
        assert f"{MAX_HISTORIES:,} histories" in r.out


# --- output files: resumable, never looking complete when they are not -------------------------


def test_resume_after_interruption_skips_done_points(tmp_path: Path) -> None:
    sweep = small_sweep(runs=200)
    reference = tmp_path / "reference.csv"
    sweeps.run_sweep(sweep, out=reference)
    out = tmp_path / "sweep.csv"
    partial = sweeps.partial_path(out)
    with pytest.raises(KeyboardInterrupt):
        sweeps.run_sweep(sweep, Counting(interrupt_after=2), out=out)
    assert not out.exists()  # an interrupted sweep never looks complete
    assert len(partial.read_text().splitlines()) == 1 + 2  # header + the two finished points
    with partial.open("a") as handle:  # a crash in the middle of writing a row
        handle.write("3,baseline,0.5,no")
    again = Counting()
    report = sweeps.run_sweep(sweep, again, out=out)
    assert (report.skipped, report.ran, again.tasks) == (2, 4, 4)
    assert out.read_bytes() == reference.read_bytes()
    assert not partial.exists()
    # a finished file is recognised, not recomputed and not overwritten
    third = Counting()
    report = sweeps.run_sweep(sweep, third, out=out)
    assert report.already_complete and third.tasks == 0
    assert out.read_bytes() == reference.read_bytes()


def test_resume_refuses_a_different_sweep(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    with pytest.raises(KeyboardInterrupt):
        sweeps.run_sweep(small_sweep(runs=200), Counting(interrupt_after=1), out=out)
    with pytest.raises(
        sweeps.AnalysisError, match="--runs 200, --seed 3; this command has baseline, --runs 300"
    ):
        sweeps.run_sweep(small_sweep(runs=300), out=out)
    other = sweeps.Sweep("baseline", BASE, sweeps.parse_axes(["us.hawkishness=0:1:2"]), 200, 3)
    with pytest.raises(sweeps.AnalysisError, match="holds a different sweep"):
        sweeps.run_sweep(other, out=out)
    finished = tmp_path / "done.csv"
    finished.write_text("something else\n")
    with pytest.raises(sweeps.AnalysisError, match="already exists and holds something else"):
        sweeps.run_sweep(small_sweep(), out=finished)
    assert finished.read_text() == "something else\n"


SCRIPT = """\
import sys
sys.path.insert(0, {repo!r})
import typer
from sim.cli.analysis import register
app = typer.Typer(add_completion=False)
@app.callback()
def root() -> None:
    '''test'''
register(app)
if __name__ == "__main__":
    app()
"""


def test_killed_cli_sweep_resumes_to_identical_output(
    tmp_path: Path, cuba62: Callable[..., Result]
) -> None:
    args = [
        "sweep",
        "baseline",
        "--vary",
        "ussr.risk_acceptance=0:1:12",
        "--runs",
        "4000",
        "--seed",
        "4",
    ]
    reference = tmp_path / "reference.csv"
    assert cuba62(*args, "--out", str(reference)).code == 0
    script = tmp_path / "cuba62_test_app.py"
    script.write_text(SCRIPT.format(repo=str(REPO)))
    out = tmp_path / "killed.csv"
    partial = sweeps.partial_path(out)
    proc = subprocess.Popen(
        [sys.executable, str(script), *args, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if partial.exists() and len(partial.read_text().splitlines()) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        assert not out.exists()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    kept = len(partial.read_text().splitlines()) - 1
    assert 2 <= kept < 12 and not out.exists()
    r = cuba62(*args, "--out", str(out))
    assert r.code == 0, r.err
    assert f"{kept} of them resumed from {partial}" in r.out
    assert out.read_bytes() == reference.read_bytes()
    assert not partial.exists()
    r = cuba62(*args, "--out", str(out))
    assert r.code == 0 and "already complete" in r.out


def test_parquet_output_matches_csv(tmp_path: Path, cuba62: Callable[..., Result]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    args = [
        "sweep",
        "baseline",
        "--vary",
        "us.hawkishness=0:1:3",
        "--vary",
        "us.widen_to_tankers=true,false",
        "--runs",
        "200",
    ]
    csv_out = cuba62(*args)
    assert csv_out.code == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.out)))
    out = tmp_path / "sweep.parquet"
    assert cuba62(*args, "--out", str(out)).code == 0
    table = pq.read_table(out).to_pylist()
    assert len(table) == len(rows) == 6
    for got, want in zip(table, rows, strict=True):
        assert got["us.widen_to_tankers"] is (want["us.widen_to_tankers"] == "true")
        assert got["us.hawkishness"] == float(want["us.hawkishness"])
        assert got["air_strike.share"] == float(want["air_strike.share"])
        assert got["runs"] == 200 and got["seed"] == 0
    assert "already complete" in cuba62(*args, "--out", str(out)).out


def test_sweep_command_on_two_dask_workers_matches_in_process(
    cuba62: Callable[..., Result],
) -> None:
    args = ["sweep", "baseline", "--vary", "us.hawkishness=0:1:3", "--runs", "300"]
    local = cuba62(*args)
    remote = cuba62(*args, "--workers", "2")
    assert local.code == remote.code == 0, remote.err
    assert remote.out == local.out
    header = next(csv.reader(io.StringIO(local.out)))
    assert header[:6] == [
        "point",
        "scenario",
        "us.hawkishness",
        "runs",
        "seed",
        "negotiated_withdrawal.share",
    ]
    assert {"nuclear_war.ci95_lo", "nuclear_war.ci95_hi"} <= set(header)


def test_grid_values_and_problem_come_from_the_schema() -> None:
    axis = sweeps.parse_vary("world.escalation_risk=0:0.15:4")
    assert axis.values == (0.0, 0.05, 0.1, 0.15)
    assert sweeps.parse_vary("world.escalation_risk=participants_low,ellsberg").values[
        1
    ] == pytest.approx(HAZARD_PRESETS["ellsberg"].escalation_risk)
    prob = problem(float_specs())
    floats = [s for s in SPECS.values() if s.kind == "float"]
    assert prob["names"] == [s.name for s in floats]
    assert prob["bounds"] == [[s.minimum, s.maximum] for s in floats]


# --- the "What matters" page --------------------------------------------------------------------


def test_what_matters_page_renders_and_caps_work() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "ui" / "views" / "what_matters.py"), default_timeout=180)
    at.session_state["w.scenario"] = "baseline"  # as the Explore page leaves it
    small = {
        "wm.samples": 8,
        "wm.sens_runs": 100,
        "wm.size": 3,
        "wm.heat_runs": 100,
        "wm.disc_samples": 60,
        "wm.disc_runs": 100,
    }
    for key, value in small.items():  # cheaper than the page's defaults, same code paths
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="w.scenario").value == "baseline"
    # Nothing heavy starts by itself: each job waits for its button.
    assert not any("What moves" in m.value for m in at.markdown)
    assert [c.value for c in at.caption if c.value.startswith("Press '")] == [
        "Press 'Rank the settings' to play 11,200 histories.",  # 8 x (13 settings + 1) x 100
        "Press 'Draw the map' to play 900 histories.",
        "Press 'Find the rules' to play 6,000 histories.",
    ]
    for button in ("Rank the settings", "Draw the map", "Find the rules"):
        next(b for b in at.button if b.label == button).click()
        at.run()
        assert not at.exception, at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "What moves the share of histories ending in 'Nuclear weapons used' most:" in markdown
    # The rules: a region with its coverage and density, or the plain statement that none exists.
    assert ("coverage" in markdown and "density" in markdown) or "no simple region" in markdown
    captions = " ".join(c.value for c in at.caption)
    assert "Heat map of the share of histories ending in 'Nuclear weapons used'" in captions
    # too much work for one request: refused with a plain message, nothing computed
    at.radio(key="wm.method").set_value("sobol")
    at.select_slider(key="wm.samples").set_value(32)
    at.select_slider(key="wm.sens_runs").set_value(500)
    next(b for b in at.button if b.label == "Rank the settings").click()
    at.run()
    assert not at.exception
    assert any("this page plays at most 120,000" in w.value for w in at.warning)
