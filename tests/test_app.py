"""The Streamlit app without a browser: `streamlit.testing.v1.AppTest` runs ui/app.py in-process.

What is checked is what a user relies on: the headline numbers appear, every schema parameter has
its widget, a slider moves the scenario and never the baseline, a share link reproduces the same
numbers, bad links and bad uploads give a message and never a traceback, a valid upload becomes the
scenario, and the other two pages render. Runs are small (runs=500) to keep this fast.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from sim import ensemble, history, labels, presets
from sim.labels import LABELS, OUTCOMES
from sim.limits import APP_DEFAULT_RUNS
from sim.params import ACTOR_NAMES, HAZARD_PRESETS, SCHEMA, SPECS, make_params
from sim.scenario import MAX_BYTES, load_scenario, parse_scenario, to_toml
from tests.conftest import shown_link
from ui.components import cache, export, pool, session
from ui.components import pool_jobs as jobs


class ThreadScheduler(pool.Scheduler):
    """The app's scheduler with threads for workers (monkeypatched functions reach them)."""

    def _make_executor(self) -> Executor:  # type: ignore[override]
        return ThreadPoolExecutor(max_workers=self.workers)


APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
TIMEOUT = 60
QUICK = {"runs": "500"}


def new_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query if query is not None else QUICK).items():
        at.query_params[key] = value
    return at


def run_ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def numbers_table(at: AppTest) -> pd.DataFrame:
    """The 'Numbers behind the charts' table: outcome, scenario share, baseline share, …"""
    tables = [d.value for d in at.table if "Outcome" in d.value.columns]
    assert len(tables) == 1
    return tables[0].set_index("Outcome")


def widget_by_label(at: AppTest, kind: str, label: str) -> Any:
    """The one sidebar widget of this kind and label (the first screen repeats a scenario's one
    or two settings in the main area, under other keys)."""
    found = [w for w in getattr(at.sidebar, kind) if w.label == label]
    assert len(found) == 1, f"expected one {kind} labelled {label!r}, found {len(found)}"
    return found[0]


WIDGET_KIND = {
    "float": "slider",
    "bool": "toggle",
    "choice": "selectbox",
    "datetime": "select_slider",
}


# --- Explore ------------------------------------------------------------------------------------


def test_default_page_shows_headline_metrics() -> None:
    at = run_ok(new_app())
    shown = metrics(at)
    for outcome in ("negotiated_withdrawal", "air_strike", "nuclear_war"):
        value, delta = shown[LABELS[outcome]]
        assert value.endswith("%")
        assert delta.endswith("points vs baseline")
    assert "British influence" in shown
    assert shown["British influence"][0].endswith("%")
    assert [s.value for s in at.subheader].count("What changed") == 1
    assert at.selectbox(key=session.K_SCENARIO).value == session.PREFERRED_DEFAULT
    assert at.number_input(key=session.K_RUNS).value == 500
    assert not at.error


def page_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_what_changed_gives_the_lesson_and_the_deal_when_no_outcome_moves() -> None:
    # public_jupiter_trade: practically no change in outcomes, a different deal.
    at = run_ok(new_app({**QUICK, "scenario": "public_jupiter_trade"}))
    lesson = load_scenario("public_jupiter_trade").lesson
    text = page_text(at)
    assert "practically no change in outcomes" in text
    assert "the deal changed: " in text and "public removal of the Jupiters in" in text
    assert lesson in text.replace("\\$", "$")
    deals = [d.value for d in at.table if "Concession in the deal" in d.value.columns]
    assert len(deals) == 1
    assert list(deals[0]["Concession in the deal"]) == [
        labels.CONCESSION_LABELS[c] for c in labels.CONCESSIONS
    ]
    public = deals[0].set_index("Concession in the deal").loc["Jupiters removed in public"]
    assert re.fullmatch(
        r"\+\d+\.\d+ \(\+\d+\.\d+ to \+\d+\.\d+\)", public["Difference, points (95% interval)"]
    )


def test_what_changed_shows_the_lesson_apart_when_outcomes_move() -> None:
    at = run_ok(new_app({**QUICK, "scenario": "air_strike_first"}))
    text = page_text(at)
    assert re.search(r"US air strike (rises|falls) from", text) and "us air strike" not in text
    assert "practically no change" not in text
    assert "**What this scenario teaches.**" in text
    assert "The Joint Chiefs pressed for a strike" in text


