"""Scenario files: load, validate and write the TOML files in `scenarios/`.

A scenario is data, not code. Every file has the same top-level keys, the NetLogo-style sections a
teacher reads beside the charts, and the parameter settings that make it a counterfactual:

    id = "thor_immobilisation"
    title = "Britain offers its Thors"
    question = "What if Britain had publicly offered to switch off its 60 Thor missiles?"
    historical_basis = \"\"\"... with [KEY] citations (keys: sim.sources) ...\"\"\"
    sources = ["S:46", "UPI93", "Emily-W"]
    what_to_notice = ["..."]
    things_to_try = ["..."]
    discussion = ["...?", "...?"]         # optional, 2–5 debrief questions ≤ 300 characters each
    lesson = "... [KEY] ..."              # optional, ≤ 600 characters (see sim.lessons)
    expect = [{ measure = "thor_immobilisation", direction = "up" }]   # optional: its checks
    headline = { settings = ["uk.thor_offer"] }   # optional: the app's first screen (sim.lessons)
    [parameters]                          # may be empty; names and values as in sim.params
    uk.thor_offer = "public"
    uk.thor_offer_time = "1962-10-26 18:00"   # each time parameter's timezone is in the schema

Every problem is a `ScenarioError` whose message is one line naming the file, the key, the value
and what is allowed, so the CLI and the web app can show it as it is. (Over 450 lines: reading,
validating and writing a scenario file stay together, so a new key changes one module.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import tomli_w

from sim import lessons, sources
from sim.lessons import Expectation, Headline
from sim.params import (
    SCHEMA,
    SPECS,
    ParameterError,
    Params,
    Value,
    coerce,
    format_value,
    make_params,
    unknown_name_message,
)
from sim.scenario_file import MAX_BYTES as MAX_BYTES
from sim.scenario_file import MAX_KEY_CHARS as MAX_KEY_CHARS
from sim.scenario_file import MAX_KEY_PARTS as MAX_KEY_PARTS
from sim.scenario_file import MAX_KEYS as MAX_KEYS
from sim.scenario_file import MAX_LINE_CHARS as MAX_LINE_CHARS
from sim.scenario_file import MAX_NESTING as MAX_NESTING
from sim.scenario_file import ScenarioError as ScenarioError
from sim.scenario_file import check_shape as check_shape
from sim.scenario_file import read_regular_file

#: Where the shipped scenarios live; the environment variable CUBA62_SCENARIOS overrides it.
SCENARIO_DIR = Path(
    os.environ.get("CUBA62_SCENARIOS") or Path(__file__).resolve().parent.parent / "scenarios"
)
BASELINE_ID = "baseline"
ID_PATTERN = re.compile(r"[a-z0-9_]{1,64}")
#: The top-level keys, in the order files are written.
KEYS: tuple[str, ...] = (
    "id",
    "title",
    "question",
    "historical_basis",
    "sources",
    "what_to_notice",
    "things_to_try",
    "discussion",
    "lesson",
    "expect",
    "headline",
    "parameters",
)
#: Keys a file may leave out (a user's own what-if need not state a lesson).
OPTIONAL_KEYS: tuple[str, ...] = ("discussion", "lesson", "expect", "headline")
REQUIRED_KEYS: tuple[str, ...] = tuple(k for k in KEYS if k not in OPTIONAL_KEYS)
_TEXT_KEYS = ("title", "question", "historical_basis")
_LIST_KEYS = ("sources", "what_to_notice", "things_to_try")
#: A dotted parameter name mentioned in prose ("try uk.consultation = 0.8").
_PARAMETER_MENTION = re.compile(r"\b(?:us|uk|ussr|world)\.[a-z_]+\b")


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One validated scenario. `overrides` holds coerced values (schema order); `path` is None for
    text that did not come from a file (an upload)."""

    id: str
    title: str
    question: str
    historical_basis: str
    sources: tuple[str, ...]
    what_to_notice: tuple[str, ...]
    things_to_try: tuple[str, ...]
    overrides: dict[str, Value]
    path: Path | None = None
    lesson: str = ""
    expect: tuple[Expectation, ...] = ()
    headline: Headline | None = None
    discussion: tuple[str, ...] = ()

    def params(self) -> Params:
        """The complete parameter set: defaults with this scenario's overrides."""
        return make_params(self.overrides)

    def focus(self) -> tuple[tuple[str, ...], str]:
        """(settings, measure) of the app's first screen (see `sim.lessons.focus_settings`)."""
        settings = lessons.focus_settings(self.headline, list(self.overrides))
        return settings, lessons.focus_measure(self.headline, self.expect)


