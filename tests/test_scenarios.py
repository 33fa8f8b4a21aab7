"""Scenario files: every shipped one loads, validates, runs and round-trips; bad input fails with
one clear line; every source key cited anywhere resolves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim import calendar, lessons, scenario, sources
from sim.ensemble import run
from sim.lessons import LESSON_MAX_CHARS, Expectation, Headline
from sim.params import HAZARD_PRESETS, SCHEMA, SPECS, defaults
from sim.scenario import ScenarioError, load_file, load_scenario, parse_scenario, to_toml

REQUIRED = (
    "baseline",
    "thor_immobilisation",
    "berlin_linkage",
    "berlin_settlement",
    "oil_tankers",
    "air_strike_first",
    "real_consultation",
    "public_jupiter_trade",
)
SHIPPED = scenario.scenario_ids()

VALID = """\
id = "test_case"
title = "A test"
question = "What if nothing changed?"
historical_basis = "Kennedy decided first and told London afterwards [TNA-msg; S:31]."
sources = ["TNA-msg", "S:31"]
what_to_notice = ["The outcome bars."]
things_to_try = ["Raise uk.consultation."]

[parameters]
"""


def error_of(text: bytes | str, origin: str = "test.toml") -> str:
    """The ScenarioError message for `text`, checked to be one line naming the origin."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, origin)
    message = str(caught.value)
    assert "\n" not in message, message
    assert origin in message, message
    return message


def with_parameters(lines: str) -> str:
    return VALID + lines + "\n"


# --- shipped scenarios ----------------------------------------------------------------------------