def test_every_schema_parameter_has_a_labelled_widget_with_its_source() -> None:
    at = run_ok(new_app())
    for spec in SCHEMA:
        widget = widget_by_label(at, WIDGET_KIND[spec.kind], spec.label)
        assert spec.meaning in widget.help
        assert f"Source: {spec.source}" in widget.help
    expanders = {e.label for e in at.sidebar.expander}
    assert set(ACTOR_NAMES.values()) <= expanders
    assert widget_by_label(at, "selectbox", "Escalation preset").value == "ellsberg"
    assert any(b.label == "Reset to scenario" for b in at.button)


def test_preset_picker_sets_each_estimate_beside_what_the_model_gives() -> None:
    """Beside each preset: its estimate and the stored measurement of the solve (a real run)."""
    at = run_ok(new_app())
    box = widget_by_label(at, "selectbox", "Escalation preset")
    assert list(box.options)[:-1] == [
        p.label + f" → model {presets.solved(p.id).measured.share:.1%}"  # type: ignore[union-attr]
        for p in presets.ordered()
    ]
    for p in presets.ordered():
        widget_by_label(at, "selectbox", "Escalation preset").set_value(p.id)
        run_ok(at)
        caption = next(c.value for c in at.sidebar.caption if c.value.startswith("Estimate "))
        found = presets.solved(p.id)
        assert found is not None
        assert (
            f"estimate {p.estimate} → this model gives {found.measured.text()}" in caption.lower()
        )
        assert found.run_size in caption
        assert at.session_state[session.param_key(presets.PARAMETER)] == presets.value(p.id)


def test_scenario_selectbox_lists_titles_and_ids() -> None:
    at = run_ok(new_app())
    box = at.selectbox(key=session.K_SCENARIO)
    # Titles are shown (each what-if followed by its measured effect, after " · ").
    assert [o.split(" · ")[0] for o in box.options] == [s.title for s in session.shipped().values()]
    assert box.value == session.PREFERRED_DEFAULT  # ids are the values
    box.set_value("berlin_linkage")
    run_ok(at)
    assert at.header[0].value == load_scenario("berlin_linkage").question
    # The new scenario's own settings are loaded into the widgets.
    linkage = load_scenario("berlin_linkage").params()
    assert at.toggle(key="p.ussr.berlin_linkage").value == linkage["ussr.berlin_linkage"]
    assert at.query_params["scenario"] == "berlin_linkage"


def test_slider_moves_the_scenario_and_never_recomputes_the_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, int, int]] = []
    real_run = ensemble.run

    def counting_run(params: Any, runs: int, seed: int = 0, **kwargs: Any) -> Any:
        calls.append((params, runs, seed))
        return real_run(params, runs, seed, **kwargs)

    monkeypatch.setattr(ensemble, "run", counting_run)
    # Runs go to the server's worker pool; here its workers are threads of this process, so
    # that the counting above sees them (tests/test_pool.py checks the processes' numbers).
    monkeypatch.setattr(cache, "scheduler", functools.cache(lambda: ThreadScheduler(2)))
    jobs._run.cache_clear()
    at = run_ok(new_app())
    before = numbers_table(at)
    baseline = load_scenario("baseline").params()
    assert any(c[0] == baseline for c in calls)

    calls.clear()
    at.slider(key="p.ussr.risk_acceptance").set_value(1.0)
    at.slider(key="p.us.hawkishness").set_value(1.0)
    run_ok(at)
    after = numbers_table(at)

    assert not before["This scenario (95% interval)"].equals(after["This scenario (95% interval)"])
    assert before["Baseline"].equals(after["Baseline"])
    assert calls, "the changed scenario must be computed"
    assert all(c[0] != baseline for c in calls), "the baseline must come from the cache"
    assert all(c[0]["ussr.risk_acceptance"] == 1.0 for c in calls)
    assert at.query_params["ussr.risk_acceptance"] == "1"


