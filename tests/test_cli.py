"""The `cuba62` command: every command works on every shipped scenario, output formats have the
documented shape and agree with the engine, and every bad input exits 2 with one line on stderr.

Runs are small (300 histories) so the whole file stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim import ensemble, labels, summary
from sim.cli import reports
from sim.outcomes import LABELS, OUTCOMES
from sim.params import HAZARD_PRESETS, SCHEMA, format_value, make_params
from sim.scenario import load_scenario, scenario_ids
from sim.sources import resolve
from tests.cli_runner import Cli, Result

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = scenario_ids()
N = "300"
PARAM_KEYS = {"name", "default", "min", "max", "unit", "actor", "source"} | {
    "kind",
    "choices",
    "meaning",
    "label",
}
RUN_CSV_HEADER = ["history", "outcome", "resolved", "concessions", "peak_escalation", "incidents"]


def one_error_line(result: Result) -> str:
    """The error of a failed command: exactly one line on stderr, starting 'error: '."""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    return lines[0]


# --- help ---------------------------------------------------------------------------------------

COMMANDS = ["scenarios", "show", "params", "run", "compare", "history", "validate"]


def test_top_level_help_has_quick_start_and_exit_codes(cuba62: Cli) -> None:
    result = cuba62("--help")
    assert result.code == 0
    assert "Quick start" in result.out
    for command in COMMANDS:
        assert command in result.out
    for code in ("0  success", "2  bad input", "1  internal error"):
        assert code in result.out


def test_no_arguments_shows_the_help(cuba62: Cli) -> None:
    result = cuba62()
    assert result.code == 0
    assert "Quick start" in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_examples(cuba62: Cli, command: str) -> None:
    result = cuba62(command, "--help")
    assert result.code == 0
    assert "Example" in result.out
    assert f"cuba62 {command}" in result.out


# --- scenarios, show, params --------------------------------------------------------------------


def test_scenarios_lists_every_shipped_scenario(cuba62: Cli) -> None:
    result = cuba62("scenarios")
    assert result.code == 0
    assert len(SCENARIOS) >= 8
    for scenario_id in SCENARIOS:
        assert scenario_id in result.out
        assert load_scenario(scenario_id).title in result.out


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_show_has_every_section_and_the_changed_parameters(cuba62: Cli, scenario_id: str) -> None:
    result = cuba62("show", scenario_id)
    assert result.code == 0, result.err
    headings = ("Question", "Historical basis", "Lesson", "Sources", "What to notice")
    for heading in (*headings, "Things to try"):
        assert f"\n{heading}\n" in result.out
    sc = load_scenario(scenario_id)
    flat = " ".join(result.out.split())
    assert "".join(sc.lesson.split()) in "".join(flat.split())  # wrapping may split at a hyphen
    assert "What the model must show for this lesson" in result.out
    assert " ".join(resolve(sc.sources[0]).split()) in flat  # a source resolved to its reference
    changed = sc.params().differences(load_scenario("baseline").params())
    assert (scenario_id == "baseline") == (not changed)
    for name, value in changed.items():
        assert name in result.out
        assert format_value(value) in result.out


def test_params_json_lists_every_parameter_with_the_documented_keys(cuba62: Cli) -> None:
    result = cuba62("params", "--format", "json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert [p["name"] for p in doc] == [s.name for s in SCHEMA]
    for entry, spec in zip(doc, SCHEMA, strict=True):
        assert set(entry) == PARAM_KEYS
        assert entry["actor"] == spec.actor
        assert entry["source"] == spec.source
        if spec.kind == "float":
            assert entry["min"] <= entry["default"] <= entry["max"]


def test_params_table_shows_every_parameter_and_the_hazard_presets(cuba62: Cli) -> None:
    result = cuba62("params")
    assert result.code == 0
    for spec in SCHEMA:
        assert spec.name in result.out
    for preset in HAZARD_PRESETS:
        assert preset in result.out


def test_params_shows_one_parameter_in_full(cuba62: Cli) -> None:
    result = cuba62("params", "uk.thor_offer")
    assert result.code == 0
    assert "one of none, private, public" in result.out
    assert "--set uk.thor_offer=" in result.out


# --- run ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_scenario_runs(cuba62: Cli, scenario_id: str) -> None:
    result = cuba62("run", scenario_id, "--runs", N, "--format", "json")
    assert result.code == 0, result.err
    assert result.err == ""
    doc = json.loads(result.out)
    assert {"scenario", "runs", "seed", "parameters", "outcomes"} <= set(doc)
    assert (doc["scenario"], doc["runs"], doc["seed"]) == (scenario_id, int(N), 0)
    assert list(doc["outcomes"]) == list(OUTCOMES)
    assert sum(o["share"] for o in doc["outcomes"].values()) == pytest.approx(1.0, abs=1e-5)
    for o in doc["outcomes"].values():
        assert o["ci95"][0] <= o["share"] <= o["ci95"][1]
    assert doc["parameters"] == load_scenario(scenario_id).params().as_text()


def test_run_json_is_exactly_the_summary_document(cuba62: Cli) -> None:
    result = cuba62("run", "thor_immobilisation", "--runs", N, "--seed", "3", "--format", "json")
    params = load_scenario("thor_immobilisation").params()
    expected = summary.as_json(ensemble.run(params, int(N), 3), "thor_immobilisation")
    assert result.out == json.dumps(expected, indent=2) + "\n"


def test_run_table_shows_labels_ids_intervals_and_how_to_reproduce(cuba62: Cli) -> None:
    result = cuba62("run", "baseline", "--runs", N)
    assert result.code == 0
    for outcome in OUTCOMES:
        assert outcome in result.out
        assert LABELS[outcome] in result.out
    assert "95% interval" in result.out
    assert "Median date of a negotiated withdrawal" in result.out
    assert "Highest rung of the escalation ladder" in result.out
    assert f"cuba62 run baseline --runs {N} --seed 0" in result.out


def test_the_suggested_history_command_shows_what_it_promises(cuba62: Cli) -> None:
    table = cuba62("run", "oil_tankers", "--runs", N).out
    line = next(x for x in table.splitlines() if x.startswith("Read one history:"))
    args = line.split("cuba62 ", 1)[1].split()
    result = cuba62(*args)
    assert result.code == 0, result.err
    if "--outcome" in args:
        outcome = args[args.index("--outcome") + 1]
        assert f"Outcome: {LABELS[outcome]}" in result.out


def test_same_command_twice_gives_byte_identical_json() -> None:
    command = [
        sys.executable,
        "-m",
        "sim.cli",
        "run",
        "oil_tankers",
        "--runs",
        N,
        "--format",
        "json",
        "--seed",
        "11",
    ]
    first = subprocess.run(command, capture_output=True, cwd=REPO, check=True)
    second = subprocess.run(command, capture_output=True, cwd=REPO, check=True)
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["seed"] == 11


def test_another_seed_gives_other_histories(cuba62: Cli) -> None:
    a = cuba62("run", "baseline", "--runs", N, "--format", "csv", "--seed", "1").out
    b = cuba62("run", "baseline", "--runs", N, "--format", "csv", "--seed", "2").out
    assert a != b


def test_run_csv_has_one_row_per_history_that_agrees_with_the_json(cuba62: Cli) -> None:
    result = cuba62("run", "baseline", "--runs", N, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == RUN_CSV_HEADER
    body = rows[1:]
    assert len(body) == int(N)
    assert [int(r[0]) for r in body] == list(range(int(N)))
    doc = json.loads(cuba62("run", "baseline", "--runs", N, "--format", "json").out)
    for outcome in OUTCOMES:
        count = sum(r[1] == outcome for r in body)
        assert count / int(N) == pytest.approx(doc["outcomes"][outcome]["share"], abs=1e-6)
    for r in body:
        assert (r[2] == "") == (r[1] == "unresolved")
        assert 0 <= int(r[4]) <= 6
        if r[1] == "negotiated_withdrawal":
            assert "pledge" in r[3].split(";")


def test_set_changes_the_parameters_and_accepts_presets(cuba62: Cli) -> None:
    result = cuba62(
        "run",
        "baseline",
        "--runs",
        N,
        "--format",
        "json",
        "--set",
        "ussr.berlin_linkage=true",
        "--set",
        "world.escalation_risk=kennedy",
    )
    assert result.code == 0, result.err
    parameters = json.loads(result.out)["parameters"]
    assert parameters["ussr.berlin_linkage"] == "true"
    assert parameters["world.escalation_risk"] == format_value(
        HAZARD_PRESETS["kennedy"].escalation_risk
    )


def test_out_writes_the_same_bytes_to_a_file_and_nothing_to_stdout(
    cuba62: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "run.json"
    printed = cuba62("run", "baseline", "--runs", N, "--format", "json").out
    result = cuba62("run", "baseline", "--runs", N, "--format", "json", "--out", str(target))
    assert result.code == 0
    assert result.out == ""
    assert target.read_text(encoding="utf-8") == printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]  # no temporary file left


def test_a_user_scenario_file_runs(cuba62: Cli, tmp_path: Path) -> None:
    text = (REPO / "scenarios" / "thor_immobilisation.toml").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('id = "thor_immobilisation"', 'id = "my_thors"'), "utf-8")
    assert cuba62("validate", str(mine)).out == f"{mine}: ok\n"
    doc = json.loads(cuba62("run", "--scenario-file", str(mine), "--runs", N, "-f", "json").out)
    shipped = json.loads(cuba62("run", "thor_immobilisation", "--runs", N, "-f", "json").out)
    assert doc["scenario"] == "my_thors"
    assert doc["outcomes"] == shipped["outcomes"]


# --- compare ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_compare_every_scenario_with_the_baseline(cuba62: Cli, scenario_id: str) -> None:
    result = cuba62("compare", scenario_id, "--runs", N, "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert {"scenario", "runs", "seed", "parameters", "outcomes", "baseline", "difference"} <= set(
        doc
    )
    assert doc["baseline"]["scenario"] == "baseline"
    assert list(doc["difference"]) == list(OUTCOMES)
    for outcome in OUTCOMES:
        # paired histories: the mean difference is the difference of the shares
        expected = doc["outcomes"][outcome]["share"] - doc["baseline"]["outcomes"][outcome]["share"]
        assert doc["difference"][outcome]["share"] == pytest.approx(expected, abs=2e-6)
    if scenario_id == "baseline":
        assert all(d["share"] == 0 for d in doc["difference"].values())


def test_compare_table_shows_both_shares_the_difference_and_what_changed(cuba62: Cli) -> None:
    result = cuba62("compare", "public_jupiter_trade", "--runs", N)
    assert result.code == 0
    for heading in ("scenario", "baseline", "difference", "95% interval", "What changed"):
        assert heading in result.out
    paired = ensemble.run_paired(
        load_scenario("public_jupiter_trade").params(), load_scenario("baseline").params(), int(N)
    )
    lesson = load_scenario("public_jupiter_trade").lesson
    paragraph = summary.what_changed(paired, "public_jupiter_trade", "baseline", lesson)
    flat = " ".join(result.out.split())
    assert " ".join(paragraph.split()) in flat
    assert "practically no change in outcomes" in flat and lesson in flat
    # Concessions beside the outcomes: every concession, with the paired difference.
    assert "concession in the deal" in result.out and "Any fighting" in result.out
    conc = summary.paired_concession_difference(paired)
    for name, d in conc.items():
        row = next(
            line for line in result.out.splitlines() if labels.CONCESSION_LABELS[name] in line
        )
        assert reports.signed(d.share) in row and reports.signed(d.lo) in row


def test_compare_table_says_what_moved_with_capitals(cuba62: Cli) -> None:
    result = cuba62("compare", "air_strike_first", "--runs", N)
    flat = " ".join(result.out.split())
    assert re.search(r"US air strike (rises|falls) from", flat) and "us air strike" not in flat
    assert "practically no change" not in flat
    assert re.search(r"from (\d+\.\d+%) to \1", flat) is None


def test_compare_json_reports_concession_differences_and_the_lesson(cuba62: Cli) -> None:
    doc = json.loads(cuba62("compare", "public_jupiter_trade", "--runs", N, "-f", "json").out)
    assert list(doc["concession_difference"]) == list(labels.CONCESSIONS)
    for name, d in doc["concession_difference"].items():
        expected = doc["deal_shares"][name]["share"] - doc["baseline_deal_shares"][name]["share"]
        assert d["share"] == pytest.approx(expected, abs=2e-6)
        assert d["ci95"][0] <= d["share"] <= d["ci95"][1]
    assert doc["concession_difference"]["public_jupiters"]["ci95"][0] > 0
    assert doc["lesson"] == load_scenario("public_jupiter_trade").lesson
    assert doc["practically_unchanged"] is True
    assert doc["lesson"] in doc["what_changed"]
    assert set(doc["any_war_difference"]) == {"share", "ci95"}


def test_compare_csv_summary_has_outcomes_any_war_and_concessions(cuba62: Cli) -> None:
    result = cuba62("compare", "public_jupiter_trade", "--runs", N, "-f", "csv-summary")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["id"] for r in rows] == [*OUTCOMES, "any_war", *labels.CONCESSIONS]
    doc = json.loads(cuba62("compare", "public_jupiter_trade", "--runs", N, "-f", "json").out)
    for row in rows:
        if row["kind"] == "concession":
            d = doc["concession_difference"][row["id"]]
        elif row["kind"] == "outcome":
            d = doc["difference"][row["id"]]
        else:
            d = doc["any_war_difference"]
        assert float(row["difference"]) == pytest.approx(d["share"], abs=1e-6)
        assert [float(row["difference_lo"]), float(row["difference_hi"])] == pytest.approx(
            d["ci95"], abs=1e-6
        )
    public = next(r for r in rows if r["id"] == "public_jupiters")
    assert public["moves"] == "true"
    assert all(r["moves"] == "false" for r in rows if r["kind"] != "concession")


def test_compare_csv_pairs_each_history_with_its_baseline(cuba62: Cli) -> None:
    result = cuba62("compare", "air_strike_first", "--runs", N, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == int(N)
    assert list(rows[0])[:4] == ["history", "outcome", "baseline_outcome", "changed"]
    for row in rows:
        assert row["changed"] == format_value(row["outcome"] != row["baseline_outcome"])
    baseline = list(
        csv.DictReader(io.StringIO(cuba62("run", "baseline", "--runs", N, "-f", "csv").out))
    )
    assert [r["baseline_outcome"] for r in rows] == [r["outcome"] for r in baseline]
    doc = json.loads(cuba62("compare", "air_strike_first", "--runs", N, "-f", "json").out)
    changed = sum(r["changed"] == "true" for r in rows) / int(N)
    assert changed == pytest.approx(doc["influence"]["share"], abs=1e-6)


def test_compare_set_and_baseline_set_change_one_side_each(cuba62: Cli) -> None:
    doc = json.loads(
        cuba62(
            "compare",
            "baseline",
            "--runs",
            N,
            "-f",
            "json",
            "--set",
            "uk.consultation=0.9",
            "--baseline-set",
            "world.message_delay_hours=24",
        ).out
    )
    assert doc["parameters"]["uk.consultation"] == "0.9"
    assert doc["parameters"]["world.message_delay_hours"] == "12"
    assert doc["baseline"]["parameters"]["uk.consultation"] == "0.1"
    assert doc["baseline"]["parameters"]["world.message_delay_hours"] == "24"


def test_paired_progress_gives_the_same_paired_run_and_counts_every_history() -> None:
    done: list[int] = []
    a, b = load_scenario("oil_tankers").params(), load_scenario("baseline").params()
    with_bar = ensemble.run_paired(a, b, 700, 5, chunk=256, progress=done.append)
    plain = ensemble.run_paired(a, b, 700, 5, chunk=256)
    assert sum(done) == 2 * 700
    same: list[int] = []
    ensemble.run_paired(b, b, 700, 5, chunk=256, progress=same.append)
    assert sum(same) == 700
    assert (with_bar.scenario.outcome == plain.scenario.outcome).all()
    assert (with_bar.baseline.outcome == plain.baseline.outcome).all()


# --- history ------------------------------------------------------------------------------------


def test_history_tells_the_same_history_the_run_counted(cuba62: Cli) -> None:
    rows = list(
        csv.DictReader(io.StringIO(cuba62("run", "baseline", "--runs", "20", "-f", "csv").out))
    )
    for index in (0, 7):
        result = cuba62("history", "baseline", "--index", str(index))
        assert result.code == 0, result.err
        assert f"History {index} of" in result.out
        assert "Washington" in result.out and "London" in result.out
        assert f"Outcome: {LABELS[rows[index]['outcome']]}" in result.out


def test_history_finds_the_first_history_with_an_outcome(cuba62: Cli) -> None:
    params = make_params({}, base=load_scenario("baseline").params())
    results = ensemble.run(params, int(N), 0)
    counts = {o: int((results.outcome == i).sum()) for i, o in enumerate(OUTCOMES)}
    rare = next(o for o in ("air_strike", "invasion", "nuclear_war") if counts[o])
    first = next(i for i, v in enumerate(results.outcome.tolist()) if OUTCOMES[v] == rare)
    result = cuba62("history", "baseline", "--outcome", rare, "--runs", N)
    assert result.code == 0, result.err
    assert result.out.startswith(f"History {first} of")
    assert f"Outcome: {LABELS[rare]}" in result.out


def test_verbose_history_shows_more(cuba62: Cli) -> None:
    short = cuba62("history", "baseline", "--index", "2").out
    verbose = cuba62("history", "baseline", "--index", "2", "--verbose").out
    assert len(verbose.splitlines()) > len(short.splitlines())


# --- validate -----------------------------------------------------------------------------------


def test_validate_accepts_the_shipped_scenarios(cuba62: Cli) -> None:
    files = [str(REPO / "scenarios" / f"{i}.toml") for i in SCENARIOS]
    result = cuba62("validate", *files)
    assert result.code == 0
    assert result.out.splitlines() == [f"{f}: ok" for f in files]


def test_validate_reports_each_bad_file_and_exits_2(cuba62: Cli, tmp_path: Path) -> None:
    good = REPO / "scenarios" / "baseline.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text("id = \n", encoding="utf-8")
    result = cuba62("validate", str(good), str(bad))
    assert result.code == 2
    assert result.out == f"{good}: ok\n"
    line = one_error_line(result)
    assert "bad.toml" in line and "TOML" in line


# --- bad input ----------------------------------------------------------------------------------

BASELINE_TEXT = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
BAD_FILES: dict[str, bytes] = {
    "malformed.toml": b'id = "x"\ntitle = [unclosed\n',
    "unknown_key.toml": (BASELINE_TEXT + '\ncolour = "red"\n').encode(),
    "unknown_param.toml": (
        BASELINE_TEXT.replace('id = "baseline"', 'id = "mine"') + "\nuk.consultaton = 0.5\n"
    ).encode(),
    "wrong_type.toml": (
        BASELINE_TEXT.replace('id = "baseline"', 'id = "mine"') + '\nuk.consultation = "lots"\n'
    ).encode(),
    "out_of_range.toml": (
        BASELINE_TEXT.replace('id = "baseline"', 'id = "mine"') + "\nuk.consultation = 1.5\n"
    ).encode(),
    "long_lesson.toml": BASELINE_TEXT.replace('lesson = """', 'lesson = """' + "x" * 600).encode(),
    "lesson_type.toml": re.sub(
        r'lesson = """.*?"""', "lesson = 42", BASELINE_TEXT, flags=re.DOTALL
    ).encode(),
    "latin1.toml": 'id = "caf\xe9"\n'.encode("latin-1"),
    "empty.toml": b"",
}

#: (arguments, words the error must contain). OUT is replaced by a path that must not appear.
BAD_INPUTS: list[tuple[list[str], list[str]]] = [
    (["run", "--scenario-file", "FILES/malformed.toml"], ["malformed.toml", "TOML"]),
    (["run", "--scenario-file", "FILES/unknown_key.toml"], ["colour"]),
    (["run", "--scenario-file", "FILES/unknown_param.toml"], ["uk.consultaton", "did you mean"]),
    (["run", "--scenario-file", "FILES/wrong_type.toml"], ["uk.consultation", "0 to 1"]),
    (["run", "--scenario-file", "FILES/out_of_range.toml"], ["uk.consultation", "0 to 1"]),
    (["run", "--scenario-file", "FILES/long_lesson.toml"], ["lesson", "at most 600 characters"]),
    (["run", "--scenario-file", "FILES/lesson_type.toml"], ["lesson = 42", "600 characters"]),
    (["run", "--scenario-file", "FILES/latin1.toml"], ["UTF-8"]),
    (["run", "--scenario-file", "FILES/empty.toml"], ["empty"]),
    (["run", "--scenario-file", "FILES/missing.toml"], ["missing.toml"]),
    (["run", "baseline", "--scenario-file", "FILES/empty.toml"], ["not both"]),
    (["run"], ["scenario"]),
    (["run", "thor_immobilisatoin"], ["unknown scenario", "did you mean 'thor_immobilisation'"]),
    (["run", "thor"], ["did you mean 'thor_immobilisation'"]),
    (["run", "../x"], ["not a scenario id", "--scenario-file"]),
    (["run", "../scenarios/baseline"], ["not a scenario id"]),
    (["run", "/etc/passwd"], ["not a scenario id"]),
    (["compare", "baseline", "--baseline", "../x"], ["--baseline", "not a scenario id"]),
    (["compare", "baseline", "--baseline", "basline"], ["did you mean 'baseline'"]),
    (["run", "baseline", "--runs", "0"], ["--runs", "1 to 200,000"]),
    (["run", "baseline", "--runs", "-5"], ["--runs", "1 to 200,000"]),
    (["run", "baseline", "--runs", "1000000000"], ["--runs", "200,000"]),
    (["compare", "baseline", "--runs", "200001"], ["--runs", "200,000"]),
    (["run", "baseline", "--runs", "many"], ["--runs"]),
    (["run", "baseline", "--seed", "-1"], ["--seed"]),
    (["run", "baseline", "--set", "uk.consultation"], ["NAME=VALUE"]),
    (["run", "baseline", "--set", "=0.5"], ["NAME=VALUE"]),
    (
        ["run", "baseline", "--set", "uk.consultation=0.2", "--set", "uk.consultation=0.3"],
        ["uk.consultation", "twice"],
    ),
    (["run", "baseline", "--set", "uk.consultation=2"], ["uk.consultation", "0 to 1"]),
    (["run", "baseline", "--set", "uk.consultaton=0.2"], ["did you mean 'uk.consultation'"]),
    (["run", "baseline", "--set", "uk.thor_offer=loud"], ["none, private, public"]),
    (
        [
            "run",
            "baseline",
            "--set",
            "us.first_move=air_strike",
            "--set",
            "us.widen_to_tankers=true",
        ],
        ["us.widen_to_tankers"],
    ),
    (
        ["compare", "baseline", "--baseline-set", "world.decision_noise=0"],
        ["--baseline-set", "0.25 to 0.5"],
    ),
    (["run", "baseline", "--format", "xml"], ["--format"]),
    (["params", "--format", "csv"], ["--format"]),
    (["params", "uk.consultaton"], ["did you mean 'uk.consultation'"]),
    (["run", "baseline", "--out", "FILES/no/such/folder/out.json"], ["--out", "does not exist"]),
    (["run", "baseline", "--out", "FILES"], ["--out", "directory"]),
    (["run", "baseline", "--bogus"], ["--bogus"]),
    (["bogus"], ["bogus"]),
    (["history", "baseline", "--index", "-1"], ["--index", "0 to 199,999"]),
    (["history", "baseline", "--index", "200000"], ["--index", "0 to 199,999"]),
    (["history", "baseline", "--outcome", "war"], ["unknown outcome"]),
    (["history", "baseline", "--index", "1", "--outcome", "air_strike"], ["not both"]),
    (["validate", "FILES/empty.toml"], ["empty"]),
    (["validate"], ["FILE"]),
]


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(("args", "words"), BAD_INPUTS, ids=lambda v: " ".join(v)[:60])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    cuba62: Cli, bad_files: Path, args: list[str], words: list[str]
) -> None:
    args = [a.replace("FILES", str(bad_files)) for a in args]
    out = bad_files / "result.out"
    with_out = args[0] in ("run", "compare") and "--out" not in args
    result = cuba62(*args, *(["--out", str(out)] if with_out else []))
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    line = one_error_line(result)
    for word in words:
        assert word in line, line
    assert not out.exists()
    assert {p.name for p in bad_files.iterdir()} == set(BAD_FILES)  # no temporary files


def test_the_console_script_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "cuba62"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    for args in (["run", "../x"], ["run", "baseline", "--runs", "abc"]):
        done = subprocess.run(
            [*command, *args, "--out", str(tmp_path / "o")],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: ")
    assert list(tmp_path.iterdir()) == []


def test_an_internal_error_exits_1_with_one_line(
    cuba62: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> ensemble.Results:
        raise RuntimeError("the engine\nbroke")

    monkeypatch.setattr(ensemble, "run", broken)
    monkeypatch.delenv("CUBA62_DEBUG", raising=False)
    out = tmp_path / "o.json"
    result = cuba62("run", "baseline", "--runs", N, "--out", str(out))
    assert result.code == 1
    assert one_error_line(result) == "error: internal error: RuntimeError: the engine broke"
    assert not out.exists()
    monkeypatch.setenv("CUBA62_DEBUG", "1")
    result = cuba62("run", "baseline", "--runs", N)
    assert result.code == 1
    assert "Traceback" in result.err
    assert result.err.splitlines()[-1].startswith("error: internal error")


def test_unwritable_out_is_refused(cuba62: Cli, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = cuba62("run", "baseline", "--runs", N, "--out", str(locked / "o.json"))
        assert result.code == 2
        assert "--out" in one_error_line(result)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