class ScenarioLike(Protocol):
    """What `to_toml` needs: a `Scenario`, or anything else with these attributes."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def historical_basis(self) -> str: ...
    @property
    def sources(self) -> Sequence[str]: ...
    @property
    def what_to_notice(self) -> Sequence[str]: ...
    @property
    def things_to_try(self) -> Sequence[str]: ...
    @property
    def overrides(self) -> Mapping[str, Value]: ...
    @property
    def lesson(self) -> str: ...
    @property
    def expect(self) -> Sequence[Expectation]: ...


# --- finding scenarios --------------------------------------------------------------------------


def _directory(directory: Path | None) -> Path:
    return (directory if directory is not None else SCENARIO_DIR).resolve()


def scenario_ids(directory: Path | None = None) -> list[str]:
    """Ids of the scenario files in the directory: baseline first, then alphabetical."""
    folder = _directory(directory)
    ids = [p.stem for p in folder.glob("*.toml") if ID_PATTERN.fullmatch(p.stem)]
    return sorted(ids, key=lambda i: (i != BASELINE_ID, i))


def list_scenarios(directory: Path | None = None) -> list[Scenario]:
    """Every scenario in the directory, validated: baseline first, then by id."""
    folder = _directory(directory)
    return [load_scenario(i, directory=folder) for i in scenario_ids(folder)]


def load_scenario(id_or_path: str, directory: Path | None = None) -> Scenario:
    """A shipped scenario by id ("thor_immobilisation"). Paths are refused: use `load_file`."""
    folder = _directory(directory)
    ids = scenario_ids(folder)
    name = id_or_path.strip()
    path = folder / f"{name}.toml"
    if (
        not ID_PATTERN.fullmatch(name)
        or "/" in id_or_path
        or ".." in id_or_path
        or not path.resolve().is_relative_to(folder)
    ):
        raise ScenarioError(
            f"scenario id {_show(id_or_path)} is not allowed: use one of: {', '.join(ids)}"
        )
    if not path.is_file():
        message = unknown_name_message(name, ids, "scenario")
        if "did you mean" not in message:
            message += f"; use one of: {', '.join(ids)}"
        raise ScenarioError(message)
    return load_file(path, directory=folder)


def load_file(path: Path, directory: Path | None = None) -> Scenario:
    """A scenario file anywhere (a user's file, `cuba62 validate FILE`). A file inside the
    scenario directory must have an `id` equal to its name."""
    path = Path(path)
    folder = _directory(directory)
    origin = _display(path, folder)
    data, size = read_regular_file(path, origin)
    if size > MAX_BYTES:
        raise ScenarioError(_too_large(origin, size))
    resolved = path.resolve()
    inside = resolved.parent == folder
    return parse_scenario(
        data, origin, path=resolved, expected_id=resolved.stem if inside else None
    )


def parse_scenario(
    text: bytes | str, origin: str, *, path: Path | None = None, expected_id: str | None = None
) -> Scenario:
    """Validate scenario TOML (bytes must be UTF-8). `origin` names it in error messages (a file
    name, or "upload 'x.toml'"); `expected_id`, if given, is the id the file must declare."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ScenarioError(_too_large(origin, len(text)))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ScenarioError(
                f"{origin} is not UTF-8 text (byte {error.start + 1} cannot be read); "
                "save it as UTF-8 and try again"
            ) from None
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise ScenarioError(_too_large(origin, size))
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write
    if not text.strip():
        raise ScenarioError(
            f"{origin} is empty: a scenario needs the keys {', '.join(REQUIRED_KEYS)}"
        )
    check_shape(text, origin)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{origin} is not valid TOML: {_one_line(str(error))}") from None
    except (RecursionError, MemoryError):
        raise ScenarioError(
            f"{origin} is too deeply nested or too large to read: use at most {MAX_NESTING} "
            f"levels of brackets and keys of at most {MAX_KEY_PARTS} dotted parts"
        ) from None
    except Exception as error:  # any other parser failure is still about the file: one line
        raise ScenarioError(f"{origin} is not valid TOML: {_one_line(str(error))[:200]}") from None
    return _validate(data, origin, path, expected_id)