def test_share_link_round_trip_reproduces_widgets_and_numbers() -> None:
    query = {
        "scenario": "real_consultation",
        "seed": "7",
        "runs": "600",
        "uk.consultation": "0.6",
        "world.escalation_risk": "kennedy",
        "uk.thor_offer": "public",
        "uk.berlin_proposal_time": "1962-10-27 18:00",
    }
    at = run_ok(new_app(query))
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox(key=session.K_SCENARIO).value == "real_consultation"
    assert at.number_input(key=session.K_SEED).value == 7
    assert at.number_input(key=session.K_RUNS).value == 600
    assert at.slider(key="p.uk.consultation").value == pytest.approx(0.6)
    assert at.selectbox(key="p.uk.thor_offer").value == "public"
    assert at.selectbox(key=session.K_PRESET).value == "kennedy"

    link = shown_link(at)
    parsed = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert parsed == query
    assert at.query_params == query

    # A fresh session opened from the link shows exactly the same numbers.
    again = run_ok(new_app(parsed))
    assert metrics(again) == metrics(at)
    assert numbers_table(again).equals(numbers_table(at))
    assert shown_link(again) == link


def test_untouched_scenario_has_a_minimal_link() -> None:
    at = run_ok(new_app({"scenario": "thor_immobilisation", "runs": "500"}))
    assert at.query_params == {"scenario": "thor_immobilisation", "seed": "0", "runs": "500"}


@pytest.mark.parametrize(
    ("name", "raw", "needle"),
    [
        ("scenario", "no_such_scenario", "scenario = 'no_such_scenario'"),
        ("scenario", "../../etc/passwd", "scenario"),
        ("seed", "-5", "seed = '-5'"),
        ("seed", "lucky", "seed = 'lucky'"),
        ("runs", "10^12", "runs = '10^12'"),
        ("runs", "1000000000000", "runs = '1000000000000'"),
        ("runs", "12", "runs = '12'"),
        ("uk.consultation", "7", "uk.consultation"),
        ("uk.consultation", "nan", "uk.consultation"),
        ("us.first_move", "nuke", "us.first_move"),
        ("uk.thor_offer_time", "1970-01-01 00:00", "uk.thor_offer_time"),
        ("uk.thor_offer_time", "1962-10-20 12:00", "uk.thor_offer_time"),
        ("nonsense.param", "1", "unknown parameter 'nonsense.param'"),
        ("history", "-1", "history"),
    ],
)
def test_garbage_in_the_link_warns_and_falls_back(name: str, raw: str, needle: str) -> None:
    at = run_ok(new_app({"runs": "500", name: raw} if name != "runs" else {name: raw}))
    warnings = " ".join(w.value for w in at.warning)
    assert needle in warnings
    assert not at.error
    assert "Negotiated withdrawal" in metrics(at)
    # The URL is rewritten with valid values only.
    assert at.query_params.get(name) != raw
    if name == "runs":
        assert at.number_input(key=session.K_RUNS).value == APP_DEFAULT_RUNS
    if name == "scenario":
        assert at.selectbox(key=session.K_SCENARIO).value == session.PREFERRED_DEFAULT


def test_unknown_parameters_in_a_link_give_one_warning() -> None:
    # A link with 300 unknown parameters used to show 300 warning boxes (issue 17).
    query = {"runs": "500", **{f"junk.p{i}": "1" for i in range(300)}}
    at = run_ok(new_app(query))
    unknown = [w.value for w in at.warning if "unknown parameter" in w.value]
    assert len(unknown) == 1, len(unknown)
    assert "'junk.p0'" in unknown[0] and "and 295 more" in unknown[0]
    assert "junk.p299" not in unknown[0]
    assert not at.error
    assert "Negotiated withdrawal" in metrics(at)


def test_contradictory_settings_give_one_error_and_no_traceback() -> None:
    at = run_ok(new_app())
    at.selectbox(key="p.us.first_move").set_value("air_strike")
    at.toggle(key="p.us.widen_to_tankers").set_value(True)
    run_ok(at)
    assert any("us.widen_to_tankers" in e.value for e in at.error)
    assert not at.metric
    at.button[0].click()  # Reset to scenario
    run_ok(at)
    assert not at.error
    assert "Negotiated withdrawal" in metrics(at)


# --- upload and download ------------------------------------------------------------------------


