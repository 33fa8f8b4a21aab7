"""A scenario's lesson and the checkable claims behind it (the `lesson` and `expect` keys).

A what-if that changes no outcome may still teach something — Washington "saw no advantage" in
the Thor offer [S:48] — so each shipped scenario says in words what it teaches (`lesson`, at most
`LESSON_MAX_CHARS` characters, with [KEY] citations as in `historical_basis`), and states what the
model must show for that lesson to hold (`expect`). tests/test_lessons.py plays every shipped
scenario against the baseline on the same histories and checks every `expect` entry, so a change
to the engine that contradicts a lesson fails a test instead of passing silently.

    lesson = "... [S:48] ..."
    expect = [
        { measure = "thor_immobilisation", direction = "up" },
        { measure = "any_war", direction = "none" },
    ]

`measure`: "any_war" (any fighting: air strike, invasion, Berlin clash or nuclear use), an outcome
id, or a concession id (the share of all histories whose deal contains it). `direction`, for the
paired difference scenario minus baseline (`sim.summary.direction_met` decides):

- "up" / "down": its 95% interval lies wholly above / below 0;
- "none": no practical change: the point estimate is within ±0.5 points or the interval
  includes 0 (`sim.summary.PRACTICAL`);
- "most_common": the measure, an outcome id, is the scenario's most common outcome (the only
  check that makes sense for the baseline itself).

`headline` (optional) names what the app's first screen is about: the one or two settings a
student moves there, and the measure (as in `expect`) its chart and the scenario picker show:

    headline = { settings = ["uk.consultation", "us.weight_on_allies"], measure = "any_war" }

Without it (or without its `measure`), `focus_settings` and `focus_measure` derive both from the
scenario's `[parameters]` and `expect`.

`discussion` (optional) holds 2 to `DISCUSSION_MAX` debrief questions for the class, each at most
`DISCUSSION_MAX_CHARS` characters (any historical claim in one cites a [KEY], as the lesson does):
the printable guide (`sim.guide`) and the class's debrief screen ask them.

    discussion = ["Why might Washington have seen no advantage in the Thor offer [S:48]?", "..."]

This module only validates; it imports no engine code so that reading a scenario stays cheap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import tomli_w

from sim.outcomes import OUTCOMES
from sim.params import SPECS, unknown_name_message
from sim.world import CONCESSIONS

#: Longest `lesson` accepted: a few sentences a teacher reads beside the results.
LESSON_MAX_CHARS = 600
#: The measure for any fighting, besides outcome and concession ids.
ANY_WAR = "any_war"
#: Allowed `expect` directions (see the module docstring).
DIRECTIONS: tuple[str, ...] = ("up", "down", "none", "most_common")
_EXAMPLE = 'e.g. expect = [{ measure = "any_war", direction = "up" }]'
#: At most this many headline settings: a first screen holds one or two, not a control panel.
HEADLINE_SETTINGS_MAX = 2
_HEADLINE_EXAMPLE = 'e.g. headline = { settings = ["uk.consultation"], measure = "any_war" }'
#: A debrief holds a few questions a class can discuss in the time left, each short enough to
#: read aloud or print in a box.
DISCUSSION_MIN = 2
DISCUSSION_MAX = 5
DISCUSSION_MAX_CHARS = 300


class LessonError(ValueError):
    """A bad `lesson` or `expect` value: one line naming the key, the value and what is allowed
    (`sim.scenario` adds the file name)."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One checkable claim of a scenario's lesson: `measure` moves in `direction` against the
    baseline (or, for "most_common", is the scenario's most common outcome)."""

    measure: str
    direction: str


@dataclasses.dataclass(frozen=True)
class Headline:
    """The settings a student moves first and the measure to watch (`measure` "" = derived)."""

    settings: tuple[str, ...]
    measure: str = ""


def measures() -> tuple[str, ...]:
    """What an expectation may measure: any_war, every outcome id, every concession id (read
    from the engine, so a renamed concession is picked up here)."""
    return (ANY_WAR, *OUTCOMES, *CONCESSIONS)


def parse_lesson(value: object) -> str:
    """The `lesson` text, stripped; "" when absent."""
    limit = f"a string in quotes of at most {LESSON_MAX_CHARS} characters"
    if not isinstance(value, str):
        raise LessonError(
            f'lesson = {_show(value)} is not allowed: use {limit}, e.g. lesson = "..."'
        )
    text = value.strip()
    if len(text) > LESSON_MAX_CHARS:
        raise LessonError(
            f"lesson = {_show(text)} is not allowed: it has {len(text):,} characters; use {limit}"
        )
    return text


def parse_discussion(value: object) -> tuple[str, ...]:
    """The `discussion` questions, stripped: a list of `DISCUSSION_MIN` to `DISCUSSION_MAX`
    non-empty strings of at most `DISCUSSION_MAX_CHARS` characters each."""
    allowed = (
        f"use a list of {DISCUSSION_MIN} to {DISCUSSION_MAX} questions in quotes, each at most "
        f'{DISCUSSION_MAX_CHARS} characters, e.g. discussion = ["Why ...?", "What if ...?"]'
    )
    if (
        not isinstance(value, list)
        or not DISCUSSION_MIN <= len(value) <= DISCUSSION_MAX
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise LessonError(f"discussion = {_show(value)} is not allowed: {allowed}")
    questions = tuple(" ".join(str(item).split()) for item in value)
    for number, text in enumerate(questions, 1):
        if len(text) > DISCUSSION_MAX_CHARS:
            raise LessonError(
                f"discussion question {number} = {_show(text)} is not allowed: it has "
                f"{len(text):,} characters; {allowed}"
            )
    return questions


def parse_expectations(value: object) -> tuple[Expectation, ...]:
    """The `expect` list, each entry checked against `measures()` and `DIRECTIONS`."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise LessonError(
            f"expect = {_show(value)} is not allowed: use a list of tables with a measure and a "
            f"direction, {_EXAMPLE}"
        )
    found: list[Expectation] = []
    for item in value:
        if set(item) != {"measure", "direction"}:
            raise LessonError(
                f"expect entry {_show(item)} is not allowed: give exactly a measure and a "
                f"direction, {_EXAMPLE}"
            )
        measure, direction = item["measure"], item["direction"]
        if not isinstance(measure, str) or measure not in measures():
            raise LessonError(
                f"expect measure = {_show(measure)} is not allowed: use one of "
                f"{', '.join(measures())}"
            )
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise LessonError(
                f"expect direction = {_show(direction)} is not allowed: use one of "
                f"{', '.join(DIRECTIONS)}"
            )
        if direction == "most_common" and measure not in OUTCOMES:
            raise LessonError(
                f'expect measure = {_show(measure)} is not allowed with direction "most_common": '
                f"use an outcome id ({', '.join(OUTCOMES)})"
            )
        found.append(Expectation(measure, direction))
    return tuple(found)


def parse_headline(value: object) -> Headline:
    """The `headline` table: 1 to `HEADLINE_SETTINGS_MAX` parameter names, an optional measure."""
    if not isinstance(value, dict) or not set(value) <= {"settings", "measure"}:
        raise LessonError(
            f"headline = {_show(value)} is not allowed: use a table with settings (and optionally "
            f"a measure), {_HEADLINE_EXAMPLE}"
        )
    names, measure = value.get("settings"), value.get("measure", "")
    for name in names if isinstance(names, list) else []:
        if isinstance(name, str) and name not in SPECS:
            shown = name if len(name) <= 60 else name[:59] + "…"
            raise LessonError(
                f"headline settings: {unknown_name_message(shown, SPECS, 'parameter')}"
            )
    if (
        not isinstance(names, list)
        or not 1 <= len(names) <= HEADLINE_SETTINGS_MAX
        or not all(isinstance(n, str) and n in SPECS for n in names)
        or len(set(names)) != len(names)
    ):
        raise LessonError(
            f"headline settings = {_show(names)} is not allowed: use a list of 1 to "
            f"{HEADLINE_SETTINGS_MAX} different parameter names (see `cuba62 params`), "
            f"{_HEADLINE_EXAMPLE}"
        )
    if not isinstance(measure, str) or measure not in ("", *measures()):
        raise LessonError(
            f"headline measure = {_show(measure)} is not allowed: use one of "
            f"{', '.join(measures())}"
        )
    return Headline(tuple(names), measure)


def focus_settings(headline: Headline | None, overrides: Sequence[str]) -> tuple[str, ...]:
    """The settings a first screen offers: the headline's, else the scenario's first overrides
    (schema order), at most `HEADLINE_SETTINGS_MAX`; () for a scenario with neither."""
    if headline is not None:
        return headline.settings
    return tuple(overrides)[:HEADLINE_SETTINGS_MAX]


def focus_measure(headline: Headline | None, expect: Sequence[Expectation]) -> str:
    """The measure a first screen charts: the headline's, else the first `expect` entry that
    claims a change ("up"/"down"), else any fighting."""
    if headline is not None and headline.measure:
        return headline.measure
    moving = [e.measure for e in expect if e.direction in ("up", "down")]
    return moving[0] if moving else ANY_WAR


def headline_toml(headline: Headline | None) -> list[str]:
    """The `headline` key as one TOML line (nothing when absent)."""
    if headline is None:
        return []
    table: dict[str, object] = {"settings": list(headline.settings)}
    if headline.measure:
        table["measure"] = headline.measure
    inner = ", ".join(
        f"{k} = {tomli_w.dumps({'x': v}).removeprefix('x = ').rstrip()}" for k, v in table.items()
    )
    return [f"headline = {{ {inner} }}"]


def expect_toml(expect: Sequence[Expectation]) -> list[str]:
    """The `expect` key as TOML lines: one inline table per line, as the shipped files write it
    (nothing when empty)."""
    if not expect:
        return []

    def quoted(text: str) -> str:
        return tomli_w.dumps({"x": text}).removeprefix("x = ").rstrip("\n")

    entries = [
        f"    {{ measure = {quoted(e.measure)}, direction = {quoted(e.direction)} }},"
        for e in expect
    ]
    return ["expect = [", *entries, "]"]


def _show(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