def _validate(
    data: dict[str, object], origin: str, path: Path | None, expected_id: str | None
) -> Scenario:
    for key in data:
        if key not in KEYS:
            message = unknown_name_message(key, list(KEYS), "key")
            if "did you mean" not in message:
                message += f"; the keys are {', '.join(KEYS)}"
            raise ScenarioError(f"{origin}: {message}")
    for key in KEYS:
        if key not in data and key not in OPTIONAL_KEYS:
            hint = " (an empty [parameters] table is fine)" if key == "parameters" else ""
            raise ScenarioError(
                f"{origin}: missing key '{key}'{hint}; every scenario has "
                f"{', '.join(REQUIRED_KEYS)}"
            )

    scenario_id = data["id"]
    if not isinstance(scenario_id, str) or not ID_PATTERN.fullmatch(scenario_id):
        raise ScenarioError(
            f"{origin}: id = {_show(scenario_id)} is not allowed: use 1 to 64 lower-case letters, "
            "digits or '_', e.g. id = \"thor_immobilisation\""
        )
    if expected_id is not None and scenario_id != expected_id:
        raise ScenarioError(
            f"{origin}: id = {_show(scenario_id)} is not allowed: a file in the scenario folder "
            f'must use its file name, id = "{expected_id}"'
        )
    texts = {key: _text(data[key], key, origin) for key in _TEXT_KEYS}
    if "\n" in texts["title"]:
        raise ScenarioError(f"{origin}: title = {_show(texts['title'])} must be one line")
    lists = {key: _strings(data[key], key, origin) for key in _LIST_KEYS}
    try:
        lesson = lessons.parse_lesson(data.get("lesson", ""))
        expect = lessons.parse_expectations(data.get("expect", []))
        headline = lessons.parse_headline(data["headline"]) if "headline" in data else None
        discussion = lessons.parse_discussion(data["discussion"]) if "discussion" in data else ()
    except lessons.LessonError as error:
        raise ScenarioError(f"{origin}: {error}") from None
    _check_sources(lists["sources"], texts["historical_basis"], origin)
    _check_citations("lesson", lesson, origin)
    _check_citations("discussion", "\n".join(discussion), origin)
    _check_mentions(
        {
            **texts,
            "lesson": lesson,
            "discussion": "\n".join(discussion),
            **{k: "\n".join(v) for k, v in lists.items()},
        },
        origin,
    )

    table = data["parameters"]
    if not isinstance(table, dict):
        raise ScenarioError(
            f"{origin}: parameters = {_show(table)} is not allowed: use a [parameters] table"
        )
    raw = _flatten(table, "", origin)
    overrides: dict[str, Value] = {}
    try:
        for name, value in raw.items():
            overrides[name] = coerce(name, _toml_value(name, value))
        make_params(overrides)
    except ParameterError as error:
        raise ScenarioError(f"{origin}: [parameters] {error}") from None
    ordered = {s.name: overrides[s.name] for s in SCHEMA if s.name in overrides}
    return Scenario(
        id=scenario_id,
        title=texts["title"],
        question=texts["question"],
        historical_basis=texts["historical_basis"],
        sources=lists["sources"],
        what_to_notice=lists["what_to_notice"],
        things_to_try=lists["things_to_try"],
        overrides=ordered,
        path=path,
        lesson=lesson,
        expect=expect,
        headline=headline,
        discussion=discussion,
    )