def scenario_text(overrides: dict[str, object]) -> str:
    base = load_scenario("baseline")
    mine = base.__class__(
        id="class_test",
        title="Our class scenario",
        question="What if Khrushchev had been reckless?",
        historical_basis=base.historical_basis,
        sources=base.sources,
        what_to_notice=base.what_to_notice,
        things_to_try=base.things_to_try,
        overrides=make_params(overrides).differences(make_params({})),
    )
    return to_toml(mine)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=session.K_UPLOAD).set_value((name, data, "application/toml"))
    return run_ok(at)


def test_valid_upload_becomes_the_active_scenario() -> None:
    at = run_ok(new_app())
    before = numbers_table(at)
    text = scenario_text({"ussr.risk_acceptance": 0.95, "us.hawkishness": 0.9})
    upload(at, "ours.toml", text.encode())
    assert not at.error, [e.value for e in at.error]
    assert str(at.selectbox(key=session.K_SCENARIO).value).startswith(session.UPLOAD_PREFIX)
    assert at.header[0].value == "What if Khrushchev had been reckless?"
    assert at.slider(key="p.ussr.risk_acceptance").value == pytest.approx(0.95)
    assert any("Our class scenario" in s.value for s in at.success)
    after = numbers_table(at)
    assert not before["This scenario (95% interval)"].equals(after["This scenario (95% interval)"])
    # The link carries the upload's settings on top of the baseline, so it reproduces them.
    assert at.query_params["scenario"] == "baseline"
    assert at.query_params["ussr.risk_acceptance"] == "0.95"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'id = "x"\ntitle = "\xff\xfe broken"\n', "not UTF-8"),
        (b"id = \ntitle = [", "not valid TOML"),
        (b"# " + b"x" * (MAX_BYTES + 10), "too large"),
        (b"", "empty"),
        (scenario_text({"uk.consultation": 0.5}).replace("0.5", "5").encode(), "uk.consultation"),
        (b'id = "x"\n', "missing key"),
    ],
)
def test_invalid_upload_gives_one_line_error_and_keeps_settings(data: bytes, needle: str) -> None:
    at = run_ok(new_app())
    before = metrics(at)
    upload(at, "bad.toml", data)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and needle in errors[0], errors
    assert "\n" not in errors[0] and "Traceback" not in errors[0]
    assert at.selectbox(key=session.K_SCENARIO).value == session.PREFERRED_DEFAULT
    assert metrics(at) == before


def test_downloads_exist_and_settings_file_validates() -> None:
    at = run_ok(
        new_app({"runs": "500", "uk.consultation": "0.7", "uk.thor_offer_time": "1962-10-25 18:00"})
    )
    labels = [getattr(b, "label", "") for b in at.get("download_button")]
    assert "Download histories (CSV)" in labels
    assert "Download settings (TOML)" in labels

    scenario = load_scenario("thor_immobilisation")
    params = make_params(
        {"uk.consultation": 0.7, "uk.thor_offer_time": "1962-10-25 18:00"}, base=scenario.params()
    )
    settings = session.Settings(scenario.id, scenario, load_scenario("baseline"), 3, 300, params)
    name, text = export.settings_toml(settings)
    assert name == "my_thor_immobilisation.toml"
    parsed = parse_scenario(text, name)
    assert parsed.id == "my_thor_immobilisation"
    assert parsed.params() == params

    p = ensemble.run_paired(params, settings.baseline.params(), 300, 3)
    csv = export.histories_csv(p)()
    lines = csv.strip().splitlines()
    # The one histories table (sim.histories_table): the same columns as `cuba62 compare --format
    # csv`, concessions joined by ';'.
    assert lines[0] == (
        "history,outcome,baseline_outcome,changed,resolved,baseline_resolved,concessions,"
        "baseline_concessions,peak_escalation,baseline_peak_escalation,incidents,"
        "baseline_incidents"
    )
    assert len(lines) == 301
    assert all(len(line.split(",")) == 12 for line in lines)
    assert "+" not in csv


# --- the other pages ----------------------------------------------------------------------------


