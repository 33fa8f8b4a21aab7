"""Presets that mean their names: at each preset's solved escalation risk, the baseline gives the
share of what the preset measures that its source estimated; shares rise with the escalation
risk; the stored measurement is current; `cuba62 presets` and `--preset` behave.

The fast tests play 4,000 histories per preset (seed 0) and allow 5 points either side of the
range; the slow test plays the solver's own run (seeds 0-2 x 20,000) and asks for the range itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim import ensemble, presets, presets_solver
from sim.outcomes import OUTCOMES
from sim.params import format_value, make_params
from sim.scenario import load_scenario
from tests.cli_runner import Result

FAST_RUNS = 4_000
BAND = 0.05
PARTICIPANTS_CEILING = 0.03


def share(params_value: float, measures: tuple[str, ...], runs: int, seed: int) -> float:
    base = load_scenario(presets.SCENARIO).params()
    params = make_params({presets.PARAMETER: params_value}, base=base)
    outcome = ensemble.run(params, runs, seed).outcome
    return float(np.isin(outcome, [OUTCOMES.index(m) for m in measures]).mean())


def test_every_preset_is_solved_for_the_current_parameter_and_baseline() -> None:
    doc = presets.solved_document()
    assert doc.get("parameter") == presets.PARAMETER, f"stale: run `{presets.SOLVE_COMMAND}`"
    assert set(doc["presets"]) == set(presets.PRESETS)
    assert doc["runs"] >= presets.SOLVE_RUNS and doc["seeds"] == list(presets.SOLVE_SEEDS)
    base = load_scenario(presets.SCENARIO).params().as_text()
    base.pop(presets.PARAMETER)
    assert doc["baseline"] == base, f"the baseline changed: run `{presets.SOLVE_COMMAND}`"
    assert doc["problems"] == []
    for p in presets.PRESETS.values():
        found = presets.solved(p.id)
        assert found is not None and found.inside(p), p.id
        assert presets.value(p.id) == found.value


def test_preset_definitions_say_what_they_measure() -> None:
    for p in presets.PRESETS.values():
        assert p.label and p.note and p.source and "FACTS §7" in p.source
        assert p.confidence in ("L", "M", "H")
        assert p.low <= p.centre <= p.high
    assert presets.PRESETS["kennedy"].measures == (
        "air_strike",
        "invasion",
        "berlin_clash",
        "nuclear_war",
    )
    for pid in ("participants_low", "ellsberg", "model_high"):
        assert presets.PRESETS[pid].measures == ("nuclear_war",)


@pytest.fixture(scope="module")
def fast_shares() -> dict[str, dict[str, float]]:
    """Share of what each preset measures, and of nuclear war, at 4,000 histories, seed 0."""
    out = {}
    for p in presets.PRESETS.values():
        x = presets.value(p.id)
        out[p.id] = {
            "measured": share(x, p.measures, FAST_RUNS, 0),
            "nuclear_war": share(x, ("nuclear_war",), FAST_RUNS, 0),
        }
    return out


@pytest.mark.parametrize("preset_id", list(presets.PRESETS))
def test_each_preset_gives_about_what_it_says(
    preset_id: str, fast_shares: dict[str, dict[str, float]]
) -> None:
    p = presets.PRESETS[preset_id]
    got = fast_shares[preset_id]["measured"]
    low, high = max(0.0, p.low - BAND), p.high + BAND
    if preset_id == "participants_low":
        high = PARTICIPANTS_CEILING
    assert low <= got <= high, (
        f"{preset_id}: {got:.2%} {p.measures_text}, want {low:.0%}–{high:.0%}"
    )


def test_nuclear_war_rises_with_the_presets(fast_shares: dict[str, dict[str, float]]) -> None:
    order = [p.id for p in presets.ordered()]
    nuclear = [fast_shares[pid]["nuclear_war"] for pid in order]
    assert nuclear == sorted(nuclear), dict(zip(order, nuclear, strict=True))
    assert nuclear[0] < nuclear[-1]


@pytest.mark.slow
@pytest.mark.parametrize("preset_id", list(presets.PRESETS))
def test_each_preset_lies_inside_its_range_on_every_solver_seed(preset_id: str) -> None:
    """The acceptance run: seeds 0-2 x 20,000 histories, each inside [low, high]; and exactly the
    numbers stored (so the app and `cuba62 presets` show a measurement of the current model)."""
    p = presets.PRESETS[preset_id]
    found = presets.solved(preset_id)
    assert found is not None
    for seed in presets.SOLVE_SEEDS:
        got = share(found.value, p.measures, presets.SOLVE_RUNS, seed)
        assert p.low <= got <= p.high, f"{preset_id} seed {seed}: {got:.2%}"
        assert got == pytest.approx(found.per_seed[seed].share, abs=1e-6), (
            f"{preset_id} seed {seed}: stored {found.per_seed[seed].share:.4%}, now {got:.4%}: "
            f"run `{presets.SOLVE_COMMAND}`"
        )


def test_bisection_targets_the_centre_or_the_nearest_reachable_point() -> None:
    p = presets.PRESETS["ellsberg"]
    assert presets_solver.target(p, (0.0, 0.9)) == p.centre
    assert presets_solver.target(p, (0.0, 0.15)) == 0.15  # centre out of reach, range not
    assert presets_solver.target(p, (0.0, 0.05)) == p.low  # nothing in range: nearest end
    assert presets_solver.target(p, (0.25, 0.9)) == 0.25


# --- the command line -----------------------------------------------------------------------


def test_presets_table_lists_each_estimate_beside_the_model(cuba62: Callable[..., Result]) -> None:
    r = cuba62("presets")
    assert r.code == 0, r.err
    for p in presets.PRESETS.values():
        found = presets.solved(p.id)
        assert found is not None
        assert p.id in r.out and p.estimate in r.out and found.measured.text() in r.out
    assert "OUTSIDE" not in r.out and "20,000 histories" in r.out
    rows = [
        line.split()[0]
        for line in r.out.splitlines()
        if line.split()[:1] in [[i] for i in presets.PRESETS]
    ]
    assert rows == [p.id for p in presets.ordered()]


def test_presets_json_has_the_documented_keys(cuba62: Callable[..., Result]) -> None:
    r = cuba62("presets", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [d["id"] for d in doc] == [p.id for p in presets.ordered()]
    for d in doc:
        p = presets.PRESETS[d["id"]]
        assert {"id", "label", "measures", "low", "high", "centre", "source", "confidence"} <= set(
            d
        )
        assert d["measures"] == list(p.measures) and all(m in OUTCOMES for m in d["measures"])
        assert d["parameter"] == presets.PARAMETER and d["value"] == presets.value(p.id)
        assert d["model"]["inside_range"] is True
        assert d["low"] <= d["model"]["measured"]["share"] <= d["high"]


def test_run_preset_sets_the_solved_value(cuba62: Callable[..., Result]) -> None:
    r = cuba62("run", "baseline", "--preset", "kennedy", "--runs", "200", "--format", "json")
    assert r.code == 0, r.err
    value = json.loads(r.out)["parameters"][presets.PARAMETER]
    assert value == format_value(presets.value("kennedy"))
    table = cuba62("run", "baseline", "--preset", "kennedy", "--runs", "200")
    assert f"--set {presets.PARAMETER}={value}" in table.out  # the reproducing command


def test_compare_preset_sets_both_sides(cuba62: Callable[..., Result]) -> None:
    r = cuba62("compare", "oil_tankers", "--preset", "ellsberg", "--runs", "200", "-f", "json")
    assert r.code == 0, r.err
    text = r.out
    want = format_value(presets.value("ellsberg"))
    assert text.count(f'"{presets.PARAMETER}": "{want}"') == 2


@pytest.mark.parametrize(
    "args, words",
    [
        (("run", "baseline", "--preset", "kenedy"), ["did you mean 'kennedy'?", "model_high"]),
        (("compare", "baseline", "--preset", "nope"), ["unknown preset 'nope'", "ellsberg"]),
        (
            ("run", "baseline", "--preset", "ellsberg", "--set", f"{presets.PARAMETER}=0.1"),
            ["not both"],
        ),
        (("presets", "--solve", "--runs", "5"), ["--runs 5"]),
        (("presets", "--solve", "--only", "kenedy"), ["did you mean 'kennedy'?"]),
    ],
)
def test_bad_preset_input_exits_2_with_one_line(
    cuba62: Callable[..., Result], args: tuple[str, ...], words: list[str]
) -> None:
    r = cuba62(*args)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("error: ") and r.err.count("\n") == 1
    for w in words:
        assert w in r.err


def test_solve_writes_a_data_file_that_reads_back(
    cuba62: Callable[..., Result], tmp_path: Path
) -> None:
    """A small solve of one preset, through the command (the real one is the slow test's)."""
    path = tmp_path / "solved.json"
    r = cuba62(
        "presets",
        "--solve",
        "--runs",
        "300",
        "--only",
        "participants_low",
        "--data-file",
        str(path),
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["parameter"] == presets.PARAMETER and doc["runs"] == 300
    entry = doc["presets"]["participants_low"]
    assert r.code == (1 if doc["problems"] else 0), r.err
    assert f"participants_low: {presets.PARAMETER} = " in r.err and "wrote" in r.err
    assert "_regenerate" in doc and presets.SOLVE_COMMAND in doc["_regenerate"]
    assert sorted(entry["per_seed"]) == [str(s) for s in presets.SOLVE_SEEDS]


class _Line(presets_solver.Evaluator):
    """A stand-in model whose share is a known increasing function of the parameter."""

    def share(self, x: float, measures: tuple[str, ...] | list[str]) -> float:  # type: ignore[override]
        self.cache[x] = np.zeros((1, len(OUTCOMES)), dtype=np.int64)
        return 0.8 * x if measures == ("nuclear_war",) else min(1.0, 0.3 + x)


def test_bisection_finds_the_centre_of_a_known_curve() -> None:
    line = _Line(load_scenario(presets.SCENARIO).params())
    x = presets_solver.bisect(line, presets.PRESETS["ellsberg"])  # 0.8 x = 0.20
    assert abs(0.8 * x - 0.20) <= presets_solver.SHARE_TOLERANCE
    x = presets_solver.bisect(line, presets.PRESETS["kennedy"])  # 0.3 + x = 0.415
    assert abs(0.3 + x - 0.415) <= presets_solver.SHARE_TOLERANCE
    # model_high's centre (50%) is reachable (0.8 at most); participants_low's (0.5%) too.
    assert abs(0.8 * presets_solver.bisect(line, presets.PRESETS["model_high"]) - 0.5) <= 0.002
    assert len(line.cache) < 2 + presets_solver.MAX_STEPS


def test_presets_help_has_examples(cuba62: Callable[..., Result]) -> None:
    r = cuba62("presets", "--help")
    assert r.code == 0 and "Examples" in r.out and "cuba62 presets --solve" in r.out
    assert "presets" in cuba62("--help").out
