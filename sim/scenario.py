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
    [parameters]                          # may be empty; names and values as in sim.params
    uk.thor_offer = "public"
    uk.thor_offer_time = "1962-10-26 18:00"   # each time parameter's timezone is in the schema

Every problem is a `ScenarioError` whose message is one line naming the file, the key, the value
and what is allowed, so the CLI and the web app can show it as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn, Protocol

import tomli_w

from sim import sources
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

#: Where the shipped scenarios live; the environment variable CUBA62_SCENARIOS overrides it.
SCENARIO_DIR = Path(
    os.environ.get("CUBA62_SCENARIOS") or Path(__file__).resolve().parent.parent / "scenarios"
)
BASELINE_ID = "baseline"
#: Largest scenario file accepted (uploads included).
MAX_BYTES = 65_536
#: Limits checked before the TOML parser runs (`check_shape`), far above what any scenario needs
#: (shipped files: lines of at most 235 characters, keys of at most 2 parts and 29 characters, one
#: level of brackets, 14 keys) and far below what makes a parser slow, deep or memory-hungry (a
#: 60 KB dotted key took Python's tomllib gigabytes; deep brackets end in RecursionError).
MAX_LINE_CHARS = 4_000
MAX_KEY_CHARS = 100
MAX_KEY_PARTS = 5
MAX_NESTING = 10
MAX_KEYS = 500
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
    "parameters",
)
_TEXT_KEYS = ("title", "question", "historical_basis")
_LIST_KEYS = ("sources", "what_to_notice", "things_to_try")
#: A dotted parameter name mentioned in prose ("try uk.consultation = 0.8").
_PARAMETER_MENTION = re.compile(r"\b(?:us|uk|ussr|world)\.[a-z_]+\b")


class ScenarioError(ValueError):
    """A scenario that cannot be used: the message is one line naming file, key, value and fix."""


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

    def params(self) -> Params:
        """The complete parameter set: defaults with this scenario's overrides."""
        return make_params(self.overrides)


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
    data, size = _read_regular_file(path, origin)
    if size > MAX_BYTES:
        raise ScenarioError(_too_large(origin, size))
    resolved = path.resolve()
    inside = resolved.parent == folder
    return parse_scenario(
        data, origin, path=resolved, expected_id=resolved.stem if inside else None
    )


#: What a path is when it is not a regular file, for the message.
_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _require_regular(mode: int, origin: str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
        raise ScenarioError(f"{origin} is {kind}, not a scenario file: give a regular .toml file")


def _read_regular_file(path: Path, origin: str) -> tuple[bytes, int]:
    """At most MAX_BYTES + 1 bytes of a regular file, and its size. Anything else (a FIFO, a
    device, a socket, a directory) is refused before it is read, so nothing can block or stream
    forever; the open is non-blocking and re-checked, in case the path changed in between."""
    try:
        _require_regular(os.stat(path).st_mode, origin)
        descriptor = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        )
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            _require_regular(info.st_mode, origin)
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{origin} is a directory, not a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"{origin} cannot be read: {error.strerror or error}") from None
    return data, max(info.st_size, len(data))


# --- parsing and validating ---------------------------------------------------------------------


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
        raise ScenarioError(f"{origin} is empty: a scenario needs the keys {', '.join(KEYS)}")
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


_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: Where a basic string ("...", with backslash escapes) may end or escape, and a literal one.
_BASIC_STOP = re.compile(r'["\\\n]')
_MULTILINE_BASIC_STOP = re.compile(r'["\\]')
_LITERAL_STOP = re.compile(r"['\n]")