def test_history_page_shows_paired_timelines_in_both_capitals() -> None:
    at = run_ok(
        new_app(
            {
                "scenario": "thor_immobilisation",
                "runs": "500",
                "uk.thor_offer_us_consent": "true",
                "uk.consultation": "0.9",
            }
        )
    )
    at.switch_page("views/history.py")
    run_ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Washington" in text and "London" in text
    assert {s.value for s in at.subheader} >= {"Baseline"}
    assert at.number_input(key=session.K_HISTORY).value == 0
    assert at.query_params["history"] == "0"

    # Jump to a history that ended in the rarest outcome on the list.
    finder = at.selectbox(key="w.find_outcome")
    finder.set_value(outcome_of(finder.options[-1]))
    run_ok(at)
    index = int(at.number_input(key=session.K_HISTORY).value or 0)
    scenario = load_scenario("thor_immobilisation").params()
    params = make_params({"uk.thor_offer_us_consent": True, "uk.consultation": 0.9}, base=scenario)
    results = ensemble.run(params, 500, 0)
    wanted = OUTCOMES[int(results.outcome[index])]
    assert history.find(results, wanted) == index
    assert f"Ended in **{LABELS[wanted]}**" in " ".join(m.value for m in at.markdown)


def outcome_of(shown: str) -> str:
    """The outcome id behind a 'Show me one that ended in' option ('Label (12 histories)')."""
    for outcome in OUTCOMES:
        if shown.startswith(LABELS[outcome] + " ("):
            return outcome
    raise AssertionError(shown)


def test_history_page_marks_where_paired_histories_diverge() -> None:
    at = run_ok(new_app({"runs": "500", "scenario": "air_strike_first"}))
    at.switch_page("views/history.py")
    run_ok(at)
    assert any("Histories diverge here" in i.value for i in at.info)


def test_settings_survive_a_trip_to_another_page() -> None:
    at = run_ok(new_app())
    at.slider(key="p.uk.consultation").set_value(0.6)
    run_ok(at)
    at.switch_page("views/sources.py")
    run_ok(at)
    assert at.query_params["uk.consultation"] == "0.6"
    at.switch_page("views/explore.py")
    run_ok(at)
    assert at.slider(key="p.uk.consultation").value == pytest.approx(0.6)
    assert at.slider(key="first.p.uk.consultation").value == pytest.approx(0.6)


def test_sources_page_lists_every_parameter_with_its_source() -> None:
    at = run_ok(new_app())
    at.switch_page("views/sources.py")
    run_ok(at)
    tables = [d.value for d in at.dataframe]
    params = next(t for t in tables if "Name" in t.columns)
    assert list(params["Name"]) == [s.name for s in SCHEMA]
    assert list(params["Source"]) == [s.source for s in SCHEMA]
    headers = [h.value for h in at.header]
    assert "What this model cannot tell you" in headers
    assert "References" in headers
    assert SPECS["world.escalation_risk"].label in list(params["Label"])


def test_presentation_mode_toggle_is_in_the_sidebar() -> None:
    at = run_ok(new_app())
    toggle = at.sidebar.toggle(key="presentation")
    assert toggle.label == "Presentation mode"
    toggle.set_value(True)
    run_ok(at)
    assert "Negotiated withdrawal" in metrics(at)


# --- reading aids: chart words, reasons, references ---------------------------------------------


def test_charts_have_a_short_caption_and_their_numbers_in_words() -> None:
    at = run_ok(new_app())
    words = [e for e in at.expander if e.label == "Chart in words"]
    assert len(words) == 4  # outcomes, escalation (both fans), resolution, deals
    inside = " ".join(m.value for e in words for m in e.markdown)
    # The long per-category and per-date detail is in the expanders (still in the page) ...
    assert "95% interval" in inside and "escalation by date" in inside
    assert "Share of all histories ending each day" in inside
    assert "Dated markers (Washington time)" in inside
    # ... and each chart keeps one short caption with its key numbers.
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Most histories end in") and "%" in c for c in captions)
    assert any(c.startswith("The crisis ends, this scenario") for c in captions)
    upload = at.file_uploader(key=session.K_UPLOAD)
    assert "64 KB" in upload.label and "64 KB" in upload.help


def _first_diverging_history() -> int:
    """The first history of the default scenario (seed 0) whose log parts from its baseline
    twin: which one it is depends on the calibration, so it is looked up, not assumed."""
    scenario = load_scenario(session.default_option()).params()
    base = load_scenario("baseline").params()
    for i in range(APP_DEFAULT_RUNS):
        if history.divergence(history.replay(scenario, 0, i), history.replay(base, 0, i)):
            return i
    raise AssertionError("no history of the default scenario differs from the baseline")