def test_required_scenarios_are_shipped_baseline_first() -> None:
    assert set(REQUIRED) <= set(SHIPPED)
    listed = scenario.list_scenarios()
    assert [s.id for s in listed] == SHIPPED
    assert listed[0].id == "baseline"
    assert [s.id for s in listed[1:]] == sorted(s.id for s in listed[1:])
    assert listed[0].overrides == {}


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_shipped_scenario_loads_validates_and_runs(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    assert s.id == scenario_id
    assert s.path is not None and s.path.stem == scenario_id
    assert s.title and s.question and s.historical_basis
    assert s.sources and s.what_to_notice and s.things_to_try
    params = s.params()
    assert params.differences(defaults()) == {
        k: v for k, v in s.overrides.items() if defaults()[k] != v
    }
    if scenario_id != "baseline":
        assert s.overrides, "a counterfactual must change something"
    results = run(params, 200, seed=0)
    assert results.runs == 200


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_to_toml_round_trip(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    text = to_toml(s)
    again = parse_scenario(text, "round-trip.toml")
    assert again.overrides == s.overrides
    assert (again.id, again.title, again.question) == (s.id, s.title, s.question)
    assert again.historical_basis == s.historical_basis
    assert again.sources == s.sources
    assert (again.what_to_notice, again.things_to_try) == (s.what_to_notice, s.things_to_try)
    assert (again.lesson, again.expect, again.headline) == (s.lesson, s.expect, s.headline)
    assert to_toml(again) == text


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_every_shipped_scenario_states_a_lesson_and_its_check(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    assert 0 < len(s.lesson) <= LESSON_MAX_CHARS
    assert "[" in s.lesson, "a lesson cites its sources in brackets, as historical_basis does"
    assert s.expect, "every shipped lesson states at least one checkable expectation"


def test_to_toml_writes_quoted_dotted_keys_and_local_times() -> None:
    s = load_scenario("thor_immobilisation")
    text = to_toml(s)
    assert '"uk.thor_offer_time" = "1962-10-26 18:00"' in text
    assert "(London time)" in text
    assert '"uk.thor_offer_us_consent" = false' in text


def test_to_toml_of_app_settings_round_trips() -> None:
    """What the app does for "download current settings": any valid overrides survive."""
    import dataclasses

    base = load_scenario("baseline")
    overrides = {
        "world.escalation_risk": HAZARD_PRESETS["kennedy"].escalation_risk,
        "uk.consultation": 0.45,
        "us.tankers_time": dt.datetime(1962, 10, 27, 6, 0),
        "us.widen_to_tankers": True,
        "us.first_move": "quarantine",
    }
    mine = dataclasses.replace(base, id="my_settings", title="My settings", overrides=overrides)
    again = parse_scenario(to_toml(mine), "download.toml")
    assert again.overrides == mine.params().differences(defaults())
    assert again.params() == mine.params()


# --- source keys ----------------------------------------------------------------------------------


def test_every_schema_source_resolves() -> None:
    cited = 0
    for spec in SCHEMA:
        for citation in sources.citations_in(spec.source):
            assert sources.resolve(citation), (spec.name, citation)
            cited += 1
    for preset in HAZARD_PRESETS.values():
        for citation in sources.citations_in(preset.source):
            assert sources.resolve(citation), (preset.name, citation)
            cited += 1
    for _, _, key in calendar.MARKERS:
        assert sources.resolve(key)
    assert cited > len(SCHEMA)  # the parser found the citations, not nothing


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_every_scenario_source_resolves(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    for key in s.sources:
        assert sources.resolve(key)
    cited = sources.citations_in_brackets(s.historical_basis)
    assert cited
    for citation in cited:
        assert sources.resolve(citation)


def test_keys_in_reads_free_text() -> None:
    assert sources.keys_in("OH; Dobbs (U-2 shot down); FACTS §7 (B-59)") == ["OH", "Dobbs"]
    assert sources.keys_in("S:83–86") == ["S"]
    assert sources.keys_in("S:47–48; UPI93; S:46") == ["S", "UPI93"]
    assert sources.keys_in("modelling assumption") == []
    assert sources.keys_in("OH (aims); level: modelling assumption") == ["OH"]
    assert sources.keys_in("Dixit, McAdams & Skeath 2019, SSRN 3406265 (FACTS §7)") == [
        "Dixit, McAdams & Skeath 2019"
    ]
    assert sources.keys_in("default: Ellsberg 10–30%, midpoint") == ["Ellsberg"]
    assert sources.keys_in("[RT60s, George]") == ["RT60s", "George"]
    assert sources.keys_in("Sagan (1993)") == ["Sagan 1993"]
    assert sources.citations_in("OH; S:46; S:83–86") == ["OH", "S:46", "S:83–86"]
    assert sources.keys_in("UPI39 (a typo)") == ["UPI39"]  # so that resolve() catches it


def test_resolve() -> None:
    assert "Office of the Historian" in sources.resolve("OH")
    assert "Rawnsley" in sources.resolve("R95")
    assert "line 46" in sources.resolve("S:46")
    assert "lines 83–86" in sources.resolve("S:83–86")
    with pytest.raises(KeyError, match="did you mean 'UPI93'"):
        sources.resolve("UPI39")
    with pytest.raises(KeyError, match="fabricated"):
        sources.resolve("S:26")  # FACTS.md §5: invented Obama quote
    with pytest.raises(KeyError, match="not a seed line"):
        sources.resolve("S:500")


# --- parsing: what works --------------------------------------------------------------------------


def test_dotted_quoted_and_table_keys_are_the_same() -> None:
    dotted = parse_scenario(with_parameters('uk.thor_offer = "public"'), "a.toml")
    quoted = parse_scenario(with_parameters('"uk.thor_offer" = "public"'), "b.toml")
    table = parse_scenario(VALID + '[parameters.uk]\nthor_offer = "public"\n', "c.toml")
    assert dotted.overrides == quoted.overrides == table.overrides == {"uk.thor_offer": "public"}


def test_toml_datetimes_and_strings_both_work() -> None:
    native = parse_scenario(with_parameters("uk.thor_offer_time = 1962-10-26T18:00:00"), "a.toml")
    text = parse_scenario(with_parameters('uk.thor_offer_time = "1962-10-26 18:00"'), "b.toml")
    assert native.overrides == text.overrides
    assert native.overrides["uk.thor_offer_time"] == dt.datetime(1962, 10, 26, 18, 0)


def test_bytes_with_byte_order_mark_and_crlf() -> None:
    data = ("\ufeff" + with_parameters("uk.consultation = 0.5")).replace("\n", "\r\n")
    assert parse_scenario(data.encode("utf-8"), "windows.toml").overrides == {
        "uk.consultation": 0.5
    }


def test_hazard_preset_by_name() -> None:
    s = parse_scenario(with_parameters('world.escalation_risk = "kennedy"'), "a.toml")
    assert s.overrides["world.escalation_risk"] == HAZARD_PRESETS["kennedy"].escalation_risk


# --- parsing: bad input, one clear line each ------------------------------------------------------


def test_malformed_toml() -> None:
    message = error_of('id = "x\ntitle = "y"\n')
    assert "not valid TOML" in message and "line 1" in message


def test_unknown_top_level_key() -> None:
    message = error_of(VALID.replace("title =", "titel ="))
    assert "unknown key 'titel'" in message and "did you mean 'title'?" in message


def test_missing_top_level_key() -> None:
    message = error_of(VALID.replace("[parameters]\n", ""))
    assert "missing key 'parameters'" in message


def test_unknown_parameter() -> None:
    message = error_of(with_parameters('uk.thor_ofer = "public"'))
    assert "unknown parameter 'uk.thor_ofer'" in message
    assert "did you mean 'uk.thor_offer'?" in message


@pytest.mark.parametrize(
    ("replace", "by", "key"),
    [
        (
            'what_to_notice = ["The outcome bars."]',
            'what_to_notice = "The outcome bars."',
            "what_to_notice",
        ),
        ('things_to_try = ["Raise uk.consultation."]', "things_to_try = [1, 2]", "things_to_try"),
        ('title = "A test"', "title = 3", "title"),
        ('sources = ["TNA-msg", "S:31"]', "sources = []", "sources"),
        ('id = "test_case"', 'id = "Test Case"', "id"),
    ],
)
def test_wrong_type(replace: str, by: str, key: str) -> None:
    message = error_of(VALID.replace(replace, by))
    assert f"{key} = " in message and "is not allowed" in message


def with_lesson(lines: str) -> str:
    return VALID.replace("[parameters]", lines + "\n\n[parameters]")


def test_lesson_and_expect_are_optional_and_read() -> None:
    assert (parse_scenario(VALID, "x.toml").lesson, parse_scenario(VALID, "x.toml").expect) == (
        "",
        (),
    )
    s = parse_scenario(
        with_lesson(
            'lesson = "Advice counts only when asked [R95]."\n'
            'expect = [{ measure = "any_war", direction = "down" }]'
        ),
        "x.toml",
    )
    assert s.lesson == "Advice counts only when asked [R95]."
    assert s.expect == (Expectation("any_war", "down"),)


def test_lesson_of_the_wrong_type() -> None:
    message = error_of(with_lesson("lesson = 3"))
    assert message == (
        "test.toml: lesson = 3 is not allowed: use a string in quotes of at most 600 characters, "
        'e.g. lesson = "..."'
    )


def test_lesson_over_the_limit() -> None:
    message = error_of(with_lesson(f'lesson = "{"x" * (LESSON_MAX_CHARS + 1)}"'))
    assert message.startswith("test.toml: lesson = 'xxx")
    assert message.endswith(
        "is not allowed: it has 601 characters; use a string in quotes of at most 600 characters"
    )
    assert parse_scenario(with_lesson(f'lesson = "{"x" * LESSON_MAX_CHARS}"'), "x.toml").lesson


def test_lesson_citations_and_mentions_are_checked() -> None:
    assert "lesson cites" in error_of(with_lesson('lesson = "As [NoSuchKey] says."'))
    assert "lesson mentions an unknown parameter" in error_of(
        with_lesson('lesson = "Raise uk.consultaton."')
    )


def test_every_shipped_scenario_has_discussion_questions_citing_resolvable_keys() -> None:
    for s in scenario.list_scenarios():
        assert lessons.DISCUSSION_MIN <= len(s.discussion) <= lessons.DISCUSSION_MAX, s.id
        for question in s.discussion:
            assert len(question) <= lessons.DISCUSSION_MAX_CHARS and question.endswith("?"), (
                question
            )
            for citation in sources.citations_in_brackets(question):
                sources.resolve(citation)  # raises for an unknown key or a §5 line


def test_discussion_is_optional_and_read() -> None:
    assert parse_scenario(VALID, "x.toml").discussion == ()
    s = parse_scenario(
        with_lesson(
            'discussion = ["Why was London told afterwards [TNA-msg]?", "  Two\\n  lines?"]'
        ),
        "x.toml",
    )
    assert s.discussion == ("Why was London told afterwards [TNA-msg]?", "Two lines?")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('"Why?"', "discussion = 'Why?'"),
        ('["Only one?"]', "discussion = ['Only one?']"),
        ('["a?", "b?", "c?", "d?", "e?", "f?"]', "discussion = ['a?', 'b?'"),
        ('["Why?", 3]', "discussion = ['Why?', 3]"),
        ('["Why?", "  "]', "discussion = ['Why?', '  ']"),
    ],
)
def test_discussion_of_the_wrong_type(value: str, shown: str) -> None:
    message = error_of(with_lesson(f"discussion = {value}"))
    assert message.startswith(f"test.toml: {shown}"), message
    assert message.endswith(
        "is not allowed: use a list of 2 to 5 questions in quotes, each at most 300 characters, "
        'e.g. discussion = ["Why ...?", "What if ...?"]'
    ), message


def test_discussion_question_over_the_limit() -> None:
    long = "x" * (lessons.DISCUSSION_MAX_CHARS + 1)
    message = error_of(with_lesson(f'discussion = ["Why?", "{long}"]'))
    assert message.startswith("test.toml: discussion question 2 = 'xxx"), message
    assert "is not allowed: it has 301 characters; use a list of 2 to 5 questions" in message
    fits = "x" * lessons.DISCUSSION_MAX_CHARS
    assert parse_scenario(with_lesson(f'discussion = ["Why?", "{fits}"]'), "x.toml").discussion


def test_discussion_citations_and_mentions_are_checked() -> None:
    assert "discussion cites" in error_of(with_lesson('discussion = ["As [NoSuchKey]?", "Why?"]'))
    assert "S:69" in error_of(with_lesson('discussion = ["As [S:69] says?", "Why?"]'))
    assert "discussion mentions an unknown parameter" in error_of(
        with_lesson('discussion = ["Raise uk.consultaton?", "Why?"]')
    )


def test_to_toml_writes_discussion_for_uploads() -> None:
    import dataclasses

    base = load_scenario("thor_immobilisation")
    again = parse_scenario(to_toml(dataclasses.replace(base, path=None)), "upload.toml")
    assert again.discussion == base.discussion and base.discussion
    bare = dataclasses.replace(base, discussion=())
    assert "discussion" not in to_toml(bare)


@pytest.mark.parametrize(
    ("expect", "words"),
    [
        ('expect = { measure = "any_war", direction = "up" }', "expect = {'measure'"),
        ('expect = [{ measure = "any_war" }]', "give exactly a measure and a direction"),
        ('expect = [{ measure = "war", direction = "up" }]', "expect measure = 'war'"),
        ('expect = [{ measure = "any_war", direction = "higher" }]', "expect direction = 'higher'"),
        ('expect = [{ measure = "pledge", direction = "most_common" }]', "use an outcome id"),
    ],
)
def test_bad_expectations(expect: str, words: str) -> None:
    message = error_of(with_lesson(expect))
    assert words in message and "is not allowed" in message


def test_to_toml_writes_lesson_and_expect_for_uploads() -> None:
    import dataclasses

    base = load_scenario("thor_immobilisation")
    mine = dataclasses.replace(base, lesson='Says "no" [S:48].\nTwo lines.', path=None)
    again = parse_scenario(to_toml(mine), "upload.toml")
    assert again.lesson == mine.lesson and again.expect == base.expect
    bare = dataclasses.replace(base, lesson="", expect=())
    assert "lesson" not in to_toml(bare) and "expect" not in to_toml(bare)


def test_wrong_parameter_type() -> None:
    message = error_of(with_parameters('uk.thor_offer_us_consent = "perhaps"'))
    assert "uk.thor_offer_us_consent = 'perhaps' is not allowed: use true or false" in message
    message = error_of(with_parameters("uk.consultation = true"))
    assert "uk.consultation = True is not allowed" in message


def test_out_of_range_value() -> None:
    message = error_of(with_parameters("uk.consultation = 1.5"), "scenarios/x.toml")
    assert message.startswith(
        "scenarios/x.toml: [parameters] uk.consultation = 1.5 is not allowed: "
        "use a number from 0 to 1"
    )


def test_date_outside_the_crisis() -> None:
    message = error_of(with_parameters('uk.thor_offer_time = "1962-12-01 18:00"'))
    assert "uk.thor_offer_time" in message and "London time" in message
    assert "1962-12-01" in message
    message = error_of(with_parameters("us.tankers_time = 1962-09-01T12:00:00"))
    assert "us.tankers_time = '1962-09-01 12:00' is not allowed" in message
    message = error_of(with_parameters('uk.berlin_proposal_time = "1962-10-20 12:00"'))
    assert "uk.berlin_proposal_time" in message and "from 1962-10-23 00:00" in message


def test_datetime_with_offset_is_refused() -> None:
    message = error_of(with_parameters("uk.thor_offer_time = 1962-10-26T18:00:00Z"))
    assert "without an offset" in message and "London" in message


def test_parameter_set_twice() -> None:
    message = error_of(with_parameters('uk.thor_offer = "public"\n"uk.thor_offer" = "none"'))
    assert "uk.thor_offer is set twice" in message


def test_contradiction() -> None:
    message = error_of(with_parameters('us.first_move = "air_strike"\nus.widen_to_tankers = true'))
    assert "contradicts" in message and "us.first_move" in message


def test_unknown_source_key() -> None:
    message = error_of(VALID.replace('"TNA-msg", "S:31"', '"TNA-msg", "UPI39"'))
    assert "unknown source key 'UPI39'" in message and "did you mean 'UPI93'?" in message


def test_fabricated_seed_line_is_refused() -> None:
    message = error_of(VALID.replace('"TNA-msg", "S:31"', '"S:26"'))
    assert "fabricated" in message


def test_unknown_citation_in_historical_basis() -> None:
    message = error_of(VALID.replace("[TNA-msg; S:31]", "[TNA-msg, Tel-Hrone]"))
    assert "historical_basis" in message and "did you mean 'Tel-Horne'?" in message


def test_unknown_parameter_named_in_prose() -> None:
    message = error_of(VALID.replace("Raise uk.consultation.", "Raise uk.consultaton."))
    assert "things_to_try" in message and "did you mean 'uk.consultation'?" in message


def test_not_utf8() -> None:
    assert "is not UTF-8 text" in error_of(VALID.encode("utf-16"))
    assert "is not UTF-8 text" in error_of(b'title = "caf\xe9"\n')


def test_empty() -> None:
    assert error_of(b"").endswith(
        "is empty: a scenario needs the keys id, title, question, historical_basis, sources, "
        "what_to_notice, things_to_try, parameters"
    )
    assert "is empty" in error_of("  \n\n")


def test_too_large() -> None:
    message = error_of(b"#" * 70_000)
    assert message == "test.toml is too large (70,000 bytes; the limit is 65,536)"


# --- finding scenarios by id ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["../x", "../../etc/passwd", "scenarios/baseline", "/etc/passwd", "a..b", "Baseline", ""]
)
def test_id_that_is_not_an_id(bad: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    message = str(caught.value)
    assert "\n" not in message
    assert f"scenario id {bad!r} is not allowed: use one of: baseline, " in message


def test_unknown_id() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("thor_immobilistion")
    assert str(caught.value) == (
        "unknown scenario 'thor_immobilistion'; did you mean 'thor_immobilisation'?"
    )
    with pytest.raises(ScenarioError, match="use one of: baseline"):
        load_scenario("zzzz")


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    outside = tmp_path / "secret.toml"
    outside.write_text(VALID.replace("test_case", "escape"))
    (folder / "escape.toml").symlink_to(outside)
    with pytest.raises(ScenarioError, match="is not allowed"):
        load_scenario("escape", directory=folder)


def test_id_must_match_file_name_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "mine.toml").write_text(VALID)
    with pytest.raises(ScenarioError) as caught:
        load_scenario("mine", directory=folder)
    assert "id = 'test_case' is not allowed" in str(caught.value)
    assert 'id = "mine"' in str(caught.value)


def test_load_file_outside_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "anything.toml"
    path.write_text(with_parameters("uk.consultation = 0.5"))
    s = load_file(path)
    assert s.id == "test_case" and s.overrides == {"uk.consultation": 0.5}
    with pytest.raises(ScenarioError, match="no such file"):
        load_file(tmp_path / "missing.toml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 100_000)
    with pytest.raises(ScenarioError, match=r"too large \(100,000 bytes"):
        load_file(big)


# --- headline: what the app's first screen is about ----------------------------------------------


def test_headline_is_optional_read_and_written() -> None:
    assert parse_scenario(VALID, "x.toml").headline is None
    s = parse_scenario(
        with_lesson(
            'headline = { settings = ["uk.consultation", "us.weight_on_allies"], '
            'measure = "nuclear_war" }'
        ),
        "x.toml",
    )
    assert s.headline == Headline(("uk.consultation", "us.weight_on_allies"), "nuclear_war")
    assert s.focus() == (("uk.consultation", "us.weight_on_allies"), "nuclear_war")
    again = parse_scenario(to_toml(s), "again.toml")
    assert again.headline == s.headline
    only = parse_scenario(with_lesson('headline = { settings = ["uk.thor_offer"] }'), "x.toml")
    assert only.headline == Headline(("uk.thor_offer",), "")


def test_focus_without_a_headline_comes_from_parameters_and_expect() -> None:
    s = parse_scenario(
        with_lesson(
            'expect = [{ measure = "pledge", direction = "none" }, '
            '{ measure = "secret_jupiters", direction = "up" }]'
        )
        + 'us.widen_to_tankers = true\nus.tankers_time = "1962-10-25 12:00"\n'
        "us.weight_on_allies = 0.5\n",
        "x.toml",
    )
    # The first two overrides in schema order (not file order); the first measure that claims
    # a change ("none" claims none).
    assert s.focus()[0] == ("us.weight_on_allies", "us.widen_to_tankers")
    assert s.focus()[1] == "secret_jupiters"
    assert parse_scenario(VALID, "x.toml").focus() == ((), "any_war")


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_every_shipped_scenario_has_a_first_screen(scenario_id: str) -> None:
    names, measure = load_scenario(scenario_id).focus()
    assert 1 <= len(names) <= 2 and all(n in SPECS for n in names), names
    assert measure in lessons.measures()


@pytest.mark.parametrize(
    ("headline", "words"),
    [
        ('headline = ["uk.consultation"]', "headline = ['uk.consultation'] is not allowed"),
        ("headline = { settings = [] }", "headline settings = [] is not allowed"),
        (
            'headline = { settings = ["uk.consultaton"] }',
            "headline settings: unknown parameter 'uk.consultaton'",
        ),
        (
            'headline = { settings = ["uk.consultation", "uk.consultation"] }',
            "1 to 2 different parameter names",
        ),
        (
            'headline = { settings = ["uk.consultation", "us.hawkishness", "ussr.resolve"] }',
            "1 to 2 different parameter names",
        ),
        (
            'headline = { settings = ["uk.consultation"], measure = "war" }',
            "headline measure = 'war' is not allowed: use one of any_war",
        ),
        ('headline = { settings = ["uk.consultation"], colour = "red" }', "use a table with"),
    ],
)
def test_bad_headlines(headline: str, words: str) -> None:
    message = error_of(with_lesson(headline))
    assert words in message, message