def _text(value: object, key: str, origin: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(
            f"{origin}: {key} = {_show(value)} is not allowed: use a non-empty string "
            f'in quotes, e.g. {key} = "..."'
        )
    return value.strip()


def _strings(value: object, key: str, origin: str) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise ScenarioError(
            f"{origin}: {key} = {_show(value)} is not allowed: use a list of one or more "
            f'non-empty strings, e.g. {key} = ["...", "..."]'
        )
    return tuple(str(item).strip() for item in value)


def _check_citations(key: str, text: str, origin: str) -> None:
    for citation in sources.citations_in_brackets(text):
        try:
            sources.resolve(citation)
        except sources.SourceError as error:
            raise ScenarioError(f"{origin}: {key} cites {error}") from None


def _check_sources(keys: tuple[str, ...], basis: str, origin: str) -> None:
    for key in keys:
        try:
            sources.resolve(key)
        except sources.SourceError as error:
            raise ScenarioError(f"{origin}: sources: {error}") from None
    _check_citations("historical_basis", basis, origin)


def _check_mentions(texts: Mapping[str, str], origin: str) -> None:
    """Parameter names mentioned in the prose must exist (they are what a student types)."""
    for key, text in texts.items():
        for name in _PARAMETER_MENTION.findall(text):
            if name not in SPECS:
                shown = name if len(name) <= 60 else name[:59] + "…"
                message = unknown_name_message(shown, SPECS, "parameter")
                raise ScenarioError(f"{origin}: {key} mentions an {message}")


def _flatten(table: Mapping[str, object], prefix: str, origin: str) -> dict[str, object]:
    """`uk.thor_offer = x` (nested tables) and `"uk.thor_offer" = x` both give "uk.thor_offer"."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        pairs: list[tuple[str, object]] = (
            list(_flatten(value, f"{name}.", origin).items())
            if isinstance(value, dict)
            else [(name, value)]
        )
        for full, leaf in pairs:
            if full in flat:
                raise ScenarioError(f"{origin}: [parameters] {full} is set twice")
            flat[full] = leaf
    return flat


def _toml_value(name: str, value: object) -> object:
    """TOML date-times are local times in the parameter's timezone: no offsets, no bare times."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            zone = SPECS[name].timezone if name in SPECS else "local"
            raise ParameterError(
                f"{name} = {value.isoformat()} is not allowed: write a local {zone} time without "
                f'an offset, e.g. {name} = "1962-10-27 18:00"'
            )
        return format_value(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


# --- writing ------------------------------------------------------------------------------------


def to_toml(scenario: ScenarioLike) -> str:
    """A scenario file for `scenario` (e.g. the app's "download current settings").

    Parameters are written as quoted dotted keys in schema order; date-times as "YYYY-MM-DD HH:MM"
    with their timezone in a comment. The result is checked: `parse_scenario(to_toml(s), ...)`
    gives the same overrides, or this raises `ScenarioError`.
    """
    head = {
        "id": scenario.id,
        "title": scenario.title,
        "question": scenario.question,
        "historical_basis": scenario.historical_basis,
        "sources": list(scenario.sources),
        "what_to_notice": list(scenario.what_to_notice),
        "things_to_try": list(scenario.things_to_try),
    }
    discussion = tuple(getattr(scenario, "discussion", ()))
    if discussion:
        head["discussion"] = list(discussion)
    if scenario.lesson:
        head["lesson"] = scenario.lesson
    lines = [tomli_w.dumps(head, multiline_strings=True).rstrip("\n")]
    headline = lessons.headline_toml(getattr(scenario, "headline", None))
    lines += [*lessons.expect_toml(scenario.expect), *headline, "", "[parameters]"]
    unknown = [name for name in scenario.overrides if name not in SPECS]
    if unknown:
        message = unknown_name_message(unknown[0], SPECS, "parameter")
        raise ScenarioError(f"to_toml({scenario.id!r}): [parameters] {message}")
    for spec in SCHEMA:
        if spec.name not in scenario.overrides:
            continue
        value = scenario.overrides[spec.name]
        written: object = format_value(value) if isinstance(value, dt.datetime) else value
        line = tomli_w.dumps({spec.name: written}).rstrip("\n")
        note = f" ({spec.timezone} time)" if spec.kind == "datetime" else ""
        lines.append(f"{line}  # {spec.label}{note}")
    text = "\n".join(lines) + "\n"
    back = parse_scenario(text, f"to_toml({scenario.id!r})")
    if (back.lesson, back.expect, back.headline, back.discussion) != (
        scenario.lesson.strip(),
        tuple(scenario.expect),
        getattr(scenario, "headline", None),
        lessons.parse_discussion(list(discussion)) if discussion else (),
    ):
        raise ScenarioError(
            f"to_toml({scenario.id!r}): lesson, expect, headline or discussion was lost"
        )
    return text


# --- small helpers ------------------------------------------------------------------------------


def _show(value: object, limit: int = 60) -> str:
    """A value as the user wrote it, shortened, on one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _too_large(origin: str, size: int) -> str:
    return f"{origin} is too large ({size:,} bytes; the limit is {MAX_BYTES:,})"


def _display(path: Path, folder: Path) -> str:
    """'scenarios/x.toml' for a shipped file, else the path as given."""
    try:
        return str(path.resolve().relative_to(folder.parent))
    except ValueError:
        return str(path)