def test_history_reasons_are_readable_and_interleaved_view_tags_lines() -> None:
    # A history of the default scenario that parts from its baseline twin: shared lines first.
    at = run_ok(new_app())
    at.session_state[session.K_HISTORY] = _first_diverging_history()
    at.switch_page("views/history.py")
    run_ok(at)
    why = [c.value for c in at.caption if " chose this " in c.value]
    assert why, "no reasons shown"
    assert all("_" not in w for w in why), why  # no internal component names
    # Sentences in plain words: who chose, because of what, without utility weights.
    assert all(re.match(r"^(Washington|London|Moscow) chose this ", w) for w in why), why
    assert any("mainly because of" in w for w in why), why
    assert any("the Foreign Office's concern, “" in w for w in why), why
    assert not any(re.search(r"[+−]\d\.\d\d", w) for w in why), why
    at.radio(key="w.history_view").set_value("Interleaved by date")
    run_ok(at)
    assert any("Histories diverge here" in i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert ":gray-badge[Both]" in text
    assert ":blue-badge[This scenario]" in text and ":orange-badge[Baseline]" in text
    headings = {s.value for s in at.subheader}
    assert "Both histories, by date" in headings and "This scenario" not in headings


def test_sources_page_lists_each_work_once_and_explains_keys() -> None:
    at = run_ok(new_app())
    at.switch_page("views/sources.py")
    run_ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "FACTS.md, a sourced list of facts about Britain and the crisis" in " ".join(
        i.value for i in at.info
    )
    ellsberg = HAZARD_PRESETS["ellsberg"].escalation_risk
    assert f"{ellsberg:.3g} (Ellsberg preset)" in text
    for p in presets.PRESETS.values():
        assert presets.comparison(p) in text
    table = next(d.value for d in at.dataframe if "This model gives [95%]" in d.value.columns)
    assert list(table["Preset"]) == [p.label for p in presets.ordered()]
    refs = next(m.value for m in at.markdown if "**Sagan**" in m.value)
    lines = refs.splitlines()
    assert sum("Limits of Safety" in line for line in lines) == 1
    assert any("**Sagan**, **Sagan 1993**" in line for line in lines)
    assert any(line.startswith("- **S:n** — line n of a machine summary") for line in lines)
    assert "Seed line(s)" not in refs


def test_sources_page_lists_every_constant_by_actor_and_submodel() -> None:
    from sim import constants

    at = run_ok(new_app())
    at.switch_page("views/sources.py")
    run_ok(at)
    assert "Constants in the code" in [h.value for h in at.header]
    tables = [d.value for d in at.dataframe if "Where it acts" in d.value.columns]
    assert len(tables) == len([g for g in constants.groups() if g[1]])
    shown = pd.concat(tables)
    assert list(shown["Constant"]) == [c.name for c in constants.CONSTANTS]
    assert list(shown["Value"]) == [c.text() for c in constants.CONSTANTS]
    assert list(shown["Source"]) == [c.source for c in constants.CONSTANTS]


def test_sources_page_shows_the_decision_noise_range_in_three_rows() -> None:
    from sim import summary

    at = run_ok(new_app())
    at.switch_page("views/sources.py")
    run_ok(at)
    assert "How much the decision noise matters" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "Decision noise" in d.value.columns)
    spec = SPECS["world.decision_noise"]
    assert len(table) == 3
    assert list(table["Decision noise"]) == [
        f"{spec.minimum:g} (minimum)",
        f"{spec.default:g} (default)",
        f"{spec.maximum:g} (maximum)",
    ]
    assert list(table.columns[1:]) == [
        LABELS["negotiated_withdrawal"],
        "Any fighting",
        LABELS["nuclear_war"],
    ]
    for column in table.columns[1:]:
        assert all(re.fullmatch(r"\d+\.\d+% \[\d+\.\d–\d+\.\d\]", v) for v in table[column])
    # The default row is the baseline itself, at the page's stated size and seed.
    base = ensemble.run(session.baseline().params(), 5000, 0)
    nuclear = float((base.outcome == OUTCOMES.index("nuclear_war")).mean())
    assert table[LABELS["nuclear_war"]][1].startswith(summary.percent(nuclear) + " [")
    text = " ".join(m.value for m in at.markdown)
    assert "modelling assumption" in text and "escalation risk" in text