def check_shape(text: str, origin: str) -> None:
    """Refuse, before any TOML parser sees it, what no scenario needs and what makes parsers slow,
    deep or memory-hungry: lines over MAX_LINE_CHARS characters, keys over MAX_KEY_CHARS
    characters or MAX_KEY_PARTS dotted parts, brackets nested over MAX_NESTING deep, over MAX_KEYS
    keys. One linear pass that knows TOML strings and comments; anything else that is not TOML is
    left for the parser to report."""

    def fail(at: int, problem: str) -> NoReturn:
        raise ScenarioError(f"{origin}: line {text.count(chr(10), 0, at) + 1}: {problem}")

    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ScenarioError(
                f"{origin}: line {number} is too long ({len(line):,} characters; "
                f"the limit is {MAX_LINE_CHARS:,})"
            )

    end = len(text)
    pos = 0
    brackets: list[str] = []  # the open "[" and "{" of values
    expect_key = True
    keys = 0
    while pos < end:
        char = text[pos]
        if char == "\n":
            expect_key = expect_key or not brackets
            pos += 1
        elif char in " \t\r":
            pos += 1
        elif char == "#":
            newline = text.find("\n", pos)
            pos = end if newline < 0 else newline
        elif expect_key:
            if not brackets and char == "[":  # a [table] or [[array of tables]] header
                pos += 2 if text.startswith("[[", pos) else 1
            parts = 0
            while True:  # a key: bare or quoted parts joined by dots
                while pos < end and text[pos] in " \t":
                    pos += 1
                part = pos
                if pos < end and text[pos] in "\"'":
                    pos = _string_end(text, pos)
                    length = pos - part - 2
                else:
                    while pos < end and text[pos] in _BARE_KEY:
                        pos += 1
                    length = pos - part
                    if length == 0:
                        break  # no key here: the value branch or the parser deals with it
                if length > MAX_KEY_CHARS:
                    fail(
                        part,
                        f"a key of {length:,} characters is too long; use 1 to "
                        f"{MAX_KEY_CHARS} characters",
                    )
                parts += 1
                if parts > MAX_KEY_PARTS:
                    fail(
                        part,
                        f"a key with more than {MAX_KEY_PARTS} dotted parts; use 1 to "
                        f"{MAX_KEY_PARTS} parts, e.g. uk.thor_offer",
                    )
                while pos < end and text[pos] in " \t":
                    pos += 1
                if not text.startswith(".", pos):
                    break
                pos += 1
            if parts:
                keys += 1
                if keys > MAX_KEYS:
                    fail(pos, f"more than {MAX_KEYS} keys; a scenario has at most {MAX_KEYS}")
            expect_key = False
        elif char in "\"'":
            pos = _string_end(text, pos)
        elif char in "[{":
            brackets.append(char)
            if len(brackets) > MAX_NESTING:
                fail(
                    pos,
                    f"brackets nested more than {MAX_NESTING} deep; use at most "
                    f"{MAX_NESTING} levels of [ ] and {{ }}",
                )
            expect_key = char == "{"
            pos += 1
        elif char in "]}":
            if brackets:
                brackets.pop()
            pos += 1
        else:
            if char == ",":
                expect_key = brackets[-1:] == ["{"]
            pos += 1


def _string_end(text: str, pos: int) -> int:
    """Where the TOML string starting at `pos` ends (just after its closing quotes); at the line
    end or the text end if it is not closed (the parser reports that)."""
    quote = text[pos]
    if text.startswith(quote * 3, pos):
        if quote == "'":
            close = text.find("'''", pos + 3)
        else:
            close, at = -1, pos + 3
            while (stop := _MULTILINE_BASIC_STOP.search(text, at)) is not None:
                if stop.group() == "\\":
                    at = stop.end() + 1
                elif text.startswith('"""', stop.start()):
                    close = stop.start()
                    break
                else:
                    at = stop.end()
        if close < 0:
            return len(text)
        after = close + 3
        while after < len(text) and after < close + 5 and text[after] == quote:
            after += 1  # up to two quotes just before the closing three belong to the string
        return after
    pattern = _LITERAL_STOP if quote == "'" else _BASIC_STOP
    at = pos + 1
    while (stop := pattern.search(text, at)) is not None:
        if stop.group() == "\\":
            at = stop.end() + 1
        elif stop.group() == "\n":
            return stop.start()
        else:
            return stop.end()
    return len(text)


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
        if key not in data:
            hint = " (an empty [parameters] table is fine)" if key == "parameters" else ""
            raise ScenarioError(
                f"{origin}: missing key '{key}'{hint}; every scenario has {', '.join(KEYS)}"
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
    _check_sources(lists["sources"], texts["historical_basis"], origin)
    _check_mentions({**texts, **{k: "\n".join(v) for k, v in lists.items()}}, origin)

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


def _check_sources(keys: tuple[str, ...], basis: str, origin: str) -> None:
    for key in keys:
        try:
            sources.resolve(key)
        except sources.SourceError as error:
            raise ScenarioError(f"{origin}: sources: {error}") from None
    for citation in sources.citations_in_brackets(basis):
        try:
            sources.resolve(citation)
        except sources.SourceError as error:
            raise ScenarioError(f"{origin}: historical_basis cites {error}") from None


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
    lines = [tomli_w.dumps(head, multiline_strings=True).rstrip("\n"), "", "[parameters]"]
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
    parse_scenario(text, f"to_toml({scenario.id!r})")
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
